// Augmentation in the library: the layer-free transform augment(x, options, seed) against the float64 reference, and
// fit(…, { augment }): what the model sees is exactly augment() of each batch, all-off is the identity bit for bit,
// seeds reproduce, validation data and the source stay untouched, memory is planned once, options are read strictly.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { bars } from '../helpers/problems.js';
import { Rng } from '../helpers/rng.js';
import { assertClose, assertEqualBits, F32_EPS } from '../helpers/compare.js';
import { augmentRef } from '../reference/augment.js';
import { augment, layers, memoryInUse, sequential, tensor, type Model, type Tensor } from '../../src/index.js';

await ready();
const test = suite(`augment in the library [${BUILD}]`);

const AUGMENT_STREAM = 0x7fff0003; // the stream augment() and fit draw from (src/ops/random.ts)

function cnn(seed: number, inputShape: number[] = [6, 6, 1]): Model {
  const m = sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { inputShape, seed });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
  return m;
}

const bitsOf = (t: Tensor) => t.toFloat32Array();

test('augment(x, options, seed) matches the reference: [N, H, W, C] and [N, H, W], number and bigint seeds, offset', () => {
  const rng = new Rng(4);
  const spec = { shift: 2, flip: 0.5, rotate: 12, noise: 0.05, edge: true };
  const cases: [number[], number | bigint, number][] = [[[5, 9, 7, 3], 77, 0], [[4, 17, 3], 2n ** 40n + 5n, 1000]];
  for (const [shape, seed, offset] of cases) {
    const values = rng.array(shape.reduce((a, b) => a * b));
    const x = tensor(values, [...shape]);
    const y = augment(x, { shift: 2, flip: 0.5, rotate: 12, noise: 0.05, fill: 'edge', offset }, seed);
    assert.equal(y.shape, [...shape]);
    const big = BigInt(seed);
    const key = { seedLo: Number(big & 0xffffffffn), seedHi: Number(big >> 32n), stream: AUGMENT_STREAM };
    const dims: [number, number, number, number] = [shape[0], shape[1], shape[2], shape.length === 4 ? shape[3] : 1];
    const ref = augmentRef(values, dims, spec, key, offset).y;
    const tol = (2 * 1 * 2 * (dims[1] + dims[2] + 2) + 8) * F32_EPS + 1e-6 * 0.05 + 1e-7;
    assertClose(y.toFloat32Array(), ref, (i) => tol + 5 * F32_EPS * Math.abs(ref[i]), { op: 'augment()', shape: `[${shape}]` });
    assertEqualBits(x.toFloat32Array(), values, { op: 'augment() source', shape: `[${shape}]` });
    if (typeof seed === 'number') {
      const again = augment(x, { shift: 2, flip: 0.5, rotate: 12, noise: 0.05, fill: 'edge', offset }, BigInt(seed));
      assertEqualBits(again.toFloat32Array(), y.toFloat32Array(), { op: 'augment() bigint seed', shape: `[${shape}]` });
      again.dispose();
    }
    x.dispose(); y.dispose();
  }
});

test('augment() with every transform off (or options {}) is a copy, bit for bit', () => {
  const values = new Rng(8).array(3 * 5 * 5 * 2, -1e20, 1e20);
  values[0] = -0;
  const x = tensor(values, [3, 5, 5, 2]);
  for (const o of [{}, { shift: 0, flip: 0, rotate: 0, noise: 0, fill: 'edge' as const, offset: 9 }]) {
    const y = augment(x, o, 1);
    assertEqualBits(y.toFloat32Array(), values, { op: 'augment() identity', shape: '[3, 5, 5, 2]' });
    y.dispose();
  }
  x.dispose();
});

test('augment() refuses bad input by name and frees what it made', () => {
  const x = tensor(new Float32Array(2 * 4 * 4), [2, 4, 4, 1]), flat = tensor(new Float32Array(8), [8]);
  const before = memoryInUse();
  const cases: [() => unknown, RegExp][] = [
    [() => augment(x, { shfit: 2 } as never, 1), /unknown option "shfit"; did you mean "shift"\?/],
    [() => augment(x, { shift: -1 }, 1), /shift/],
    [() => augment(x, { shift: 1.5 }, 1), /shift/],
    [() => augment(x, { flip: 2 }, 1), /flip/],
    [() => augment(x, { rotate: 200 }, 1), /rotate/],
    [() => augment(x, { noise: NaN }, 1), /noise/],
    [() => augment(x, { fill: 'edges' as never }, 1), /fill.*did you mean 'edge'/],
    [() => augment(x, { offset: -1 }, 1), /offset/],
    [() => augment(x, { offset: 2 ** 53 }, 1), /offset/],
    // 16 values a sample use 20 words: the last sample's words must stay below 2^53
    [() => augment(x, { offset: 450359962737048 }, 1), /offset 450359962737048 .* must be an integer ≥ 0 and ≤ 450359962737047/],
    [() => augment(x, {}, -1), /seed -1/],
    [() => augment(x, {}, 1.5), /seed 1.5/],
    [() => augment(x, {}, '1' as never), /seed "1"/],
    [() => augment(x, undefined as never, 1), /options/],
    [() => augment(flat, {}, 1), /\[N, H, W, C\] or \[N, H, W\]/],
    [() => augment(undefined as never, {}, 1), /x must be a Tensor/],
  ];
  cases.forEach(([f, re], i) => assert.throws(f, re, `case ${i}: expected ${re}`));
  assert.is(memoryInUse(), before);
  augment(x, { offset: 450359962737047, noise: 1 }, 1).dispose(); // the last offset allowed runs
  x.dispose(); flat.dispose();
});

test('fit with augment trains on exactly augment() of each batch (epoch e, sample i: draws of e·N + i)', async () => {
  const { x, y } = bars(40);
  const opts = { shift: 1, flip: 0.5, rotate: 10, noise: 0.05, seed: 99 };
  const a = cnn(3);
  await a.fit(x, y, { epochs: 2, batchSize: 40, shuffle: false, augment: opts });
  const b = cnn(3);
  for (const epoch of [0, 1]) {
    const seen = augment(x, { shift: 1, flip: 0.5, rotate: 10, noise: 0.05, offset: epoch * 40 }, 99);
    b.trainOnBatch(seen, y);
    seen.dispose();
  }
  assert.is(a.weightsHash(), b.weightsHash());
  a.dispose(); b.dispose(); x.dispose(); y.dispose();
});

test('fit: the same seed reproduces the weights; the augment seed and the transforms change them; all-off is the identity', async () => {
  const { x, y } = bars(90);
  const run = async (augmentOpt?: Record<string, unknown>) => {
    const m = cnn(11);
    await m.fit(x, y, { epochs: 2, batchSize: 16, ...(augmentOpt ? { augment: augmentOpt } : {}) });
    const h = m.weightsHash();
    m.dispose();
    return h;
  };
  const plain = await run();
  const on = await run({ shift: 1, flip: 0.5 });
  assert.is(await run({ shift: 1, flip: 0.5 }), on, 'same seed, different weights');
  assert.is(await run({ shift: 1, flip: 0.5, seed: 11 }), on, 'the default seed is the model seed');
  assert.is.not(await run({ shift: 1, flip: 0.5, seed: 12 }), on);
  assert.is.not(on, plain);
  assert.is.not(await run({ noise: 0.1 }), plain);
  assert.is.not(await run({ rotate: 10, fill: 'edge' }), plain);
  assert.is(await run({ shift: 0, flip: 0, rotate: 0, noise: 0 }), plain, 'all-off augmentation changed the weights');
  x.dispose(); y.dispose();
});

test('fit: validation data are not augmented, the source is untouched, memory is planned once and given back', async () => {
  const { x, y } = bars(60), v = bars(30, 7);
  const xBits = x.toFloat32Array();
  // what a plain fit keeps (planned buffers, optimizer state), to compare with
  const plain = cnn(5);
  const start = memoryInUse();
  await plain.fit(x, y, { epochs: 1, batchSize: 8, validationData: [v.x, v.y] });
  const kept = memoryInUse() - start;
  plain.dispose();
  const m = cnn(5);
  const before = memoryInUse();
  const inUse: number[] = [];
  const h = await m.fit(x, y, {
    epochs: 3, batchSize: 8, validationData: [v.x, v.y], augment: { shift: 2, flip: 0.5, noise: 0.2 },
    callbacks: [{ onBatchEnd: () => { inUse.push(memoryInUse()); } }],
  });
  assert.ok(inUse.every((u) => u === inUse[0]), 'memory changed between batches');
  assert.is(memoryInUse() - before, kept, 'fit did not give back the buffer it planned for augmentation');
  const r = m.evaluate(v.x, v.y, { batchSize: 8 }); // as fit evaluates it
  assert.is(h.history.valLoss.at(-1), r.loss, 'the validation loss is not that of the plain validation data');
  assertEqualBits(x.toFloat32Array(), xBits, { op: 'fit source x', shape: '[60, 6, 6, 1]' });
  m.dispose(); x.dispose(); y.dispose(); v.x.dispose(); v.y.dispose();
});

test('fit: the augment option is read strictly and checked against the model before anything is allocated', async () => {
  const { x, y } = bars(20);
  const m = cnn(1);
  const mlp = sequential([layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [36], seed: 1 });
  mlp.compile({ optimizer: 'sgd', loss: 'crossEntropy' });
  const flatX = tensor(new Float32Array(20 * 36), [20, 36]);
  const before = memoryInUse();
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => m.fit(x, y, { augment: { shfit: 1 } as never }), /fit: augment: unknown option "shfit"; did you mean "shift"\?/],
    [() => m.fit(x, y, { augment: { flip: 1.2 } }), /flip/],
    [() => m.fit(x, y, { augment: { rotate: -5 } }), /rotate/],
    [() => m.fit(x, y, { augment: { seed: -3 } }), /seed -3/],
    [() => m.fit(x, y, { augment: 1 as never }), /augment: options must be an object/],
    [() => m.fit(x, y, { augmnt: {} } as never), /unknown option "augmnt"; did you mean "augment"\?/],
    [() => mlp.fit(flatX, y, { augment: { shift: 1 } }), /inputShape is \[36\]/],
  ];
  for (const [i, [f, re]] of cases.entries()) {
    let err: unknown;
    try { await f(); } catch (e) { err = e; }
    assert.ok(err instanceof Error && re.test(err.message), `case ${i}: expected ${re}, got ${String(err)}`);
  }
  assert.is(memoryInUse(), before);
  m.dispose(); mlp.dispose(); x.dispose(); y.dispose(); flatX.dispose();
});

test('a model with [H, W] inputs (one channel) trains with augmentation', async () => {
  const { x, y } = bars(30);
  const x2 = x.reshape([30, 6, 6]);
  const m = sequential([layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [6, 6], seed: 2 });
  m.compile({ optimizer: 'sgd', loss: 'crossEntropy' });
  const h = await m.fit(x2, y, { epochs: 2, batchSize: 10, augment: { shift: 1, rotate: 5 } });
  assert.ok(h.history.loss.every(Number.isFinite));
  m.dispose(); x.dispose(); y.dispose();
});

test.run();
