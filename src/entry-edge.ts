// simdnet for edge runtimes that refuse to compile WebAssembly from bytes (the package's `workerd` and `edge-light`
// conditions: Cloudflare Workers, Vercel Edge). Their bundlers (wrangler, Next.js) turn the `.wasm?module` import
// into a precompiled WebAssembly.Module, which init() with no options instantiates. Same API as index.ts.
import kernels from './kernels.wasm?module';
import { init as initWith, type InitOptions } from './backend/module.js';

export * from './api.js';

/** Instantiates the kernels: the given module or bytes, else the precompiled kernels.wasm the bundler provided. One thread. */
export async function init(options: InitOptions = {}): Promise<void> {
  return initWith(options, { kernels: async () => kernels });
}
