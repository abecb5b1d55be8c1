// Losses against outside oracles: the per-sample values and the gradient of the batch mean with respect to the
// predictions (or logits), simdnet's kernels against the very functions TensorFlow.js 4.22 compiles for the Keras loss
// names (model.compile's lossFunctions) differentiated by tf.grad. Where TensorFlow.js departs from Keras (hinge with
// 0/1 labels; the clipped log of a saturated softmax; evaluate without the regularisation penalty), simdnet follows
// Keras 3's published formula, replayed in float64.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tf, tfl, readyBoth, assertAgree, worstDiff, copyWeights, data, oneHot, ATOL, RTOL } from './helpers.js';
import { BUILD } from '../helpers/setup.js';
import { losses, tensor, sequential, layers, regularizers, type Tensor } from '../../src/index.js';
import type { Loss } from '../../src/nets/losses.js';

await readyBoth();
const test = suite(`conformance: losses [${BUILD}]`);

const N = 9, C = 5;

/** The loss function TensorFlow.js' model.compile uses for a Keras loss name. */
function tfLoss(name: string): (t: tf.Tensor, p: tf.Tensor) => tf.Tensor {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1] })] });
  m.compile({ optimizer: 'sgd', loss: name });
  return (m as unknown as { model: { lossFunctions: ((t: tf.Tensor, p: tf.Tensor) => tf.Tensor)[] } }).model.lossFunctions[0];
}

interface Out { loss: Float32Array; grad: Float32Array }

/** simdnet: per-sample loss and d(mean loss)/d(yPred, or the logits when given). */
function ourLoss(loss: Loss, yTrue: Float32Array | Int32Array, yPred: Float32Array, logits?: Float32Array, cols = C): Out {
  const n = yPred.length / cols;
  const t: Tensor = yTrue instanceof Int32Array ? tensor(yTrue) : tensor(yTrue, [n, cols]);
  const p = tensor(yPred, [n, cols]), l = tensor(new Float32Array(n)), d = tensor(new Float32Array(n * cols));
  const lg = logits ? tensor(logits, [n, cols]) : undefined, scratch = tensor(new Float32Array(cols));
  loss.compute(t, p, n, cols, l, d, 1 / n, { logits: lg, scratch });
  const out = { loss: l.toFloat32Array(), grad: d.toFloat32Array() };
  [t, p, l, d, scratch, lg].forEach((x) => x?.dispose());
  loss.dispose?.();
  return out;
}

/** TensorFlow.js: f's per-sample values at x and the gradient of their mean with respect to x. */
function theirLoss(f: (x: tf.Tensor) => tf.Tensor, x: Float32Array, cols = C): Out {
  const tx = tf.tensor2d(x, [x.length / cols, cols]);
  const v = f(tx), g = tf.grad((z: tf.Tensor) => tf.mean(f(z)))(tx);
  const out = { loss: Float32Array.from(v.dataSync()), grad: Float32Array.from(g.dataSync()) };
  [tx, v, g].forEach((z) => z.dispose());
  return out;
}

function agree(label: string, a: Out, b: Out): void {
  assertAgree(`${label}: loss`, a.loss, b.loss);
  // gradients are O(1/N): the same relative tolerance, an absolute one scaled down with them
  assertAgree(`${label}: gradient`, a.grad, b.grad, ATOL / N, RTOL);
}

const softmaxRows = (logits: Float32Array): Float32Array => {
  const t = tf.softmax(tf.tensor2d(logits, [logits.length / C, C])), v = Float32Array.from(t.dataSync());
  t.dispose();
  return v;
};
const sigmoid = (v: Float32Array): Float32Array => v.map((x) => 1 / (1 + Math.exp(-x)));
const withTarget = (f: (t: tf.Tensor, p: tf.Tensor) => tf.Tensor, t: Float32Array, cols = C) =>
  (p: tf.Tensor) => tf.tidy(() => f(tf.tensor2d(t, [t.length / cols, cols]), p));

test('categorical cross-entropy: on softmax probabilities, on outputs that are not a softmax (renormalised by Σp), fused', () => {
  const ce = tfLoss('categoricalCrossentropy');
  const logits = data(1, N * C, -3, 3), probs = softmaxRows(logits), y = oneHot(N, C);
  agree('CE on softmax probabilities', ourLoss(losses.crossEntropy(), y, probs), theirLoss(withTarget(ce, y), probs));
  // sigmoid outputs: rows sum to ~2.5, Keras divides by the sum before the clipped log
  const sig = sigmoid(data(2, N * C, -2, 2));
  agree('CE on sigmoid outputs', ourLoss(losses.crossEntropy(), y, sig), theirLoss(withTarget(ce, y), sig));
  const soft = softmaxRows(data(3, N * C, -1, 1));
  agree('CE on sigmoid outputs, soft targets', ourLoss(losses.crossEntropy(), soft, sig), theirLoss(withTarget(ce, soft), sig));
  // fused with the final softmax: the gradient is taken with respect to the logits
  agree('CE fused with softmax', ourLoss(losses.crossEntropy(), y, probs, logits),
    theirLoss((z) => tf.tidy(() => ce(tf.tensor2d(y, [N, C]), tf.softmax(z))), logits));
  agree('CE fromLogits', ourLoss(losses.crossEntropy({ fromLogits: true }), y, logits),
    theirLoss((z) => tf.tidy(() => ce(tf.tensor2d(y, [N, C]), tf.softmax(z))), logits));
});

test('planted: cross-entropy on sigmoid outputs without the renormalisation (simdnet before) departs from TensorFlow.js', () => {
  const ce = tfLoss('categoricalCrossentropy');
  const y = oneHot(N, C), sig = sigmoid(data(2, N * C, -2, 2));
  const plain = sig.map(() => 0);
  for (let r = 0; r < N; r++) for (let c = 0; c < C; c++) plain[r] -= y[r * C + c] * Math.log(Math.max(sig[r * C + c], 1e-7));
  const d = worstDiff(plain.subarray(0, N), theirLoss(withTarget(ce, y), sig).loss);
  assert.ok(d.ratio > 100, `unnormalised CE should differ, ${d.ratio}×`);
});

test('saturated softmax: simdnet takes log-softmax exactly (Keras 3 on logits); TensorFlow.js clips the probability', () => {
  const logits = Float32Array.from({ length: 3 * C }, (_, i) => [40, 0, -40, 5, -5][i % C] * (1 + Math.floor(i / C) * 0.25));
  const y = new Float32Array(3 * C);
  y[0] = 1; y[C + 2] = 1; y[2 * C + 1] = 1; // the dominant class, the smallest one, a middle one
  const ours = ourLoss(losses.crossEntropy(), y, softmaxRows(logits), logits);
  // keras/src/backend/tensorflow/nn.py categorical_crossentropy: a softmax output's logits go to
  // softmax_cross_entropy_with_logits, i.e. −Σ t·(x − max − log Σ e^(x − max)), replayed in float64
  const replay = new Float64Array(3);
  for (let r = 0; r < 3; r++) {
    const row = Array.from(logits.subarray(r * C, r * C + C)), m = Math.max(...row);
    const lse = Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0));
    replay[r] = -row.reduce((a, x, c) => a + y[r * C + c] * (x - m - lse), 0);
  }
  assertAgree('saturated CE vs Keras replay', ours.loss, replay);
  const tfjs = theirLoss(withTarget(tfLoss('categoricalCrossentropy'), y), softmaxRows(logits));
  assert.ok(worstDiff(ours.loss, tfjs.loss).ratio > 100, 'TensorFlow.js clips at 1e-7 (a departure from Keras 3, documented)');
});

test('sparse categorical cross-entropy (fused, int labels) against TensorFlow.js on softmax outputs', () => {
  const logits = data(4, N * C, -3, 3), labels = Int32Array.from({ length: N }, (_, i) => (i * 3) % C);
  const sce = tfLoss('sparseCategoricalCrossentropy');
  const lab = Float32Array.from(labels);
  agree('sparse CE', ourLoss(losses.sparseCrossEntropy(), labels, softmaxRows(logits), logits),
    theirLoss((z) => tf.tidy(() => sce(tf.tensor2d(lab, [N, 1]), tf.softmax(z))), logits));
});

test('binary cross-entropy (probabilities; from logits), MSE, MAE, Huber, categorical hinge, hinge with ±1 labels', () => {
  const bits = data(5, N * C).map((v) => (v > 0 ? 1 : 0)), p = sigmoid(data(6, N * C, -3, 3));
  agree('BCE', ourLoss(losses.binaryCrossEntropy(), bits, p), theirLoss(withTarget(tfLoss('binaryCrossentropy'), bits), p));
  const x = data(7, N * C, -3, 3);
  agree('BCE fromLogits', ourLoss(losses.binaryCrossEntropy({ fromLogits: true }), bits, x),
    theirLoss((z) => tf.tidy(() => tf.mean(tf.losses.sigmoidCrossEntropy(tf.tensor2d(bits, [N, C]), z, undefined, 0, tf.Reduction.NONE), -1)), x));
  const t = data(8, N * C, -2, 2), q = data(9, N * C, -2, 2);
  agree('MSE', ourLoss(losses.mse(), t, q), theirLoss(withTarget(tfLoss('meanSquaredError'), t), q));
  agree('MAE', ourLoss(losses.mae(), t, q), theirLoss(withTarget(tfLoss('meanAbsoluteError'), t), q));
  for (const delta of [1, 0.3]) {
    agree(`Huber δ ${delta}`, ourLoss(losses.huber({ delta }), t, q),
      theirLoss((z) => tf.tidy(() => tf.mean(tf.losses.huberLoss(tf.tensor2d(t, [N, C]), z, undefined, delta, tf.Reduction.NONE), -1)), q));
  }
  const y = oneHot(N, C);
  agree('categorical hinge', ourLoss(losses.categoricalHinge(), y, q), theirLoss(withTarget(tfLoss('categoricalHinge'), y), q));
  const pm = bits.map((b) => 2 * b - 1);
  agree('hinge ±1', ourLoss(losses.hinge(), pm, q), theirLoss(withTarget(tfLoss('hinge'), pm), q));
});

test('hinge with 0/1 labels: Keras 3 reads them as −1/1 (replayed); TensorFlow.js does not', () => {
  const bits = data(5, N * C).map((v) => (v > 0 ? 1 : 0)), q = data(10, N * C, -2, 2);
  // keras/src/losses/losses.py hinge: convert_binary_labels_to_hinge (0/1 → 2t − 1 when every label is 0 or 1), then
  // mean(max(1 − t·p, 0)) over the last axis
  const replay = new Float64Array(N);
  for (let r = 0; r < N; r++) for (let c = 0; c < C; c++) replay[r] += Math.max(1 - (2 * bits[r * C + c] - 1) * q[r * C + c], 0) / C;
  const ours = ourLoss(losses.hinge(), bits, q);
  assertAgree('hinge 0/1 vs Keras replay', ours.loss, replay);
  assert.ok(worstDiff(ours.loss, theirLoss(withTarget(tfLoss('hinge'), bits), q).loss).ratio > 100, 'TensorFlow.js keeps 0 as 0');
});

test('cosine proximity: the gradient of TensorFlow.js\' −cos; the value is 1 − cos (the seeds\' definition)', () => {
  const t = data(11, N * C), q = data(12, N * C);
  const ours = ourLoss(losses.cosineProximity(), t, q), theirs = theirLoss(withTarget(tfl.metrics.cosineProximity, t), q);
  assertAgree('cosine proximity + 1', ours.loss, theirs.loss.map((v) => v + 1));
  assertAgree('cosine proximity gradient', ours.grad, theirs.grad, ATOL / N, RTOL);
});

test('evaluate adds the regularisation penalty to the loss, as Keras 3 (compute_loss adds model.losses); TensorFlow.js does not', async () => {
  const IN = 4, n = 16, lambda = 0.01;
  const tm = tfl.sequential({ layers: [tfl.layers.dense({ units: C, activation: 'softmax', inputShape: [IN], kernelRegularizer: tfl.regularizers.l2({ l2: lambda }) })] });
  tm.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const m = sequential([layers.dense({ units: C, activation: 'softmax', kernelRegularizer: regularizers.l2(lambda) })], { inputShape: [IN], seed: 1 });
  m.compile({ optimizer: 'sgd', loss: 'crossEntropy' });
  copyWeights(tm, m);
  const xv = data(13, n * IN), yv = oneHot(n, C);
  const tx = tf.tensor2d(xv, [n, IN]), ty = tf.tensor2d(yv, [n, C]);
  const theirs = (tm.evaluate(tx, ty, { batchSize: n }) as tf.Scalar).dataSync()[0];
  const ce = tfLoss('categoricalCrossentropy'), p = tm.predict(tx) as tf.Tensor;
  const meanCe = tf.mean(ce(ty, p)).dataSync()[0];
  const kernel = tm.layers[0].getWeights()[0].dataSync();
  // keras/src/regularizers/regularizers.py L2.__call__: l2·Σw², added to the evaluated loss
  const penalty = lambda * Array.from(kernel).reduce((a, w) => a + w * w, 0);
  const x = tensor(xv, [n, IN]), y = tensor(yv, [n, C]);
  const ours = m.evaluate(x, y).loss;
  assertAgree('evaluate loss with L2 vs Keras replay', [ours], [meanCe + penalty]);
  assert.ok(Math.abs(theirs - meanCe) < 1e-6 && penalty > 1e-3, `TensorFlow.js evaluates ${theirs} (the loss without the penalty ${penalty})`);
  [tx, ty, p].forEach((t) => t.dispose()); [x, y].forEach((t) => t.dispose()); m.dispose(); tm.dispose();
});

test.run();
