// Optimizers against outside oracles. Trajectories against TensorFlow.js 4.22 (which computes SGD, momentum,
// Nesterov, AdaGrad and RMSProp the Keras way, and Adam with PyTorch's ε placement): the same MLP and CNN, the same
// initial weights and batches, 5 steps, every weight compared. Keras 3's own formulas (Adam's and AdamW's ε on the
// uncorrected √v, Nadam's momentum schedule, RMSProp's and AdaGrad's ε inside the root) replayed in float64 from
// the published update_step code. The old formulas are planted and must fail.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tf, tfl, readyBoth, assertAgree, assertDisagree, trajectoryAtol, RTOL, copyWeights, ours, theirs, data, oneHot } from './helpers.js';
import { BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { makeParams, setGrad } from '../helpers/params.js';
import { sequential, layers, tensor, optimizers, type Model } from '../../src/index.js';
import type { Optimizer } from '../../src/nets/optimizers.js';

await readyBoth();
const test = suite(`conformance: optimizers [${BUILD}]`);

const STEPS = 5, BATCH = 16;

type Net = 'mlp' | 'cnn';
const SHAPE: Record<Net, number[]> = { mlp: [8], cnn: [6, 6, 2] };

function tfNet(net: Net): tfl.Sequential {
  return net === 'mlp'
    ? tfl.sequential({ layers: [
      tfl.layers.dense({ units: 12, activation: 'tanh', inputShape: [8] }),
      tfl.layers.dense({ units: 4, activation: 'softmax' })] })
    : tfl.sequential({ layers: [
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 2] }),
      tfl.layers.flatten(), tfl.layers.dense({ units: 4, activation: 'softmax' })] });
}
function ourNet(net: Net): Model {
  return net === 'mlp'
    ? sequential([layers.dense({ units: 12, activation: 'tanh' }), layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [8], seed: 1 })
    : sequential([layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu' }), layers.flatten(), layers.dense({ units: 4, activation: 'softmax' })],
      { inputShape: [6, 6, 2], seed: 1 });
}

/** Trains both from tfjs' initial weights on the same batches; returns [simdnet's weights, tfjs' weights]. */
async function trajectories(net: Net, theirsOpt: tf.Optimizer, oursOpt: Optimizer): Promise<[Float32Array, Float32Array]> {
  const tm = tfNet(net), m = ourNet(net);
  tm.compile({ optimizer: theirsOpt, loss: 'categoricalCrossentropy' });
  m.compile({ optimizer: oursOpt, loss: 'crossEntropy' });
  copyWeights(tm, m);
  const per = SHAPE[net].reduce((a, b) => a * b, 1);
  for (let s = 0; s < STEPS; s++) {
    const xv = data(100 + s, BATCH * per), yv = oneHot(BATCH, 4, s);
    const tx = tf.tensor(xv, [BATCH, ...SHAPE[net]]), ty = tf.tensor2d(yv, [BATCH, 4]);
    await tm.trainOnBatch(tx, ty);
    tx.dispose(); ty.dispose();
    const x = tensor(xv, [BATCH, ...SHAPE[net]]), y = tensor(yv, [BATCH, 4]);
    m.trainOnBatch(x, y);
    x.dispose(); y.dispose();
  }
  const r: [Float32Array, Float32Array] = [ours(m), theirs(tm)];
  m.dispose(); tm.dispose();
  return r;
}

const LR = 0.05;
const CASES: { name: string; tf: () => tf.Optimizer; ours: () => Optimizer }[] = [
  { name: 'sgd', tf: () => tf.train.sgd(LR), ours: () => optimizers.sgd({ learningRate: LR }) },
  { name: 'momentum', tf: () => tf.train.momentum(LR, 0.9), ours: () => optimizers.momentum({ learningRate: LR }) },
  { name: 'nesterov', tf: () => tf.train.momentum(LR, 0.9, true), ours: () => optimizers.nesterov({ learningRate: LR }) },
  { name: 'adagrad', tf: () => tf.train.adagrad(LR, 0.1), ours: () => optimizers.adagrad({ learningRate: LR }) },
  { name: 'rmsprop', tf: () => tf.train.rmsprop(LR, 0.9), ours: () => optimizers.rmsprop({ learningRate: LR }) },
  // TensorFlow.js' Adam adds ε to the bias-corrected √v̂: simdnet's 'pytorch' placement (Keras' is replayed below)
  { name: 'adam (epsilonConvention pytorch)', tf: () => tf.train.adam(LR, 0.9, 0.999, 1e-7),
    ours: () => optimizers.adam({ learningRate: LR, epsilonConvention: 'pytorch' }) },
];

for (const net of ['mlp', 'cnn'] as const) {
  test(`${net}: ${CASES.map((c) => c.name).join(', ')} follow TensorFlow.js over ${STEPS} steps`, async () => {
    for (const c of CASES) {
      const [a, b] = await trajectories(net, c.tf(), c.ours());
      assertAgree(`${net} ${c.name}`, a, b, trajectoryAtol(STEPS, LR), RTOL);
    }
  });
}

test('planted: RMSProp with ε outside the root (simdnet before) departs from TensorFlow.js on the MLP and the CNN', async () => {
  for (const net of ['mlp', 'cnn'] as const) {
    // the defaults (ε = 1e-7): √(v + ε) and √v + ε differ where gradients are small
    const [a, b] = await trajectories(net, tf.train.rmsprop(LR, 0.9), optimizers.rmsprop({ learningRate: LR, epsilonConvention: 'pytorch' }));
    assertDisagree(`${net} rmsprop ε outside`, a, b, trajectoryAtol(STEPS, LR), RTOL);
    // a larger ε (1e-4), inside the root as TensorFlow.js: agrees
    const [c, d] = await trajectories(net, tf.train.rmsprop(LR, 0.9, 0, 1e-4), optimizers.rmsprop({ learningRate: LR, epsilon: 1e-4 }));
    assertAgree(`${net} rmsprop ε 1e-4 inside`, c, d, trajectoryAtol(STEPS, LR), RTOL);
  }
});

// ---- Keras 3's update rules replayed in float64 on the same gradients ----

const SIZES = [1, 7, 33];
const REPLAY_STEPS = 12;


/** One Keras step on w (float64) from g; state per parameter kept by the closure's caller. */
type KerasStep = (w: Float64Array, g: Float32Array, s: Float64Array[], t: number) => void;

/**
 * Runs simdnet's optimizer and the replay side by side over REPLAY_STEPS steps of random gradients (small ones, ~1e-3,
 * where ε's placement matters most), comparing the weights after each step.
 */
function replay(label: string, opt: Optimizer, slots: number, step: KerasStep, expectAgree = true): void {
  const rng = new Rng(label.length * 31 + 7);
  const ps = makeParams(rng, SIZES);
  const w = ps.map((p) => Float64Array.from(p.value.toFloat32Array()));
  const state = ps.map((p) => Array.from({ length: slots }, () => new Float64Array(p.value.size)));
  let worst = 0;
  for (let t = 1; t <= REPLAY_STEPS; t++) {
    ps.forEach((p, i) => {
      const g = rng.array(p.value.size, -2e-3, 2e-3);
      setGrad(p, g);
      step(w[i], g, state[i], t);
    });
    opt.apply(ps);
    ps.forEach((p, i) => {
      const a = p.value.toFloat32Array();
      // float32 state and arithmetic against float64: a few ulps of each weight and of each step's size
      if (expectAgree) assertAgree(`${label} step ${t} ${p.name}`, a, w[i], 1e-7 * t, 1e-6);
      else for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - w[i][j]) / (1e-7 * t + 1e-6 * Math.abs(w[i][j])));
    });
  }
  opt.dispose();
  ps.forEach((p) => { p.value.dispose(); p.grad!.dispose(); });
  if (!expectAgree) assert.ok(worst > 10, `${label}: the planted formula should depart from Keras, worst ${worst.toFixed(2)}× the tolerance`);
}

const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;

// keras/src/optimizers/adam.py, Adam.update_step: alpha = lr·√(1 − β2^t)/(1 − β1^t); m += (g − m)(1 − β1);
// v += (g² − v)(1 − β2); var −= alpha·m/(√v + ε)
const kerasAdam = (e: number): KerasStep => (w, g, [m, v], t) => {
  const alpha = lr * Math.sqrt(1 - b2 ** t) / (1 - b1 ** t);
  for (let i = 0; i < w.length; i++) {
    m[i] += (g[i] - m[i]) * (1 - b1);
    v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
    w[i] -= alpha * m[i] / (Math.sqrt(v[i]) + e);
  }
};

// keras/src/optimizers/nadam.py, Nadam._backend_update_step and update_step: u_product ·= β1·(1 − ½·0.96^t) before
// the step; u_t = β1·(1 − ½·0.96^t), u_{t+1} likewise; m̂ = u_{t+1}·m/(1 − u_product·u_{t+1}) + (1 − u_t)·g/(1 − u_product);
// v̂ = v/(1 − β2^t); var −= lr·m̂/(√v̂ + ε)
function kerasNadam(beta1: number): KerasStep {
  let uProduct = 1, lastT = 0;
  return (w, g, [m, v], t) => {
    if (t !== lastT) { uProduct *= beta1 * (1 - 0.5 * 0.96 ** t); lastT = t; }
    const ut = beta1 * (1 - 0.5 * 0.96 ** t), ut1 = beta1 * (1 - 0.5 * 0.96 ** (t + 1));
    for (let i = 0; i < w.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - beta1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
      const mHat = ut1 * m[i] / (1 - uProduct * ut1) + (1 - ut) * g[i] / (1 - uProduct);
      w[i] -= lr * mHat / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    }
  };
}

// keras/src/optimizers/rmsprop.py, RMSprop.update_step (no momentum, not centred): v = ρv + (1 − ρ)g²; var −= lr·g/√(v + ε)
const kerasRmsprop = (e: number): KerasStep => (w, g, [v]) => {
  for (let i = 0; i < w.length; i++) { v[i] = 0.9 * v[i] + 0.1 * g[i] * g[i]; w[i] -= lr * g[i] / Math.sqrt(v[i] + e); }
};

// keras/src/optimizers/adagrad.py, Adagrad.update_step: acc += g²; var −= lr·g/√(acc + ε) (acc starts at 0.1)
const kerasAdagrad: KerasStep = (w, g, [acc], t) => {
  if (t === 1) acc.fill(0.1);
  for (let i = 0; i < w.length; i++) { acc[i] += g[i] * g[i]; w[i] -= lr * g[i] / Math.sqrt(acc[i] + eps); }
};

// keras/src/optimizers/base_optimizer.py _apply_weight_decay (before the step): var −= var·wd·lr; then Adam's step
const kerasAdamW = (wd: number): KerasStep => {
  const adam = kerasAdam(eps);
  return (w, g, s, t) => { for (let i = 0; i < w.length; i++) w[i] -= w[i] * wd * lr; adam(w, g, s, t); };
};

test('Adam: ε added to the uncorrected √v, as Keras 3 (replayed in float64); PyTorch placement and the old simdnet Adam differ', () => {
  replay('adam keras', optimizers.adam({ learningRate: lr }), 2, kerasAdam(eps));
  replay('adamw keras', optimizers.adamw({ learningRate: lr, weightDecay: 0.05 }), 2, kerasAdamW(0.05));
  replay('adam keras ε 1e-3', optimizers.adam({ learningRate: lr, epsilon: 1e-3 }), 2, kerasAdam(1e-3));
  // planted: the bias-corrected placement (simdnet before; also TensorFlow.js) against Keras' formula
  replay('adam pytorch vs keras', optimizers.adam({ learningRate: lr, epsilon: 1e-3, epsilonConvention: 'pytorch' }), 2, kerasAdam(1e-3), false);
});

test("Nadam: Keras 3's momentum schedule μ_t = β1·(1 − ½·0.96^t) and the carried product of μ's (replayed in float64)", () => {
  replay('nadam keras', optimizers.nadam({ learningRate: lr }), 2, kerasNadam(0.9));
  replay('nadam keras β1 0.8', optimizers.nadam({ learningRate: lr, beta1: 0.8 }), 2, kerasNadam(0.8));
  // planted: a constant β1 (simdnet before: Dozat's form without the schedule)
  const constant: KerasStep = (w, g, [m, v], t) => {
    for (let i = 0; i < w.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i]; v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mHat = b1 * m[i] / (1 - b1 ** (t + 1)) + (1 - b1) * g[i] / (1 - b1 ** t);
      w[i] -= lr * mHat / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    }
  };
  replay('nadam constant β1 vs keras', optimizers.nadam({ learningRate: lr }), 2, constant, false);
});

test('RMSProp and AdaGrad: ε inside the root, as Keras 3 (replayed in float64); the old placement differs', () => {
  replay('rmsprop keras', optimizers.rmsprop({ learningRate: lr }), 1, kerasRmsprop(eps));
  replay('rmsprop keras ε 1e-5', optimizers.rmsprop({ learningRate: lr, epsilon: 1e-5 }), 1, kerasRmsprop(1e-5));
  replay('rmsprop pytorch vs keras', optimizers.rmsprop({ learningRate: lr, epsilon: 1e-5, epsilonConvention: 'pytorch' }), 1, kerasRmsprop(1e-5), false);
  replay('adagrad keras', optimizers.adagrad({ learningRate: lr }), 1, kerasAdagrad);
});

test('default hyperparameters are Keras 3\'s', () => {
  const c = (o: Optimizer) => o.config();
  assert.equal(c(optimizers.rmsprop()), { learningRate: 0.001, clipValue: undefined, clipNorm: undefined, rho: 0.9, epsilon: 1e-7, epsilonConvention: 'keras' });
  assert.equal(c(optimizers.adam()), { learningRate: 0.001, clipValue: undefined, clipNorm: undefined, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, epsilonConvention: 'keras' });
  assert.equal(c(optimizers.nadam()), { learningRate: 0.001, clipValue: undefined, clipNorm: undefined, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  assert.equal(c(optimizers.adagrad()), { learningRate: 0.001, clipValue: undefined, clipNorm: undefined, initialAccumulatorValue: 0.1, epsilon: 1e-7, epsilonConvention: 'keras' });
  assert.equal(c(optimizers.sgd()), { learningRate: 0.01, clipValue: undefined, clipNorm: undefined });
});

test.run();
