// The public ops: results against float64 references on random tensors, axis handling, gradients' signatures,
// and error messages that name the op, both tensors and their shapes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { assertClose, mixed, F32_EPS } from '../helpers/compare.js';
import { gemmRef } from '../reference/gemm.js';
import { activationRef as R } from '../reference/activations.js';
import { reduceRef } from '../reference/reduce.js';
import { softmaxRef, softmaxGradRef } from '../reference/softmax.js';
import { tensor, ops, type Tensor } from '../../src/index.js';

await ready();
const test = suite(`ops [${BUILD}]`);

function rand(rng: Rng, shape: number[], lo = -1, hi = 1): [Tensor, Float32Array] {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = rng.array(n, lo, hi);
  return [tensor(v, shape), v];
}

test('matMul in all four transposes', () => {
  const rng = new Rng(1);
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    const [M, N, K] = [5, 7, 9];
    const [a, av] = rand(rng, ta ? [K, M] : [M, K]);
    const [b, bv] = rand(rng, tb ? [N, K] : [K, N]);
    const c = ops.matMul(a, b, { transposeA: ta, transposeB: tb });
    assert.equal(c.shape, [M, N]);
    const ref = gemmRef(ta, tb, M, N, K, 1, av, ta ? M : K, bv, tb ? K : N, 0, null, N);
    assertClose(c.toFloat32Array(), ref.c, (i) => 1e-6 + 2 * K * F32_EPS * ref.absSum[i], { op: 'matMul', shape: `${ta}${tb}` });
    [a, b, c].forEach((t) => t.dispose());
  }
});

test('matMul errors name both tensors and their shapes', () => {
  const a = tensor(new Float32Array(6), [2, 3]); a.name = 'x';
  const b = tensor(new Float32Array(8), [4, 2]); b.name = 'w';
  assert.throws(() => ops.matMul(a, b), /matMul: inner dimensions differ: a "x" \[2, 3\] gives K = 3, b "w" \[4, 2\] gives K = 4/);
  const v = tensor([1, 2, 3], [3]); v.name = 'v';
  assert.throws(() => ops.matMul(v, b), /matMul: a "v" \[3\] and b "w" \[4, 2\] must both be 2-D/);
  assert.throws(() => ops.matMul(a, 3 as unknown as Tensor), /matMul: b must be a Tensor/);
  [a, b, v].forEach((t) => t.dispose());
});

test('add, sub, mul: same shape, trailing broadcast, scalar; mismatches name both tensors', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]); a.name = 'a';
  const b = tensor([10, 20, 30], [3]); b.name = 'b';
  const s1 = ops.add(a, b), s2 = ops.sub(a, a), s3 = ops.mul(a, 2), s4 = ops.add(a, 0.5), s5 = ops.sub(a, 1);
  assert.equal(s1.toArray(), [[11, 22, 33], [14, 25, 36]]);
  assert.equal(s2.toArray(), [[0, 0, 0], [0, 0, 0]]);
  assert.equal(s3.toArray(), [[2, 4, 6], [8, 10, 12]]);
  assert.equal(s4.toArray(), [[1.5, 2.5, 3.5], [4.5, 5.5, 6.5]]);
  assert.equal(s5.toArray(), [[0, 1, 2], [3, 4, 5]]);
  const c = tensor([1, 2], [2]); c.name = 'c';
  assert.throws(() => ops.mul(a, c), /mul: shapes do not broadcast: a "a" \[2, 3\], b "c" \[2\]/);
  [a, b, c, s1, s2, s3, s4, s5].forEach((t) => t.dispose());
});

test('activations and their gradients (from x and dy) match float64', () => {
  const rng = new Rng(2);
  const [x, xv] = rand(rng, [3, 11], -4, 4);
  const [dy, dyv] = rand(rng, [3, 11]);
  const cases: [string, Tensor, (v: number, i: number) => number][] = [
    ['relu', ops.relu(x), (v) => R.relu(v)],
    ['leakyRelu', ops.leakyRelu(x, 0.1), (v) => R.leakyRelu(v, 0.1)],
    ['elu', ops.elu(x, 0.7), (v) => R.elu(v, 0.7)],
    ['sigmoid', ops.sigmoid(x), (v) => R.sigmoid(v)],
    ['tanh', ops.tanh(x), (v) => R.tanh(v)],
    ['softplus', ops.softplus(x), (v) => R.softplus(v)],
    ['exp', ops.exp(x), (v) => Math.exp(v)],
    ['reluGrad', ops.reluGrad(x, dy), (v, i) => R.reluGrad(v, dyv[i])],
    ['leakyReluGrad', ops.leakyReluGrad(x, dy, 0.1), (v, i) => R.leakyReluGrad(v, dyv[i], 0.1)],
    ['eluGrad', ops.eluGrad(x, dy, 0.7), (v, i) => R.eluGrad(v, dyv[i], 0.7)],
    ['sigmoidGrad', ops.sigmoidGrad(x, dy), (v, i) => R.sigmoidGrad(v, dyv[i])],
    ['tanhGrad', ops.tanhGrad(x, dy), (v, i) => R.tanhGrad(v, dyv[i])],
    ['softplusGrad', ops.softplusGrad(x, dy), (v, i) => R.softplusGrad(v, dyv[i])],
  ];
  for (const [name, t, f] of cases) {
    const exp = Array.from(xv, f);
    assertClose(t.toFloat32Array(), exp, mixed(exp, 1e-6, 2e-6), { op: name, shape: '[3, 11]' });
    t.dispose();
  }
  const bad = tensor([1, 2], [2]); bad.name = 'dy2';
  assert.throws(() => ops.reluGrad(x, bad), /reluGrad: x ".*" \[3, 11\] and dy "dy2" \[2\] must have the same shape/);
  [x, dy, bad].forEach((t) => t.dispose());
});

test('sum, mean, max, argMax over an axis, the last axis (-1) and everything', () => {
  const rng = new Rng(3);
  const [x, xv] = rand(rng, [2, 3, 5]);
  const groups: [number | undefined, number, number, number, number[]][] = [
    [undefined, 1, 30, 1, [1]], [0, 1, 2, 15, [3, 5]], [1, 2, 3, 5, [2, 5]], [2, 6, 5, 1, [2, 3]], [-1, 6, 5, 1, [2, 3]],
  ];
  for (const [axis, outer, n, inner, shape] of groups) {
    const s = ops.sum(x, axis), m = ops.mean(x, axis), mx = ops.max(x, axis), am = ops.argMax(x, axis);
    assert.equal(s.shape, shape, `sum axis ${axis}`);
    const rs = reduceRef('sum', xv, outer, n, inner);
    assertClose(s.toFloat32Array(), rs, () => 1e-6 * n, { op: 'sum', shape: `axis ${axis}` });
    assertClose(m.toFloat32Array(), Array.from(rs, (v) => v / n), () => 1e-6, { op: 'mean', shape: `axis ${axis}` });
    assert.equal(Array.from(mx.toFloat32Array()), Array.from(reduceRef('max', xv, outer, n, inner), Math.fround));
    assert.equal(Array.from(am.toInt32Array()), Array.from(reduceRef('argMax', xv, outer, n, inner)));
    assert.is(am.dtype, 'int32');
    [s, m, mx, am].forEach((t) => t.dispose());
  }
  const k = ops.sum(x, 1, true);
  assert.equal(k.shape, [2, 1, 5]);
  k.dispose();
  assert.throws(() => ops.sum(x, 3), /sum: axis 3 is out of range for ".*" \[2, 3, 5\] \(rank 3\)/);
  x.dispose();
});

test('softmax, logSoftmax and their gradients over the last axis of a 3-D tensor', () => {
  const rng = new Rng(4);
  const [x, xv] = rand(rng, [2, 3, 7], -3, 3);
  const [dy, dyv] = rand(rng, [2, 3, 7]);
  const p = ops.softmax(x), lp = ops.logSoftmax(x), g = ops.softmaxGrad(x, dy), lg = ops.logSoftmaxGrad(x, dy);
  const rp = softmaxRef(xv, 6, 7), rlp = softmaxRef(xv, 6, 7, true);
  assertClose(p.toFloat32Array(), rp, mixed(rp, 1e-8, 2e-6), { op: 'softmax', shape: '[2, 3, 7]' });
  assertClose(lp.toFloat32Array(), rlp, mixed(rlp, 1e-6, 1e-6), { op: 'logSoftmax', shape: '[2, 3, 7]' });
  const rg = softmaxGradRef(xv, dyv, 6, 7), rlg = softmaxGradRef(xv, dyv, 6, 7, true);
  assertClose(g.toFloat32Array(), rg, mixed(rg, 1e-6, 1e-5), { op: 'softmaxGrad', shape: '[2, 3, 7]' });
  assertClose(lg.toFloat32Array(), rlg, mixed(rlg, 1e-6, 1e-5), { op: 'logSoftmaxGrad', shape: '[2, 3, 7]' });
  [x, dy, p, lp, g, lg].forEach((t) => t.dispose());
});

test('softmaxCrossEntropy returns per-row loss and, on request, dLogits', () => {
  const logits = tensor([[2, 1, 0.1], [0.5, 2.5, 0.3]]);
  const target = tensor([[1, 0, 0], [0, 0, 1]]);
  const { loss, dLogits } = ops.softmaxCrossEntropy(logits, target, { gradient: true, gradScale: 0.5 });
  const lp = softmaxRef(logits.toFloat32Array(), 2, 3, true);
  assertClose(loss.toFloat32Array(), [-lp[0], -lp[5]], () => 1e-6, { op: 'softmaxCrossEntropy', shape: '[2, 3]' });
  assert.equal(dLogits!.shape, [2, 3]);
  [logits, target, loss, dLogits!].forEach((t) => t.dispose());
});

test('ops refuse disposed tensors, naming them', () => {
  const a = tensor([1, 2], [2]); a.name = 'gone';
  a.dispose();
  assert.throws(() => ops.relu(a), /relu: x "gone" \[2\] was disposed/);
});

test.run();
