// assembly/math.ts (through its mathExp … mathExpm1 kernels): exp, log, tanh, sigmoid, softplus, expm1 swept over
// their whole useful range against float64, with a stated maximum error in float32 ulps, special values, flush rule.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { mathRef, ulps, FLT_MIN } from '../reference/math.js';
import * as kern from '../../src/backend/kernels/index.js';

await ready();
const test = suite(`math [${BUILD}]`);

type Fn = keyof typeof mathRef;
const KERNEL: Record<Fn, kern.MathKernel> = {
  exp: 'mathExp', log: 'mathLog', tanh: 'mathTanh', sigmoid: 'mathSigmoid', softplus: 'mathSoftplus', expm1: 'mathExpm1',
};
/** The stated maximum error of each function, in float32 ulps (measured worst: exp 1, log 1, tanh 2, sigmoid 2, softplus 3, expm1 2). */
const MAX_ULPS: Record<Fn, number> = { exp: 1, log: 1, tanh: 2, sigmoid: 2, softplus: 4, expm1: 3 };

function run(fn: Fn, x: Float32Array): Float32Array {
  const px = put(x), py = poisoned(x.length);
  kern.mathMap(KERNEL[fn], px, py, x.length);
  const y = read(py, x.length);
  freeAll();
  return y;
}

function linspace(lo: number, hi: number, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = lo + ((hi - lo) * i) / (n - 1);
  return x;
}

function logspace(lo: number, hi: number, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (n - 1));
  return x;
}

function sweep(fn: Fn, x: Float32Array): void {
  const y = run(fn, x);
  let worst = 0, at = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.fround(mathRef[fn](x[i]));
    // At the flush threshold the float64 value and ours may fall on either side of 2^-126.
    if (Math.abs(e) <= FLT_MIN * 1.000001 && Math.abs(y[i]) <= FLT_MIN * 1.000001) continue;
    const u = ulps(y[i], e);
    if (!(u <= worst)) { worst = u; at = i; }
  }
  if (!(worst <= MAX_ULPS[fn])) {
    throw new Error(`${fn}: ${worst} ulps at x = ${x[at]} (got ${y[at]}, float64 says ${mathRef[fn](x[at])}); stated max ${MAX_ULPS[fn]}`);
  }
}

const N = 200_003; // odd length: the scalar tail runs too
test('exp over [-87.3, 88.7] and past both ends', () => {
  sweep('exp', linspace(-87.3, 88.72, N));
  sweep('exp', linspace(-1e-3, 1e-3, 10_001));
  const y = run('exp', new Float32Array([89, 100, 1e30, -87.5, -100, -1e30]));
  assert.equal(Array.from(y), [Infinity, Infinity, Infinity, 0, 0, 0]);
});

test('log over positive normals and subnormals, 0, negatives', () => {
  sweep('log', logspace(FLT_MIN, 3.4e38, N));
  sweep('log', linspace(0.5, 2, N));
  sweep('log', new Float32Array([1e-40, 1e-45, 2 ** -130, 2 ** -149]));
  const y = run('log', new Float32Array([0, -0, -1, -1e-30, 1]));
  assert.equal(Array.from(y), [-Infinity, -Infinity, NaN, NaN, 0]);
});

test('tanh over [-12, 12], tiny and huge', () => {
  sweep('tanh', linspace(-12, 12, N));
  sweep('tanh', linspace(-0.7, 0.7, N));
  sweep('tanh', new Float32Array([1e-30, -1e-30, 1e-8, 50, -50, 1e30, -1e30]));
});

test('sigmoid over [-90, 90]', () => {
  sweep('sigmoid', linspace(-90, 90, N));
  sweep('sigmoid', linspace(-1, 1, 10_001));
});

test('softplus over [-90, 90]', () => {
  sweep('softplus', linspace(-90, 90, N));
  sweep('softplus', linspace(-1e-3, 1e-3, 10_001));
});

test('expm1 over [-90, 88], near 0', () => {
  sweep('expm1', linspace(-90, 88, N));
  sweep('expm1', linspace(-1e-4, 1e-4, 10_001));
  sweep('expm1', new Float32Array([1e-30, -1e-30, 1e-10]));
});

test('NaN in, NaN out; infinities at the ends', () => {
  for (const fn of Object.keys(KERNEL) as Fn[]) {
    const y = run(fn, new Float32Array([NaN, NaN, NaN, NaN, NaN]));
    assert.ok(y.every(Number.isNaN), `${fn}(NaN) must be NaN, got ${Array.from(y)}`);
  }
  assert.equal(Array.from(run('tanh', new Float32Array([Infinity, -Infinity]))), [1, -1]);
  assert.equal(Array.from(run('sigmoid', new Float32Array([Infinity, -Infinity]))), [1, 0]);
  assert.equal(Array.from(run('softplus', new Float32Array([Infinity, -Infinity]))), [Infinity, 0]);
  assert.equal(Array.from(run('log', new Float32Array([Infinity]))), [Infinity]);
});

test('no subnormal results: anything below 2^-126 is flushed to 0', () => {
  for (const fn of ['exp', 'sigmoid', 'softplus'] as Fn[]) {
    const y = run(fn, linspace(-104, -80, 50_001));
    for (const v of y) if (v !== 0 && Math.abs(v) < FLT_MIN) throw new Error(`${fn} produced the subnormal ${v}`);
  }
});

test('vector lanes and the scalar tail give the same bits', () => {
  const x = linspace(-20, 20, 4099);
  for (const fn of Object.keys(KERNEL) as Fn[]) {
    const all = run(fn, x);
    for (let i = 4090; i < 4099; i++) {
      const one = run(fn, x.subarray(i, i + 1));
      assert.is(one[0], all[i], `${fn} at ${x[i]}: tail ${one[0]} vs vector ${all[i]}`);
    }
  }
});

test.run();
