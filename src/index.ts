// simdnet's main entry (Node, Deno, Bun, bundlers): the public API, and init() that by default compiles the kernel
// module embedded here as base64, on every core where worker threads exist. Browsers get entry-browser.ts (fetches
// kernels.wasm), edge runtimes entry-edge.ts.
/**
 * `import { … } from 'simdnet'`: init, tensors and ops, layers, losses, optimizers, models and training, saving and loading, gradient checks and diagnostics.
 * @module simdnet
 */
import { backendInfo, type EntryKernels, type InitOptions } from './backend/module.js';
import { threadCount } from './backend/thread-count.js';
import { initKernels } from './backend/init-kernels.js';
import { releaseWasmBase64 } from './backend/kernels.generated.js';
import { decodeBase64 } from './backend/base64.js';

export * from './api.js';

// The threaded modules (imported shared memory), the thread pool and the relaxed builds are separate files, imported only when used.
const threaded = (threads: number | 'auto' | undefined) => threads !== 1 && typeof SharedArrayBuffer === 'function';
const embedded: EntryKernels = {
  standard: async (threads) => ({ bytes: decodeBase64(threaded(threads)
    ? (await import('./backend/kernels-threads.generated.js')).threadsWasmBase64 : releaseWasmBase64) }),
  relaxed: async (threads) => ({ bytes: decodeBase64(threaded(threads)
    ? (await import('./backend/kernels-relaxed-threads.generated.js')).relaxedThreadsWasmBase64
    : (await import('./backend/kernels-relaxed.generated.js')).relaxedWasmBase64) }),
};

/**
 * Instantiates the kernel module once: init() the bytes embedded in this entry, on threads (init({ threads }): a count
 * or 'auto', the default: one per physical core where worker threads exist; any count gives the same bits); init({ module }) a
 * precompiled WebAssembly.Module, init({ bytes }) the raw bytes; init({ relaxed: true }) the relaxed-SIMD build
 * (embedded too, loaded only then, on threads as asked; any count gives the relaxed build's one-thread bits) where the
 * engine validates it. Later calls return the same instance; concurrent calls share one. backendInfo() says which
 * build runs, why, and on how many threads.
 */
export async function init(options?: InitOptions): Promise<void> {
  await initKernels(options, embedded);
  const info = backendInfo();
  if (!Object.prototype.hasOwnProperty.call(info, 'threads')) Object.defineProperty(info, 'threads', { get: threadCount, enumerable: true });
}

export { threadCount, releaseThreads } from './backend/thread-count.js';
