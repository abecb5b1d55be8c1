// assembly/batchnorm.ts against test/reference/batchnorm.ts: training forward (y, saved mean and invStd, running
// statistics), inference forward and backward (dx overwritten, dgamma and dbeta accumulated) over channels across the
// 16/4/1 groups and rows 1, 2, 7, 129; finite differences of the float64 reference (and a planted wrong gradient that
// must fail); channel results independent of C bit for bit; large offsets; in-place use; the ops and their errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { put, poisoned, read, freeAll } from '../helpers/buffers.js';
import { assertClose, assertEqualBits, F32_EPS } from '../helpers/compare.js';
import { batchNormTrainRef, batchNormRunningRef, batchNormInferRef, batchNormGradRef } from '../reference/batchnorm.js';
import * as kern from '../../src/backend/kernels/index.js';
import { ops, tensor, memoryInUse } from '../../src/index.js';

await ready();
const test = suite(`batchnorm [${BUILD}]`);

const CHANNELS = [1, 3, 4, 5, 8, 16, 17, 32, 33];
const ROWS = [1, 2, 7, 129];
const EPS = Math.fround(1e-3);
const MOMENTUM = Math.fround(0.9);

interface Data { x: Float32Array; dy: Float32Array; gamma: Float32Array; beta: Float32Array; runMean: Float32Array; runVar: Float32Array }

/** Per-channel offsets and scales so channels differ; `offset` shifts every channel's mean (cancellation test). */
function data(rng: Rng, M: number, C: number, offset = 0): Data {
  const mu = rng.array(C, -2, 2), sd = rng.array(C, 0.1, 3);
  const x = new Float32Array(M * C);
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) x[m * C + c] = offset + mu[c] + sd[c] * rng.uniform(-1.7, 1.7);
  return {
    x, dy: rng.array(M * C, -1, 1), gamma: rng.array(C, -2, 2), beta: rng.array(C, -1, 1),
    runMean: rng.array(C, -1, 1), runVar: rng.array(C, 0.5, 2),
  };
}

interface TrainOut { y: Float32Array; mean: Float32Array; invStd: Float32Array; runMean: Float32Array; runVar: Float32Array }

function train(d: Data, M: number, C: number, running = true): TrainOut {
  const px = put(d.x), py = poisoned(M * C), pm = poisoned(C), pi = poisoned(C);
  const prm = running ? put(d.runMean) : 0, prv = running ? put(d.runVar) : 0;
  kern.batchNormTrain({ x: px, y: py, M, C, gamma: put(d.gamma), beta: put(d.beta), eps: EPS, momentum: MOMENTUM,
    saveMean: pm, saveInvStd: pi, runMean: prm, runVar: prv });
  return {
    y: read(py, M * C), mean: read(pm, C), invStd: read(pi, C),
    runMean: running ? read(prm, C) : d.runMean, runVar: running ? read(prv, C) : d.runVar,
  };
}

function infer(d: Data, M: number, C: number): Float32Array {
  const py = poisoned(M * C);
  kern.batchNormInfer(put(d.x), py, M, C, put(d.gamma), put(d.beta), put(d.runMean), put(d.runVar), EPS);
  return read(py, M * C);
}

/** Backward from the kernel's own saved statistics; dgamma, dbeta start at prev (accumulation). */
function grad(d: Data, M: number, C: number, saved: TrainOut, prevGamma: Float32Array, prevBeta: Float32Array):
  { dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array } {
  const pdx = poisoned(M * C), pg = put(prevGamma), pb = put(prevBeta);
  kern.batchNormGrad(put(d.x), put(d.dy), pdx, M, C, put(d.gamma), put(saved.mean), put(saved.invStd), pg, pb);
  return { dx: read(pdx, M * C), dgamma: read(pg, C), dbeta: read(pb, C) };
}

function checkTrain(d: Data, M: number, C: number, seed: number, offset = 0): TrainOut {
  const got = train(d, M, C);
  const ref = batchNormTrainRef(d.x, M, C, d.gamma, d.beta, EPS);
  const run = batchNormRunningRef(d.runMean, d.runVar, ref.mean, ref.variance, MOMENTUM);
  const shape = `x [${M}, ${C}]${offset ? ` offset ${offset}` : ''}`;
  // float64 statistics rounded once to float32
  assertClose(got.mean, ref.mean, (c) => F32_EPS * Math.abs(ref.mean[c]), { op: 'batchNormTrain mean', shape, seed });
  assertClose(got.invStd, ref.invStd, (c) => F32_EPS * ref.invStd[c], { op: 'batchNormTrain invStd', shape, seed });
  assertClose(got.runMean, run.mean, (c) => 2 * F32_EPS * Math.abs(run.mean[c]), { op: 'batchNormTrain runMean', shape, seed });
  assertClose(got.runVar, run.variance, (c) => 2 * F32_EPS * Math.abs(run.variance[c]), { op: 'batchNormTrain runVar', shape, seed });
  // y = (x − mean32)·(gamma·invStd) + beta in float32: a few roundings of |x − mean|, |mean| and |y|
  assertClose(got.y, ref.y, (i) => {
    const c = i % C;
    return 2 * F32_EPS * ((Math.abs(d.x[i] - ref.mean[c]) + Math.abs(ref.mean[c])) * Math.abs(d.gamma[c]) * ref.invStd[c] + Math.abs(ref.y[i])) + 1e-30;
  }, { op: 'batchNormTrain y', shape, seed });
  return got;
}

test('training forward: y, saved mean and invStd, running statistics; rows × channels across the groups', () => {
  let seed = 1;
  for (const M of ROWS) for (const C of CHANNELS) {
    const rng = new Rng(seed++);
    checkTrain(data(rng, M, C), M, C, rng.seed);
    freeAll();
  }
});

test('training forward: two-pass float64 statistics survive a mean 10^4 times the spread', () => {
  let seed = 200;
  for (const [M, C] of [[129, 5], [7, 17], [300, 33]]) {
    const rng = new Rng(seed++);
    checkTrain(data(rng, M, C, 1e4), M, C, rng.seed, 1e4);
    freeAll();
  }
});

test('training forward without running statistics (offsets 0) leaves them alone', () => {
  const rng = new Rng(300), M = 7, C = 21;
  const d = data(rng, M, C);
  const with_ = train(d, M, C, true), without = train(d, M, C, false);
  assertEqualBits(without.y, with_.y, { op: 'batchNormTrain y without running', shape: `[${M}, ${C}]` });
  assertEqualBits(without.invStd, with_.invStd, { op: 'batchNormTrain invStd without running', shape: `[${M}, ${C}]` });
  freeAll();
});

test('inference forward with running statistics', () => {
  let seed = 400;
  for (const M of ROWS) for (const C of CHANNELS) {
    const rng = new Rng(seed++);
    const d = data(rng, M, C);
    const ref = batchNormInferRef(d.x, M, C, d.gamma, d.beta, d.runMean, d.runVar, EPS);
    assertClose(infer(d, M, C), ref, (i) => {
      const c = i % C;
      return 4 * F32_EPS * (Math.abs(d.x[i] - d.runMean[c]) * Math.abs(d.gamma[c]) / Math.sqrt(d.runVar[c] + EPS) + Math.abs(ref[i])) + 1e-30;
    }, { op: 'batchNormInfer', shape: `x [${M}, ${C}]`, seed: rng.seed });
    freeAll();
  }
});

test('backward against the float64 reference: dx overwritten, dgamma and dbeta accumulated', () => {
  let seed = 500;
  for (const M of ROWS) for (const C of CHANNELS) for (const offset of [0, 100]) {
    const rng = new Rng(seed++);
    const d = data(rng, M, C, offset);
    const saved = train(d, M, C);
    const prevG = rng.array(C, -1, 1), prevB = rng.array(C, -1, 1);
    const got = grad(d, M, C, saved, prevG, prevB);
    const ref = batchNormGradRef(d.x, d.dy, M, C, d.gamma, EPS);
    const st = batchNormTrainRef(d.x, M, C, d.gamma, d.beta, EPS);
    const shape = `x [${M}, ${C}] offset ${offset}`;
    // The kernel works from float32 mean and invStd: xhat is off by ≈ eps·(|mean|·invStd + |xhat|).
    const xh = (i: number) => (d.x[i] - st.mean[i % C]) * st.invStd[i % C];
    const dxh = (i: number) => F32_EPS * (Math.abs(st.mean[i % C]) * st.invStd[i % C] + 3 * Math.abs(xh(i)));
    const dh = new Float64Array(C);
    for (let i = 0; i < M * C; i++) dh[i % C] += Math.abs(d.dy[i]) * dxh(i);
    const expG = Float64Array.from(ref.dgamma, (g, c) => prevG[c] + g), expB = Float64Array.from(ref.dbeta, (b, c) => prevB[c] + b);
    assertClose(got.dbeta, expB, (c) => F32_EPS * (Math.abs(expB[c]) + Math.abs(prevB[c])) + 1e-30, { op: 'batchNormGrad dbeta', shape, seed: rng.seed });
    assertClose(got.dgamma, expG, (c) => 2 * dh[c] + F32_EPS * (Math.abs(expG[c]) + Math.abs(prevG[c])) + 1e-30,
      { op: 'batchNormGrad dgamma', shape, seed: rng.seed });
    assertClose(got.dx, ref.dx, (i) => {
      const c = i % C, k = Math.abs(d.gamma[c]) * st.invStd[c];
      const mdy = Math.abs(ref.dbeta[c] / M), mdyx = Math.abs(ref.dgamma[c] / M);
      const dmdyx = dh[c] / M + F32_EPS * mdyx;
      return 2 * (k * (2 * F32_EPS * (Math.abs(d.dy[i]) + mdy + Math.abs(xh(i)) * mdyx) + mdyx * dxh(i) + Math.abs(xh(i)) * dmdyx)
        + 2 * F32_EPS * Math.abs(ref.dx[i])) + 1e-30;
    }, { op: 'batchNormGrad dx', shape, seed: rng.seed });
    freeAll();
  }
});

// L = Σ w·y through the float64 reference forward.
function lossRef(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, w: ArrayLike<number>, M: number, C: number): number {
  const { y } = batchNormTrainRef(x, M, C, gamma, beta, EPS);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += w[i] * y[i];
  return s;
}

/** Worst |central difference − analytic| / (1e-6·(1 + |analytic|)) over all entries of x, gamma and beta. */
function fdWorst(d: Data, M: number, C: number, dx: ArrayLike<number>, dgamma: ArrayLike<number>, dbeta: ArrayLike<number>):
  { worst: number; where: string } {
  const h = 1e-5;
  let worst = 0, where = '';
  const probe = (name: string, arr: Float64Array, analytic: ArrayLike<number>, f: () => number) => {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      arr[i] = v + h; const lp = f();
      arr[i] = v - h; const lm = f();
      arr[i] = v;
      const fd = (lp - lm) / (2 * h), err = Math.abs(fd - analytic[i]) / (1e-6 * (1 + Math.abs(analytic[i])));
      if (err > worst) { worst = err; where = `${name}[${i}]: finite difference ${fd}, analytic ${analytic[i]}`; }
    }
  };
  const x = Float64Array.from(d.x), g = Float64Array.from(d.gamma), b = Float64Array.from(d.beta);
  const f = () => lossRef(x, g, b, d.dy, M, C);
  probe('x', x, dx, f); probe('gamma', g, dgamma, f); probe('beta', b, dbeta, f);
  return { worst, where };
}

test('finite differences of the float64 reference forward agree with the reference backward', () => {
  let seed = 600;
  for (const [M, C] of [[1, 3], [2, 1], [2, 4], [7, 3], [5, 5], [9, 17]]) {
    const rng = new Rng(seed++);
    const d = data(rng, M, C);
    const ref = batchNormGradRef(d.x, d.dy, M, C, d.gamma, EPS);
    const { worst, where } = fdWorst(d, M, C, ref.dx, ref.dgamma, ref.dbeta);
    assert.ok(worst <= 1, `batchNorm [${M}, ${C}] seed ${rng.seed}: ${where}`);
  }
});

test('the finite-difference check catches a planted wrong gradient (the mean term of dx dropped)', () => {
  const rng = new Rng(700), M = 5, C = 3;
  const d = data(rng, M, C);
  const ref = batchNormGradRef(d.x, d.dy, M, C, d.gamma, EPS);
  const st = batchNormTrainRef(d.x, M, C, d.gamma, d.beta, EPS);
  const wrong = Float64Array.from(ref.dx, (v, i) => v + d.gamma[i % C] * st.invStd[i % C] * ref.dbeta[i % C] / M);
  assert.ok(fdWorst(d, M, C, wrong, ref.dgamma, ref.dbeta).worst > 1e3, 'a wrong dx passed the finite-difference check');
});

test('each channel gives the same bits whatever C and whichever group (16, 4 or 1) handles it', () => {
  const rng = new Rng(800), M = 7, C = 37;
  const d = data(rng, M, C);
  const whole = train(d, M, C);
  const wholeInfer = infer(d, M, C);
  const prevG = rng.array(C), prevB = rng.array(C);
  const wholeGrad = grad(d, M, C, whole, prevG, prevB);
  for (const c of [0, 5, 15, 16, 31, 32, 35, 36]) {
    const col = (a: Float32Array, n = M) => Float32Array.from({ length: n }, (_, m) => a[m * (a.length / n) + c]);
    const dc: Data = { x: col(d.x), dy: col(d.dy), gamma: col(d.gamma, 1), beta: col(d.beta, 1), runMean: col(d.runMean, 1), runVar: col(d.runVar, 1) };
    const one = train(dc, M, 1);
    const ctx = (op: string) => ({ op, shape: `channel ${c} of [${M}, ${C}] vs [${M}, 1]`, seed: rng.seed });
    assertEqualBits(one.y, col(whole.y), ctx('batchNormTrain y'));
    assertEqualBits(one.mean, col(whole.mean, 1), ctx('batchNormTrain mean'));
    assertEqualBits(one.invStd, col(whole.invStd, 1), ctx('batchNormTrain invStd'));
    assertEqualBits(one.runMean, col(whole.runMean, 1), ctx('batchNormTrain runMean'));
    assertEqualBits(one.runVar, col(whole.runVar, 1), ctx('batchNormTrain runVar'));
    assertEqualBits(infer(dc, M, 1), col(wholeInfer), ctx('batchNormInfer y'));
    const g = grad(dc, M, 1, one, col(prevG, 1), col(prevB, 1));
    assertEqualBits(g.dx, col(wholeGrad.dx), ctx('batchNormGrad dx'));
    assertEqualBits(g.dgamma, col(wholeGrad.dgamma, 1), ctx('batchNormGrad dgamma'));
    assertEqualBits(g.dbeta, col(wholeGrad.dbeta, 1), ctx('batchNormGrad dbeta'));
  }
  freeAll();
});

test('in place: y may alias x (training, inference), dx may alias dy', () => {
  for (const [M, C] of [[7, 21], [2, 37]]) {
    const rng = new Rng(M * C);
    const d = data(rng, M, C);
    const ref = train(d, M, C), refInfer = infer(d, M, C);
    const px = put(d.x), pm = poisoned(C), pi = poisoned(C);
    kern.batchNormTrain({ x: px, y: px, M, C, gamma: put(d.gamma), beta: put(d.beta), eps: EPS, momentum: MOMENTUM,
      saveMean: pm, saveInvStd: pi, runMean: 0, runVar: 0 });
    assertEqualBits(read(px, M * C), ref.y, { op: 'batchNormTrain in place', shape: `[${M}, ${C}]` });
    const px2 = put(d.x);
    kern.batchNormInfer(px2, px2, M, C, put(d.gamma), put(d.beta), put(d.runMean), put(d.runVar), EPS);
    assertEqualBits(read(px2, M * C), refInfer, { op: 'batchNormInfer in place', shape: `[${M}, ${C}]` });
    const zeros = new Float32Array(C);
    const g = grad(d, M, C, ref, zeros, zeros);
    const pdy = put(d.dy);
    kern.batchNormGrad(put(d.x), pdy, pdy, M, C, put(d.gamma), put(ref.mean), put(ref.invStd), put(zeros), put(zeros));
    assertEqualBits(read(pdy, M * C), g.dx, { op: 'batchNormGrad in place', shape: `[${M}, ${C}]` });
    freeAll();
  }
});

test('wrappers refuse empty shapes, bad eps and momentum', () => {
  const p = put(new Float32Array(16));
  const a = { x: p, y: p, M: 2, C: 2, gamma: p, beta: p, eps: EPS, momentum: 0.9, saveMean: p, saveInvStd: p, runMean: 0, runVar: 0 };
  assert.throws(() => kern.batchNormTrain({ ...a, M: 0 }), /M = 0/);
  assert.throws(() => kern.batchNormTrain({ ...a, eps: 0 }), /eps = 0/);
  assert.throws(() => kern.batchNormTrain({ ...a, momentum: 1.5 }), /momentum = 1.5/);
  assert.throws(() => kern.batchNormInfer(p, p, 2, 0, p, p, p, p, EPS), /C = 0/);
  freeAll();
});

test('ops: batchNorm (moving statistics updated), batchNormInference, batchNormGrad; errors name op, tensor, shape, option', () => {
  const before = memoryInUse();
  const rng = new Rng(900), M = 6, C = 3;
  const d = data(rng, M, C);
  const x = tensor(d.x, [2, 3, C]), gamma = tensor(d.gamma, [C]), beta = tensor(d.beta, [C]);
  const movingMean = tensor(d.runMean, [C]), movingVariance = tensor(d.runVar, [C]);
  const { y, mean, invStd } = ops.batchNorm(x, gamma, beta, { epsilon: EPS, momentum: MOMENTUM, movingMean, movingVariance });
  const k = train(d, M, C);
  assert.equal(y.shape, [2, 3, C]);
  assertEqualBits(y.toFloat32Array(), k.y, { op: 'ops.batchNorm y', shape: '[2, 3, 3]' });
  assertEqualBits(movingVariance.toFloat32Array(), k.runVar, { op: 'ops.batchNorm movingVariance', shape: '[3]' });
  const yi = ops.batchNormInference(x, gamma, beta, movingMean, movingVariance, { epsilon: EPS });
  assertEqualBits(yi.toFloat32Array(), infer({ ...d, runMean: k.runMean, runVar: k.runVar }, M, C), { op: 'ops.batchNormInference', shape: '[2, 3, 3]' });
  const dy = tensor(d.dy, [2, 3, C]);
  const g = ops.batchNormGrad(x, dy, gamma, mean, invStd);
  const zeros = new Float32Array(C), kg = grad(d, M, C, k, zeros, zeros);
  assertEqualBits(g.dx.toFloat32Array(), kg.dx, { op: 'ops.batchNormGrad dx', shape: '[2, 3, 3]' });
  assertEqualBits(g.dGamma.toFloat32Array(), kg.dgamma, { op: 'ops.batchNormGrad dGamma', shape: '[3]' });
  assertEqualBits(g.dBeta.toFloat32Array(), kg.dbeta, { op: 'ops.batchNormGrad dBeta', shape: '[3]' });
  const wrong = tensor([1, 2], [2]);
  assert.throws(() => ops.batchNorm(x, wrong, beta), /batchNorm: gamma "tensor#\d+" \[2\] must have shape \[3\], the channels of x "tensor#\d+" \[2, 3, 3\]/);
  assert.throws(() => ops.batchNorm(x, gamma, beta, { epsilon: -1 }), /batchNorm: epsilon -1 for x "tensor#\d+" \[2, 3, 3\]/);
  assert.throws(() => ops.batchNorm(x, gamma, beta, { momentum: 2 }), /batchNorm: momentum 2 for x "tensor#\d+" \[2, 3, 3\]/);
  assert.throws(() => ops.batchNormInference(x, gamma, beta, wrong, movingVariance), /batchNormInference: movingMean "tensor#\d+" \[2\]/);
  assert.throws(() => ops.batchNormGrad(x, wrong, gamma, mean, invStd), /batchNormGrad: x "tensor#\d+" \[2, 3, 3\] and dy "tensor#\d+" \[2\] must have the same shape/);
  for (const t of [x, gamma, beta, movingMean, movingVariance, y, mean, invStd, yi, dy, g.dx, g.dGamma, g.dBeta, wrong]) t.dispose();
  freeAll();
  assert.is(memoryInUse(), before, 'ops leak nothing');
});

test.run();
