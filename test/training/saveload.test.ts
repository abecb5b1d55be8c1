// Model files: a round trip gives bit-identical predictions; training resumes identically when the optimizer state is
// saved; truncated, bit-flipped, newer-version and foreign files are refused whole with a message saying which.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { bars, quadrants } from '../helpers/problems.js';
import { sequential, layers, loadModel, losses, regularizers, schedules, memoryInUse, type Model } from '../../src/index.js';

await ready();
const test = suite(`save and load [${BUILD}]`);

function cnn(): Model {
  const m = sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelRegularizer: regularizers.l2(1e-3) }),
    layers.batchNorm(),
    layers.maxPool2d({ poolSize: 2 }),
    layers.residual({ layers: [layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' })], activation: 'relu' }),
    layers.flatten(),
    layers.dropout({ rate: 0.2 }),
    layers.maxout({ units: 6, pieces: 2 }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { inputShape: [6, 6, 1], seed: 21, name: 'bars-cnn' });
  m.compile({ optimizer: { name: 'adam', learningRate: schedules.exponential({ initial: 0.01, decayRate: 0.9, decaySteps: 5 }) }, loss: 'crossEntropy', metrics: ['accuracy', { name: 'topKAccuracy', k: 2 }] });
  return m;
}

test('round trip: same architecture, same weights hash, bit-identical predictions, same compile settings', async () => {
  const { x, y } = bars(60);
  const m = cnn();
  await m.fit(x, y, { epochs: 2, batchSize: 20 });
  const bytes = m.save();
  const back = loadModel(bytes);
  assert.is(back.weightsHash(), m.weightsHash());
  assert.is(back.summary(), m.summary());
  assert.equal(Array.from(back.predict(x).toFloat32Array()), Array.from(m.predict(x).toFloat32Array()));
  assert.equal(back.evaluate(x, y), m.evaluate(x, y));
  assert.is(back.optimizer!.name, 'adam');
  assert.is(back.optimizer!.iterations, m.optimizer!.iterations);
  [x, y].forEach((t) => t.dispose()); m.dispose(); back.dispose();
});

test('training resumes identically from a saved model (optimizer, schedule, dropout counters, epoch)', async () => {
  const { x, y } = bars(60);
  const straight = cnn();
  await straight.fit(x, y, { epochs: 4, batchSize: 20 });
  const first = cnn();
  await first.fit(x, y, { epochs: 2, batchSize: 20 });
  const resumed = loadModel(first.save());
  await resumed.fit(x, y, { epochs: 2, batchSize: 20, initialEpoch: 2 });
  assert.is(resumed.weightsHash(), straight.weightsHash());
  // without the optimizer state the run differs (Adam's moments restart)
  const cold = loadModel(first.save({ includeOptimizer: false }));
  await cold.fit(x, y, { epochs: 2, batchSize: 20, initialEpoch: 2 });
  assert.is.not(cold.weightsHash(), straight.weightsHash());
  [x, y].forEach((t) => t.dispose()); [straight, first, resumed, cold].forEach((m) => m.dispose());
});

test('losses with options survive: weighted and clipped cross-entropy, huber', () => {
  const mk = (loss: Parameters<Model['compile']>[0]['loss']) => {
    const m = sequential([layers.dense({ units: 10, activation: 'softmax' })], { inputShape: [4], seed: 1 });
    m.compile({ optimizer: 'sgd', loss });
    return m;
  };
  for (const loss of [losses.weightedCrossEntropy({ numClasses: 10, pairs: [[7, 1, 1.3], [1, 7, 1.3]] }), losses.clipped('crossEntropy', [0, 1]), losses.huber({ delta: 0.5 })]) {
    const m = mk(loss);
    const back = loadModel(m.save());
    assert.equal({ name: back.loss!.name, ...back.loss!.config }, { name: loss.name, ...loss.config });
    m.dispose(); back.dispose();
  }
});

test('a truncated file is refused whole, saying so; nothing is left allocated', () => {
  const m = cnn();
  const bytes = m.save();
  const before = memoryInUse();
  for (const cut of [1, 100, bytes.length - 5, bytes.length - 1]) {
    assert.throws(() => loadModel(bytes.subarray(0, cut)), /truncated|bad magic/, `cut at ${cut}`);
  }
  assert.throws(() => loadModel(bytes.subarray(0, bytes.length - 1)), /truncated: expected \d+ bytes, found \d+/);
  assert.is(memoryInUse(), before);
  m.dispose();
});

test('a flipped bit anywhere is caught by the checksum, checked before the header is parsed; trailing bytes and foreign files are refused', () => {
  const m = cnn();
  const bytes = m.save();
  for (const at of [20, 21, Math.floor(bytes.length / 2), bytes.length - 10]) {
    const c = bytes.slice(); c[at] ^= 0x10; // bytes 20 and 21 are in the header's JSON: it no longer parses
    assert.throws(() => loadModel(c), /^cannot load model: checksum mismatch \(stored [0-9a-f]{8}, computed [0-9a-f]{8}\): the file is corrupted$/, `flip at ${at}`);
  }
  const longer = new Uint8Array(bytes.length + 4); longer.set(bytes);
  assert.throws(() => loadModel(longer), /4 unexpected trailing bytes/);
  assert.throws(() => loadModel(new TextEncoder().encode('{"not": "a model"}')), /not a simdnet model file/);
  m.dispose();
});

test('a file from a newer format version is refused with both versions named', () => {
  const { x } = quadrants(4);
  const m = sequential([layers.dense({ units: 2 })], { inputShape: [2], seed: 1 });
  const bytes = m.save();
  new DataView(bytes.buffer).setUint32(8, 7, true);
  assert.throws(() => loadModel(bytes), /written by a newer simdnet \(format version 7; this version reads up to 1\)/);
  x.dispose(); m.dispose();
});

test.run();
