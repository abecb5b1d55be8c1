// The code a kernel worker thread runs, as source text (Node: started with `eval`; browsers: a Blob URL; so no file to
// locate or bundle): it instantiates the threaded module over the shared memory, then claims chunks from the command block.

/**
 * The command block (BLOCK_BYTES of shared memory), int32 words: 0 the claim word, call sequence (16 bits) · chunk
 * count (8 bits) · next unclaimed chunk (8 bits), claimed by compare-and-exchange; 1 the function's index in the names
 * list; 2 arguments per chunk; 4 workers asleep; 5 stop; 16 chunks done; 17 set while the caller sleeps; 18 set when a
 * chunk threw. Float64 arguments from byte 128, chunk after chunk. Which thread runs a chunk never changes its bits.
 */
export const BLOCK_BYTES = 128 + 8 * 1024;
export const MAX_ARGS = 1024;
export const MAX_CHUNKS = 255;
/**
 * Milliseconds a worker polls the claim word after its last chunk before it sleeps (Atomics.wait): long enough to
 * span the gaps between one training step's kernel calls, short enough to leave the core to others between steps.
 */
export const SPIN_MS = 0.1;
/** Milliseconds the calling thread polls for chunks other threads are computing before it sleeps. */
export const WAIT_SPIN_MS = 1;

/** What a kernel worker is given (workerData in Node, the first message in a browser). */
export interface WorkerData { memory: WebAssembly.Memory; module: WebAssembly.Module; block: number; names: string[]; spinMs: number }
/** A started kernel worker as the pool sees it (Node's worker_threads Worker, a browser's Worker). */
export interface PoolWorker { terminate(): unknown }
/** Starts n kernel workers over `data`, resolved once each is in its claim loop; `broken` hears of one that dies later. */
export type SpawnWorkers = (n: number, data: WorkerData, broken: (why: string) => void) => Promise<PoolWorker[]>;

/**
 * The claim loop every kernel worker runs, as source text shared by the Node and Web preambles below: they put
 * `memory`, `block`, `names`, `spinMs`, the module's `kernels` and `ready()` (tells the pool this worker is in the
 * loop) in scope. It ends when the stop word is set (or the worker is terminated).
 */
const CLAIM_LOOP = `const fns = names.map((n) => kernels[n]);
const i32 = new Int32Array(memory.buffer, block, 32);
const f64 = new Float64Array(memory.buffer, block + 128, ${MAX_ARGS});
const args = [];
let seen = Atomics.load(i32, 0) >>> 16;
ready();
for (;;) {
  let v = Atomics.load(i32, 0);
  for (let k = 0, t0 = performance.now(); v >>> 16 === seen; k++) {
    if ((k & 1023) === 1023 && performance.now() - t0 > spinMs) {
      Atomics.add(i32, 4, 1); Atomics.wait(i32, 0, v); Atomics.sub(i32, 4, 1);
    }
    if (Atomics.load(i32, 5)) break;
    v = Atomics.load(i32, 0);
  }
  if (Atomics.load(i32, 5)) break;
  seen = v >>> 16;
  while (v >>> 16 === seen && (v & 255) < ((v >>> 8) & 255)) {
    const w = Atomics.compareExchange(i32, 0, v, v + 1);
    if (w !== v) { v = w; continue; }
    const chunk = v & 255, chunks = (v >>> 8) & 255, n = i32[2], at = chunk * n;
    args.length = n;
    for (let k = 0; k < n; k++) args[k] = f64[at + k];
    try { fns[i32[1]](...args); } catch { Atomics.store(i32, 18, 1); }
    if (Atomics.add(i32, 16, 1) + 1 === chunks && Atomics.load(i32, 17)) Atomics.notify(i32, 16);
    v = Atomics.load(i32, 0);
  }
}
`;

/** Node's worker_threads (also Deno's and Bun's): workerData = { memory, module, block, names, spinMs }. */
export const NODE_WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = typeof require === 'function' ? require('node:worker_threads') : process.getBuiltinModule('node:worker_threads');
const { memory, block, names, spinMs } = workerData;
const kernels = new WebAssembly.Instance(workerData.module, { env: { memory } }).exports;
const ready = () => parentPort.postMessage('ready');
${CLAIM_LOOP}`;

/**
 * A browser's Web Worker (a classic script from a Blob URL): the first message is { memory, module, block, names,
 * spinMs }; it answers 'ready', then stays in the claim loop (a worker may block in Atomics.wait) until stopped.
 */
export const WEB_WORKER_SOURCE = `'use strict';
self.onmessage = (e) => {
  self.onmessage = null;
  const { memory, block, names, spinMs } = e.data;
  const kernels = new WebAssembly.Instance(e.data.module, { env: { memory } }).exports;
  const ready = () => self.postMessage('ready');
${CLAIM_LOOP}};
`;
