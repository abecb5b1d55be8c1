// simdnet for browsers and web workers (the package's `browser` condition): the same API as index.ts, but init()
// with no options fetches kernels.wasm from beside this file instead of carrying it as base64 (half the bytes).
// Bundlers that follow new URL('./kernels.wasm', import.meta.url) (Vite, webpack 5, Parcel) copy the file; with
// others, serve simdnet/kernels.wasm next to the bundle or call init({ module | bytes }) yourself.
import { init as initWith, type InitOptions } from './backend/module.js';

export * from './api.js';

let fetched: Promise<WebAssembly.Module> | undefined;

async function fetchKernels(): Promise<WebAssembly.Module> {
  const url = new URL('./kernels.wasm', import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`simdnet: fetching ${url.href} failed (HTTP ${res.status}); serve simdnet/kernels.wasm beside simdnet's JavaScript or call init({ module | bytes })`);
  if (typeof WebAssembly.compileStreaming === 'function' && res.headers.get('content-type')?.split(';')[0].trim() === 'application/wasm') {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

function kernels(): Promise<WebAssembly.Module> {
  fetched ??= fetchKernels();
  return fetched.catch((e: unknown) => { fetched = undefined; throw e; });
}

/** Instantiates the kernels: the given module or bytes, else kernels.wasm fetched from beside this file. One thread. */
export async function init(options: InitOptions = {}): Promise<void> {
  return initWith(options, { kernels });
}

/** Threads the kernels run on: always 1 here (threads run in Node, Deno and Bun: the package's main entry). */
export function threadCount(): number { return 1; }

/** Nothing to release here: this entry runs the kernels on the calling thread. */
export async function releaseThreads(): Promise<void> {}
