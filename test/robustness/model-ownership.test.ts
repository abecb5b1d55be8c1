// Layers belong to one model: a layer (or a layer nested in a residual block) already in a live model is refused by a
// second one, naming the layer and the model, and the first model keeps training and saving its own weights; a layer
// used twice is refused; model.dispose() frees its layers for reuse (fresh weights); a model whose construction fails
// frees what it built and releases its layers. Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { layers, loadModel, memoryInUse, sequential, tensor } from '../../src/index.js';
import { record } from './tally.js';

await ready();
const test = suite(`models own their layers [${BUILD}]`);

const data = () => [tensor([1, 2, 3, 4, -1, 0, 1, 2, 0.5, -2, 1, 1], [3, 4]), tensor([1, 0, 0, 1, 1, 0], [3, 2])] as const;

test('a layer of a live model is refused by a second model, naming both; the first keeps training and saving', () => {
  const shared = layers.dense({ units: 3, activation: 'tanh', name: 'shared' });
  const m1 = sequential([shared, layers.dense({ units: 2, activation: 'softmax', name: 'o1' })], { inputShape: [4], seed: 1, name: 'first' });
  m1.compile({ optimizer: 'adam', loss: 'crossEntropy' });
  const before = memoryInUse();
  assert.throws(() => sequential([shared, layers.dense({ units: 2, name: 'o2' })], { inputShape: [4], name: 'second' }),
    /sequential: layer "shared" \(dense\) already belongs to model "first"; a layer belongs to one model/);
  assert.is(memoryInUse(), before, 'the refused model allocated nothing');
  const [x, y] = data();
  const h0 = m1.weightsHash();
  m1.trainOnBatch(x, y);
  const h1 = m1.weightsHash();
  assert.is.not(h1, h0, 'the first model still trains its layer');
  const back = loadModel(m1.save());
  assert.is(back.weightsHash(), h1, 'and saves its trained weights');
  [back, m1, x, y].forEach((t) => t.dispose());
  record({ cases: 1, refused: 1 });
});

test('layers nested in a residual block belong to the model too; a layer used twice is refused', () => {
  const inner = layers.dense({ units: 4, name: 'inner' });
  const m1 = sequential([layers.residual({ layers: [inner], name: 'res' })], { inputShape: [4], name: 'holder' });
  assert.throws(() => sequential([inner], { inputShape: [4] }), /layer "inner" \(dense\) already belongs to model "holder"/);
  m1.dispose();
  const twice = layers.dense({ units: 4, name: 'twice' });
  const before = memoryInUse();
  assert.throws(() => sequential([layers.residual({ layers: [twice] }), twice], { inputShape: [4], name: 'm' }),
    /layer "twice" \(dense\) is used twice in model "m"; a layer can be used once/);
  assert.is(memoryInUse(), before);
  assert.is(twice.owner, undefined, 'a refused model claims nothing');
  record({ cases: 2, refused: 2 });
});

test('model.dispose() frees its layers: they may be built into a new model, with fresh weights from its seed', () => {
  const d = layers.dense({ units: 3, name: 'reused' });
  const drop = layers.dropout({ rate: 0.5, name: 'drop' });
  const m1 = sequential([d, drop, layers.dense({ units: 2, name: 'o' })], { inputShape: [4], seed: 5, name: 'one' });
  const [x, y] = data();
  m1.compile({ optimizer: 'sgd', loss: 'mse' });
  m1.trainOnBatch(x, y);
  const before = memoryInUse();
  m1.dispose();
  assert.ok(memoryInUse() < before);
  assert.is(d.owner, undefined);
  const fresh = () => sequential([layers.dense({ units: 3, name: 'reused' }), layers.dropout({ rate: 0.5, name: 'drop' }), layers.dense({ units: 2, name: 'o' })],
    { inputShape: [4], seed: 9, name: 'ref' });
  const m2 = sequential([d, drop, layers.dense({ units: 2, name: 'o' })], { inputShape: [4], seed: 9, name: 'two' });
  const ref = fresh();
  assert.is(m2.weightsHash(), ref.weightsHash(), 'a reused layer is initialised like a new one');
  m2.compile({ optimizer: 'sgd', loss: 'mse' }); ref.compile({ optimizer: 'sgd', loss: 'mse' });
  m2.trainOnBatch(x, y); ref.trainOnBatch(x, y);
  assert.is(m2.weightsHash(), ref.weightsHash(), 'and trains like one (dropout masks start afresh)');
  const base = memoryInUse();
  [m2, ref].forEach((m) => m.dispose());
  assert.ok(memoryInUse() < base);
  [x, y].forEach((t) => t.dispose());
});

test('a model whose construction fails frees what it built and releases its layers', () => {
  const before = memoryInUse();
  const a = layers.dense({ units: 3, name: 'a' }), b = layers.conv2d({ filters: 2, kernelSize: 3, name: 'b' });
  assert.throws(() => sequential([a, b], { inputShape: [4] }), /layer "b" \(conv2d\) cannot take input shape \[3\]/);
  assert.is(memoryInUse(), before, 'layer a was built, then freed');
  const dup = [layers.dense({ units: 3, name: 'same' }), layers.dense({ units: 3, name: 'same' })];
  assert.throws(() => sequential(dup, { inputShape: [4] }), /two layers are named "same"/);
  assert.is(memoryInUse(), before);
  const m = sequential([a, layers.dense({ units: 2 })], { inputShape: [4] }); // a is free again
  m.dispose();
  assert.is(memoryInUse(), before);
  record({ cases: 2, refused: 2 });
});

test.run();
