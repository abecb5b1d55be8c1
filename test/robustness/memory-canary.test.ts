// The debug build's canary: a guard pattern fills the padding after every arena block and is checked after each kernel
// call, so an out-of-bounds write through a raw export is reported naming the kernel and the block (its label); a
// JavaScript overrun is reported when the block is freed. In the release build the canary must be off: the same raw
// write goes unnoticed (and lands in the padding). Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { thrown } from '../helpers/errors.js';
import { backend } from '../../src/backend/module.js';
import { tensor, ops, memoryInUse, sequential, layers } from '../../src/index.js';
import { record } from './tally.js';

await ready();
const test = suite(`memory: debug-build canary [${BUILD}]`);
const debug = BUILD === 'debug';

test(`the canary is ${debug ? 'on' : 'off'} in the ${BUILD} build`, () => {
  assert.is(backend().debug, debug);
  assert.is(backend().arena.guarded, debug);
  // The release build hands out the module's own exports (no wrapper in the hot path); the debug build wrappers.
  const native = /\[native code\]/.test(String(backend().exports.fill));
  assert.is(native, !debug, `exports.fill is ${native ? 'the wasm function' : 'a wrapper'}`);
  record({ cases: 1 });
});

test('a raw export writing one float past a tensor\'s end: caught in debug (kernel and block named), unnoticed in release', () => {
  const bytes = memoryInUse();
  const victim = tensor([0, 0, 0, 0]);
  victim.name = 'victim';
  const next = tensor([5, 6, 7, 8]);
  const fill = () => backend().exports.fill(victim.ptr, 1, 5); // 5 floats into a block of 4
  try {
    if (debug) {
      const m = thrown(fill);
      assert.is(m, `canary: kernel fill wrote past the end of block "victim" at offset ${victim.ptr} (16 bytes): ` +
        `the guard byte 0 past its end (offset ${victim.ptr + 16}) was overwritten`);
      // The guard was rewritten: the next kernel call passes, and the report is not repeated.
      const r = ops.relu(next);
      r.dispose();
    } else {
      fill();
      assert.is(backend().arena.f32[(victim.ptr >>> 2) + 4], 1, 'release: the write landed in the padding, unchecked');
    }
    assert.equal(Array.from(victim.toFloat32Array()), [1, 1, 1, 1]);
    assert.equal(Array.from(next.toFloat32Array()), [5, 6, 7, 8], 'the next block is intact either way (padding)');
  } finally {
    victim.dispose(); next.dispose();
  }
  assert.is(memoryInUse(), bytes);
  record({ cases: 1, faults: 1, refused: debug ? 1 : 0 });
});

test('debug: overruns at the far end of the padding, through other kernels, and into unlabelled or labelled raw blocks', () => {
  if (!debug) { assert.not.ok(backend().arena.guarded); return; }
  const a = backend().arena, x = backend().exports;
  const bytes = memoryInUse();
  // A 16-byte block's padding runs to its 64-byte end: the last float of it is guarded too.
  const raw = a.alloc(16);
  assert.match(thrown(() => x.fill(raw + 60, 3, 1)), new RegExp(`^canary: kernel fill wrote past the end of an unlabelled block at offset ${raw} \\(16 bytes\\): the guard byte 44 past its end`));
  a.label(raw, 'scratch');
  assert.match(thrown(() => x.copy(raw, raw + 4, 4)), /^canary: kernel copy wrote past the end of block "scratch"/);
  a.release(raw);
  // Two blocks overrun by one call (C = A·B, 2×3, rows at blocks of 2 floats each): the first is named, the other counted.
  const pa = a.alloc(8, 'A'), pb = a.alloc(12, 'B'), p1 = a.alloc(8, 'one'), p2 = a.alloc(8, 'two');
  x.fill(pa, 1, 2); x.fill(pb, 2, 3); x.fill(p1, 0, 2); x.fill(p2, 0, 2); // in bounds: no error
  const m = thrown(() => x.gemm(0, 0, 2, 3, 1, 1, pa, 1, pb, 3, 0, p1, (p2 - p1) / 4, backend().gemmWork, 0));
  assert.match(m, /^canary: kernel gemm wrote past the end of block "one" at offset \d+ \(8 bytes\): the guard byte 0 past its end .*; 1 more block had their guard overwritten too$/);
  assert.equal(Array.from(a.f32.subarray(p2 >>> 2, (p2 >>> 2) + 2)), [2, 2], 'the kernel did compute');
  x.fill(p1, 0, 2); // guards were rewritten: no second report
  [pa, pb, p1, p2].forEach((p) => a.release(p));
  assert.is(memoryInUse(), bytes);
  record({ cases: 5, faults: 3, refused: 3 });
});

test('debug: a JavaScript write past a tensor\'s end is reported when it is freed, and the block is freed anyway', () => {
  if (!debug) { assert.not.ok(backend().arena.guarded); return; }
  const bytes = memoryInUse();
  const t = tensor([1, 2, 3]);
  t.name = 'overrun by JS';
  backend().arena.f32[(t.ptr >>> 2) + 3] = 42;
  assert.match(thrown(() => t.dispose()), /^canary: JavaScript code \(no kernel call since the last check\) wrote past the end of block "overrun by JS" .* \(found when it was freed\)$/);
  assert.is(memoryInUse(), bytes);
  record({ cases: 1, faults: 1, refused: 1 });
});

test('no false alarm: a model trains and predicts with every block guarded; guards survive growth', () => {
  const bytes = memoryInUse();
  const m = sequential([layers.dense({ units: 5, activation: 'relu' }), layers.dense({ units: 2, activation: 'softmax' })], { inputShape: [3], seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy' });
  const x = tensor([[1, 2, 3], [3, 2, 1], [0, 1, 0]]), y = tensor([[1, 0], [0, 1], [1, 0]]);
  for (let i = 0; i < 3; i++) m.trainOnBatch(x, y);
  const p = m.predict(x);
  // Force memory.grow while blocks are live: their guards must still be intact afterwards.
  // (as much as the 4 GiB limit allows: an earlier suite in this process may have grown memory already)
  const a = backend().arena, room = Math.min(a.capacity(), a.limit() - a.capacity() - (1 << 16));
  const big = a.alloc(Math.max(1 << 16, room), 'grower');
  backend().arena.release(big);
  m.trainOnBatch(x, y);
  backend().arena.checkGuards('(test)');
  p.dispose(); m.dispose(); x.dispose(); y.dispose();
  assert.is(memoryInUse(), bytes);
  record({ cases: 1 });
});

test.run();
