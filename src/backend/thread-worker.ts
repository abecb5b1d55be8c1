// The code a kernel worker thread runs, as source text (Node: started with `eval`; browsers: a Blob URL; so no file to
// locate or bundle): it instantiates the threaded module over the shared memory, then claims chunks from the command block.

/**
 * The command block (BLOCK_BYTES of shared memory), int32 words: 0 the call word, call sequence (16 bits) · chunk count
 * (8 bits), stored last when a call is published; 1 the function's index in the names list; 2 arguments per chunk;
 * 3 threads the chunks were cut for; 4 workers asleep; 5 stop; 6 µs a worker polls before it sleeps; 16 chunks done;
 * 17 set while the caller sleeps; 18 set when a chunk threw. Words 32 … 32 + MAX_CHUNKS: one claim flag per chunk
 * (0 free, 1 claimed; the caller frees the call's flags before publishing it, the others stay 1), claimed by
 * compare-and-exchange. Float64 arguments from byte ARGS_BYTE, chunk after chunk. Thread t of T first claims the
 * chunks from t·C/T on (the same output block as in the last call of that size, still in its cache), then any left;
 * which thread runs a chunk never changes its bits.
 */
export const MAX_ARGS = 1024;
export const MAX_CHUNKS = 255;
export const FLAGS_WORD = 32;
export const ARGS_BYTE = 4 * (FLAGS_WORD + MAX_CHUNKS + 1);
export const BLOCK_BYTES = ARGS_BYTE + 8 * MAX_ARGS;
/**
 * Microseconds a worker polls the claim word after its last chunk before it sleeps (Atomics.wait), unless tuned (word
 * 6): long enough to catch the next of a training step's split calls when they come back to back, short enough to
 * leave the core to other jobs. With a busy loop on the other core, 2 threads ran the three bench steps at ×0.82–1.27
 * of one thread polling 100 µs, ×1.02–1.43 polling 30 µs (four interleaved A/B runs); with free cores the same within
 * noise (×1.35–1.89 either way).
 */
export const SPIN_US = 30;
/** Milliseconds the calling thread polls for chunks other threads are computing before it sleeps. */
export const WAIT_SPIN_MS = 1;

/** What a kernel worker is given (workerData in Node, the first message in a browser); id: 1 … N − 1. */
export interface WorkerData { memory: WebAssembly.Memory; module: WebAssembly.Module; block: number; names: string[]; id: number }
/** A started kernel worker as the pool sees it (Node's worker_threads Worker, a browser's Worker). */
export interface PoolWorker { terminate(): unknown }
/**
 * Starts n kernel workers over `data` (worker w gets id w + 1), resolved once each is in its claim loop; `broken`
 * hears of one that dies later.
 */
export type SpawnWorkers = (n: number, data: Omit<WorkerData, 'id'>, broken: (why: string) => void) => Promise<PoolWorker[]>;

/**
 * The claim loop every kernel worker runs, as source text shared by the Node and Web preambles below: they put
 * `memory`, `block`, `names`, `id`, the module's `kernels` and `ready()` (tells the pool this worker is in
 * the loop) in scope. It ends when the stop word is set (or the worker is terminated).
 */
const CLAIM_LOOP = `const fns = names.map((n) => kernels[n]);
const i32 = new Int32Array(memory.buffer, block, ${FLAGS_WORD + MAX_CHUNKS + 1});
const f64 = new Float64Array(memory.buffer, block + ${ARGS_BYTE}, ${MAX_ARGS});
const args = [];
let seen = Atomics.load(i32, 0) >>> 16;
ready();
for (;;) {
  let v = Atomics.load(i32, 0);
  for (let k = 0, t0 = performance.now(); v >>> 16 === seen; k++) {
    if ((k & 1023) === 1023 && (performance.now() - t0) * 1000 > Atomics.load(i32, 6)) {
      Atomics.add(i32, 4, 1); Atomics.wait(i32, 0, v); Atomics.sub(i32, 4, 1);
    }
    if (Atomics.load(i32, 5)) break;
    v = Atomics.load(i32, 0);
  }
  if (Atomics.load(i32, 5)) break;
  seen = v >>> 16;
  const chunks = (v >>> 8) & 255, first = Math.floor((id * chunks) / Math.max(1, i32[3]));
  for (let k = 0; k < chunks; k++) {
    const c = (first + k) % chunks;
    if (Atomics.load(i32, ${FLAGS_WORD} + c) !== 0 || Atomics.compareExchange(i32, ${FLAGS_WORD} + c, 0, 1) !== 0) continue;
    const n = i32[2], at = c * n;
    args.length = n;
    for (let j = 0; j < n; j++) args[j] = f64[at + j];
    try { fns[i32[1]](...args); } catch { Atomics.store(i32, 18, 1); }
    // The caller sleeps (17) only once its own chunks are done: wake it after every chunk then (this loop's chunk count
    // may be a finished call's, when it claimed a chunk of the next one).
    Atomics.add(i32, 16, 1);
    if (Atomics.load(i32, 17)) Atomics.notify(i32, 16);
  }
}
`;

/** Node's worker_threads (also Deno's and Bun's): workerData = { memory, module, block, names, id }. */
export const NODE_WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = typeof require === 'function' ? require('node:worker_threads') : process.getBuiltinModule('node:worker_threads');
const { memory, block, names, id } = workerData;
const kernels = new WebAssembly.Instance(workerData.module, { env: { memory } }).exports;
const ready = () => parentPort.postMessage('ready');
${CLAIM_LOOP}`;

/**
 * A browser's Web Worker (a classic script from a Blob URL): the first message is { memory, module, block, names,
 * id }; it answers 'ready', then stays in the claim loop (a worker may block in Atomics.wait) until stopped.
 */
export const WEB_WORKER_SOURCE = `'use strict';
self.onmessage = (e) => {
  self.onmessage = null;
  const { memory, block, names, id } = e.data;
  const kernels = new WebAssembly.Instance(e.data.module, { env: { memory } }).exports;
  const ready = () => self.postMessage('ready');
${CLAIM_LOOP}};
`;
