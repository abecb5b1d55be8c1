// assembly/dropout.ts against test/reference/dropout.ts: y and mask bit for bit at every alignment, the kept fraction
// near 1 − rate, the backward dy·mask, rate 0 as the identity, repeatability, chunk independence and in-place use.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertEqualBits } from '../helpers/compare.js';
import { dropoutRef, dropoutGradRef } from '../reference/dropout.js';
import type { StreamKey } from '../reference/random.js';
import * as kern from '../../src/backend/kernels/index.js';
import { ops, tensor, memoryInUse } from '../../src/index.js';

await ready();
const test = suite(`dropout [${BUILD}]`);

const SIZES = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 32, 33, 129, 1000];
const RATES = [0, 0.1, 0.25, 0.5, 0.9, 0.999];
const KEY: StreamKey = { seedLo: 1234, seedHi: 99, stream: 5 };

function run(x: Float32Array, rate: number, key: StreamKey, offset: number): { y: Float32Array; mask: Float32Array } {
  const n = x.length;
  const px = put(x), py = poisoned(n), pm = poisoned(n);
  kern.dropout(px, py, pm, n, rate, { ...key, offset });
  return { y: read(py, n), mask: read(pm, n) };
}

test('y and mask bit for bit against the reference: rates, sizes, offsets mod 4 and 16', () => {
  let seed = 1;
  for (const rate of RATES) for (const n of SIZES) for (const offset of [0, 1, 2, 3, 5, 16, 2 ** 40 + 7]) {
    const rng = new Rng(seed++);
    const x = rng.array(n, -3, 3);
    const got = run(x, rate, KEY, offset), ref = dropoutRef(x, rate, KEY, offset);
    const shape = `[${n}] rate ${rate} offset ${offset}`;
    assertEqualBits(got.mask, ref.mask, { op: 'dropout mask', shape, seed: rng.seed });
    assertEqualBits(got.y, ref.y, { op: 'dropout y', shape, seed: rng.seed });
    freeAll();
  }
});

test('the kept fraction is 1 − rate within 5 binomial σ over 2^20 elements; kept values are x/(1 − rate)', () => {
  const n = 1 << 20;
  const x = new Rng(2).array(n, 0.5, 1.5);
  for (const rate of [0.1, 0.5, 0.9]) {
    const { y, mask } = run(x, rate, KEY, 0);
    const scale = Math.fround(1 / Math.fround(1 - Math.fround(rate)));
    let kept = 0;
    for (let i = 0; i < n; i++) {
      if (mask[i] === scale) { kept++; if (y[i] !== Math.fround(x[i] * scale)) throw new Error(`dropout rate ${rate}: y[${i}] = ${y[i]}`); }
      else if (mask[i] !== 0 || y[i] !== 0) throw new Error(`dropout rate ${rate}: element ${i} has mask ${mask[i]}, y ${y[i]}`);
    }
    const p = 1 - rate, f = kept / n;
    assert.ok(Math.abs(f - p) < 5 * Math.sqrt(p * (1 - p) / n), `rate ${rate}: kept fraction ${f}, expected ${p}`);
    freeAll();
  }
});

test('backward dx = dy·mask bit for bit, over a NaN-poisoned dx', () => {
  let seed = 100;
  for (const rate of [0, 0.3, 0.8]) for (const n of SIZES) {
    const rng = new Rng(seed++);
    const { mask } = dropoutRef(rng.array(n), rate, KEY, 3);
    const dy = rng.array(n, -2, 2);
    const pd = put(dy), pm = put(mask), pdx = poisoned(n);
    kern.dropoutGrad(pd, pm, pdx, n);
    assertEqualBits(read(pdx, n), dropoutGradRef(dy, mask), { op: 'dropoutGrad', shape: `[${n}] rate ${rate}`, seed: rng.seed });
    freeAll();
  }
});

test('rate 0 is the identity: y has the bits of x (−0, tiny and huge values too), mask is all 1', () => {
  for (const n of SIZES) {
    const x = new Rng(n).array(n, -1e3, 1e3);
    if (n > 3) { x[0] = -0; x[1] = 1e-40; x[2] = 3e38; }
    const { y, mask } = run(x, 0, KEY, 1);
    assertEqualBits(y, x, { op: 'dropout rate 0', shape: `[${n}]` });
    assertEqualBits(mask, new Float32Array(n).fill(1), { op: 'dropout rate 0 mask', shape: `[${n}]` });
    freeAll();
  }
});

test('the same seed, stream and offset give the same mask; another stream, seed or offset another', () => {
  const n = 4096, x = new Rng(3).array(n);
  const a = run(x, 0.5, KEY, 0).mask;
  assertEqualBits(run(x, 0.5, KEY, 0).mask, a, { op: 'dropout repeat', shape: `[${n}]` });
  for (const [k, off, what] of [[{ ...KEY, stream: 6 }, 0, 'stream'], [{ ...KEY, seedLo: 1235 }, 0, 'seed'], [KEY, 1, 'offset']] as const) {
    const b = run(x, 0.5, k, off).mask;
    let same = 0;
    for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
    // independent masks agree on about half the elements
    assert.ok(Math.abs(same / n - 0.5) < 0.05, `another ${what} agrees on ${same} of ${n} mask elements`);
  }
  freeAll();
});

test('chunk independence: masking in pieces with advancing offsets equals one call', () => {
  const rng = new Rng(4);
  const n = 777, x = rng.array(n);
  const whole = run(x, 0.4, KEY, 9);
  const px = put(x), py = poisoned(n), pm = poisoned(n);
  for (let i = 0; i < n;) {
    const len = Math.min(n - i, rng.pick([1, 3, 4, 5, 16, 17, 50]));
    kern.dropout(px + 4 * i, py + 4 * i, pm + 4 * i, len, 0.4, { ...KEY, offset: 9 + i });
    i += len;
  }
  assertEqualBits(read(pm, n), whole.mask, { op: 'dropout mask in pieces', shape: `[${n}]`, seed: rng.seed });
  assertEqualBits(read(py, n), whole.y, { op: 'dropout y in pieces', shape: `[${n}]`, seed: rng.seed });
  freeAll();
});

test('in place: y may alias x, dx may alias dy', () => {
  for (const n of [5, 33, 129]) {
    const rng = new Rng(n);
    const x = rng.array(n), ref = dropoutRef(x, 0.5, KEY, 2);
    const px = put(x), pm = poisoned(n);
    kern.dropout(px, px, pm, n, 0.5, { ...KEY, offset: 2 });
    assertEqualBits(read(px, n), ref.y, { op: 'dropout in place', shape: `[${n}]`, seed: rng.seed });
    const dy = rng.array(n), pd = put(dy);
    kern.dropoutGrad(pd, pm, pd, n);
    assertEqualBits(read(pd, n), dropoutGradRef(dy, ref.mask), { op: 'dropoutGrad in place', shape: `[${n}]`, seed: rng.seed });
    freeAll();
  }
});

test('wrapper refuses rates outside [0, 1) and a mask aliasing x', () => {
  const p = put(new Float32Array(8)), m = poisoned(8);
  const d = { ...KEY, offset: 0 };
  assert.throws(() => kern.dropout(p, p, m, 8, 1, d), /rate = 1 must be in \[0, 1\)/);
  assert.throws(() => kern.dropout(p, p, m, 8, -0.1, d), /rate = -0.1/);
  assert.throws(() => kern.dropout(p, p, m, 8, NaN, d), /rate = NaN/);
  assert.throws(() => kern.dropout(p, m, p, 8, 0.5, d), /mask must not alias/);
  freeAll();
});

test('ops: dropout returns y and mask, dropoutGrad applies it; errors name the op, tensor, shape and option', () => {
  const before = memoryInUse();
  const xv = new Rng(5).array(24);
  const x = tensor(xv, [2, 3, 4]);
  const { y, mask } = ops.dropout(x, { rate: 0.5, seed: 99n * 2n ** 32n + 1234n, stream: 5, offset: 3 });
  const ref = dropoutRef(xv, 0.5, KEY, 3);
  assert.equal(y.shape, [2, 3, 4]);
  assertEqualBits(y.toFloat32Array(), ref.y, { op: 'ops.dropout', shape: '[2, 3, 4]' });
  const dx = ops.dropoutGrad(x, mask);
  assertEqualBits(dx.toFloat32Array(), dropoutGradRef(xv, ref.mask), { op: 'ops.dropoutGrad', shape: '[2, 3, 4]' });
  assert.throws(() => ops.dropout(x, { rate: 1, seed: 1 }), /dropout: rate 1 for x "tensor#\d+" \[2, 3, 4\] must be in \[0, 1\)/);
  assert.throws(() => ops.dropout(x, { rate: 0.5, seed: 1.5 }), /dropout: seed 1.5 for x "tensor#\d+" \[2, 3, 4\]/);
  const other = tensor([1, 2], [2]);
  assert.throws(() => ops.dropoutGrad(other, mask), /dropoutGrad: dy "tensor#\d+" \[2\] and mask "dropout.mask" \[2, 3, 4\] must have the same shape/);
  for (const t of [x, y, mask, dx, other]) t.dispose();
  assert.is(memoryInUse(), before, 'ops leak nothing');
});

test.run();
