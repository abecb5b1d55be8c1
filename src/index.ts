// simdnet's main entry (Node, Deno, Bun, bundlers): the public API, and init() that by default compiles the kernel
// module embedded here as base64. Browsers get entry-browser.ts (fetches kernels.wasm), edge runtimes entry-edge.ts.
/**
 * `import { … } from 'simdnet'`: init, tensors and ops, layers, losses, optimizers, models and training, saving and loading, gradient checks and diagnostics.
 * @module simdnet
 */
import { backend, init as initWith, isInitialised, type InitOptions, type KernelSources } from './backend/module.js';
import { releaseWasmBase64 } from './backend/kernels.generated.js';
import { decodeBase64 } from './backend/base64.js';

export * from './api.js';

const embedded: KernelSources = {
  // The threaded module (imported shared memory) and the thread pool are separate files, imported only when used.
  kernels: async (threads) => decodeBase64(threads !== 1 && typeof SharedArrayBuffer === 'function'
    ? (await import('./backend/kernels-threads.generated.js')).threadsWasmBase64 : releaseWasmBase64),
  threaded: async (module, threads) => (WebAssembly.Module.imports(module).some((i) => i.kind === 'memory')
    ? (await import('./backend/threads.js')).startThreads(module, threads ?? 'auto') : undefined),
};

/**
 * Instantiates the kernel module once: init({ module }) a precompiled WebAssembly.Module, init({ bytes }) the raw
 * bytes, init() the bytes embedded in this entry; init({ threads }) a thread count or 'auto' (the default: every core
 * where worker threads exist). Later calls return the same instance; concurrent calls share one.
 */
export async function init(options: InitOptions = {}): Promise<void> {
  return initWith(options, embedded);
}

/** Threads the kernels run on: 1 unless init({ threads }) started more (and releaseThreads() has not ended them). */
export function threadCount(): number {
  return isInitialised() ? backend().threads?.count ?? 1 : 1;
}

/**
 * Ends the worker threads init() started; kernels then run on the calling thread, with the same bits. Workers never
 * keep a process alive, so calling this before exit is not needed.
 */
export async function releaseThreads(): Promise<void> {
  const b = isInitialised() ? backend() : undefined, t = b?.threads;
  if (b) b.threads = undefined;
  await t?.release();
}
