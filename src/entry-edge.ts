// simdnet for edge runtimes that refuse to compile WebAssembly from bytes (the package's `workerd` and `edge-light`
// conditions: Cloudflare Workers, Vercel Edge). Their bundlers (wrangler, Next.js) turn the `.wasm?module` import
// into a precompiled WebAssembly.Module, which init() with no options instantiates. Same API as index.ts.
import kernels from './kernels.wasm?module';
import type { InitOptions } from './backend/module.js';
import { initKernels } from './backend/init-kernels.js';

export * from './api.js';

/**
 * Instantiates the kernels: the given module or bytes, else the precompiled kernels.wasm the bundler provided. This
 * entry carries no relaxed-SIMD build: init({ relaxed: true }) runs the standard one (backendInfo() says so).
 */
export async function init(options?: InitOptions): Promise<void> {
  return initKernels(options, { standard: async () => ({ module: kernels }), relaxed: 'the edge entry carries only the standard module ' +
    '(pass a precompiled kernels.relaxed.wasm as init({ module }) instead)' });
}

/** Threads the kernels run on: always 1 here (threads run in Node, Deno and Bun: the package's main entry). */
export function threadCount(): number { return 1; }

/** Nothing to release here: this entry runs the kernels on the calling thread. */
export async function releaseThreads(): Promise<void> {}
