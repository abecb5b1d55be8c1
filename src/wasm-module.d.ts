// Types the `.wasm?module` import of entry-edge.ts: edge bundlers (wrangler, Next.js) give a precompiled Module.
declare module '*.wasm?module' {
  const module: WebAssembly.Module;
  export default module;
}
