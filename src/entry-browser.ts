// simdnet for browsers and web workers (the package's `browser` condition): the same API as index.ts, but init()
// with no options fetches kernels.wasm (kernels-threads.wasm in cross-origin-isolated pages) from beside this file
// instead of carrying it as base64 (half the bytes). Bundlers that follow new URL('./kernels.wasm', import.meta.url)
// (Vite, webpack 5, Parcel) copy the files; with others, serve simdnet/kernels.wasm and kernels-threads.wasm (with
// relaxed: true, kernels.relaxed.wasm and kernels-relaxed-threads.wasm) next to the bundle or call init({ module | bytes }).
import type { InitOptions } from './backend/module.js';
import { initKernels } from './backend/init-kernels.js';

export * from './api.js';

async function fetchKernels(url: URL): Promise<InitOptions> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`simdnet: fetching ${url.href} failed (HTTP ${res.status}); serve it beside simdnet's JavaScript or call init({ module | bytes })`);
  // compileStreaming exists wherever SIMD does (Chrome 91, Firefox 89, Safari 16.4, Node 18); it needs the wasm MIME type.
  return { module: await (res.headers.get('content-type')?.split(';')[0].trim() === 'application/wasm'
    ? WebAssembly.compileStreaming(res) : WebAssembly.compile(await res.arrayBuffer())) };
}

/**
 * Instantiates the kernels: the given module or bytes, else kernels.wasm fetched from beside this file; in a
 * cross-origin-isolated page or worker (shared memory) kernels-threads.wasm instead, on init({ threads }) threads
 * ('auto', the default: one per core; threads.ts, loaded then, starts Web Workers), elsewhere one thread with the same
 * bits; with { relaxed: true } kernels.relaxed.wasm (kernels-relaxed-threads.wasm on threads) where the engine
 * validates relaxed SIMD.
 */
export async function init(options?: InitOptions): Promise<void> {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return initKernels(options, {
    standard: (t) => fetchKernels(t !== 1 && isolated ? new URL('./kernels-threads.wasm', import.meta.url) : new URL('./kernels.wasm', import.meta.url)),
    relaxed: (t) => fetchKernels(t !== 1 && isolated ? new URL('./kernels-relaxed-threads.wasm', import.meta.url) : new URL('./kernels.relaxed.wasm', import.meta.url)),
  });
}

export { threadCount, releaseThreads } from './backend/thread-count.js';
