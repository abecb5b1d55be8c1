// simdnet for browsers and web workers (the package's `browser` condition): the same API as index.ts, but init()
// with no options fetches kernels.wasm from beside this file instead of carrying it as base64 (half the bytes).
// Bundlers that follow new URL('./kernels.wasm', import.meta.url) (Vite, webpack 5, Parcel) copy the file; with
// others, serve simdnet/kernels.wasm next to the bundle or call init({ module | bytes }) yourself.
import { simdSupported, type InitOptions } from './backend/module.js';
import { initKernels } from './backend/init-kernels.js';

export * from './api.js';

async function fetchKernels(url: URL): Promise<InitOptions> {
  if (!simdSupported()) return { bytes: new Uint8Array(0) }; // init throws the SIMD message before compiling
  const res = await fetch(url);
  if (!res.ok) throw new Error(`simdnet: fetching ${url.href} failed (HTTP ${res.status}); serve it beside simdnet's JavaScript or call init({ module | bytes })`);
  if (typeof WebAssembly.compileStreaming === 'function' && res.headers.get('content-type')?.split(';')[0].trim() === 'application/wasm') {
    return { module: await WebAssembly.compileStreaming(res) };
  }
  return { module: await WebAssembly.compile(await res.arrayBuffer()) };
}

/**
 * Instantiates the kernels: the given module or bytes, else kernels.wasm fetched from beside this file, or with
 * { relaxed: true } kernels.relaxed.wasm where the engine validates relaxed SIMD. One thread (threads: see index.ts).
 */
export async function init(options?: InitOptions): Promise<void> {
  return initKernels(options, { standard: () => fetchKernels(new URL('./kernels.wasm', import.meta.url)),
    relaxed: () => fetchKernels(new URL('./kernels.relaxed.wasm', import.meta.url)) });
}

/** Threads the kernels run on: always 1 here (threads run in Node, Deno and Bun: the package's main entry). */
export function threadCount(): number { return 1; }

/** Nothing to release here: this entry runs the kernels on the calling thread. */
export async function releaseThreads(): Promise<void> {}
