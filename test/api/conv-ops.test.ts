// The conv and pooling ops: option parsing ('same' vs 'valid' output shapes, TensorFlow's 'same' split, number vs
// pair), values against the float64 references, conv2dBackpropFilter with and without the bias gradient, error
// messages naming the op, the tensor, its shape and the option, and no memory left behind.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { assertClose, F32_EPS } from '../helpers/compare.js';
import { conv2dRef, conv2dBackpropInputRef, conv2dBackpropFilterRef, type ConvGeom } from '../reference/conv2d.js';
import { maxPool2dRef, maxPool2dGradRef, avgPool2dRef, avgPool2dGradRef, type PoolGeom } from '../reference/pool.js';
import { tensor, ops, memoryInUse, type Tensor } from '../../src/index.js';

await ready();
const test = suite(`conv ops [${BUILD}]`);

function rand(rng: Rng, shape: number[], name?: string): [Tensor, Float32Array] {
  const v = rng.array(shape.reduce((a, b) => a * b, 1));
  const t = tensor(v, shape);
  if (name) t.name = name;
  return [t, v];
}

function zeros(shape: number[], name?: string): Tensor {
  const t = tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  if (name) t.name = name;
  return t;
}

const dispose = (...ts: Tensor[]) => ts.forEach((t) => t.dispose());

test('conv2d output shapes: valid, same, strides, dilations, explicit padding', () => {
  const x = zeros([2, 7, 9, 3]), w = zeros([3, 3, 3, 4]);
  const shapeOf = (o: ops.Conv2dOptions) => { const y = ops.conv2d(x, w, o); const s = [...y.shape]; y.dispose(); return s; };
  assert.equal(shapeOf({}), [2, 5, 7, 4]);
  assert.equal(shapeOf({ padding: 'valid' }), [2, 5, 7, 4]);
  assert.equal(shapeOf({ padding: 'same' }), [2, 7, 9, 4]);
  assert.equal(shapeOf({ padding: 'same', strides: 2 }), [2, 4, 5, 4]);
  assert.equal(shapeOf({ padding: 'valid', strides: 2 }), [2, 3, 4, 4]);
  assert.equal(shapeOf({ padding: 'same', strides: [2, 3] }), [2, 4, 3, 4]);
  assert.equal(shapeOf({ padding: 'valid', dilations: 2 }), [2, 3, 5, 4]);
  assert.equal(shapeOf({ padding: 'same', dilations: [2, 3] }), [2, 7, 9, 4]);
  assert.equal(shapeOf({ padding: [1, 0, 2, 2] }), [2, 6, 11, 4]);
  const small = zeros([1, 2, 2, 1]), big = zeros([5, 5, 1, 1]);
  const y = ops.conv2d(small, big, { padding: 'same' });
  assert.equal(y.shape, [1, 2, 2, 1]);
  dispose(x, w, small, big, y);
});

test('number and pair options give the same result', () => {
  const rng = new Rng(3);
  const [x] = rand(rng, [1, 9, 9, 2]), [w] = rand(rng, [3, 3, 2, 3]);
  const a = ops.conv2d(x, w, { strides: 2, dilations: 1, padding: 'same' });
  const b = ops.conv2d(x, w, { strides: [2, 2], dilations: [1, 1], padding: 'same' });
  assert.equal(Array.from(a.toFloat32Array()), Array.from(b.toFloat32Array()));
  const p = ops.maxPool2d(x, { poolSize: 3, strides: 2 }), q = ops.maxPool2d(x, { poolSize: [3, 3], strides: [2, 2] });
  assert.equal(Array.from(p.toFloat32Array()), Array.from(q.toFloat32Array()));
  dispose(x, w, a, b, p, q);
});

function geom(x: number[], w: number[], s: [number, number], d: [number, number], p: number[]): ConvGeom {
  return { N: x[0], H: x[1], W: x[2], inC: x[3], outC: w[3], kh: w[0], kw: w[1], strideH: s[0], strideW: s[1],
    dilationH: d[0], dilationW: d[1], padTop: p[0], padBottom: p[1], padLeft: p[2], padRight: p[3] };
}

test("'same' pads like TensorFlow (the odd pixel at the bottom/right); conv2d and its gradients match float64", () => {
  const rng = new Rng(11);
  // H = 6, kh = 4, stride 1: total pad 3 → top 1, bottom 2. W = 7, kw = 2, stride 2: total 1 → left 0, right 1.
  const xs = [2, 6, 7, 3], ws = [4, 2, 3, 5];
  const g = geom(xs, ws, [1, 2], [1, 1], [1, 2, 0, 1]);
  const [x, xv] = rand(rng, xs, 'x'), [w, wv] = rand(rng, ws, 'w'), [b, bv] = rand(rng, [5], 'b');
  const o = { strides: [1, 2] as [number, number], padding: 'same' as const };
  const y = ops.conv2d(x, w, { ...o, bias: b });
  assert.equal(y.shape, [2, 6, 4, 5]);
  const ry = conv2dRef(xv, wv, bv, g);
  const K = 4 * 2 * 3;
  assertClose(y.toFloat32Array(), ry.y, (i) => 1e-6 + 2 * (K + 3) * F32_EPS * ry.absSum[i], { op: 'conv2d', shape: 'same' });
  const [dy, dyv] = rand(rng, [2, 6, 4, 5], 'dy');
  const dx = ops.conv2dBackpropInput(dy, w, { ...o, inputShape: xs });
  assert.equal(dx.shape, xs);
  const rdx = conv2dBackpropInputRef(dyv, wv, g);
  assertClose(dx.toFloat32Array(), rdx.dx, (i) => 1e-6 + 32 * F32_EPS * rdx.absSum[i], { op: 'conv2dBackpropInput', shape: 'same' });
  const rf = conv2dBackpropFilterRef(xv, dyv, new Float64Array(120), new Float64Array(5), g);
  const dw = ops.conv2dBackpropFilter(x, dy, { ...o, filterShape: ws });
  assert.equal(dw.shape, ws);
  assertClose(dw.toFloat32Array(), rf.dw, (i) => 1e-6 + 2 * 52 * F32_EPS * rf.absDw[i], { op: 'conv2dBackpropFilter', shape: 'same' });
  const both = ops.conv2dBackpropFilter(x, dy, { ...o, filterShape: ws, bias: true });
  assert.equal(Array.from(both.dw.toFloat32Array()), Array.from(dw.toFloat32Array()));
  assert.equal(both.db.shape, [5]);
  assertClose(both.db.toFloat32Array(), rf.db, (i) => 1e-6 + 2 * 52 * F32_EPS * rf.absDb[i], { op: 'conv2dBackpropFilter db', shape: 'same' });
  dispose(x, w, b, y, dy, dx, dw, both.dw, both.db);
});

function pgeom(x: number[], k: [number, number], s: [number, number], p: number[]): PoolGeom {
  return { N: x[0], H: x[1], W: x[2], C: x[3], ph: k[0], pw: k[1], strideH: s[0], strideW: s[1],
    padTop: p[0], padBottom: p[1], padLeft: p[2], padRight: p[3] };
}

test('pooling output shapes: strides default to poolSize; valid and same', () => {
  const x = zeros([1, 7, 8, 3]);
  const shapeOf = (f: () => Tensor) => { const y = f(); const s = [...y.shape]; y.dispose(); return s; };
  assert.equal(shapeOf(() => ops.maxPool2d(x, { poolSize: 2 })), [1, 3, 4, 3]);
  assert.equal(shapeOf(() => ops.maxPool2d(x, { poolSize: 2, padding: 'same' })), [1, 4, 4, 3]);
  assert.equal(shapeOf(() => ops.avgPool2d(x, { poolSize: [3, 2], strides: 1, padding: 'same' })), [1, 7, 8, 3]);
  assert.equal(shapeOf(() => ops.avgPool2d(x, { poolSize: [3, 2], strides: [2, 1] })), [1, 3, 7, 3]);
  assert.equal(shapeOf(() => ops.maxPool2d(x, { poolSize: 3, strides: 2, padding: [1, 1, 0, 2] })), [1, 4, 4, 3]);
  x.dispose();
});

test('pooling ops and their gradients match float64 (countPad off by default, and on)', () => {
  const rng = new Rng(21);
  const xs = [2, 5, 6, 5];
  const [x, xv] = rand(rng, xs, 'x');
  const o = { poolSize: 3, strides: 2, padding: 'same' as const };
  const g = pgeom(xs, [3, 3], [2, 2], [1, 1, 0, 1]); // H 5 → total 2; W 6 → total 1
  const [dy, dyv] = rand(rng, [2, 3, 3, 5], 'dy');
  const tol = (abs: ArrayLike<number>) => (i: number) => 1e-7 + 22 * F32_EPS * Math.abs(abs[i]);
  const ym = ops.maxPool2d(x, o);
  assertClose(ym.toFloat32Array(), maxPool2dRef(xv, g), () => 0, { op: 'maxPool2d', shape: 'same' });
  const dm = ops.maxPool2dGrad(x, dy, o), rdm = maxPool2dGradRef(xv, dyv, g);
  assertClose(dm.toFloat32Array(), rdm.dx, tol(rdm.absSum), { op: 'maxPool2dGrad', shape: 'same' });
  for (const countPad of [undefined, false, true]) {
    const ya = ops.avgPool2d(x, { ...o, countPad }), ra = avgPool2dRef(xv, g, !!countPad);
    assertClose(ya.toFloat32Array(), ra.y, tol(ra.absSum), { op: `avgPool2d countPad=${countPad}`, shape: 'same' });
    const da = ops.avgPool2dGrad(x, dy, { ...o, countPad }), rda = avgPool2dGradRef(dyv, g, !!countPad);
    assertClose(da.toFloat32Array(), rda.dx, tol(rda.absSum), { op: `avgPool2dGrad countPad=${countPad}`, shape: 'same' });
    dispose(ya, da);
  }
  dispose(x, dy, ym, dm);
});

test('conv errors name the op, the tensor, its shape and the option', () => {
  const x = zeros([2, 5, 5, 3], 'x'), w1 = zeros([3, 3, 4, 8], 'w1'), w = zeros([3, 3, 3, 8], 'w');
  assert.throws(() => ops.conv2d(x, w1), /^conv2d: w "w1" \[3, 3, 4, 8\] has inCh 4 but x "x" \[2, 5, 5, 3\] has 3 channels$/);
  const x3 = zeros([5, 5, 3], 'x3');
  assert.throws(() => ops.conv2d(x3, w), /conv2d: x "x3" \[5, 5, 3\] must be 4-D \[N, H, W, inC\]/);
  const b = zeros([4], 'b');
  assert.throws(() => ops.conv2d(x, w, { bias: b }), /conv2d: bias "b" \[4\] must be \[8\], the outCh of w "w" \[3, 3, 3, 8\]/);
  assert.throws(() => ops.conv2d(x, w, { strides: 0 }), /conv2d: strides must be a positive integer or a pair \[h, w\] of them, got 0/);
  assert.throws(() => ops.conv2d(x, w, { strides: [1] as unknown as [number, number] }), /conv2d: strides .* got \[1\]/);
  assert.throws(() => ops.conv2d(x, w, { dilations: 1.5 }), /conv2d: dilations .* got 1.5/);
  assert.throws(() => ops.conv2d(x, w, { padding: 'SAME' as 'same' }),
    /conv2d: padding must be 'same', 'valid' or \[top, bottom, left, right\] of non-negative integers, got 'SAME'/);
  assert.throws(() => ops.conv2d(x, w, { padding: [1, 1, -1, 0] }), /conv2d: padding .* got \[1, 1, -1, 0\]/);
  const tiny = zeros([1, 2, 2, 3], 'tiny');
  assert.throws(() => ops.conv2d(tiny, w),
    /conv2d: x "tiny" \[1, 2, 2, 3\] is too small for the 3×3 filter with padding 'valid' and dilations \[1, 1\]: the output would be 0×0/);
  const dy = zeros([2, 5, 5, 8], 'dy');
  assert.throws(() => ops.conv2dBackpropInput(dy, w, { inputShape: [2, 5, 5, 3] }),
    /conv2dBackpropInput: dy "dy" \[2, 5, 5, 8\] must have the output shape \[2, 3, 3, 8\] of x \[2, 5, 5, 3\] convolved with w "w" \[3, 3, 3, 8\]/);
  assert.throws(() => ops.conv2dBackpropInput(dy, w, { inputShape: [2, 5, 5, 4], padding: 'same' }),
    /conv2dBackpropInput: w "w" \[3, 3, 3, 8\] has inCh 3 but inputShape \[2, 5, 5, 4\] has 4 channels/);
  assert.throws(() => ops.conv2dBackpropInput(dy, w, { inputShape: [2, 5, 5] as unknown as number[] }),
    /conv2dBackpropInput: inputShape \[2, 5, 5\] must be 4-D \[N, H, W, inC\]/);
  assert.throws(() => ops.conv2dBackpropFilter(x, dy, { filterShape: [3, 3, 4, 8], padding: 'same' }),
    /conv2dBackpropFilter: filterShape \[3, 3, 4, 8\] has inCh 4 but x "x" \[2, 5, 5, 3\] has 3 channels/);
  assert.throws(() => ops.conv2dBackpropFilter(x, dy, { filterShape: [3, 3, 3, 8], strides: 2, padding: 'same' }),
    /conv2dBackpropFilter: dy "dy" \[2, 5, 5, 8\] must have the output shape \[2, 3, 3, 8\]/);
  dispose(x, w1, w, x3, b, tiny, dy);
});

test('pooling errors name the op, the tensor and the option', () => {
  const x = zeros([1, 4, 4, 2], 'x');
  assert.throws(() => ops.maxPool2d(x, {} as ops.Pool2dOptions), /maxPool2d: poolSize must be a positive integer or a pair \[h, w\] of them, got undefined/);
  assert.throws(() => ops.avgPool2d(x, { poolSize: 2, padding: [2, 0, 0, 0] }),
    /avgPool2d: padding \[2, 0, 0, 0\] must be smaller than poolSize \[2, 2\] on every side/);
  assert.throws(() => ops.maxPool2d(x, { poolSize: 5 }),
    /maxPool2d: x "x" \[1, 4, 4, 2\] is too small for poolSize \[5, 5\] with padding 'valid': the output would be 0×0/);
  const dy = zeros([1, 3, 3, 2], 'dy');
  assert.throws(() => ops.maxPool2dGrad(x, dy, { poolSize: 2 }),
    /maxPool2dGrad: dy "dy" \[1, 3, 3, 2\] must have the output shape \[1, 2, 2, 2\] of pooling x "x" \[1, 4, 4, 2\]/);
  dispose(x, dy);
});

test('no memory left behind: workspaces are freed, including when the kernel wrapper throws', () => {
  const rng = new Rng(5);
  const [x] = rand(rng, [2, 9, 9, 4]), [w] = rand(rng, [3, 3, 4, 6]), [dy] = rand(rng, [2, 9, 9, 6]);
  const before = memoryInUse();
  for (let i = 0; i < 5; i++) {
    const o = { padding: 'same' as const };
    const y = ops.conv2d(x, w, o), dx = ops.conv2dBackpropInput(dy, w, { ...o, inputShape: [2, 9, 9, 4] });
    const f = ops.conv2dBackpropFilter(x, dy, { ...o, filterShape: [3, 3, 4, 6], bias: true });
    const p = ops.maxPool2d(x, { poolSize: 2 }), pg = ops.avgPool2dGrad(x, p, { poolSize: 2 });
    dispose(y, dx, f.dw, f.db, p, pg);
  }
  assert.is(memoryInUse(), before);
  dispose(x, w, dy);
});

test.run();
