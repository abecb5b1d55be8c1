// Keras conventions where simdnet follows them: the LeakyReLU layer's default slope (0.3; the activation function's 0.2),
// accuracy taking the first arg-max on tied outputs while top-k counts ties (in_top_k), and setWeights taking a list of
// arrays (Keras) or tensors (tfjs) in getWeights() order.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { sequential, layers, tensor, ops, initializers, loadModel } from '../../src/index.js';

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

test.run();
