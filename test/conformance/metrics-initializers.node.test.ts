// Metrics and initializers against outside oracles. 'accuracy' resolves as Keras does when it compiles (standalone
// Keras 2, which the seed studies ran, and TensorFlow.js 4.22: binary accuracy under a binary cross-entropy loss or a
// one-column output, else categorical): the same model and weights evaluated by both. Initializers' statistics
// (uniform limits, normal standard deviations, dense and conv fans) against TensorFlow.js and Keras 3's
// VarianceScaling, whose truncated normal is divided by 0.8796 (TensorFlow.js omits that correction).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tf, tfl, readyBoth, copyWeights, data } from './helpers.js';
import { BUILD } from '../helpers/setup.js';
import { sequential, layers, tensor, type Model } from '../../src/index.js';

await readyBoth();
const test = suite(`conformance: metrics and initializers [${BUILD}]`);

const N = 64, IN = 6, OUT = 5;

function pair(activation: 'sigmoid' | 'softmax'): [tfl.Sequential, Model] {
  // Seeded: an unseeded kernel once put two outputs of one row within float32 rounding of each other (a flaky arg-max).
  const tm = tfl.sequential({ layers: [tfl.layers.dense({ units: OUT, activation, inputShape: [IN], kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) })] });
  const m = sequential([layers.dense({ units: OUT, activation })], { inputShape: [IN], seed: 1 });
  copyWeights(tm, m);
  return [tm, m];
}

/** Accuracy evaluated by both libraries on the same data: [simdnet, TensorFlow.js]. */
function accuracies(activation: 'sigmoid' | 'softmax', tfLoss: string, ourLoss: string, ourMetric: string, yv: Float32Array, tfMetric = 'accuracy'): [number, number] {
  const [tm, m] = pair(activation);
  tm.compile({ optimizer: 'sgd', loss: tfLoss, metrics: [tfMetric] });
  m.compile({ optimizer: 'sgd', loss: ourLoss as never, metrics: [ourMetric as never] });
  const xv = data(21, N * IN, -2, 2);
  const tx = tf.tensor2d(xv, [N, IN]), ty = tf.tensor2d(yv, [N, OUT]);
  const r = tm.evaluate(tx, ty, { batchSize: N }) as tf.Scalar[];
  const theirs = r[1].dataSync()[0];
  const x = tensor(xv, [N, IN]), y = tensor(yv, [N, OUT]);
  const ours = m.evaluate(x, y)[ourMetric] as number;
  [tx, ty, ...r].forEach((t) => t.dispose()); [x, y].forEach((t) => t.dispose());
  m.dispose(); tm.dispose();
  return [ours, theirs];
}

const multiLabel = data(22, N * OUT).map((v) => (v > 0.2 ? 1 : 0));
const oneHotRows = Float32Array.from({ length: N * OUT }, (_, i) => (i % OUT === Math.floor(i / OUT) % OUT ? 1 : 0));

test("'accuracy' with binary cross-entropy is binary accuracy (element-wise, threshold 0.5), as TensorFlow.js", () => {
  const [ours, theirs] = accuracies('sigmoid', 'binaryCrossentropy', 'binaryCrossEntropy', 'accuracy', multiLabel);
  // counts of matching elements over N·OUT: equal up to the float32 rounding of TensorFlow.js' mean
  assert.ok(Math.abs(ours - theirs) < 1e-6, `simdnet ${ours}, TensorFlow.js ${theirs}`);
  // planted: the arg-max accuracy (simdnet before) on the same multi-label outputs
  const [argmax] = accuracies('sigmoid', 'binaryCrossentropy', 'binaryCrossEntropy', 'categoricalAccuracy', multiLabel);
  assert.ok(Math.abs(argmax - theirs) > 0.05, `arg-max accuracy ${argmax} should differ from binary ${theirs}`);
});

test("'accuracy' with categorical cross-entropy is categorical accuracy; 'binaryAccuracy' asked for explicitly", () => {
  const [ours, theirs] = accuracies('softmax', 'categoricalCrossentropy', 'crossEntropy', 'accuracy', oneHotRows);
  assert.ok(Math.abs(ours - theirs) < 1e-6, `simdnet ${ours}, TensorFlow.js ${theirs}`);
  const [bin, tfBin] = accuracies('sigmoid', 'meanSquaredError', 'mse', 'binaryAccuracy', multiLabel, 'binaryAccuracy');
  assert.ok(Math.abs(bin - tfBin) < 1e-6, `binaryAccuracy ${bin}, TensorFlow.js ${tfBin}`);
});

test('binary accuracy compares yTrue with (yPred > 0.5) exactly (keras/src/metrics/accuracy_metrics.py binary_accuracy)', () => {
  const m = sequential([layers.activation({ activation: 'linear' as never })], { inputShape: [4] });
  m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['binaryAccuracy'] });
  // predictions 0.5 (not above the threshold), 0.51, 0.2, 0.9; labels 0, 1, 0.3 (a soft label never equals 0 or 1), 1
  const x = tensor([[0.5, 0.51, 0.2, 0.9], [0.5, 0.51, 0.2, 0.9]]), y = tensor([[0, 1, 0.3, 1], [1, 0, 0, 0]]);
  // row 1: right, right, wrong, right; row 2: wrong, wrong, right, wrong → 4 of 8
  assert.is(m.evaluate(x, y).binaryAccuracy, 0.5);
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

// ---- initializers ----

interface Stats { std: number; maxAbs: number; mean: number }
function stats(v: ArrayLike<number>): Stats {
  let s = 0, q = 0, m = 0;
  for (let i = 0; i < v.length; i++) { s += v[i]; q += v[i] * v[i]; m = Math.max(m, Math.abs(v[i])); }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(q / v.length - mean * mean), maxAbs: m };
}

const SHAPES = [
  { name: 'dense [300, 200]', fanIn: 300, fanOut: 200, tfShape: [300, 200],
    ours: (init: string) => sequential([layers.dense({ units: 200, kernelInitializer: init as never })], { inputShape: [300], seed: 3 }) },
  { name: 'conv 3×3, 16 → 32', fanIn: 144, fanOut: 288, tfShape: [3, 3, 16, 32],
    ours: (init: string) => sequential([layers.conv2d({ filters: 32, kernelSize: 3, kernelInitializer: init as never })], { inputShape: [8, 8, 16], seed: 3 }) },
];
const SCALED = [
  { name: 'glorot', scale: 1, fan: (i: number, o: number) => (i + o) / 2 },
  { name: 'he', scale: 2, fan: (i: number) => i },
  { name: 'lecun', scale: 1, fan: (i: number) => i },
];
type TfInit = ReturnType<typeof tfl.initializers.glorotUniform>;
const tfInit = (name: string): TfInit =>
  (tfl.initializers as unknown as Record<string, (a: { seed: number }) => TfInit>)[name.replace('lecun', 'leCun')]({ seed: 7 });

test('variance-scaling initializers: limits and standard deviations from the dense and conv fans, against TensorFlow.js and Keras 3', () => {
  for (const s of SHAPES) for (const v of SCALED) {
    const target = Math.sqrt(v.scale / v.fan(s.fanIn, s.fanOut)), limit = Math.sqrt(3) * target;
    // uniform: both libraries draw from [−limit, limit]; the sample std is limit/√3 within sampling error (~0.5% here)
    const m = s.ours(`${v.name}Uniform`), ours = stats(m.getWeights()[0].values);
    const t = tfInit(`${v.name}Uniform`).apply(s.tfShape), theirs = stats(t.dataSync());
    const label = `${s.name} ${v.name}Uniform`;
    assert.ok(ours.maxAbs <= limit && ours.maxAbs > 0.99 * limit, `${label}: max |w| ${ours.maxAbs}, limit ${limit}`);
    assert.ok(theirs.maxAbs <= limit * (1 + 1e-6), `${label}: TensorFlow.js max |w| ${theirs.maxAbs}`);
    assert.ok(Math.abs(ours.std / theirs.std - 1) < 0.03, `${label}: std ${ours.std} vs TensorFlow.js ${theirs.std}`);
    assert.ok(Math.abs(ours.std / target - 1) < 0.03, `${label}: std ${ours.std} vs limit/√3 ${target}`);
    m.dispose(); t.dispose();
    // normal: Keras 3 draws a normal truncated at ±2σ with σ = target/0.8796, so the std is target
    // (keras/src/initializers/random_initializers.py VarianceScaling); TensorFlow.js truncates without the division
    const mn = s.ours(`${v.name}Normal`), on = stats(mn.getWeights()[0].values);
    const tn = tfInit(`${v.name}Normal`).apply(s.tfShape), tnStats = stats(tn.dataSync());
    const nl = `${s.name} ${v.name}Normal`;
    assert.ok(Math.abs(on.std / target - 1) < 0.03, `${nl}: std ${on.std}, Keras' ${target}`);
    assert.ok(on.maxAbs <= 2 * target / 0.8796256610342398 * (1 + 1e-6), `${nl}: max |w| ${on.maxAbs} beyond 2σ`);
    assert.ok(Math.abs(tnStats.std / (0.8796 * target) - 1) < 0.03, `${nl}: TensorFlow.js' std ${tnStats.std}, expected 0.88·${target}`);
    mn.dispose(); tn.dispose();
  }
});

test.run();
