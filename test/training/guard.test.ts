// The non-finite guard (on by default): a NaN or Inf in the loss, a gradient or the updated weights stops training with
// a report of the epoch, the batch and the first layer that went non-finite, and every piece of state the refused step
// touched (weights, batch-norm running statistics, optimizer moments and step count, dropout counters) is put back.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { quadrants } from '../helpers/problems.js';
import { sequential, layers, tensor, NonFiniteError, initializers, optimizers } from '../../src/index.js';

await ready();
const test = suite(`non-finite guard [${BUILD}]`);

test('a NaN in the data stops fit at its batch, names the first layer, keeps the last finite weights', async () => {
  const { x, y, labels } = quadrants(64);
  labels.dispose();
  const v = x.toFloat32Array();
  v[2 * 40] = NaN; // sample 40 → batch 2 of 16 without shuffling
  const bad = tensor(v, [64, 2]);
  const m = sequential([layers.dense({ units: 8, activation: 'tanh', name: 'hidden' }), layers.dense({ units: 4, activation: 'softmax', name: 'out' })],
    { inputShape: [2], seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy' });
  let before = '';
  const err = await m.fit(bad, y, { epochs: 3, batchSize: 16, shuffle: false, callbacks: [{ onBatchEnd: (b) => { if (b === 1) before = m.weightsHash(); } }] })
    .then(() => undefined, (e) => e);
  assert.ok(err instanceof NonFiniteError, String(err));
  const r = (err as NonFiniteError).report;
  assert.equal({ epoch: r.epoch, batch: r.batch, layer: r.layer, where: r.where }, { epoch: 0, batch: 2, layer: 'hidden', where: 'output' });
  assert.match((err as Error).message, /non-finite values at epoch 1, batch 3: the output of layer "hidden"/);
  assert.is(m.weightsHash(), before, 'weights changed by the non-finite step');
  assert.ok(m.getWeights().every((w) => w.values.every(Number.isFinite)));
  [x, y, bad].forEach((t) => t.dispose()); m.dispose();
});

test('exploding weights: the first layer whose output overflows is named', () => {
  const { x, y, labels } = quadrants(16);
  labels.dispose();
  const m = sequential([
    layers.dense({ units: 8, kernelInitializer: initializers.constant(1e30), name: 'huge' }),
    layers.dense({ units: 8, kernelInitializer: initializers.constant(1e30), name: 'overflow' }),
    layers.dense({ units: 4, activation: 'softmax', name: 'out' }),
  ], { inputShape: [2], seed: 1 });
  m.compile({ optimizer: 'sgd', loss: 'crossEntropy' });
  const hash = m.weightsHash();
  assert.throws(() => m.trainOnBatch(x, y), (e: unknown) => e instanceof NonFiniteError && e.report.layer === 'overflow' && e.report.where === 'output');
  assert.is(m.weightsHash(), hash);
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test('the guard can be turned off', () => {
  const { x, y, labels } = quadrants(16);
  labels.dispose();
  const m = sequential([layers.dense({ units: 4, activation: 'softmax', kernelInitializer: initializers.constant(3e38) })], { inputShape: [2], seed: 1 });
  m.compile({ optimizer: 'sgd', loss: 'crossEntropy' });
  m.guardNonFinite = false;
  x.toFloat32Array(); // inputs in [-1, 1): 3e38·(|x1| + |x2|) overflows for most samples
  const loss = m.trainOnBatch(x, y); // no throw with the guard off
  assert.not.ok(Number.isFinite(loss), `loss ${loss}`);
  m.guardNonFinite = true;
  assert.throws(() => m.trainOnBatch(x, y), (e: unknown) => e instanceof NonFiniteError);
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test('an update that overflows (Adam at lr 1e38) is refused and undone: weights, moments and step count as before', () => {
  const { x, y, labels } = quadrants(32);
  labels.dispose();
  const m = sequential([layers.dense({ units: 8, activation: 'tanh', name: 'h' }), layers.dense({ units: 4, activation: 'softmax', name: 'out' })],
    { inputShape: [2], seed: 2 });
  // PyTorch's ε placement scales the step by 1/(1 − β1^t) ≈ 5.3 at step 2 (Keras' by ≈ 0.24): lr 1e38 overflows float32
  m.compile({ optimizer: optimizers.adam({ learningRate: 1e-2, epsilonConvention: 'pytorch' }), loss: 'crossEntropy' });
  m.trainOnBatch(x, y); // moments exist and are non-zero
  const hash = m.weightsHash(), state = m.optimizer!.getState(m.params());
  m.optimizer!.learningRate = 1e38;
  let err: unknown;
  try { m.trainOnBatch(x, y); } catch (e) { err = e; }
  assert.ok(err instanceof NonFiniteError, String(err));
  assert.is((err as NonFiniteError).report.where, 'update');
  assert.match((err as Error).message, /after the optimizer's update/);
  assert.is(m.weightsHash(), hash, 'weights restored');
  assert.ok(m.getWeights().every((w) => w.values.every(Number.isFinite)));
  const after = m.optimizer!.getState(m.params());
  assert.is(after.iterations, state.iterations, 'step count restored');
  assert.equal(after.slots.map((s) => Array.from(s.values)), state.slots.map((s) => Array.from(s.values)), 'moments restored');
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test('a refused step leaves batch-norm running statistics and dropout counters as they were: the next step matches a model that never took it', () => {
  const { x, y, labels } = quadrants(32);
  labels.dispose();
  const v = x.toFloat32Array(); v[5] = NaN;
  const bad = tensor(v, [32, 2]);
  const build = () => {
    const m = sequential([layers.dense({ units: 8, activation: 'relu' }), layers.batchNorm(), layers.dropout({ rate: 0.3 }),
      layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [2], seed: 4 });
    m.compile({ optimizer: 'rmsprop', loss: 'crossEntropy' });
    return m;
  };
  const a = build(), b = build();
  a.trainOnBatch(x, y); b.trainOnBatch(x, y);
  const running = () => a.getWeights().filter((w) => /moving/i.test(w.name)).map((w) => Array.from(w.values));
  const before = running();
  assert.ok(before.length >= 2, 'batch norm has running statistics');
  assert.throws(() => a.trainOnBatch(bad, y), (e: unknown) => e instanceof NonFiniteError);
  assert.equal(running(), before, 'running statistics restored');
  a.trainOnBatch(x, y); b.trainOnBatch(x, y);
  assert.is(a.weightsHash(), b.weightsHash(), 'the refused step left no trace (dropout counter, moments, statistics)');
  [x, y, bad].forEach((t) => t.dispose()); a.dispose(); b.dispose();
});

test.run();
