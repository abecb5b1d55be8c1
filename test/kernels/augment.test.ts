// assembly/augment.ts against test/reference/augment.ts: each transform alone and all together on shapes across the
// edges (N, H, W ∈ {1, 3, 17, 29}, C ∈ {1, 3}), both fills, NaN-poisoned outputs; integer shifts and flips bit for bit,
// rotation and noise within tolerances derived below; parameter edges as exact identities; keying and the source intact.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertClose, assertEqualBits, F32_EPS } from '../helpers/compare.js';
import { augmentRef, sampleDraw, type AugmentSpec } from '../reference/augment.js';
import type { StreamKey } from '../reference/random.js';
import * as kern from '../../src/backend/kernels/index.js';
import { backend } from '../../src/backend/module.js';

await ready();
const test = suite(`augment [${BUILD}]`);

const EDGES = [1, 3, 17, 29];
const KEY: StreamKey = { seedLo: 2024, seedHi: 7, stream: 11 };
type Shape4 = [number, number, number, number];
const NONE: AugmentSpec = { shift: 0, flip: 0, rotate: 0, noise: 0, edge: false };

function run(x: Float32Array, shape: Shape4, spec: AugmentSpec, key: StreamKey, first: number): Float32Array {
  const [N, H, W, C] = shape, n = x.length;
  const px = put(x), py = poisoned(n);
  kern.augment(px, py, N, H, W, C, spec, { ...key, first });
  const y = read(py, n);
  assertEqualBits(read(px, n), x, { op: 'augment source', shape: `[${shape}]` }); // the source is never written
  return y;
}

// Every shape with H, W from EDGES and C ∈ {1, 3}, N cycling through EDGES.
function shapes(): Shape4[] {
  const out: Shape4[] = [];
  let k = 0;
  for (const H of EDGES) for (const W of EDGES) for (const C of [1, 3]) out.push([EDGES[k++ % 4], H, W, C]);
  return out;
}

/**
 * Tolerance. Gathers are exact. Noise: the kernel's normal is within 1e-6·σ + 4 ulps of Box–Muller (random.test.ts),
 * plus one rounding of the sum. Rotation: the float32 source point (|coordinate| ≤ H + W + shift) is off by ≤ 2 ulps of
 * that size (sin, cos, two products, two sums), so a value moves by at most that times the largest step between neighbours (≤ 2·max|x|), plus the
 * bilinear sum's roundings (4 taps, ≤ 8 ulps of max|x|).
 */
function tolerance(ref: Float64Array, x: Float32Array, shape: Shape4, spec: AugmentSpec): (i: number) => number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  const rot = spec.rotate > 0 ? (2 * m * 2 * (shape[1] + shape[2] + spec.shift) + 8 * m) * F32_EPS : 0;
  const noise = spec.noise > 0 ? 1e-6 * spec.noise + 1e-7 : 0;
  return (i) => rot + noise + (spec.noise > 0 ? 5 * F32_EPS * Math.abs(ref[i]) : 0);
}

function check(shape: Shape4, spec: AugmentSpec, seed: number, first = 0): void {
  const rng = new Rng(seed);
  const x = rng.array(shape.reduce((a, b) => a * b), -2, 2);
  const got = run(x, shape, spec, KEY, first);
  const ref = augmentRef(x, shape, spec, KEY, first).y;
  const ctx = { op: `augment ${JSON.stringify(spec)}`, shape: `[${shape}] first ${first}`, seed };
  if (spec.rotate === 0 && spec.noise === 0) assertEqualBits(got, ref, ctx);
  else assertClose(got, ref, tolerance(ref, x, shape, spec), ctx);
}

const ALONE: [string, AugmentSpec][] = [
  ['shift 2', { ...NONE, shift: 2 }],
  ['shift 5', { ...NONE, shift: 5 }],
  ['flip 0.5', { ...NONE, flip: 0.5 }],
  ['rotate 15', { ...NONE, rotate: 15 }],
  ['noise 0.1', { ...NONE, noise: 0.1 }],
  ['shift 3 + flip 0.5', { ...NONE, shift: 3, flip: 0.5 }],
  ['all: shift 2, flip 0.5, rotate 20, noise 0.05', { shift: 2, flip: 0.5, rotate: 20, noise: 0.05, edge: false }],
  ['all, large: shift 40, flip 1, rotate 180, noise 1', { shift: 40, flip: 1, rotate: 180, noise: 1, edge: false }],
];

for (const edge of [false, true]) {
  for (const [name, spec] of ALONE) {
    test(`${name}, ${edge ? 'edge' : 'zero'} fill: every edge shape against the reference`, () => {
      let seed = 1;
      for (const shape of shapes()) { check(shape, { ...spec, edge }, seed++); freeAll(); }
    });
  }
}

test('parameter edges: shift 0, flip 0, rotate 0, noise 0 is the identity bit for bit (±0, subnormals, large values kept)', () => {
  for (const edge of [false, true]) for (const shape of shapes()) {
    const size = shape.reduce((a, b) => a * b), rng = new Rng(size);
    const x = rng.array(size, -1e30, 1e30);
    x[0] = -0; if (size > 1) x[1] = 1e-45; if (size > 2) x[2] = -3.4e38;
    assertEqualBits(run(x, shape, { ...NONE, edge }, KEY, 5), x, { op: 'augment identity', shape: `[${shape}]` });
    freeAll();
  }
});

test('flip 1 mirrors every sample and flip 0 none, exactly; the reference draws agree', () => {
  const shape: Shape4 = [17, 3, 29, 3], [N, H, W, C] = shape, per = H * W * C;
  const x = new Rng(3).array(N * per);
  const mirrored = new Float32Array(x.length);
  for (let n = 0; n < N; n++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let c = 0; c < C; c++) {
    mirrored[((n * H + i) * W + j) * C + c] = x[((n * H + i) * W + (W - 1 - j)) * C + c];
  }
  assertEqualBits(run(x, shape, { ...NONE, flip: 1 }, KEY, 0), mirrored, { op: 'augment flip 1', shape: `[${shape}]` });
  assertEqualBits(run(x, shape, { ...NONE, flip: 0 }, KEY, 0), x, { op: 'augment flip 0', shape: `[${shape}]` });
  for (let s = 0; s < 100; s++) {
    assert.ok(sampleDraw(KEY, s, per, { ...NONE, flip: 1 }).flip);
    assert.not.ok(sampleDraw(KEY, s, per, { ...NONE, flip: 0 }).flip);
  }
  freeAll();
});

test('a one-pixel image shows each shift exactly; shifts cover [−s, s] evenly, flips ≈ p, angles fill [−θ, θ]', () => {
  // a 9×9 image with a single 1 at the centre: after a shift (dy, dx) the 1 is at (4 + dy, 4 + dx)
  const H = 9, W = 9, N = 2000, x = new Float32Array(N * H * W);
  for (let n = 0; n < N; n++) x[n * 81 + 40] = 1;
  const spec = { ...NONE, shift: 3 };
  const y = run(x, [N, H, W, 1], spec, KEY, 0);
  const counts = new Map<number, number>();
  for (let n = 0; n < N; n++) {
    const d = sampleDraw(KEY, n, 81, spec);
    assert.ok(Math.abs(d.dy) <= 3 && Math.abs(d.dx) <= 3, `sample ${n}: shift (${d.dy}, ${d.dx}) outside [−3, 3]`);
    assert.is(y[n * 81 + (4 + d.dy) * 9 + 4 + d.dx], 1, `sample ${n}: the pixel is not at its shifted place`);
    counts.set(d.dy, (counts.get(d.dy) ?? 0) + 1);
  }
  for (let v = -3; v <= 3; v++) {
    const c = counts.get(v) ?? 0, e = N / 7;
    assert.ok(Math.abs(c - e) < 5 * Math.sqrt(e), `shift ${v} drawn ${c} times of ${N}, expected ≈ ${e.toFixed(0)}`);
  }
  let flips = 0, lo = 0, hi = 0;
  for (let s = 0; s < 20000; s++) {
    const d = sampleDraw(KEY, s, 81, { ...NONE, flip: 0.3, rotate: 10 });
    if (d.flip) flips++;
    assert.ok(Math.abs(d.degrees) <= 10);
    lo = Math.min(lo, d.degrees); hi = Math.max(hi, d.degrees);
  }
  assert.ok(Math.abs(flips / 20000 - 0.3) < 5 * Math.sqrt(0.21 / 20000), `flip fraction ${flips / 20000}`);
  assert.ok(lo < -9.9 && hi > 9.9, `angles span [${lo}, ${hi}]`);
  freeAll();
});

test('keying: a batch equals its samples drawn one at a time (first + n); the same key repeats; another seed differs', () => {
  const shape: Shape4 = [7, 17, 17, 3], [N, H, W, C] = shape, per = H * W * C;
  const spec: AugmentSpec = { shift: 3, flip: 0.5, rotate: 25, noise: 0.1, edge: true };
  const x = new Rng(9).array(N * per), first = 2 ** 40 + 3;
  const whole = run(x, shape, spec, KEY, first);
  assertEqualBits(run(x, shape, spec, KEY, first), whole, { op: 'augment repeat', shape: `[${shape}]` });
  for (let n = 0; n < N; n++) {
    const one = run(x.slice(n * per, (n + 1) * per), [1, H, W, C], spec, KEY, first + n);
    assertEqualBits(one, whole.slice(n * per, (n + 1) * per), { op: `augment sample ${n} alone`, shape: `[${shape}]` });
  }
  const other = run(x, shape, spec, { ...KEY, seedLo: KEY.seedLo + 1 }, first);
  assert.ok(other.some((v, i) => v !== whole[i]), 'another seed gave the same batch');
  const ref = augmentRef(x, shape, spec, KEY, first).y;
  assertClose(whole, ref, tolerance(ref, x, shape, spec), { op: 'augment at first 2^40 + 3', shape: `[${shape}]` });
  freeAll();
});

test('N = 0 writes nothing; bad arguments are refused naming them', () => {
  const px = put(new Float32Array(16)), py = poisoned(16);
  kern.augment(px, py, 0, 2, 2, 1, NONE, { ...KEY, first: 0 });
  assert.ok(read(py, 16).every(Number.isNaN));
  const d = { ...KEY, first: 0 };
  const cases: [() => void, RegExp][] = [
    [() => kern.augment(px, px, 1, 2, 2, 1, NONE, d), /must not overlap/],
    [() => kern.augment(px, px + 8, 1, 2, 2, 1, NONE, d), /must not overlap/],
    [() => kern.augment(px, py, 1, 2, 2, 1, { ...NONE, shift: -1 }, d), /shift = -1/],
    [() => kern.augment(px, py, 1, 2, 2, 1, { ...NONE, shift: 1.5 }, d), /shift = 1.5/],
    [() => kern.augment(px, py, 1, 2, 2, 1, { ...NONE, flip: 1.5 }, d), /flip = 1.5/],
    [() => kern.augment(px, py, 1, 2, 2, 1, { ...NONE, flip: NaN }, d), /flip = NaN/],
    [() => kern.augment(px, py, 1, 2, 2, 1, { ...NONE, rotate: 181 }, d), /rotate = 181/],
    [() => kern.augment(px, py, 1, 2, 2, 1, { ...NONE, noise: Infinity }, d), /noise = Infinity/],
    [() => kern.augment(px, py, 1, 2, 2, 1, { ...NONE, noise: 1e39 }, d), /noise = 1e\+39/],
    [() => kern.augment(px, py, 1, 0, 2, 1, NONE, d), /H = 0/],
    [() => kern.augment(px, backend().arena.capacity() - 8, 1, 2, 2, 1, NONE, d), /y \[\d+, \+4\) lies outside memory/],
    [() => kern.augment(px, py, 1, 2, 2, 1, NONE, { ...d, first: -1 }), /first = -1/],
    [() => kern.augment(px, py, 1, 2, 2, 1, NONE, { ...d, first: 2 ** 52 }), /first = /],
    [() => kern.augment(px, py, 1, 2, 2, 1, NONE, { ...d, stream: 2 ** 32 }), /stream/],
  ];
  cases.forEach(([f, re], i) => assert.throws(f, re, `case ${i}: expected an error matching ${re}`));
  assert.ok(read(py, 16).every(Number.isNaN), 'a refused call wrote to y');
  freeAll();
});

test.run();
