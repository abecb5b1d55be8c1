// Model and fit(): learning a problem, history, validation, callbacks, early stopping with restoreBestWeights, class
// weights, predict/evaluate in batches, summary, get/setWeights, and the errors that name what is wrong.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { quadrants, bars } from '../helpers/problems.js';
import { sequential, layers, earlyStopping, memoryInUse, tensor, type Callback } from '../../src/index.js';

await ready();
const test = suite(`fit [${BUILD}]`);

function mlp(seed = 1) {
  return sequential([
    layers.dense({ units: 16, activation: 'tanh' }),
    layers.dense({ units: 16, activation: 'relu' }),
    layers.dense({ units: 4, activation: 'softmax' }),
  ], { inputShape: [2], seed });
}

test('an MLP learns the quadrants; history has every metric per epoch; evaluate agrees', async () => {
  const { x, y, labels } = quadrants(400);
  const m = mlp();
  m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
  const h = await m.fit(x, y, { epochs: 25, batchSize: 32, validationSplit: 0.25 });
  assert.equal(Object.keys(h.history).sort(), ['accuracy', 'loss', 'valAccuracy', 'valLoss']);
  assert.is(h.history.loss.length, 25);
  assert.equal(h.epoch, Array.from({ length: 25 }, (_, i) => i));
  assert.ok(h.history.loss[24] < h.history.loss[0] * 0.5, `loss ${h.history.loss[0]} → ${h.history.loss[24]}`);
  assert.ok(h.history.valAccuracy[24] > 0.9, `validation accuracy ${h.history.valAccuracy[24]}`);
  const r = m.evaluate(x, y, { confusionMatrix: true });
  assert.ok((r.accuracy as number) > 0.9);
  const cm = r.confusionMatrix!;
  assert.is(cm.flat().reduce((a, b) => a + b, 0), 400);
  assert.is(cm.map((row, i) => row[i]).reduce((a, b) => a + b, 0), Math.round((r.accuracy as number) * 400));
  // sparse labels give the same loss on the same weights
  const ms = mlp(); ms.setWeights(m.getWeights());
  ms.compile({ optimizer: 'adam', loss: 'sparseCrossEntropy', metrics: ['accuracy'] });
  const rs = ms.evaluate(x, labels);
  assert.ok(Math.abs(rs.loss - r.loss) < 1e-5 * Math.max(1, r.loss), `sparse ${rs.loss} vs dense ${r.loss}`);
  assert.is(rs.accuracy, r.accuracy);
  [x, y, labels].forEach((t) => t.dispose()); m.dispose(); ms.dispose();
});

test('a small CNN with pooling, batch norm and dropout learns the bars', async () => {
  const { x, y } = bars(300);
  const m = sequential([
    layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
    layers.batchNorm(),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { inputShape: [6, 6, 1], seed: 3 });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
  const h = await m.fit(x, y, { epochs: 15, batchSize: 30 });
  assert.ok(h.history.accuracy[14] > 0.9, `train accuracy ${h.history.accuracy[14]}`);
  const r = m.evaluate(x, y);
  assert.ok((r.accuracy as number) > 0.9, `evaluate accuracy ${r.accuracy}`);
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test('callbacks run in order with logs; stopTraining ends fit after the batch and says where', async () => {
  const { x, y } = quadrants(64);
  const m = mlp();
  m.compile({ optimizer: 'sgd', loss: 'crossEntropy', metrics: ['accuracy'] });
  const calls: string[] = [];
  const cb: Callback = {
    onTrainBegin: () => { calls.push('trainBegin'); },
    onEpochBegin: (e) => { calls.push(`epochBegin ${e}`); },
    onBatchEnd: (b, logs) => { calls.push(`batch ${b}`); assert.ok(Number.isFinite(logs.loss)); if (b === 1 && calls.includes('epochBegin 1')) m.stopTraining = true; },
    onEpochEnd: (e, logs) => { calls.push(`epochEnd ${e}`); assert.ok('loss' in logs && 'accuracy' in logs); },
    onTrainEnd: () => { calls.push('trainEnd'); },
  };
  const h = await m.fit(x, y, { epochs: 5, batchSize: 16, callbacks: [cb] });
  // stopped mid-epoch: that epoch has no end and no logs; stoppedAt says where to resume
  assert.equal(calls, ['trainBegin', 'epochBegin 0', 'batch 0', 'batch 1', 'batch 2', 'batch 3', 'epochEnd 0',
    'epochBegin 1', 'batch 0', 'batch 1', 'trainEnd']);
  assert.is(h.history.loss.length, 1);
  assert.equal({ epoch: h.stoppedAt!.epoch, batch: h.stoppedAt!.batch }, { epoch: 1, batch: 2 });
  assert.equal(h.stoppedAt!.progress!.samples, 32);
  [x, y].forEach((t) => t.dispose()); m.dispose();
});

test('a fit stopped mid-epoch and resumed with initialBatch and initialProgress logs what an uninterrupted fit logs', async () => {
  const { x, y } = quadrants(100);
  const run = async (stopAt?: { epoch: number; batch: number }) => {
    const m = mlp(4);
    m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
    let epoch = 0;
    const cb: Callback = {
      onEpochBegin: (e) => { epoch = e; },
      onBatchEnd: (b) => { if (stopAt && epoch === stopAt.epoch && b === stopAt.batch) m.stopTraining = true; },
    };
    const first = await m.fit(x, y, { epochs: 3, batchSize: 16, callbacks: [cb] });
    if (!stopAt) return { m, history: first.history };
    const at = first.stoppedAt!;
    const rest = await m.fit(x, y, { epochs: 3 - at.epoch, batchSize: 16, initialEpoch: at.epoch, initialBatch: at.batch, initialProgress: at.progress });
    const history: Record<string, number[]> = {};
    for (const src of [first.history, rest.history]) for (const [k, v] of Object.entries(src)) (history[k] ??= []).push(...v);
    return { m, history };
  };
  const full = await run(), cut = await run({ epoch: 1, batch: 3 });
  assert.equal(cut.history, full.history); // bit for bit: the same sums in the same order
  assert.is(cut.m.weightsHash(), full.m.weightsHash());
  const sumsDropped = await (async () => { // without initialProgress the epoch's loss covers only the resumed batches
    const m = mlp(4);
    m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
    const h = await m.fit(x, y, { epochs: 1, batchSize: 16, initialEpoch: 1, initialBatch: 3 });
    m.dispose();
    return h.history.loss[0];
  })();
  assert.ok(sumsDropped !== full.history.loss[1]);
  [full.m, cut.m].forEach((m) => m.dispose());
  [x, y].forEach((t) => t.dispose());
});

test('earlyStopping stops after patience epochs without improvement and restores the best weights', async () => {
  const { x, y } = quadrants(200);
  const m = mlp(5);
  // a learning rate so high the validation loss soon gets worse
  m.compile({ optimizer: { name: 'sgd', learningRate: 3 }, loss: 'crossEntropy' });
  const es = earlyStopping({ monitor: 'valLoss', patience: 2, restoreBestWeights: true });
  const h = await m.fit(x, y, { epochs: 40, batchSize: 20, validationSplit: 0.3, callbacks: [es] });
  const v = h.history.valLoss;
  assert.ok(es.stoppedEpoch >= 0 && es.stoppedEpoch < 39, `stopped at ${es.stoppedEpoch}`);
  assert.is(v.length, es.stoppedEpoch + 1);
  assert.is(es.bestEpoch, v.indexOf(Math.min(...v)));
  assert.is(es.stoppedEpoch - es.bestEpoch, 3);
  // restored: evaluating the validation part gives the best epoch's loss
  const xv = tensor(x.toFloat32Array().slice(140 * 2), [60, 2]), yv = tensor(y.toFloat32Array().slice(140 * 4), [60, 4]);
  const r = m.evaluate(xv, yv);
  assert.ok(Math.abs(r.loss - es.best) < 1e-6 * Math.max(1, es.best), `restored loss ${r.loss} vs best ${es.best}`);
  [x, y, xv, yv].forEach((t) => t.dispose()); m.dispose();
});

test('classWeight multiplies the loss of each sample by its class weight', () => {
  const { x, y } = quadrants(32);
  const a = mlp(2), b = mlp(2);
  a.compile({ optimizer: 'sgd', loss: 'crossEntropy' }); b.compile({ optimizer: 'sgd', loss: 'crossEntropy' });
  const l1 = a.evaluate(x, y).loss;
  return b.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, classWeight: [2, 2, 2, 2] }).then((h) => {
    assert.ok(Math.abs(h.history.loss[0] - 2 * l1) < 1e-5, `weighted ${h.history.loss[0]} vs 2×${l1}`);
    [x, y].forEach((t) => t.dispose()); a.dispose(); b.dispose();
  });
});

test('predict in batches of any size equals one big batch; summary lists layers, shapes and counts', () => {
  const { x } = quadrants(37);
  const m = mlp();
  const p1 = m.predict(x, { batchSize: 37 }).toFloat32Array();
  const m2 = mlp(); m2.setWeights(m.getWeights());
  const p2 = m2.predict(x, { batchSize: 5 }).toFloat32Array();
  assert.equal(Array.from(p2), Array.from(p1));
  const s = m.summary();
  assert.match(s, /dense_\d+ \(dense\)\s+\[N, 16\]\s+48/);
  assert.match(s, /Total params: 388 \(trainable 388, non-trainable 0\)/);
  x.dispose(); m.dispose(); m2.dispose();
});

test('errors name what is wrong: shapes, labels, options, order of calls', async () => {
  const { x, y, labels } = quadrants(8);
  const m = mlp();
  assert.throws(() => m.trainOnBatch(x, y), /call model.compile/);
  m.compile({ optimizer: 'adam', loss: 'crossEntropy' });
  const bad = tensor(new Float32Array(24), [8, 3]); bad.name = 'wide';
  assert.throws(() => m.trainOnBatch(bad, y), /x "wide" is \[8, 3\] float32; the model takes \[N, 2\] float32/);
  assert.throws(() => m.trainOnBatch(x, labels), /y ".*" is \[8\] int32; the model predicts \[8, 4\] float32 \(one-hot encode/);
  await m.fit(x, y, { epochs: 0 }).then(() => assert.unreachable('epochs 0'), (e) => assert.match(e.message, /epochs must be a positive integer, got 0/));
  await m.fit(x, y, { validationSplit: 1.5 }).then(() => assert.unreachable(), (e) => assert.match(e.message, /validationSplit must be in \(0, 1\), got 1.5/));
  assert.throws(() => m.compile({ optimizer: 'adamm' as never, loss: 'mse' }), /unknown optimizer "adamm"/);
  assert.throws(() => m.compile({ optimizer: { name: 'sgd', learningRate: -1 }, loss: 'mse' }), /learningRate must be a finite number > 0, got -1/);
  assert.throws(() => m.compile({ optimizer: 'sgd', loss: 'mse2' as never }), /unknown loss "mse2"/);
  assert.throws(() => sequential([layers.dense({ units: 2 })], { inputShape: [0] }), /inputShape \[0\] must list positive integers/);
  assert.throws(() => sequential([layers.conv2d({ filters: 2, kernelSize: 3 })], { inputShape: [4] }), /conv2d.*takes \[H, W, channels\]/);
  assert.throws(() => layers.dense({ units: 0 }), /units must be a positive integer, got 0/);
  m.compile({ optimizer: 'adam', loss: 'sparseCrossEntropy' });
  const outOfRange = tensor(new Int32Array([0, 1, 2, 3, 4, 0, 1, 2]));
  assert.throws(() => m.trainOnBatch(x, outOfRange), /label 4 at sample 4 is outside the model's 4 classes/);
  [x, y, labels, bad, outOfRange].forEach((t) => t.dispose()); m.dispose();
});

test('dispose frees everything the model held', async () => {
  const before = memoryInUse();
  const { x, y, labels } = quadrants(64);
  labels.dispose();
  const m = mlp();
  m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
  await m.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.25 });
  m.predict(x).dispose();
  m.dispose(); x.dispose(); y.dispose();
  assert.is(memoryInUse(), before);
  assert.throws(() => m.predict(x), /was disposed/);
});

test.run();
