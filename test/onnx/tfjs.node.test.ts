// fromTfjsLayers against TensorFlow.js 4.22 (tfjs-layers on the cpu backend): Sequential models of every layer class
// simdnet reads, random weights, saved with tf.io.withSaveHandler (model.json topology + weight data) and imported;
// predictions within 1e-5 of the output scale of tfjs' predict. Unsupported classes and options are refused naming
// the layer and the option. Node only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { tensor } from '../../src/index.js';
import { load } from '../../src/data/node.js';
import { fromTfjsLayers, type TfjsModelJson } from '../../src/onnx/index.js';
import { readyBoth, tf, tfl } from '../conformance/helpers.js';
import { BUILD } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import { compare, values } from './helpers.js';

const test = suite(`simdnet/onnx fromTfjsLayers [${BUILD}]`);
test.before(readyBoth);

type TfModel = ReturnType<typeof tfl.sequential>;
type TfLayer = NonNullable<NonNullable<Parameters<typeof tfl.sequential>[0]>['layers']>[number];

/** model.json and the weight data, as tfjs saves them. */
async function saved(m: TfModel): Promise<{ json: TfjsModelJson; data: ArrayBuffer }> {
  let art: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => { art = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
  const json = JSON.parse(JSON.stringify({ format: 'layers-model', modelTopology: art!.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: art!.weightSpecs }] }));
  return { json, data: art!.weightData as ArrayBuffer };
}

function randomize(m: TfModel, seed: number): void {
  const rng = new Rng(seed);
  m.setWeights(m.weights.map((w) => tf.tensor(Float32Array.from({ length: w.shape.reduce((a, b) => a! * b!, 1)! },
    () => (w.name.includes('moving_variance') ? rng.uniform(0.5, 1.5) : rng.uniform(-0.5, 0.5))), w.shape as number[])));
}

const L = tfl.layers;
const CASES: [string, () => TfLayer[], number[]][] = [
  ...(['linear', 'relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'softmax'] as const).map((activation) =>
    [`dense ${activation}`, () => [L.dense({ inputShape: [7], units: 6, activation }), L.dense({ units: 3, useBias: false })], [7]] as [string, () => TfLayer[], number[]]),
  ['dense on [3, 5] samples', () => [L.dense({ inputShape: [3, 5], units: 4, activation: 'tanh' })], [3, 5]],
  ['conv2d valid, same, strides, dilation, no bias', () => [
    L.conv2d({ inputShape: [9, 8, 2], filters: 3, kernelSize: 3, activation: 'relu' }),
    L.conv2d({ filters: 4, kernelSize: [3, 2], strides: [2, 1], padding: 'same' }),
    L.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, useBias: false, activation: 'sigmoid' })], [9, 8, 2]],
  ['max and average pooling, same and valid, strides', () => [
    L.maxPooling2d({ inputShape: [7, 6, 2], poolSize: 3, strides: 2, padding: 'same' }),
    L.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }), L.averagePooling2d({ poolSize: [2, 3] })], [7, 6, 2]],
  ['conv, batchNormalization, pooling, flatten, dropout, dense softmax', () => [
    L.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same' }), L.batchNormalization(), L.activation({ activation: 'relu' }),
    L.maxPooling2d({ poolSize: 2 }), L.flatten(), L.dropout({ rate: 0.3 }), L.dense({ units: 5, activation: 'softmax' })], [8, 8, 1]],
  ['batchNormalization without center and scale, epsilon 0.01', () => [L.dense({ inputShape: [5], units: 4 }), L.batchNormalization({ center: false, scale: false, epsilon: 0.01 })], [5]],
  ['activation layers: ReLU, LeakyReLU, ELU, Softmax', () => [L.dense({ inputShape: [6], units: 6 }), L.reLU(), L.dense({ units: 6 }), L.leakyReLU({ alpha: 0.2 }),
    L.dense({ units: 6 }), L.elu(), L.dense({ units: 4 }), L.softmax()], [6]],
  ['an explicit InputLayer', () => [L.inputLayer({ inputShape: [4] }), L.dense({ units: 2, activation: 'tanh' })], [4]],
];

for (const [i, [label, make, shape]] of CASES.entries()) {
  test(`${label}: simdnet agrees with tfjs predict`, async () => {
    const m = tfl.sequential({ layers: make() });
    randomize(m, 50 + i);
    const { json, data } = await saved(m);
    const sm = fromTfjsLayers(json, data);
    const rng = new Rng(500 + i);
    const xs = rng.array(3 * shape.reduce((a, b) => a * b, 1), -2, 2);
    const x = tensor(xs, [3, ...shape]);
    try {
      const want = (m.predict(tf.tensor(xs, [3, ...shape])) as tf.Tensor).dataSync() as Float32Array;
      compare(label, values(sm.predict(x)), want);
      assert.equal([...sm.inputShape], shape);
    } finally {
      x.dispose(); sm.dispose(); m.dispose();
    }
  });
}

test('the weights may come as several shards, and the model.json as text', async () => {
  const m = tfl.sequential({ layers: [L.dense({ inputShape: [3], units: 4 }), L.dense({ units: 2 })] });
  randomize(m, 9);
  const { json, data } = await saved(m);
  const u8 = new Uint8Array(data);
  const sm = fromTfjsLayers(JSON.stringify(json), [u8.slice(0, 20), u8.slice(20).buffer]);
  const x = tensor(Float32Array.of(1, -2, 0.5), [1, 3]);
  try {
    compare('shards', values(sm.predict(x)), (m.predict(tf.tensor([[1, -2, 0.5]])) as tf.Tensor).dataSync());
    assert.throws(() => fromTfjsLayers(json, u8.slice(0, 40)), /fromTfjsLayers: cannot import the model: the weight shards hold 40 bytes; the manifest's 4 weights need 104 \(a shard missing, extra or truncated\?\)/);
  } finally {
    x.dispose(); sm.dispose(); m.dispose();
  }
});

test('unsupported layers and options are refused naming the layer and the option', async () => {
  const refuse = async (layers: TfLayer[], pattern: RegExp) => {
    const m = tfl.sequential({ layers });
    const { json, data } = await saved(m);
    m.dispose();
    assert.throws(() => fromTfjsLayers(json, data), pattern);
  };
  await refuse([L.dense({ inputShape: [4], units: 2, activation: 'selu' })],
    /fromTfjsLayers: cannot import the model: layer 0 "dense_Dense\d+" \(Dense\): activation "selu" \(a string\) is not supported \(supported: linear, relu, elu, sigmoid, tanh, softplus, softmax\)/);
  await refuse([L.conv2d({ inputShape: [4, 4, 2], filters: 2, kernelSize: 2 }), L.globalAveragePooling2d({})],
    /layer 1 "global_average_pooling2d_GlobalAveragePooling2D\d+" \(GlobalAveragePooling2D\): layer class GlobalAveragePooling2D is not supported \(supported: InputLayer, Dense, Conv2D/);
  await refuse([L.dense({ inputShape: [4], units: 2, kernelConstraint: 'maxNorm' })], /\(Dense\): kernel_constraint is not supported \(simdnet has no weight constraints\)/);
  await refuse([L.conv2d({ inputShape: [2, 4, 4], filters: 2, kernelSize: 2, dataFormat: 'channelsFirst' })], /\(Conv2D\): data_format = "channels_first" \(a string\) is not supported \(supported: "channels_last"\)/);
  await refuse([L.dense({ inputShape: [4], units: 2 }), L.reLU({ maxValue: 6 })], /\(ReLU\): max_value = 6 is not supported/);
  assert.throws(() => fromTfjsLayers({ modelTopology: { class_name: 'Model', config: {} }, weightsManifest: [] }, new ArrayBuffer(0)),
    /only Sequential models are supported, got "Model" \(a string\)/);
});

test('a tfjs model trained on fashion-small: simdnet gives the same class for every test image', async () => {
  const ds = await load('fashion-small', { dataDir: fileURLToPath(new URL('../../data/fashion-small', import.meta.url)), flatten: true });
  const n = 2000, xs = ds.train.x.toFloat32Array().subarray(0, n * 784), labels = ds.train.y.toInt32Array().subarray(0, n);
  // Seeded weights and no shuffling: the same tfjs model every run (an unseeded one once stopped at 56% after one epoch).
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const m = tfl.sequential({ layers: [L.dense({ inputShape: [784], units: 32, activation: 'relu', kernelInitializer: init(1) }),
    L.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) })] });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  await m.fit(tf.tensor(xs, [n, 784]), tf.tensor(Float32Array.from(labels), [n]), { epochs: 2, batchSize: 64, verbose: 0, shuffle: false });
  const { json, data } = await saved(m);
  const sm = fromTfjsLayers(json, data);
  const tx = ds.test.x;
  try {
    const want = (m.predict(tf.tensor(tx.toFloat32Array(), tx.shape as number[])) as tf.Tensor).dataSync() as Float32Array;
    const got = values(sm.predict(tx));
    const cls = (v: Float32Array, i: number) => { let b = 0; for (let c = 1; c < 10; c++) if (v[i * 10 + c] > v[i * 10 + b]) b = c; return b; };
    let same = 0;
    for (let i = 0; i < tx.shape[0]; i++) if (cls(want, i) === cls(got, i)) same++;
    const test = ds.test.y.toInt32Array();
    const accuracy = test.filter((c, i) => c === cls(got, i)).length / test.length;
    assert.ok(accuracy > 0.6, `the tfjs model learned something: accuracy ${accuracy}`);
    assert.is(same, tx.shape[0], `same class for ${same} of ${tx.shape[0]} test images`);
    compare('fashion-small probabilities', got, want);
  } finally {
    sm.dispose(); m.dispose(); ds.dispose();
  }
});

test.run();
