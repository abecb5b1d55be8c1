// Keras conventions where simdnet follows them: the LeakyReLU layer's default slope (0.3; the activation function's 0.2),
// accuracy taking the first arg-max on tied outputs while top-k counts ties (in_top_k), setWeights taking a list of
// arrays (Keras) or tensors (tfjs) in getWeights() order, 'accuracy' resolved by the loss, cross-entropy renormalising
// probabilities, batch norm's biased moving variance, the optimizers' ε conventions and the clipped loss's two modes.
// The numbers themselves are checked against TensorFlow.js and Keras replays in test/conformance/.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { sequential, layers, tensor, ops, initializers, loadModel, losses, optimizers, memoryInUse } from '../../src/index.js';

await ready();
const test = suite(`Keras semantics [${BUILD}]`);

test('the LeakyReLU layer defaults to slope 0.3; the leakyRelu activation and op to 0.2; saved slopes load as saved', () => {
  const x = tensor([[-2, -1, 0.5, 3]]);
  const layer = sequential([layers.leakyRelu()], { inputShape: [4] });
  assert.equal(Array.from(layer.predict(x).toFloat32Array()), [-0.6, -0.3, 0.5, 3].map(Math.fround));
  const act = sequential([layers.activation({ activation: 'leakyRelu' })], { inputShape: [4] });
  assert.equal(Array.from(act.predict(x).toFloat32Array()), [-0.4, -0.2, 0.5, 3].map(Math.fround));
  const op = ops.leakyRelu(x);
  assert.equal(Array.from(op.toFloat32Array()), [-0.4, -0.2, 0.5, 3].map(Math.fround));
  const explicit = sequential([layers.leakyRelu({ alpha: 0.2 })], { inputShape: [4] });
  const back = loadModel(explicit.save());
  assert.equal(Array.from(back.predict(x).toFloat32Array()), [-0.4, -0.2, 0.5, 3].map(Math.fround));
  [x, op].forEach((t) => t.dispose()); [layer, act, explicit, back].forEach((m) => m.dispose());
});

test('accuracy on tied outputs takes the first arg-max (Keras); top-k accuracy counts ties (in_top_k)', () => {
  // zero weights: every sample gets the same probabilities 1/4 for the 4 classes, a four-way tie
  const m = sequential([layers.dense({ units: 4, activation: 'softmax', kernelInitializer: initializers.zeros() })], { inputShape: [2], seed: 1 });
  m.compile({ optimizer: 'sgd', loss: 'crossEntropy', metrics: ['accuracy', { name: 'topKAccuracy', k: 2 }] });
  const labels = [0, 1, 2, 3, 0, 0, 1, 2, 3, 3];
  const y = tensor(labels.flatMap((c) => [0, 1, 2, 3].map((j) => (j === c ? 1 : 0))), [10, 4]);
  const x = tensor(new Float32Array(20).fill(0.5), [10, 2]);
  const r = m.evaluate(x, y);
  assert.is(r.accuracy, 0.3, 'only the samples of class 0 (the first arg-max) count');
  assert.is(r.top2Accuracy, 1, 'every class ties with the top two');
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test('setWeights takes Keras\' list of arrays and tfjs\' list of tensors in getWeights() order, all or nothing', () => {
  const build = (seed: number) => sequential([layers.dense({ units: 3, activation: 'relu' }), layers.dense({ units: 2 })], { inputShape: [4], seed });
  const a = build(1), b = build(2), c = build(3);
  const arrays = a.getWeights().map((w) => w.values);
  b.setWeights(arrays);
  assert.is(b.weightsHash(), a.weightsHash());
  const tensors = a.getWeights().map((w) => tensor(w.values, w.shape));
  c.setWeights(tensors);
  assert.is(c.weightsHash(), a.weightsHash());
  const before = c.weightsHash();
  assert.throws(() => c.setWeights(arrays.slice(1)), /3 arrays given by position, the model has 4 parameters/);
  assert.throws(() => c.setWeights([arrays[0], arrays[1], arrays[2], new Float32Array(5)]), /needs 2 values/);
  assert.throws(() => c.setWeights([arrays[0], { nope: 1 }] as never), /entry 1 is not a Float32Array or Tensor like entry 0/);
  assert.throws(() => c.setWeights([{ nope: 1 }] as never), /entry 0 must be \{ name, shape, values/);
  assert.is(c.weightsHash(), before, 'a refused setWeights writes nothing');
  tensors.forEach((t) => t.dispose()); [a, b, c].forEach((m) => m.dispose());
});

test("'accuracy' with binary cross-entropy is binary accuracy; 'categoricalAccuracy' keeps the arg-max; refusals name the metric", () => {
  const m = sequential([layers.activation({ activation: 'linear' as never })], { inputShape: [4] });
  // multi-label outputs thresholded at 0.5: row 1 [1,1,0,0] (4 of 4 right), row 2 [0,1,1,0] (2 of 4); arg-max: 1 of 2 rows
  const x = tensor([[0.9, 0.8, 0.1, 0.2], [0.2, 0.7, 0.6, 0.4]]), y = tensor([[1, 1, 0, 0], [1, 0, 1, 0]]);
  m.compile({ optimizer: 'sgd', loss: 'binaryCrossEntropy', metrics: ['accuracy', 'categoricalAccuracy', 'binaryAccuracy'] });
  const r = m.evaluate(x, y);
  assert.is(r.accuracy, 6 / 8);
  assert.is(r.binaryAccuracy, 6 / 8);
  assert.is(r.categoricalAccuracy, 0.5);
  m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['accuracy'] });
  assert.is(m.evaluate(x, y).accuracy, 0.5, 'with mse, accuracy is categorical (arg-max)');
  const back = loadModel((m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['binaryAccuracy'] }), m.save()));
  assert.is(back.evaluate(x, y).binaryAccuracy, 6 / 8, 'a saved binaryAccuracy loads');
  assert.throws(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['binaryAcuracy' as never] }), /unknown metric "binaryAcuracy"; did you mean "binaryAccuracy"\?/);
  const s = sequential([layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [2] });
  assert.throws(() => s.compile({ optimizer: 'sgd', loss: 'sparseCrossEntropy', metrics: ['binaryAccuracy'] }), /binaryAccuracy compares outputs element-wise/);
  [x, y].forEach((t) => t.dispose()); [m, back, s].forEach((t) => t.dispose());
});

test('cross-entropy on probabilities that are not a softmax renormalises each row by Σp (Keras); the fused path is exact', () => {
  const m = sequential([layers.activation({ activation: 'linear' as never })], { inputShape: [3] });
  m.compile({ optimizer: 'sgd', loss: 'crossEntropy' });
  const x = tensor([[0.5, 0.5, 0.5], [0.2, 0.6, 0.2]]), y = tensor([[1, 0, 0], [0, 1, 0]]);
  // row 1: 0.5/1.5 = 1/3 → ln 3; row 2 sums to 1: −ln 0.6
  const want = (Math.log(3) - Math.log(0.6)) / 2;
  assert.ok(Math.abs(m.evaluate(x, y).loss - want) < 1e-6, `${m.evaluate(x, y).loss} vs ${want}`);
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test("batch norm's moving variance takes the biased batch variance (Keras 3, TensorFlow.js)", () => {
  const m = sequential([layers.batchNorm({ momentum: 0.5 })], { inputShape: [1] });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = tensor([[0], [2]]), y = tensor([[0], [0]]);
  m.trainOnBatch(x, y);
  // batch mean 1, biased variance 1 (unbiased would be 2): moving variance 0.5·1 + 0.5·1 = 1, moving mean 0.5
  const w = Object.fromEntries(m.getWeights().map((e) => [e.name.split('/').pop(), e.values[0]]));
  assert.is(w.movingVariance, 1);
  assert.is(w.movingMean, 0.5);
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test("optimizers: epsilonConvention 'keras' (default) or 'pytorch', read strictly and saved; Nadam has none to choose", () => {
  assert.is(optimizers.rmsprop().config().epsilonConvention, 'keras');
  assert.is(optimizers.adam({ epsilonConvention: 'pytorch' }).config().epsilonConvention, 'pytorch');
  assert.throws(() => optimizers.rmsprop({ epsilonConvention: 'torch' as never }), /epsilonConvention must be one of 'keras', 'pytorch' \(did you mean 'pytorch'\?\)/);
  assert.throws(() => optimizers.nadam({ epsilonConvention: 'keras' } as never), /nadam has no convention to choose/);
  assert.throws(() => optimizers.sgd({ epsilonConvention: 'keras' } as never), /unknown option "epsilonConvention"/);
  const m = sequential([layers.dense({ units: 2 })], { inputShape: [2], seed: 1 });
  m.compile({ optimizer: { name: 'adamw', epsilonConvention: 'pytorch' }, loss: 'mse' });
  const back = loadModel(m.save());
  assert.is(back.optimizer!.config().epsilonConvention, 'pytorch');
  [m, back].forEach((t) => t.dispose());
});

test("Nadam's schedule state (0.96^t, Π μ) is saved, and rebuilt from the step count for state saved before it", () => {
  const mk = () => sequential([layers.dense({ units: 3, name: 'd' })], { inputShape: [2], seed: 4 });
  const x = tensor([[1, 2], [3, -1], [0.5, 0.5]]), y = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const a = mk(), b = mk(), c = mk();
  for (const m of [a, b, c]) m.compile({ optimizer: 'nadam', loss: 'mse' });
  for (let i = 0; i < 3; i++) a.trainOnBatch(x, y);
  const state = a.optimizer!.getState(a.params());
  assert.ok('decayPow' in state.scalars && 'muProduct' in state.scalars);
  b.setWeights(a.getWeights()); b.optimizer!.setState(b.params(), state);
  const { decayPow: _d, muProduct: _m, ...older } = state.scalars; // the scalars a file saved before the schedule holds
  c.setWeights(a.getWeights()); c.optimizer!.setState(c.params(), { ...state, scalars: older });
  for (const m of [a, b, c]) m.trainOnBatch(x, y);
  assert.is(b.weightsHash(), a.weightsHash(), 'restored state: the same next step');
  assert.is(c.weightsHash(), a.weightsHash(), 'rebuilt schedule: the same next step');
  [x, y].forEach((t) => t.dispose()); [a, b, c].forEach((m) => m.dispose());
});

test("clipped loss: 'predictions' (default) trains like its base, 'loss' keeps the per-sample clip; both save and load", () => {
  const m = sequential([layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [2], seed: 1 });
  m.compile({ optimizer: 'sgd', loss: losses.clipped('crossEntropy') });
  let back = loadModel(m.save());
  assert.equal(back.loss!.config, { base: { name: 'crossEntropy', fromLogits: false }, mode: 'predictions', range: [1e-7, 1 - 1e-7] });
  back.dispose();
  m.compile({ optimizer: 'sgd', loss: { name: 'clipped', base: 'crossEntropy', range: [0, 1] } });
  back = loadModel(m.save());
  assert.is(back.loss!.config.mode, 'loss', 'a range without a mode: the per-sample clip, as files saved before modes');
  [m, back].forEach((t) => t.dispose());
  // the clipped predictions live in one buffer the loss holds: made by the first step, reused, freed with the model
  const before = memoryInUse();
  const c = sequential([layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [2], seed: 1 });
  c.compile({ optimizer: 'sgd', loss: losses.clipped('crossEntropy') });
  const x = tensor([[1, 2], [3, 4]]), y = tensor([[1, 0, 0], [0, 0, 1]]);
  c.trainOnBatch(x, y);
  const afterOne = memoryInUse();
  for (let i = 0; i < 20; i++) c.trainOnBatch(x, y);
  assert.is(memoryInUse(), afterOne, 'steps after the first allocate nothing');
  [x, y].forEach((t) => t.dispose()); c.dispose();
  assert.is(memoryInUse(), before, 'all freed');
});

test.run();
