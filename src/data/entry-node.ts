// `simdnet/data` for Node, Deno and Bun (the package's `node` condition): the same exports as ./index.ts, with load
// and imageFolder imported statically from ./node.ts, so a bundler targeting Node (esbuild --platform=node) includes them.
export * from './index.js';
export { load, imageFolder } from './node.js';
