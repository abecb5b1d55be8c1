// Bundle size: what a browser user ships. esbuild-minifies the package's `browser` entry (dist/entry-browser.js, every
// export, with the browser field that leaves out the base64 kernels) and gzips it, plus gzipped dist/kernels.wasm,
// which that entry fetches; the sum must stay under 60 KiB. Also prints the `import` entry (base64 embedded) for
// reference. Node-only tooling; `node scripts/bundle-size.mjs`.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { root } from './test-browser.mjs';

export const LIMIT = 60 * 1024;

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

async function minified(entry, platform = 'browser') {
  const r = await build({ entryPoints: [join(root, entry)], bundle: true, minify: true, format: 'esm', platform,
    target: 'es2022', write: false, metafile: true, logLevel: 'warning' });
  return { bytes: r.outputFiles[0].contents, inputs: Object.keys(r.metafile.inputs) };
}

/** Measures; returns { ok, total, js, wasm, line } and prints the details. */
export async function measureBundle({ print = console.log } = {}) {
  const browser = await minified('dist/entry-browser.js');
  const embedded = await minified('dist/index.js', 'neutral'); // no browser field: the base64 stays in
  const js = gz(browser.bytes), wasm = gz(readFileSync(join(root, 'dist/kernels.wasm'))), total = js + wasm;
  const base64Left = browser.inputs.some((f) => f.endsWith('kernels.generated.js'));
  print(`browser entry (dist/entry-browser.js) minified ${kib(browser.bytes.length)}, gzip ${kib(js)}` +
    (base64Left ? ' — still embeds the base64 kernels!' : ' (kernels fetched, not embedded)'));
  print(`kernels.wasm gzip ${kib(wasm)}`);
  print(`import entry (dist/index.js, base64 embedded) minified ${kib(embedded.bytes.length)}, gzip ${kib(gz(embedded.bytes))} (for reference)`);
  const ok = total < LIMIT && !base64Left;
  const line = `a browser user ships ${total} bytes gzipped (${kib(total)}): ${ok ? 'under' : 'NOT under'} the ${kib(LIMIT)} limit`;
  print(line);
  return { ok, total, js, wasm, line };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { ok } = await measureBundle();
  console.log(`\n${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
  process.exitCode = ok ? 0 : 1;
}
