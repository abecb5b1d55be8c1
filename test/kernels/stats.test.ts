// assembly/stats.ts against test/reference/stats.ts: tensorStats, histogram, columnsPositive, columnsBeyond and
// diffSquares over the tiling edges (sizes 1 … 4099, columns 1 … 129), with planted zeros, NaN, ±Inf, subnormals and
// values exactly on bin edges; outputs poisoned first; the fixed summation order pinned bit for bit; wrapper refusals.
//
// Tolerances. Counts, min, max and histogram bins are exact (compared exactly; bins against an exact BigInt oracle).
// Sums: every tensorStats term (x, x², |x|) is an exact float64 (24 × 24 = 48 significant bits, and float32's
// exponents doubled stay inside float64's normal range), and each diffSquares term is rounded the same way in kernel
// and reference, so the two differ only in the order of float64 additions. Any order of n additions is within
// (n − 1)·2^-53·Σ|terms| of the exact sum (Higham, Accuracy and Stability, §4.2), hence the tolerance
// 2(n + 1)·2^-53·Σ|terms|. A float64 sum of float32 values is exact in any order only if every partial sum stays
// representable: true for n ≤ 2^24 values whose magnitudes lie within a factor 2^5 of each other (24 mantissa bits +
// 24 bits of count + 5 of spread ≤ 53), false with subnormals or a wide spread; so the test does not rely on it except
// where it builds such data (the "exact data" test), and pins the order itself against laneOrderSum and recorded sums.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, readI32, putI32, freeAll } from '../helpers/buffers.js';
import { assertClose, type Context } from '../helpers/compare.js';
import { thrown } from '../helpers/errors.js';
import {
  tensorStatsRef, statsTerms, laneOrderSum, binRef, histogramRef, columnsRef, diffSquareTerms, diffSquaresRef,
} from '../reference/stats.js';
import { backend } from '../../src/backend/module.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`stats [${BUILD}]`);

const SIZES = [1, 3, 4, 5, 8, 13, 16, 17, 129, 1000, 4099]; // 13: a two-vector step, then one vector, then a float
const ROWS = [1, 2, 7, 33];
const COLS = [1, 3, 4, 5, 17, 129];
const U = 2 ** -53;
const SENTINEL = -123456789;
const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-45, 2 ** -149, -3e38, 1e30];

const f32b = new Float32Array(1), i32b = new Int32Array(f32b.buffer);
/** The float32 next to v (v float32, finite) upwards (dir 1) or downwards (dir −1). */
function nextF32(v: number, dir: 1 | -1): number {
  if (v === 0) return dir * 2 ** -149;
  f32b[0] = v; i32b[0] += (v > 0) === (dir > 0) ? 1 : -1;
  return f32b[0];
}

/** n random float32 values in [−2, 2), with specials planted at ~15% of places (when `plant`). */
function statsData(rng: Rng, n: number, plant: boolean): Float32Array {
  const x = rng.array(n, -2, 2);
  if (plant) for (let i = 0; i < n; i++) if (rng.next() < 0.15) x[i] = rng.pick(SPECIALS);
  return x;
}

/** A block of 8 float64 slots, all NaN. */
function poisonedSlots(): number {
  const p = poisoned(2 * kern.TENSOR_STATS_SLOTS);
  slots(p).fill(NaN);
  return p;
}
function slots(p: number): Float64Array {
  return new Float64Array(backend().arena.u8.buffer, p, kern.TENSOR_STATS_SLOTS);
}

function sameBits(actual: number, expected: number, what: string): void {
  const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
  assert.ok(Object.is(actual, expected), `${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Exact integer equality, failing with index, expected, actual, shape and seed. */
function assertInts(actual: ArrayLike<number>, expected: ArrayLike<number>, ctx: Context): void {
  assertClose(Array.from(actual), Array.from(expected), () => 0, ctx);
}

// ---- tensorStats ----

function checkStats(x: Float32Array, seed: number, label: string): void {
  const n = x.length, shape = `[${n}] ${label}`;
  const px = put(x), po = poisonedSlots();
  const r = kern.tensorStats(px, n, po);
  const got = slots(po), exp = tensorStatsRef(x), t = statsTerms(x);
  const ctx = (op: string): Context => ({ op: `tensorStats ${op}`, shape, seed });
  assertInts([got[0], got[5], got[6]], [exp[0], exp[5], exp[6]], ctx('counts (finite, zeros, non-finite)'));
  sameBits(got[3], exp[3], `tensorStats min ${shape} seed ${seed}`);
  sameBits(got[4], exp[4], `tensorStats max ${shape} seed ${seed}`);
  const abs = [t.abs, t.sq, t.abs].map((ts) => ts.reduce((s, v) => s + v, 0)); // Σ|terms| of Σx, Σx², Σ|x|
  const sums = [got[1], got[2], got[7]];
  assertClose(sums, [exp[1], exp[2], exp[7]], (i) => 2 * (n + 1) * U * abs[i], ctx('sums (Σx, Σx², Σ|x|)'));
  // The documented order, bit for bit.
  const replay = [laneOrderSum(t.x), laneOrderSum(t.sq), laneOrderSum(t.abs)];
  assert.equal(sums, replay, `tensorStats lane order ${shape} seed ${seed}`);
  // The object: the slots' values and a two-pass float64 mean and standard deviation.
  const c = exp[0], fin = Array.from(x).filter(Number.isFinite);
  const mean = c ? fin.reduce((s, v) => s + v, 0) / c : NaN;
  const variance = c ? fin.reduce((s, v) => s + (v - mean) ** 2, 0) / c : NaN;
  assert.equal([r.n, r.count, r.min, r.max, r.nonFinite, r.zeros], [n, c, exp[3], exp[4], exp[6], exp[5]],
    `tensorStats object ${shape}`);
  // mean and meanAbs: Σ's error over count; std²: E[x²] bounds the error of Σx²/count − mean²; l2: half of Σx²'s.
  const meanAbsX = c ? abs[0] / c : 0, meanSq = c ? abs[1] / c : 0;
  const tol = [4 * meanAbsX, 8 * meanSq, 4 * Math.sqrt(exp[2]), 0, 4 * meanAbsX];
  assertClose([r.mean, r.std ** 2, r.l2, r.zeroFraction, r.meanAbs],
    [mean, variance, Math.sqrt(exp[2]), exp[5] / n, c ? exp[7] / c : NaN], (i) => (n + 2) * U * tol[i],
    ctx('object (mean, std², l2, zeroFraction, meanAbs)'));
}

test('tensorStats against float64 on every size, plain and with zeros, NaN, ±Inf and subnormals planted', () => {
  let seed = 1;
  for (const n of SIZES) for (const plant of [false, true, true]) {
    const rng = new Rng(seed++);
    const x = statsData(rng, n, plant);
    if (plant && n > 4) { x[n - 1] = rng.pick(SPECIALS); x[0] = rng.pick(SPECIALS); } // the tail and the 1st vector
    checkStats(x, rng.seed, plant ? 'planted' : 'plain');
    freeAll();
  }
});

test('tensorStats: exact data gives exact sums; no finite values; n = 0; the temporary slots are returned', () => {
  // Multiples of 2^-10 in [−4, 4]: every partial sum (≤ 4099·4) and Σx² (multiples of 2^-20, ≤ 4099·16) is exact.
  const rng = new Rng(300);
  for (const n of SIZES) {
    const x = Float32Array.from({ length: n }, () => rng.int(-4096, 4096) / 1024);
    const px = put(x), po = poisonedSlots();
    kern.tensorStats(px, n, po);
    assert.equal(Array.from(slots(po)), Array.from(tensorStatsRef(x)), `exact data [${n}]`);
    freeAll();
  }
  for (const n of [0, 1, 5, 17]) {
    const x = Float32Array.from({ length: n }, (_, i) => [NaN, Infinity, -Infinity][i % 3]);
    const po = poisonedSlots();
    const r = kern.tensorStats(n ? put(x) : po, n, po);
    assert.equal(Array.from(slots(po)), [0, 0, 0, Infinity, -Infinity, 0, n, 0], `no finite values, n = ${n}`);
    const undefinedNaN = Number.isNaN(r.mean) && Number.isNaN(r.std) && Number.isNaN(r.meanAbs) && r.l2 === 0;
    assert.ok(undefinedNaN, `undefined moments are NaN, n = ${n}`);
    assert.ok(n ? r.zeroFraction === 0 : Number.isNaN(r.zeroFraction), `zeroFraction, n = ${n}`);
    freeAll();
  }
  const x = statsData(new Rng(301), 129, true), px = put(x), po = poisonedSlots();
  const before = backend().arena.inUse();
  assert.equal(kern.tensorStats(px, 129), kern.tensorStats(px, 129, po), 'with and without out');
  assert.is(backend().arena.inUse(), before, 'the temporary slots are released');
  freeAll();
});

// Recorded from this kernel (release and debug, Node 20 and 22, Chromium). A changed summation order changes them:
// the last assertions show that the sequential, pairwise-by-8 and 8-lane orders give other bits on this input.
const PINNED = {
  sum: 7832590.277556, sumSquares: 372393352713606.56, sumAbs: 277986898.33810747, diffSquares: 0.0011829967029083864,
};

/** Summation orders the kernels could have used instead: sequential, 8 lanes, blocks of 8 summed then added. */
const OTHER_ORDERS: [string, (t: number[]) => number][] = [
  ['sequential', (t) => t.reduce((a, v) => a + v, 0)],
  ['8-lane', (t) => {
    const l = new Array<number>(8).fill(0), body = t.length - (t.length % 8);
    for (let i = 0; i < body; i++) l[i % 8] += t[i];
    let r = ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
    for (let i = body; i < t.length; i++) r += t[i];
    return r;
  }],
  ['blocks-of-8', (t) => {
    let r = 0;
    for (let i = 0; i < t.length; i += 8) r += t.slice(i, i + 8).reduce((a, v) => a + v, 0);
    return r;
  }],
];

function pinnedInput(): { x: Float32Array; a: Float32Array; b: Float32Array } {
  const rng = new Rng(2026);
  const x = Float32Array.from({ length: 4099 }, () => rng.uniform(-3, 3) * 2 ** rng.int(-20, 20));
  const small = SPECIALS.filter((v) => !Number.isFinite(v) || Math.abs(v) < 1); // no huge value drowning the sums
  for (let i = 0; i < 4099; i += 97) x[i] = small[i % small.length];
  // diffSquares: a finite copy (non-finite → 0) and a small update of it
  const a = x.map((v) => (Number.isFinite(v) ? v : 0)), b = a.map((v) => v + rng.uniform(-1e-3, 1e-3));
  return { x, a, b };
}

test('the summation order is pinned: exact float64 sums of a fixed seeded input', () => {
  const { x, a, b } = pinnedInput();
  const px = put(x), po = poisonedSlots();
  kern.tensorStats(px, x.length, po);
  const s = slots(po), d = kern.diffSquares(put(a), put(b), x.length);
  const got = { sum: s[1], sumSquares: s[2], sumAbs: s[7], diffSquares: d };
  assert.equal(got, PINNED, 'pinned sums');
  const t = statsTerms(x), d2 = diffSquareTerms(a, b);
  for (const [name, sum] of OTHER_ORDERS) {
    const other = [sum(t.x), sum(t.sq), sum(t.abs)];
    const pinned = [PINNED.sum, PINNED.sumSquares, PINNED.sumAbs];
    assert.ok(other.some((v, i) => v !== pinned[i]), `tensorStats in the ${name} order would pass the pin`);
    assert.ok(sum(d2) !== PINNED.diffSquares, `diffSquares in the ${name} order would pass the pin`);
  }
  freeAll();
});

// ---- histogram ----

interface Range { lo: number; hi: number; bins: number }
const RANGES: Range[] = [
  { lo: -1, hi: 1, bins: 64 },            // representable edges (multiples of 1/32)
  { lo: 0, hi: 1, bins: 1 },
  { lo: -0.3, hi: 0.7, bins: 10 },        // edges between float32 values
  { lo: 1e-6, hi: 5, bins: 4096 },
  { lo: -3e38, hi: 3e38, bins: 17 },      // hi − lo overflows float32, not float64
  { lo: 0, hi: 1e-43, bins: 7 },          // a subnormal range
  { lo: 1e6, hi: 1e6 + 64, bins: 129 },
].map((r) => ({ ...r, lo: Math.fround(r.lo), hi: Math.fround(r.hi) }));

/** The edges lo + k·(hi − lo)/bins rounded to float32 (k = 0 … bins). */
function edges({ lo, hi, bins }: Range): number[] {
  return Array.from({ length: bins + 1 }, (_, k) => Math.fround(lo + (k * (hi - lo)) / bins));
}

/** n values around [lo, hi): uniform, on edges, next to edges, lo and hi, specials. */
function histData(rng: Rng, n: number, r: Range): Float32Array {
  const e = edges(r), w = r.hi - r.lo;
  const clamp = (v: number) => Math.max(-3.4e38, Math.min(3.4e38, v));
  return Float32Array.from({ length: n }, () => {
    const u = rng.next(), k = rng.int(0, r.bins);
    if (u < 0.45) return clamp(rng.uniform(r.lo - w / 4, r.hi + w / 4));
    if (u < 0.7) return e[k];
    if (u < 0.85) return nextF32(e[k], rng.next() < 0.5 ? 1 : -1);
    if (u < 0.92) return rng.pick([r.lo, r.hi, nextF32(r.lo, -1), nextF32(r.hi, -1)]);
    return rng.pick(SPECIALS);
  });
}

/** bins and a float32 [lo, hi) whose interior edges lo + k·c are all float32 values: x on an edge has an integer t. */
function exactEdgeRange(rng: Rng): Range {
  for (;;) {
    const bins = rng.pick([3, 5, 7, 10, 17, 100, 129, 1000, 4096]);
    const lo = rng.int(-4096, 4096) * 2 ** -rng.int(8, 14), c = rng.int(1, 2 ** 12) * 2 ** -rng.int(8, 24);
    const r = { lo, hi: lo + bins * c, bins };
    if (edges(r).every((v, k) => v === lo + k * c)) return r;
  }
}

/** The float64 bin without the exact edge test (what the kernel would give without it). */
function naiveBin(x: number, { lo, hi, bins }: Range): number {
  return Math.min(Math.floor(Math.max((x - lo) * (bins / (hi - lo)), 0)), bins - 1);
}

function checkHistogram(x: Float32Array, r: Range, seed: number, label: string): void {
  const n = x.length, shape = `[${n}] over [${r.lo}, ${r.hi}) in ${r.bins} bins ${label}`;
  const px = put(x), pc = putI32(new Int32Array(r.bins).fill(SENTINEL));
  kern.histogram(px, n, r.lo, r.hi, r.bins, pc);
  assertInts(readI32(pc, r.bins), histogramRef(x, r.lo, r.hi, r.bins), { op: 'histogram', shape, seed });
  const pre = Int32Array.from({ length: r.bins }, (_, i) => (i * 7919) % 1000 - 300);
  const pa = putI32(pre);
  kern.histogram(px, n, r.lo, r.hi, r.bins, pa, true);
  assertInts(readI32(pa, r.bins), histogramRef(x, r.lo, r.hi, r.bins, pre), { op: 'histogram(+=)', shape, seed });
  freeAll();
}

test('histogram: exact bins (BigInt oracle) on every size and range, with edges, lo, hi, NaN, ±Inf, subnormals', () => {
  let seed = 400;
  for (const r of RANGES) for (const n of SIZES) {
    const rng = new Rng(seed++);
    checkHistogram(histData(rng, n, r), r, rng.seed, '');
  }
});

test('histogram: values exactly on representable edges, where plain float64 binning goes wrong', () => {
  const rng = new Rng(500);
  let naiveWrong = 0, onEdges = 0;
  for (let c = 0; c < 40; c++) {
    const r = exactEdgeRange(rng), e = edges(r), n = rng.pick(SIZES);
    const x = Float32Array.from({ length: n }, () => {
      const v = e[rng.int(0, r.bins)];
      return rng.next() < 0.8 ? v : nextF32(v, rng.next() < 0.5 ? 1 : -1);
    });
    for (const v of x) { if (naiveBin(v, r) !== binRef(v, r.lo, r.hi, r.bins)) naiveWrong++; onEdges++; }
    checkHistogram(x, r, rng.seed, `(exact edges, case ${c})`);
  }
  assert.ok(naiveWrong > 0, `plain float64 binning right on all ${onEdges} values: a missing exact step would pass`);
});

// ---- columnsPositive, columnsBeyond ----

const THRESHOLDS = [0, 0.5, 1.5, 3];

test('columnsPositive and columnsBeyond: every [rows, cols], added into counts, NaN never counts', () => {
  let seed = 600;
  for (const rows of ROWS) for (const cols of COLS) for (const t of THRESHOLDS) {
    const rng = new Rng(seed++);
    const x = rng.array(rows * cols, -2 * t - 1, 2 * t + 1);
    const plant = [...SPECIALS, t, -t, nextF32(t, 1), -nextF32(t, 1)];
    for (let i = 0; i < x.length; i++) if (rng.next() < 0.2) x[i] = rng.pick(plant);
    const shape = `[${rows}, ${cols}] t = ${t}`;
    const px = put(x);
    for (const pre of [new Int32Array(cols).fill(SENTINEL), Int32Array.from({ length: cols }, () => rng.int(0, 100))]) {
      const pp = putI32(pre), pb = putI32(pre);
      kern.columnsPositive(px, rows, cols, pp);
      kern.columnsBeyond(px, rows, cols, t, pb);
      const ctx = (op: string): Context => ({ op, shape, seed: rng.seed });
      assertInts(readI32(pp, cols), columnsRef(x, rows, cols, (v) => v > 0, pre), ctx('columnsPositive'));
      assertInts(readI32(pb, cols), columnsRef(x, rows, cols, (v) => Math.abs(v) > t, pre), ctx('columnsBeyond'));
    }
    freeAll();
  }
});

// ---- diffSquares ----

test('diffSquares against float64 on every size, updates small and large, NaN and ±Inf propagate', () => {
  let seed = 700;
  // scale 0: b independent of a over 40 binades, so a − b is rarely exact in float32 (the kernel subtracts in float64)
  for (const n of SIZES) for (const scale of [1e-3, 1, 1e20, 0]) {
    const rng = new Rng(seed++);
    const a = rng.array(n, -2, 2);
    const far = () => rng.uniform(-2, 2) * 2 ** rng.int(-20, 20);
    const b = Float32Array.from(a, (v) => (scale ? v + rng.uniform(-scale, scale) : far()));
    if (n > 3) { a[1] = 1e-40; b[1] = -1e-45; a[2] = 0; b[2] = -0; }
    const got = kern.diffSquares(put(a), put(b), n), terms = diffSquareTerms(a, b);
    const abs = terms.reduce((s, v) => s + v, 0);
    assertClose([got], [diffSquaresRef(a, b)], () => 2 * (n + 1) * U * abs,
      { op: 'diffSquares', shape: `[${n}] scale ${scale}`, seed: rng.seed });
    sameBits(got, laneOrderSum(terms), `diffSquares lane order [${n}] seed ${rng.seed}`);
    freeAll();
  }
  const nonFinite = [[NaN, 1, NaN], [Infinity, 1, Infinity], [Infinity, Infinity, NaN]];
  for (const n of [1, 5, 17]) for (const [p, q, want] of nonFinite) {
    const a = new Float32Array(n).fill(0.5), b = new Float32Array(n).fill(0.25);
    a[n - 1] = p; b[n - 1] = q;
    sameBits(kern.diffSquares(put(a), put(b), n), want, `diffSquares with ${p} − ${q} at the end of [${n}]`);
    a[n - 1] = 0.5; b[n - 1] = 0.25; a[0] = p; b[0] = q;
    sameBits(kern.diffSquares(put(a), put(b), n), want, `diffSquares with ${p} − ${q} at the start of [${n}]`);
    freeAll();
  }
  assert.is(kern.diffSquares(put([1]), put([2]), 0), 0, 'n = 0');
  freeAll();
});

// ---- wrapper refusals ----

test('the wrappers refuse bad sizes, offsets and options, naming the kernel and the argument', () => {
  const x = put(new Float32Array(16)), c = putI32(new Int32Array(16)), o = poisonedSlots();
  const cases: [() => unknown, string][] = [
    [() => kern.tensorStats(x, -1), 'kernel tensorStats: n = -1 must be an integer ≥ 0'],
    [() => kern.tensorStats(x, 4, o + 4), `kernel tensorStats: out offset ${o + 4} is not 8-byte aligned (it holds float64 slots)`],
    [() => kern.tensorStats(3, 4), 'kernel tensorStats: x offset 3 is not a 4-byte aligned address'],
    [() => kern.histogram(x, 16, 0, 1, 0, c), 'kernel histogram: bins = 0 must be an integer in [1, 4096]'],
    [() => kern.histogram(x, 16, 0, 1, 4097, c), 'kernel histogram: bins = 4097 must be an integer in [1, 4096]'],
    [() => kern.histogram(x, 16, 0, 1, 2.5, c), 'kernel histogram: bins = 2.5 must be an integer in [1, 4096]'],
    [() => kern.histogram(x, 16, 1, 1, 4, c), 'kernel histogram: lo = 1 must be below hi = 1 as float32 values (1 vs 1)'],
    [() => kern.histogram(x, 16, 1, 1 + 1e-9, 4, c), 'kernel histogram: lo = 1 must be below hi = 1.000000001 as float32 values (1 vs 1)'],
    [() => kern.histogram(x, 16, 2, 1, 4, c), 'kernel histogram: lo = 2 must be below hi = 1 as float32 values (2 vs 1)'],
    [() => kern.histogram(x, 16, NaN, 1, 4, c), 'kernel histogram: lo = NaN and hi = 1 must be finite float32 values'],
    [() => kern.histogram(x, 16, 0, 1e39, 4, c), 'kernel histogram: lo = 0 and hi = 1e+39 must be finite float32 values'],
    [() => kern.histogram(x, 16, 0, 1, 1e6, c), 'kernel histogram: bins = 1000000 must be an integer in [1, 4096]'],
    [() => kern.histogram(x, 2 ** 40, 0, 1, 4, c), `kernel histogram: x [${x}, +${2 ** 40}) lies outside memory`],
    [() => kern.columnsPositive(x, 4, -1, c), 'kernel columnsPositive: cols = -1 must be an integer ≥ 0'],
    [() => kern.columnsPositive(x, 1.5, 4, c), 'kernel columnsPositive: rows = 1.5 must be an integer ≥ 0'],
    [() => kern.columnsBeyond(x, 4, 4, -1, c), 'kernel columnsBeyond: t = -1 must be finite and ≥ 0 (as a float32 value)'],
    [() => kern.columnsBeyond(x, 4, 4, NaN, c), 'kernel columnsBeyond: t = NaN must be finite and ≥ 0 (as a float32 value)'],
    [() => kern.diffSquares(x, 0, 4), 'kernel diffSquares: b offset 0 is not a 4-byte aligned address'],
  ];
  for (const [fn, msg] of cases) assert.is(thrown(fn), msg);
  freeAll();
});

test.run();
