// Reproducibility and steady state: a fixed seed reproduces a pinned loss trajectory and weights hash (same bits in
// every runtime); seeds change the result; 2,000 training steps keep memoryInUse and the JS heap flat.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { quadrants, bars } from '../helpers/problems.js';
import { sequential, layers, memoryInUse, type Model } from '../../src/index.js';

await ready();
const test = suite(`determinism [${BUILD}]`);

const f32hex = (v: number) => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, v); return b.getUint32(0).toString(16).padStart(8, '0'); };

function cnn(seed: number): Model {
  const m = sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dropout({ rate: 0.25 }),
    layers.dense({ units: 8, activation: 'tanh', kernelInitializer: 'glorotNormal' }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { inputShape: [6, 6, 1], seed });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
  return m;
}

async function run(seed: number): Promise<{ hash: string; losses: string[] }> {
  const { x, y } = bars(90);
  const m = cnn(seed);
  const h = await m.fit(x, y, { epochs: 4, batchSize: 16 });
  const out = { hash: m.weightsHash(), losses: h.history.loss.map((v) => f32hex(v)) };
  m.dispose(); x.dispose(); y.dispose();
  return out;
}

test('the same seed gives the same weights hash and loss trajectory, twice in a row', async () => {
  const a = await run(11), b = await run(11);
  assert.equal(b, a);
  const c = await run(12);
  assert.is.not(c.hash, a.hash);
});

// Recorded once from this build; the same on every engine and every run (the cross-runtime test compares them too).
// Re-pinned when Adam moved ε to the uncorrected √v (Keras 3) and formed 1 − β from the float64 rates.
const PINNED = { hash: '9720522424c450bb', losses: ['3f96de08', '3f9c29ae', '3f9715d1', '3f95e0c2'] };

test('a fixed seed reproduces the pinned trajectory and hash', async () => {
  const r = await run(11);
  assert.equal(r, PINNED);
});

test('initial weights depend only on the seed: same seed, same hash; different layers, different streams', () => {
  const a = cnn(5), b = cnn(5), c = cnn(6);
  assert.is(a.weightsHash(), b.weightsHash());
  assert.is.not(a.weightsHash(), c.weightsHash());
  const k1 = a.params()[0].value.toFloat32Array(), k2 = a.params()[4].value.toFloat32Array();
  assert.is.not(k1[0], k2[0]);
  [a, b, c].forEach((m) => m.dispose());
});

test('2,000 training steps: memoryInUse and the JS heap stay flat', () => {
  const { x, y, labels } = quadrants(64);
  labels.dispose();
  const m = sequential([layers.dense({ units: 32, activation: 'relu' }), layers.dropout({ rate: 0.1 }), layers.dense({ units: 4, activation: 'softmax' })],
    { inputShape: [2], seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy' });
  for (let i = 0; i < 2000; i++) m.trainOnBatch(x, y); // warm-up: the JIT's own one-time growth settles
  const g = (globalThis as { gc?: () => void }).gc;
  const heap = () => { g?.(); return (globalThis as { process?: { memoryUsage(): { heapUsed: number } } }).process?.memoryUsage().heapUsed; };
  const mem0 = memoryInUse();
  // A leak grows the heap in every window of 2,000 steps; the JIT's late tiering grows it once. Require a quiet window.
  const growth: number[] = [];
  let h0 = heap();
  for (let w = 0; w < 3; w++) {
    for (let i = 0; i < 2000; i++) m.trainOnBatch(x, y);
    assert.is(memoryInUse(), mem0);
    const h1 = heap();
    if (h0 !== undefined && h1 !== undefined) growth.push(h1 - h0);
    h0 = h1;
    if (!g || growth[growth.length - 1] < 64 * 1024) break;
  }
  if (g && growth.length) assert.ok(Math.min(...growth) < 64 * 1024, `JS heap grew in every window of 2,000 steps: ${growth.join(', ')} bytes`);
  m.dispose(); x.dispose(); y.dispose();
});

test.run();
