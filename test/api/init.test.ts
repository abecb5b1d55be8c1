// init(): one instance, shared promise, the build under test, a precompiled module accepted, bad options refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD, wasmBytes } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { init, simdSupported } from '../../src/index.js';
import { backend } from '../../src/backend/module.js';

await ready();
const test = suite(`init [${BUILD}]`);

test(`the module under test is the ${BUILD} build`, () => {
  assert.is(backend().debug, BUILD === 'debug');
});

test('the release build imports nothing; the debug build imports env.abort alone', () => {
  const rel = new WebAssembly.Module(wasmBytes('release'));
  assert.is(WebAssembly.Module.imports(rel).length, 0);
  const dbg = WebAssembly.Module.imports(new WebAssembly.Module(wasmBytes('debug')));
  assert.equal(dbg.map((i) => `${i.module}.${i.name}`), ['env.abort']);
});

test('SIMD is detected here', () => {
  assert.ok(simdSupported());
});

test('calls after the first return the same instance; concurrent calls share it', async () => {
  const before = backend();
  await Promise.all([init(), init({ bytes: wasmBytes('release') }), init({ module: new WebAssembly.Module(wasmBytes(BUILD)) })]);
  assert.is(backend(), before);
});

test('a failed kernel assertion in the debug build names the kernel, file and line', () => {
  if (!backend().debug) return;
  // Call the raw export with a misaligned workspace: the typed wrapper never does this.
  const e = backend().exports;
  assert.throws(() => e.gemm(0, 0, 1, 1, 1, 1, 64, 1, 64, 1, 0, 64, 1, 4, 0), /assertion failed: gemm: work must be 16-byte aligned at assembly\/gemm\.ts:\d+/);
});

test('init reads its options strictly: unknown keys and bad thread counts are refused', async () => {
  assert.match(await rejection(init({ thread: 2 } as never)), /init: unknown option "thread"; did you mean "threads"\?/);
  for (const bad of [0, -1, 1.5, 257, NaN, '2', 'all', null]) {
    assert.match(await rejection(init({ threads: bad as never })), /init: threads must be 'auto' or an integer in \[1, 256\], got /, String(bad));
  }
  assert.match(await rejection(init('fast' as never)), /init: options must be an object/);
  await init({ threads: 'auto' });
  await init({ threads: 3 });
});

test.run();
