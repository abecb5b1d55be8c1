// What a model file may cost: a small file whose header declares a huge layer (valid CRC) is refused before anything is
// allocated, because the architecture's parameters are matched against the file's tensor table first; and every load
// that fails after the model was built frees it (50 failing loads leave memoryInUse() where it was). Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { layers, memoryInUse, sequential, tensor } from '../../src/index.js';
import { loadOrRefuse, parts, peakDuring, reframe } from './model-helpers.js';

await ready();
const test = suite(`model files: allocation bounded by the file [${BUILD}]`);

function tiny() {
  const m = sequential([layers.dense({ units: 5, activation: 'relu', name: 'd' }), layers.dropout({ rate: 0.5, name: 'drop' }),
    layers.dense({ units: 2, activation: 'softmax', name: 'out' })], { inputShape: [4], seed: 1, name: 'tiny' });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
  return m;
}
const m0 = tiny();
const [x, y] = [tensor([1, 2, 3, 4, -1, 0, 1, 2], [2, 4]), tensor([1, 0, 0, 1], [2, 2])];
m0.trainOnBatch(x, y); // so the file holds Adam's moments too
const file = m0.save();
[m0, x, y].forEach((t) => t.dispose());
const { json, data } = parts(file);
const edited = (f: (h: any) => void) => { const h = JSON.parse(json); f(h); return reframe(h, data); };

test('a file of a few hundred bytes declaring units 1e6, then 5e7 (valid CRC), is refused before any allocation', () => {
  for (const units of [1e6, 5e7]) {
    const bytes = edited((h) => { h.model.layers[0].config.units = units; });
    assert.ok(bytes.length < 4096, `${bytes.length} bytes`);
    const before = memoryInUse();
    let message: string | undefined;
    const peak = peakDuring(() => { message = loadOrRefuse(bytes, `units ${units}`); });
    assert.is(peak, 0, `units ${units}: ${peak} bytes were allocated before the refusal`);
    assert.match(message ?? 'loaded', new RegExp(`parameter 1 is "d/kernel" \\[4, ${units}\\] \\(${(4 * units).toLocaleString('en-US')} values\\), but the file stores "d/kernel" \\[4, 5\\]`));
    assert.is(memoryInUse(), before);
  }
});

test('a parameter beyond 2^28 values is refused by the layer before allocating, also outside model files', () => {
  const before = memoryInUse();
  const peak = peakDuring(() => {
    assert.throws(() => sequential([layers.dense({ units: 2 ** 20, name: 'big' })], { inputShape: [512] }),
      /dense "big": parameter kernel \[512, 1048576\] would hold 536,870,912 values, more than the 268,435,456 one tensor may hold/);
  });
  assert.is(peak, 0);
  assert.is(memoryInUse(), before);
});

test('50 loads failing after the model was built free it: memoryInUse() back to its baseline', () => {
  const failures: [string, Uint8Array, RegExp][] = [
    ['unknown layer in layerState', edited((h) => { h.layerState.ghost = { counter: 1 }; }), /layerState names layer "ghost"/],
    ['bad dropout state', edited((h) => { h.layerState.drop = { counter: 0.5 }; }), /counter must be an integer ≥ 0, got 0.5/],
    ['unknown loss option', edited((h) => { h.compile.loss.fromLogit = true; }), /unknown (field|option) "fromLogit"/],
    ['unknown optimizer slot', edited((h) => { h.optimizer.slots[0].slot = 'q'; }), /saved state names d\/kernel.q/],
    ['optimizer option out of range', edited((h) => { h.compile.optimizer.beta1 = 7; }), /beta1 must be/],
  ];
  const baseline = memoryInUse();
  for (let i = 0; i < 50; i++) {
    const [what, bytes, pattern] = failures[i % failures.length];
    const msg = loadOrRefuse(bytes, what);
    if (msg === undefined) return assert.unreachable(`${what}: loaded`);
    assert.match(msg, pattern, what);
  }
  assert.is(memoryInUse(), baseline, 'every failed load freed what it built');
});

test.run();
