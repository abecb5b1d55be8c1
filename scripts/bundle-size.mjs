// Bundle size: what a browser user ships. esbuild-minifies the package's `browser` entry (dist/entry-browser.js, every
// export, with the browser field that leaves out the base64 kernels) with code splitting, as an app's bundler does,
// and gzips what loads with the page (the entry and the chunks it imports statically), plus gzipped dist/kernels.wasm,
// which that entry fetches; the sum must stay under the limit. Chunks loaded on demand (the diagnostics collector
// and verdicts, imported by fit only when asked for diagnostics) are printed apart. Also prints the `import` entry
// (base64 embedded) for reference. Node-only tooling; `node scripts/bundle-size.mjs`; `--modules` also lists what each
// module of the page adds, minified, largest first (esbuild's bytesInOutput; gzip shares redundancy across modules).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { root } from './test-browser.mjs';

// 60 KiB until 2026-12-06, when the hardening (strict options for every op, layer, optimizer, loss and model-file
// header; allocation and memory checks) added about 11 KiB gzipped to the page and the diagnostics kernels 1.7 KiB
// to the module; the diagnostics collector and verdicts load on demand and are not counted.
export const LIMIT = 72 * 1024;

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

async function minified(entry, platform = 'browser') {
  const r = await build({ entryPoints: [join(root, entry)], bundle: true, minify: true, format: 'esm', platform,
    target: 'es2022', write: false, metafile: true, logLevel: 'warning' });
  return { bytes: r.outputFiles[0].contents, inputs: Object.keys(r.metafile.inputs) };
}

// The entry with code splitting: what loads with the page (the entry and its static imports, transitively) and what
// loads on demand (dynamic imports), each as { bytes, inputs }.
async function split(entry) {
  const r = await build({ entryPoints: [join(root, entry)], bundle: true, minify: true, format: 'esm', platform: 'browser',
    target: 'es2022', write: false, metafile: true, splitting: true, outdir: join(root, 'build/bundle-size'), logLevel: 'warning' });
  const files = new Map(r.outputFiles.map((f) => [f.path.slice(root.length + 1), f.contents]));
  const outs = r.metafile.outputs;
  const entryOut = Object.keys(outs).find((k) => outs[k].entryPoint);
  const page = new Set(), todo = [entryOut];
  while (todo.length) {
    const k = todo.pop();
    if (page.has(k)) continue;
    page.add(k);
    for (const i of outs[k].imports) if (i.kind === 'import-statement') todo.push(i.path);
  }
  const part = (keys) => ({ bytes: Buffer.concat(keys.map((k) => files.get(k))), inputs: keys.flatMap((k) => Object.keys(outs[k].inputs)),
    modules: keys.flatMap((k) => Object.entries(outs[k].inputs).map(([f, v]) => [f, v.bytesInOutput])) });
  return { page: part([...page]), lazy: part(Object.keys(outs).filter((k) => !page.has(k))) };
}

/** Measures; returns { ok, total, js, wasm, line } and prints the details. */
export async function measureBundle({ print = console.log, modules = false } = {}) {
  const { page: browser, lazy } = await split('dist/entry-browser.js');
  const embedded = await minified('dist/index.js', 'neutral'); // no browser field: the base64 stays in
  const js = gz(browser.bytes), wasm = gz(readFileSync(join(root, 'dist/kernels.wasm'))), total = js + wasm;
  const base64Left = browser.inputs.some((f) => f.endsWith('kernels.generated.js'));
  print(`browser entry (dist/entry-browser.js) minified ${kib(browser.bytes.length)}, gzip ${kib(js)}` +
    (base64Left ? ' — still embeds the base64 kernels!' : ' (kernels fetched, not embedded)'));
  if (modules) for (const [f, n] of browser.modules.sort((a, b) => b[1] - a[1])) print(`${String(n).padStart(8)}  ${f}`);
  print(`kernels.wasm gzip ${kib(wasm)}`);
  print(`loaded on demand, not counted: ${lazy.bytes.length ? `${kib(gz(lazy.bytes))} gzipped (${[...new Set(lazy.inputs.map((f) => f.replace(/^dist\//, '')))].join(', ')})` : 'nothing'}`);
  print(`import entry (dist/index.js, base64 embedded) minified ${kib(embedded.bytes.length)}, gzip ${kib(gz(embedded.bytes))} (for reference)`);
  const ok = total < LIMIT && !base64Left;
  const line = `a browser user ships ${total} bytes gzipped (${kib(total)}): ${ok ? 'under' : 'NOT under'} the ${kib(LIMIT)} limit`;
  print(line);
  return { ok, total, js, wasm, line };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { ok } = await measureBundle({ modules: process.argv.includes('--modules') });
  console.log(`\n${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
  process.exitCode = ok ? 0 : 1;
}
