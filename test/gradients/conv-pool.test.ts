// Finite differences for convolution and pooling: central differences of the float64 reference forward agree with
// the float64 reference backward (input, filter, bias; max pooling away from ties, average pooling both countPad
// modes), and the kernels' backward agrees with those differences. Planted wrong gradients must fail the same check.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertClose, F32_EPS } from '../helpers/compare.js';
import { conv2dRef, conv2dBackpropInputRef, conv2dBackpropFilterRef, convOut, type ConvGeom } from '../reference/conv2d.js';
import { maxPool2dRef, maxPool2dGradRef, avgPool2dRef, avgPool2dGradRef, poolOut, type PoolGeom } from '../reference/pool.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`conv and pool gradients [${BUILD}]`);

/** ∂/∂v[i] of f at v by central differences, for every i (v is restored). */
function numericGrad(f: () => number, v: Float64Array, h: number): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const old = v[i];
    v[i] = old + h; const up = f();
    v[i] = old - h; const down = f();
    v[i] = old;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** L = Σ y·gy, the scalar whose gradient the backward kernels compute when dy = gy. */
function dot(y: ArrayLike<number>, gy: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * gy[i];
  return s;
}

/** Largest |a − b| / (atol + rtol·|b|): ≤ 1 passes. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i])));
  return m;
}

function conv(N: number, H: number, W: number, inC: number, outC: number, kh: number, kw: number,
  s: [number, number], d: [number, number], p: [number, number, number, number]): ConvGeom {
  return { N, H, W, inC, outC, kh, kw, strideH: s[0], strideW: s[1], dilationH: d[0], dilationW: d[1],
    padTop: p[0], padBottom: p[1], padLeft: p[2], padRight: p[3] };
}

function pool(N: number, H: number, W: number, C: number, ph: number, pw: number, s: [number, number],
  p: [number, number, number, number]): PoolGeom {
  return { N, H, W, C, ph, pw, strideH: s[0], strideW: s[1], padTop: p[0], padBottom: p[1], padLeft: p[2], padRight: p[3] };
}

const CONVS: ConvGeom[] = [
  conv(2, 5, 4, 3, 2, 3, 3, [1, 1], [1, 1], [1, 1, 1, 1]),   // 'same'
  conv(1, 6, 7, 2, 3, 3, 2, [2, 1], [1, 1], [1, 0, 2, 1]),   // asymmetric padding, stride [2, 1]
  conv(1, 7, 7, 2, 2, 3, 3, [1, 1], [2, 2], [2, 2, 2, 2]),   // dilation 2, 'same'
  conv(1, 3, 3, 1, 2, 5, 5, [2, 2], [1, 1], [2, 2, 2, 2]),   // kernel larger than the input, stride 2
  conv(2, 3, 3, 4, 3, 1, 1, [1, 1], [1, 1], [0, 0, 0, 0]),   // 1×1: the direct GEMM path
];

test('conv2d: reference backward = finite differences of the reference forward, and the kernels agree', () => {
  let seed = 1;
  for (const g of CONVS) {
    const rng = new Rng(seed++);
    const [OH, OW] = convOut(g);
    const xs = g.N * g.H * g.W * g.inC, ws = g.kh * g.kw * g.inC * g.outC, ys = g.N * OH * OW * g.outC;
    const x32 = rng.array(xs), w32 = rng.array(ws), b32 = rng.array(g.outC), gy32 = rng.array(ys);
    const x = Float64Array.from(x32), w = Float64Array.from(w32), b = Float64Array.from(b32);
    const L = () => dot(conv2dRef(x, w, b, g).y, gy32);
    const h = 1e-3; // L is linear in each argument: the differences are exact up to float64 rounding
    const nx = numericGrad(L, x, h), nw = numericGrad(L, w, h), nb = numericGrad(L, b, h);
    const shape = `${JSON.stringify(g)}`;
    const rx = conv2dBackpropInputRef(gy32, w, g);
    const rf = conv2dBackpropFilterRef(x, gy32, new Float64Array(ws), new Float64Array(g.outC), g);
    assertClose(rx.dx, nx, () => 1e-8, { op: 'reference dx vs differences', shape, seed });
    assertClose(rf.dw, nw, () => 1e-8, { op: 'reference dw vs differences', shape, seed });
    assertClose(rf.db, nb, () => 1e-8, { op: 'reference db vs differences', shape, seed });

    const px = put(x32), pw = put(w32), pdy = put(gy32);
    const bytes = kern.conv2dWorkspaceBytes(g);
    const work = bytes ? poisoned(bytes / 4) : 0;
    const dx = poisoned(xs), dw = put(new Float32Array(ws)), db = put(new Float32Array(g.outC));
    kern.conv2dBackpropInput(g, { dy: pdy, w: pw, dx, work });
    kern.conv2dBackpropFilter(g, { x: px, dy: pdy, dw, db, work });
    const f32tol = (abs: Float64Array) => (i: number) => 1e-6 + 64 * F32_EPS * abs[i];
    assertClose(read(dx, xs), nx, f32tol(rx.absSum), { op: 'kernel dx vs differences', shape, seed });
    assertClose(read(dw, ws), nw, f32tol(rf.absDw), { op: 'kernel dw vs differences', shape, seed });
    assertClose(read(db, g.outC), nb, f32tol(rf.absDb), { op: 'kernel db vs differences', shape, seed });
    freeAll();
  }
});

test('conv2d: a planted wrong input gradient (filter not flipped back) fails the check', () => {
  const g = CONVS[0];
  const rng = new Rng(77);
  const [OH, OW] = convOut(g);
  const x = Float64Array.from(rng.array(g.N * g.H * g.W * g.inC)), w = Float64Array.from(rng.array(9 * g.inC * g.outC));
  const gy = rng.array(g.N * OH * OW * g.outC);
  const nx = numericGrad(() => dot(conv2dRef(x, w, null, g).y, gy), x, 1e-3);
  // Wrong: the kernel rotated by 180° (what a transposed convolution would use without re-indexing).
  const rot = new Float64Array(w.length), per = g.inC * g.outC;
  for (let t = 0; t < 9; t++) for (let k = 0; k < per; k++) rot[t * per + k] = w[(8 - t) * per + k];
  assert.ok(worst(conv2dBackpropInputRef(gy, rot, g).dx, nx, 1e-6, 1e-4) > 1, 'the planted gradient passed');
  assert.ok(worst(conv2dBackpropInputRef(gy, w, g).dx, nx, 1e-6, 1e-4) <= 1);
});

const POOLS: PoolGeom[] = [
  pool(2, 5, 6, 3, 2, 2, [2, 2], [0, 0, 0, 0]),
  pool(1, 5, 5, 5, 3, 3, [2, 2], [1, 1, 1, 1]),
  pool(1, 4, 7, 17, 3, 2, [1, 2], [1, 2, 0, 1]),
  pool(1, 1, 1, 4, 3, 3, [1, 1], [1, 1, 1, 1]),
];

/** Distinct values 2/n apart in random order: no ties, so max pooling is differentiable with steps h < 1/n. */
function distinct(rng: Rng, n: number): Float32Array {
  const v = Float32Array.from({ length: n }, (_, i) => -1 + (2 * i) / n);
  for (let i = n - 1; i > 0; i--) { const j = rng.int(0, i); [v[i], v[j]] = [v[j], v[i]]; }
  return v;
}

test('pooling: reference backward = finite differences of the reference forward, and the kernels agree', () => {
  let seed = 100;
  for (const g of POOLS) {
    const rng = new Rng(seed++);
    const [OH, OW] = poolOut(g);
    const xs = g.N * g.H * g.W * g.C, ys = g.N * OH * OW * g.C;
    const x32 = distinct(rng, xs), gy32 = rng.array(ys);
    const x = Float64Array.from(x32);
    const shape = JSON.stringify(g);
    const px = put(x32), pdy = put(gy32);
    const f32tol = (abs: Float64Array) => (i: number) => 1e-6 + 64 * F32_EPS * abs[i];

    const nmax = numericGrad(() => dot(maxPool2dRef(x, g), gy32), x, 0.25 / xs);
    const rmax = maxPool2dGradRef(x, gy32, g);
    assertClose(rmax.dx, nmax, () => 1e-8, { op: 'reference maxPool dx vs differences', shape, seed });
    const dmax = poisoned(xs);
    kern.maxPool2dGrad(g, px, pdy, dmax);
    assertClose(read(dmax, xs), nmax, f32tol(rmax.absSum), { op: 'kernel maxPool dx vs differences', shape, seed });

    for (const countPad of [false, true]) {
      const navg = numericGrad(() => dot(avgPool2dRef(x, g, countPad).y, gy32), x, 1e-3);
      const ravg = avgPool2dGradRef(gy32, g, countPad);
      assertClose(ravg.dx, navg, () => 1e-8, { op: `reference avgPool countPad=${countPad} dx vs differences`, shape, seed });
      const davg = poisoned(xs);
      kern.avgPool2dGrad(g, pdy, davg, countPad);
      assertClose(read(davg, xs), navg, f32tol(ravg.absSum), { op: `kernel avgPool countPad=${countPad} dx vs differences`, shape, seed });
    }
    freeAll();
  }
});

test('pooling: planted wrong gradients (countPad swapped, last maximum) fail the check', () => {
  const g = POOLS[1];
  const rng = new Rng(5);
  const [OH, OW] = poolOut(g);
  const x = Float64Array.from(distinct(rng, g.N * g.H * g.W * g.C)), gy = rng.array(g.N * OH * OW * g.C);
  const navg = numericGrad(() => dot(avgPool2dRef(x, g, false).y, gy), x, 1e-3);
  assert.ok(worst(avgPool2dGradRef(gy, g, true).dx, navg, 1e-6, 1e-4) > 1, 'countPad swapped passed');
  const nmax = numericGrad(() => dot(maxPool2dRef(x, g), gy), x, 1e-3);
  const wrong = maxPool2dGradRef(x.map((v) => -v), gy, g).dx; // routes to the minimum
  assert.ok(worst(wrong, nmax, 1e-6, 1e-4) > 1, 'gradient to the minimum passed');
  assert.ok(worst(maxPool2dGradRef(x, gy, g).dx, nmax, 1e-6, 1e-4) <= 1);
});

test.run();
