// The code a kernel worker thread runs, as source text (started with `eval`, so no file to locate or bundle): it
// instantiates the threaded module over the shared memory, then serves calls from its command slot until told to stop.

/**
 * A command slot (SLOT_BYTES in shared memory, one per worker), in int32 words: 0 the call's sequence number (the
 * caller bumps it), 1 the function's index in the names list (−1: stop), 2 the argument count, 3 set while the worker
 * sleeps; 16 the sequence number of the last call done, 17 its status (0 ok, 1 threw); float64 arguments from byte 128.
 */
export const SLOT_BYTES = 512;
export const SLOT_ARGS = 48;
/** Polls of the command word before a worker sleeps (Atomics.wait): about 50–150 µs here. */
export const SPIN = 20000;

/** Node's worker_threads: workerData = { memory, module, slot, names, spin }. */
export const NODE_WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { memory, slot, names, spin } = workerData;
const kernels = new WebAssembly.Instance(workerData.module, { env: { memory } }).exports;
const fns = names.map((n) => kernels[n]);
const i32 = new Int32Array(memory.buffer, slot, 32);
const f64 = new Float64Array(memory.buffer, slot + 128, ${SLOT_ARGS});
parentPort.postMessage('ready');
const args = [];
let seen = 0;
for (;;) {
  let s = Atomics.load(i32, 0);
  for (let k = 0; s === seen; k++) {
    if (k >= spin) { Atomics.store(i32, 3, 1); Atomics.wait(i32, 0, seen); Atomics.store(i32, 3, 0); }
    s = Atomics.load(i32, 0);
  }
  seen = s;
  const fn = i32[1];
  if (fn < 0) { Atomics.store(i32, 16, s); Atomics.notify(i32, 16); break; }
  args.length = i32[2];
  for (let k = 0; k < args.length; k++) args[k] = f64[k];
  let status = 0;
  try { fns[fn](...args); } catch { status = 1; }
  i32[17] = status;
  Atomics.store(i32, 16, s);
  Atomics.notify(i32, 16);
}
`;
