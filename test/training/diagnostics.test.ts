// fit(…, { diagnostics }): networks built to vanish, explode, die, saturate and overfit get their verdict with its
// evidence; a healthy network gets none. The data are plain, JSON-serialisable, and cost nothing when off.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { quadrants } from '../helpers/problems.js';
import { sequential, layers, initializers, memoryInUse, type Model, type History } from '../../src/index.js';

await ready();
const test = suite(`diagnostics [${BUILD}]`);

const kinds = (h: History) => h.diagnostics!.verdicts.map((v) => v.kind).sort();

async function run(build: () => Model, options: { epochs?: number; n?: number; lr?: number; optimizer?: string; valSplit?: number } = {}): Promise<{ m: Model; h: History }> {
  const { x, y, labels } = quadrants(options.n ?? 256);
  labels.dispose();
  const m = build();
  m.compile({ optimizer: { name: options.optimizer ?? 'adam', ...(options.lr ? { learningRate: options.lr } : {}) } as never, loss: 'crossEntropy', metrics: ['accuracy'] });
  const h = await m.fit(x, y, { epochs: options.epochs ?? 6, batchSize: 32, diagnostics: true, validationSplit: options.valSplit });
  x.dispose(); y.dispose();
  return { m, h };
}

test('a healthy network: no verdicts; every epoch has statistics for every parameter and layer', async () => {
  const { m, h } = await run(() => sequential([layers.dense({ units: 16, activation: 'relu', kernelInitializer: 'heNormal' }),
    layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [2], seed: 1 }), { valSplit: 0.25 });
  assert.equal(kinds(h), [], JSON.stringify(h.diagnostics!.verdicts.map((v) => v.message)));
  const d = h.diagnostics!;
  assert.is(d.epochs.length, 6);
  for (const e of d.epochs) {
    assert.is(e.params.length, 4);
    assert.is(e.batchesSampled, 4);
    for (const p of e.params) {
      assert.ok(p.weights.count === p.size && Number.isFinite(p.weights.std) && p.gradient.count > 0 && p.updateRatio > 0, p.name);
      assert.is(p.weightHistogram.counts.reduce((a, b) => a + b, 0), p.size);
      assert.is(p.weightHistogram.counts.length, 64);
    }
    assert.is(e.layers[0].deadUnits! >= 0 && e.layers[0].units, 16);
  }
  const f = d.firstLayer!;
  assert.is(f.param, m.params()[0].name);
  assert.is(f.first.length, 32); assert.is(f.last.length, 32);
  assert.not.equal(f.first, f.last);
  assert.equal(JSON.parse(JSON.stringify(d)).epochs.length, 6, 'JSON round trip');
  m.dispose();
});

test('a deep sigmoid network with small weights: vanishing gradients, with the first/last ratio as evidence', async () => {
  const { m, h } = await run(() => sequential([
    ...Array.from({ length: 6 }, () => layers.dense({ units: 32, activation: 'sigmoid', kernelInitializer: initializers.normal(0, 0.05) })),
    layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [2], seed: 2 }), { optimizer: 'sgd', lr: 0.01 });
  const v = h.diagnostics!.verdicts.find((x) => x.kind === 'vanishingGradients');
  assert.ok(v, JSON.stringify(h.diagnostics!.verdicts));
  assert.match(v!.message, /first layer "dense_\d+" gets gradients/);
  assert.ok((v!.evidence.ratio as number) < 1e-2);
  m.dispose();
});

test('a deep linear network with large initial weights: exploding gradients, with the largest RMS as evidence', async () => {
  // a learning rate so small the weights stay put: the gradients are large from the start and nothing goes non-finite
  const { m, h } = await run(() => sequential([
    ...Array.from({ length: 6 }, () => layers.dense({ units: 32, activation: 'linear', kernelInitializer: initializers.normal(0, 1.5) })),
    layers.dense({ units: 4, activation: 'softmax', kernelInitializer: initializers.normal(0, 1.5) })], { inputShape: [2], seed: 3 }),
  { optimizer: 'sgd', lr: 1e-9, epochs: 3 });
  const v = h.diagnostics!.verdicts.find((x) => x.kind === 'explodingGradients');
  assert.ok(v, JSON.stringify(h.diagnostics!.verdicts));
  assert.ok((v!.evidence.maxGradientRms as number) > 1e3);
  assert.not.ok(kinds(h).includes('vanishingGradients'));
  m.dispose();
});

test('ReLU with a large negative bias: dead units, counted per layer', async () => {
  const { m, h } = await run(() => sequential([layers.dense({ units: 16, activation: 'relu', biasInitializer: initializers.constant(-10) }),
    layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [2], seed: 4 }), { epochs: 3 });
  const v = h.diagnostics!.verdicts.find((x) => x.kind === 'deadUnits');
  assert.ok(v, JSON.stringify(h.diagnostics!.verdicts));
  assert.is(v!.evidence.dead, 16);
  m.dispose();
});

test('sigmoid with huge initial weights: saturation', async () => {
  const { m, h } = await run(() => sequential([layers.dense({ units: 16, activation: 'sigmoid', kernelInitializer: initializers.normal(0, 50) }),
    layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [2], seed: 5 }), { epochs: 3 });
  const v = h.diagnostics!.verdicts.find((x) => x.kind === 'saturation');
  assert.ok(v, JSON.stringify(h.diagnostics!.verdicts));
  assert.ok((v!.evidence.fraction as number) > 0.5);
  m.dispose();
});

test('a big network on a tiny training set: overfitting (validation loss rising, training loss falling)', async () => {
  const { m, h } = await run(() => sequential([layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'heNormal' }),
    layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'heNormal' }), layers.dense({ units: 4, activation: 'softmax' })],
  { inputShape: [2], seed: 6 }), { n: 40, epochs: 60, valSplit: 0.5, lr: 0.01 });
  assert.ok(kinds(h).includes('overfitting'), JSON.stringify({ v: h.diagnostics!.verdicts.map((x) => x.message), val: h.history.valLoss }));
  m.dispose();
});

test('diagnostics off: no data, and fit leaves memory as it found it either way', async () => {
  const { x, y, labels } = quadrants(64);
  labels.dispose();
  const m = sequential([layers.dense({ units: 8, activation: 'tanh' }), layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [2], seed: 7 });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy' });
  await m.fit(x, y, { epochs: 1, batchSize: 16 });
  const base = memoryInUse();
  const off = await m.fit(x, y, { epochs: 1, batchSize: 16 });
  assert.is(off.diagnostics, undefined);
  await m.fit(x, y, { epochs: 2, batchSize: 16, diagnostics: { samplesPerEpoch: 2, everyBatches: 2, bins: 8 } });
  assert.is(memoryInUse(), base);
  const err = await m.fit(x, y, { diagnostics: { bin: 8 } as never }).then(() => 'no error', (e: Error) => e.message);
  assert.match(err, /unknown option "bin"; did you mean "bins"/);
  x.dispose(); y.dispose(); m.dispose();
});

test.run();
