// Regularizer scales: 'sum' (Keras: l1·Σ|w| + l2·Σw²) and 'perSample' (the from-scratch course convention:
// λ1/m·Σ|w| + λ2/(2m)·Σw², m the samples the data loss averages over). A perSample step equals a sum step with the
// factors divided by the batch bit for bit; evaluate adds the penalty for the evaluated set; gradients check; the
// saved form keeps the scale (and a 'sum' regularizer's saved form is what it was); bad scales are refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { bars } from '../helpers/problems.js';
import { sequential, layers, loadModel, regularizers, gradCheck, type Model } from '../../src/index.js';
import { regularizerFactors, type Regularizer } from '../../src/nets/regularizers.js';

await ready();
const test = suite(`regularizer scales [${BUILD}]`);

function mlp(reg: Regularizer): Model {
  const m = sequential([
    layers.flatten(),
    layers.dense({ units: 5, activation: 'tanh', kernelRegularizer: reg, biasRegularizer: reg }),
    layers.dense({ units: 3, activation: 'softmax', kernelRegularizer: reg }),
  ], { inputShape: [6, 6, 1], seed: 5 });
  m.compile({ optimizer: { name: 'sgd', learningRate: 0.1 }, loss: 'crossEntropy', metrics: ['accuracy'] });
  return m;
}

test('factors: sum keeps them, perSample divides by m (l1) and 2m (l2)', () => {
  assert.equal(regularizerFactors(regularizers.l1l2({ l1: 0.3, l2: 3 }), 50), { name: 'l1l2', l1: 0.3, l2: 3 });
  assert.equal(regularizerFactors(regularizers.l1l2({ l1: 0.3, l2: 3, scale: 'perSample' }), 50), { l1: 0.3 / 50, l2: 3 / 100 });
  assert.equal(regularizerFactors(regularizers.l2(3, { scale: 'perSample' }), 7), { l1: 0, l2: 3 / 14 });
});

test('a perSample step is the sum step with λ/m and λ/2m, bit for bit (full batches of m = 20)', async () => {
  const { x, y } = bars(60);
  const a = mlp(regularizers.l1l2({ l1: 0.02, l2: 3, scale: 'perSample' }));
  const b = mlp(regularizers.l1l2({ l1: 0.02 / 20, l2: 3 / 40 }));
  const ha = await a.fit(x, y, { epochs: 2, batchSize: 20, shuffle: false });
  const hb = await b.fit(x, y, { epochs: 2, batchSize: 20, shuffle: false });
  assert.is(a.weightsHash(), b.weightsHash());
  assert.equal(ha.history.loss, hb.history.loss);
  const c = mlp(regularizers.l1l2({ l1: 0.02, l2: 3 }));
  await c.fit(x, y, { epochs: 2, batchSize: 20, shuffle: false });
  assert.is.not(c.weightsHash(), a.weightsHash(), 'the scale changes training');
  [x, y].forEach((t) => t.dispose()); [a, b, c].forEach((m) => m.dispose());
});

test('evaluate adds λ2/(2N)·Σw² for the N evaluated samples (float64 reference from the weights)', () => {
  const { x, y } = bars(30);
  const reg = regularizers.l2(3, { scale: 'perSample' });
  const m = mlp(reg), plain = mlp(regularizers.l2(0));
  let sumSq = 0;
  for (const p of m.params()) if (p.regularizer) for (const v of p.value.toFloat32Array()) sumSq += v * v;
  const want = plain.evaluate(x, y).loss + (3 / (2 * 30)) * sumSq;
  const got = m.evaluate(x, y).loss;
  assert.ok(Math.abs(got - want) <= 1e-6 * Math.abs(want), `${got} vs ${want}`);
  [x, y].forEach((t) => t.dispose()); [m, plain].forEach((t) => t.dispose());
});

test('gradients of a perSample-regularized model check against finite differences; a wrong scale fails', async () => {
  const { x, y } = bars(6);
  const m = mlp(regularizers.l1l2({ l1: 0.5, l2: 30, scale: 'perSample' }));
  await m.fit(x, y, { epochs: 2, batchSize: 3 }); // biases off 0, where L1 has its kink
  const r = gradCheck(m, { x, y }, { seed: 3 });
  assert.ok(r.passed, JSON.stringify(r.checks));
  // Planted: the penalty's value 6× too small (as if averaged twice), its gradient unchanged.
  const penalty = m.penalty.bind(m);
  m.penalty = (samples?: number) => penalty(samples) / 6;
  const bad = gradCheck(m, { x, y }, { seed: 3 });
  assert.not.ok(bad.passed, 'a penalty value that disagrees with its gradient must fail');
  m.penalty = penalty;
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test('saved form: perSample is kept through save/load; a sum regularizer saves as before (no scale key)', async () => {
  const { x, y } = bars(40);
  const m = mlp(regularizers.l2(3, { scale: 'perSample' }));
  await m.fit(x, y, { epochs: 1, batchSize: 20 });
  const back = loadModel(m.save());
  assert.equal(JSON.parse(JSON.stringify(back.layers[1].config())).kernelRegularizer, { name: 'l2', l1: 0, l2: 3, scale: 'perSample' });
  await m.fit(x, y, { epochs: 1, batchSize: 20, shuffle: false });
  await back.fit(x, y, { epochs: 1, batchSize: 20, shuffle: false });
  assert.is(back.weightsHash(), m.weightsHash());
  assert.equal(JSON.parse(JSON.stringify(regularizers.l2(0.5))), { name: 'l2', l1: 0, l2: 0.5 });
  [x, y].forEach((t) => t.dispose()); [m, back].forEach((t) => t.dispose());
});

test('bad scales are refused naming the option and the nearest value', () => {
  assert.throws(() => regularizers.l2(3, { scale: 'perSampel' as 'perSample' }), /scale.*did you mean 'perSample'/);
  assert.throws(() => regularizers.l1(0.1, { scael: 'sum' } as never), /scael/);
  assert.throws(() => layers.dense({ units: 2, kernelRegularizer: { name: 'l2', l2: 1, scale: 'mean' } as never }), /scale/);
});

test.run();
