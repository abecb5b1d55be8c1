// A CNN trained briefly on fashion-small, exported to ONNX: ONNX Runtime predicts the same class as simdnet for every
// image of the test set (2,000), and the model read back with fromOnnx predicts the same bits. Node only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { layers, sequential, tensor, type Tensor } from '../../src/index.js';
import { load } from '../../src/data/node.js';
import { fromOnnx, toOnnx } from '../../src/onnx/index.js';
import { ready, BUILD } from '../helpers/setup.js';
import { runOnnx, sameBits, values } from './helpers.js';

const test = suite(`simdnet/onnx on fashion-small [${BUILD}]`);
test.before(ready);

const argMax = (v: Float32Array, classes: number) => Array.from({ length: v.length / classes }, (_, i) => {
  let best = 0;
  for (let c = 1; c < classes; c++) if (v[i * classes + c] > v[i * classes + best]) best = c;
  return best;
});

const first = (t: Tensor, n: number) => tensor(t.toFloat32Array().subarray(0, n * (t.size / t.shape[0])), [n, ...t.shape.slice(1)]);

test('a CNN trained on fashion-small: ONNX Runtime gives the same class for every test image', async () => {
  const ds = await load('fashion-small', { dataDir: fileURLToPath(new URL('../../data/fashion-small', import.meta.url)) });
  const x = first(ds.train.x, 3000), y = tensor(ds.train.y.toInt32Array().subarray(0, 3000), [3000]);
  const tx = ds.test.x;
  const model = sequential([
    layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }), layers.maxPool2d({}), layers.batchNorm(),
    layers.flatten(), layers.dropout({ rate: 0.2 }), layers.dense({ units: 10, activation: 'softmax' }),
  ], { inputShape: [28, 28, 1], seed: 1 });
  let back;
  try {
    model.compile({ optimizer: 'adam', loss: 'sparseCrossEntropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 1, batchSize: 32 });
    const want = values(model.predict(tx));
    const got = await runOnnx(toOnnx(model), tx.toFloat32Array(), tx.shape);
    const a = argMax(want, 10), b = argMax(got.data, 10);
    const same = a.filter((c, i) => c === b[i]).length;
    let maxAbs = 0;
    for (let i = 0; i < want.length; i++) maxAbs = Math.max(maxAbs, Math.abs(want[i] - got.data[i]));
    const labels = ds.test.y.toInt32Array();
    const accuracy = a.filter((c, i) => c === labels[i]).length / a.length;
    assert.ok(accuracy > 0.6, `the model learned something: test accuracy ${accuracy}`);
    assert.is(same, tx.shape[0], `same classes for ${same} of ${tx.shape[0]} test images (max abs diff ${maxAbs})`);
    assert.ok(maxAbs < 1e-5, `max abs diff of the probabilities ${maxAbs}`);
    back = fromOnnx(toOnnx(model));
    assert.ok(sameBits(values(back.predict(tx)), want), 'fromOnnx(toOnnx(model)) predicts the same bits on the test set');
  } finally {
    [x, y].forEach((t) => t.dispose()); ds.dispose(); model.dispose(); back?.dispose();
  }
});

test.run();
