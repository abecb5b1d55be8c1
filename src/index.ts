// simdnet's main entry (Node, Deno, Bun, bundlers): the public API, and init() that by default compiles the kernel
// module embedded here as base64. Browsers get entry-browser.ts (fetches kernels.wasm), edge runtimes entry-edge.ts.
/**
 * `import { … } from 'simdnet'`: init, tensors and ops, layers, losses, optimizers, models and training, saving and loading, gradient checks and diagnostics.
 * @module simdnet
 */
import type { InitOptions } from './backend/module.js';
import { initKernels } from './backend/init-kernels.js';
import { releaseWasmBase64 } from './backend/kernels.generated.js';
import { decodeBase64 } from './backend/base64.js';

export * from './api.js';

/**
 * Instantiates the kernel module once: init({ module }) a precompiled WebAssembly.Module, init({ bytes }) the raw
 * bytes, init() the bytes embedded in this entry, init({ relaxed: true }) the relaxed-SIMD build (embedded too, loaded
 * only then) where the engine validates it. Later calls return the same instance; concurrent calls share one.
 * backendInfo() says which build runs and why.
 */
export async function init(options?: InitOptions): Promise<void> {
  return initKernels(options, async () => ({ bytes: decodeBase64(releaseWasmBase64) }),
    async () => ({ bytes: decodeBase64((await import('./backend/kernels-relaxed.generated.js')).relaxedWasmBase64) }));
}
