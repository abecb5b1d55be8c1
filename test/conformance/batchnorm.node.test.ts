// Batch normalisation against TensorFlow.js 4.22 (Keras 3's rule: moving = momentum·moving + (1 − momentum)·batch,
// with the biased batch variance): an MLP and a CNN with a batch-norm layer, the same initial weights and batches,
// a few SGD steps, then every weight (γ, β, moving mean, moving variance included) and the inference outputs.
// The old unbiased moving variance (× M/(M − 1)) is planted and must fail.
import { suite } from 'uvu';
import { tf, tfl, readyBoth, assertAgree, assertDisagree, trajectoryAtol, ATOL, RTOL, copyWeights, data, oneHot } from './helpers.js';
import { BUILD } from '../helpers/setup.js';
import { sequential, layers, tensor, optimizers, type Model } from '../../src/index.js';

await readyBoth();
const test = suite(`conformance: batch norm [${BUILD}]`);

const STEPS = 4, BATCH = 12, LR = 0.1;

interface Case { name: string; shape: number[]; tf(): tfl.Sequential; ours(): Model; momentum: number; rowsPerSample: number }
const CASES: Case[] = [
  {
    name: 'mlp (momentum 0.99, the default)', shape: [5], momentum: 0.99, rowsPerSample: 1,
    tf: () => tfl.sequential({ layers: [
      tfl.layers.dense({ units: 6, inputShape: [5] }), tfl.layers.batchNormalization(),
      tfl.layers.activation({ activation: 'relu' }), tfl.layers.dense({ units: 3, activation: 'softmax' })] }),
    ours: () => sequential([layers.dense({ units: 6 }), layers.batchNorm(), layers.activation({ activation: 'relu' }),
      layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [5], seed: 1 }),
  },
  {
    name: 'cnn (momentum 0.9)', shape: [5, 5, 2], momentum: 0.9, rowsPerSample: 9,
    tf: () => tfl.sequential({ layers: [
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [5, 5, 2] }), tfl.layers.batchNormalization({ momentum: 0.9 }),
      tfl.layers.flatten(), tfl.layers.dense({ units: 3, activation: 'softmax' })] }),
    ours: () => sequential([layers.conv2d({ filters: 4, kernelSize: 3 }), layers.batchNorm({ momentum: 0.9 }), layers.flatten(),
      layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [5, 5, 2], seed: 1 }),
  },
];

interface Run { ours: Float32Array[]; theirs: Float32Array[]; predOurs: Float32Array; predTheirs: Float32Array }

async function run(c: Case): Promise<Run> {
  const tm = c.tf(), m = c.ours();
  tm.compile({ optimizer: tf.train.sgd(LR), loss: 'categoricalCrossentropy' });
  m.compile({ optimizer: optimizers.sgd({ learningRate: LR }), loss: 'crossEntropy' });
  copyWeights(tm, m);
  const per = c.shape.reduce((a, b) => a * b, 1);
  for (let s = 0; s < STEPS; s++) {
    // inputs off-centre and scaled, so the batch statistics are far from the initial 0 and 1
    const xv = data(200 + s, BATCH * per, -1, 3), yv = oneHot(BATCH, 3, s);
    const tx = tf.tensor(xv, [BATCH, ...c.shape]), ty = tf.tensor2d(yv, [BATCH, 3]);
    await tm.trainOnBatch(tx, ty);
    tx.dispose(); ty.dispose();
    const x = tensor(xv, [BATCH, ...c.shape]), y = tensor(yv, [BATCH, 3]);
    m.trainOnBatch(x, y);
    x.dispose(); y.dispose();
  }
  const xv = data(300, BATCH * per, -1, 3);
  const tx = tf.tensor(xv, [BATCH, ...c.shape]), x = tensor(xv, [BATCH, ...c.shape]);
  const tp = tm.predict(tx) as tf.Tensor, p = m.predict(x);
  const r: Run = {
    ours: m.getWeights().map((w) => Float32Array.from(w.values)),
    theirs: tm.layers.flatMap((l) => l.getWeights().map((w) => Float32Array.from(w.dataSync()))),
    predOurs: p.toFloat32Array(), predTheirs: Float32Array.from(tp.dataSync()),
  };
  [tx, tp].forEach((t) => t.dispose()); [x, p].forEach((t) => t.dispose());
  m.dispose(); tm.dispose();
  return r;
}

// getWeights order for both: layer 0's kernel and bias, then γ, β, moving mean, moving variance, then the last dense
const NAMES = ['kernel', 'bias', 'gamma', 'beta', 'moving mean', 'moving variance', 'dense kernel', 'dense bias'];

for (const c of CASES) {
  test(`${c.name}: γ, β, moving mean, moving variance and every other weight after ${STEPS} SGD steps; inference outputs`, async () => {
    const r = await run(c);
    // trained weights: the trajectory tolerance; the moving statistics are averages of batch statistics, not steps
    r.ours.forEach((w, i) => assertAgree(`${c.name} ${NAMES[i]}`, w, r.theirs[i], i === 4 || i === 5 ? ATOL : trajectoryAtol(STEPS, LR), RTOL));
    assertAgree(`${c.name} inference outputs`, r.predOurs, r.predTheirs, 1e-5, RTOL);
  });

  test(`${c.name}: planted, the unbiased moving variance (× M/(M − 1), simdnet before) departs from TensorFlow.js`, async () => {
    const r = await run(c);
    // moving variance after T steps = μ^T·1 + Σ_t (1 − μ)·μ^(T−t)·var_t; with every var_t × M/(M − 1) it becomes
    // μ^T + (mv − μ^T)·M/(M − 1) (the batch variances do not depend on the moving statistics while training)
    const M = BATCH * c.rowsPerSample, start = c.momentum ** STEPS;
    const planted = r.ours[5].map((mv) => start + (mv - start) * M / (M - 1));
    assertDisagree(`${c.name} unbiased moving variance`, planted, r.theirs[5], ATOL, RTOL);
  });
}

test.run();
