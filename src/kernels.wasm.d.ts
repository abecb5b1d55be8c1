// The type of `import kernels from 'simdnet/kernels.wasm'` (the package's `./kernels.wasm` export, the release kernel
// module). The build copies this file to dist/kernels.wasm.d.ts; package.json's `types` condition points there.

/**
 * `import kernels from 'simdnet/kernels.wasm'`: the release kernel module itself.
 * @module simdnet/kernels.wasm
 */
/**
 * simdnet's kernel module as edge bundlers hand a `.wasm` import over: a precompiled `WebAssembly.Module` (Cloudflare's
 * wrangler, Next.js edge routes). Pass it to `init({ module })`. A bundler that turns `.wasm` imports into something
 * else (a URL with esbuild's `file` loader, bytes with its `binary` loader) needs its own declaration.
 */
declare const kernels: WebAssembly.Module;
export default kernels;
