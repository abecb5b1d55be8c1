// The optimizer objects (state, bias corrections, clipping, schedules) against float64 references of the same
// formulas over several steps; saving and restoring their state; option errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { makeParams as makeParamsOf, setGrad } from '../helpers/params.js';
import { assertClose } from '../helpers/compare.js';
import { optimizers, schedules } from '../../src/index.js';
import type { Param } from '../../src/layers/layer.js';
import type { Optimizer } from '../../src/nets/optimizers.js';
import * as R from '../reference/optim.js';
import { backend } from '../../src/backend/module.js';

await ready();
const test = suite(`optimizers [${BUILD}]`);

const SIZES = [1, 5, 17, 130];
const STEPS = 6;

const makeParams = (rng: Rng): Param[] => makeParamsOf(rng, SIZES);

type RefStep = (w: Float64Array, g: Float64Array, state: Float64Array[], t: number) => void;

function compare(label: string, opt: Optimizer, slots: number, ref: RefStep, tol = 2e-6): void {
  const rng = new Rng(label.length * 7 + 1);
  const params = makeParams(rng);
  const ws = params.map((p) => Float64Array.from(p.value.toFloat32Array()));
  const states = params.map((p) => Array.from({ length: slots }, () => new Float64Array(p.value.size)));
  for (let t = 1; t <= STEPS; t++) {
    params.forEach((p, i) => {
      const g = rng.array(p.value.size, -2, 2);
      setGrad(p, g);
      ref(ws[i], Float64Array.from(g), states[i], t);
    });
    opt.apply(params);
    params.forEach((p, i) => assertClose(p.value.toFloat32Array(), ws[i], (j) => tol * (1 + Math.abs(ws[i][j])), { op: `${label} step ${t}`, shape: `[${p.value.size}]` }));
  }
  opt.dispose();
  params.forEach((p) => { p.value.dispose(); p.grad!.dispose(); });
}

test('sgd, momentum, nesterov, adagrad, rmsprop over 6 steps', () => {
  compare('sgd', optimizers.sgd({ learningRate: 0.1 }), 0, (w, g) => R.sgdRef(w, g, 0.1));
  compare('momentum', optimizers.momentum({ learningRate: 0.05, momentum: 0.8 }), 1, (w, g, s) => R.momentumRef(w, g, s[0], 0.05, 0.8, false));
  compare('nesterov', optimizers.nesterov({ learningRate: 0.05 }), 1, (w, g, s) => R.momentumRef(w, g, s[0], 0.05, 0.9, true));
  compare('adagrad', optimizers.adagrad({ learningRate: 0.01 }), 1, (w, g, s, t) => { if (t === 1) s[0].fill(0.1); R.adagradRef(w, g, s[0], 0.01, 1e-7, true); });
  compare('adagrad pytorch', optimizers.adagrad({ learningRate: 0.01, epsilon: 0.05, epsilonConvention: 'pytorch' }), 1,
    (w, g, s, t) => { if (t === 1) s[0].fill(0.1); R.adagradRef(w, g, s[0], 0.01, 0.05, false); });
  compare('rmsprop', optimizers.rmsprop({ learningRate: 0.001, rho: 0.8 }), 1, (w, g, s) => R.rmspropRef(w, g, s[0], 0.001, 0.8, 1e-7, true));
  compare('rmsprop pytorch', optimizers.rmsprop({ learningRate: 0.001, rho: 0.8, epsilon: 0.05, epsilonConvention: 'pytorch' }), 1,
    (w, g, s) => R.rmspropRef(w, g, s[0], 0.001, 0.8, 0.05, false));
});

test('adam, adamw and nadam with their bias corrections', () => {
  const c = (b: number, t: number) => 1 / (1 - b ** t);
  // Keras: ε on the uncorrected √v, the scale √(1 − β2^t)/(1 − β1^t); PyTorch: ε on the corrected √v̂
  const k = (t: number) => Math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t);
  compare('adam', optimizers.adam({ learningRate: 0.01, epsilon: 1e-3 }), 2, (w, g, s, t) => R.adamRef(w, g, s[0], s[1], 0.01, 0.9, 0.999, 1e-3, k(t), 1, 0));
  compare('adam pytorch', optimizers.adam({ learningRate: 0.01, epsilon: 1e-3, epsilonConvention: 'pytorch' }), 2,
    (w, g, s, t) => R.adamRef(w, g, s[0], s[1], 0.01, 0.9, 0.999, 1e-3, c(0.9, t), c(0.999, t), 0));
  compare('adamw', optimizers.adamw({ learningRate: 0.01, weightDecay: 0.1 }), 2, (w, g, s, t) => R.adamRef(w, g, s[0], s[1], 0.01, 0.9, 0.999, 1e-7, k(t), 1, 0.1));
  // Keras 3's schedule μ_t = β1·(1 − ½·0.96^t) and the product of the μ's
  const mu = (t: number) => 0.8 * (1 - 0.5 * 0.96 ** t);
  const prod = (t: number) => { let p = 1; for (let i = 1; i <= t; i++) p *= mu(i); return p; };
  compare('nadam', optimizers.nadam({ learningRate: 0.01, beta1: 0.8 }), 2, (w, g, s, t) =>
    R.nadamRef(w, g, s[0], s[1], 0.01, 0.8, 0.999, 1e-7, mu(t + 1) / (1 - prod(t + 1)), (1 - mu(t)) / (1 - prod(t)), c(0.999, t)));
});

test('clipping by value and by global norm', () => {
  compare('clipValue', optimizers.sgd({ learningRate: 0.1, clipValue: 0.5 }), 0, (w, g) => R.sgdRef(w, R.clipByValueRef(g, 0.5), 0.1));
  // global norm over all four parameters of one step: the reference needs every gradient first
  const rng = new Rng(99);
  const params = makeParams(rng);
  const ws = params.map((p) => Float64Array.from(p.value.toFloat32Array()));
  const opt = optimizers.sgd({ learningRate: 0.1, clipNorm: 1 });
  const gs = params.map((p) => rng.array(p.value.size, -2, 2));
  params.forEach((p, i) => setGrad(p, gs[i]));
  const norm = Math.sqrt(gs.reduce((a, g) => a + R.sumSquaresRef(g), 0));
  assert.ok(norm > 1);
  opt.apply(params);
  params.forEach((p, i) => {
    const exp = Array.from(ws[i], (w, j) => w - 0.1 * gs[i][j] / norm);
    assertClose(p.value.toFloat32Array(), exp, () => 1e-6, { op: 'clipNorm', shape: `[${p.value.size}]` });
  });
  params.forEach((p) => { p.value.dispose(); p.grad!.dispose(); });
});

test('schedules set the rate per step; exponential, step, cosine and warm-up follow their formulas', () => {
  const e = schedules.exponential({ initial: 0.1, decayRate: 0.5, decaySteps: 10 });
  assert.ok(Math.abs(e.at(0) - 0.1) < 1e-15 && Math.abs(e.at(10) - 0.05) < 1e-15 && Math.abs(e.at(5) - 0.1 * Math.SQRT1_2) < 1e-15);
  const st = schedules.exponential({ initial: 0.1, decayRate: 0.5, decaySteps: 10, staircase: true });
  assert.is(st.at(19), 0.05);
  const sd = schedules.step({ initial: 1, factor: 0.1, every: 3 });
  assert.equal([0, 2, 3, 6].map((s) => sd.at(s)), [1, 1, 0.1, 0.1 * 0.1]);
  const cs = schedules.cosine({ initial: 1, decaySteps: 100, alpha: 0.1 });
  assert.ok(Math.abs(cs.at(0) - 1) < 1e-15 && Math.abs(cs.at(50) - 0.55) < 1e-12 && Math.abs(cs.at(100) - 0.1) < 1e-12 && cs.at(500) === cs.at(100));
  const wu = schedules.warmup({ target: 0.01, warmupSteps: 4, after: schedules.step({ initial: 0.01, factor: 0.5, every: 2 }) });
  assert.equal([0, 1, 3, 4, 6].map((s) => wu.at(s)), [0.0025, 0.005, 0.01, 0.01, 0.005]);
  // an optimizer with a schedule uses at(step) for each step
  const lrs: number[] = [];
  const opt = optimizers.sgd({ learningRate: sd });
  const p = makeParams(new Rng(1))[0];
  for (let i = 0; i < 4; i++) { opt.apply([p]); lrs.push(opt.learningRate); }
  assert.equal(lrs, [1, 1, 1, 0.1]);
  opt.dispose(); p.value.dispose(); p.grad!.dispose();
});

test('state saved and restored continues the same trajectory', () => {
  const rng = new Rng(5);
  const pa = makeParams(rng), pb = makeParams(new Rng(5));
  const a = optimizers.adam({ learningRate: 0.01 }), b = optimizers.adam({ learningRate: 0.01 });
  const grads = Array.from({ length: 6 }, () => pa.map((p) => rng.array(p.value.size)));
  for (let t = 0; t < 3; t++) { pa.forEach((p, i) => setGrad(p, grads[t][i])); a.apply(pa); }
  // b gets a's weights and state, then both continue
  pb.forEach((p, i) => backend().arena.f32.set(pa[i].value.toFloat32Array(), p.value.ptr >>> 2));
  b.setState(pb, a.getState(pa));
  for (let t = 3; t < 6; t++) {
    pa.forEach((p, i) => setGrad(p, grads[t][i])); a.apply(pa);
    pb.forEach((p, i) => setGrad(p, grads[t][i])); b.apply(pb);
  }
  pa.forEach((p, i) => assert.equal(Array.from(pb[i].value.toFloat32Array()), Array.from(p.value.toFloat32Array())));
  [a, b].forEach((o) => o.dispose());
  [...pa, ...pb].forEach((p) => { p.value.dispose(); p.grad!.dispose(); });
});

test('bad options are refused by name', () => {
  assert.throws(() => optimizers.adam({ beta1: 1 }), /optimizers.adam: beta1 must be in \[0, 1\), got 1/);
  assert.throws(() => optimizers.momentum({ momentum: -0.1 }), /optimizers.momentum: momentum must be in \[0, 1\)/);
  assert.throws(() => optimizers.rmsprop({ learningRate: NaN }), /optimizers.rmsprop: learningRate must be a finite number > 0, got NaN/);
  assert.throws(() => optimizers.sgd({ clipNorm: 0 }), /optimizers.sgd: clipNorm must be a finite number > 0, got 0/);
  assert.throws(() => schedules.cosine({ initial: 1, decaySteps: 0 }), /schedules.cosine: decaySteps must be a finite number > 0/);
  // A misspelt option was silently ignored (the optimizer ran at its default rate).
  assert.throws(() => optimizers.adam({ learningrate: 0.1 } as never), /^optimizers.adam: unknown option "learningrate"; did you mean "learningRate"\?/);
  assert.throws(() => optimizers.sgd({ learningRate: '0.1' } as never), /^optimizers.sgd: learningRate must be .*, got "0.1" \(a string\)$/);
});

test.run();
