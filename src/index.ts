// simdnet's main entry (Node, Deno, Bun, bundlers): the public API, and init() that by default compiles the kernel
// module embedded here as base64. Browsers get entry-browser.ts (fetches kernels.wasm), edge runtimes entry-edge.ts.
/**
 * `import { … } from 'simdnet'`: init, tensors and ops, layers, losses, optimizers, models and training, saving and loading, gradient checks and diagnostics.
 * @module simdnet
 */
import { init as initWith, type InitOptions, type KernelSources } from './backend/module.js';
import { releaseWasmBase64 } from './backend/kernels.generated.js';
import { decodeBase64 } from './backend/base64.js';

export * from './api.js';

const embedded: KernelSources = {
  kernels: async () => decodeBase64(releaseWasmBase64),
  // The threaded module (imported shared memory) is a separate file, imported only when threads are used.
  threaded: async () => decodeBase64((await import('./backend/kernels-threads.generated.js')).threadsWasmBase64),
};

/**
 * Instantiates the kernel module once: init({ module }) a precompiled WebAssembly.Module, init({ bytes }) the raw
 * bytes, init() the bytes embedded in this entry; init({ threads }) a thread count or 'auto' (the default: every core
 * where worker threads exist). Later calls return the same instance; concurrent calls share one.
 */
export async function init(options: InitOptions = {}): Promise<void> {
  return initWith(options, embedded);
}
