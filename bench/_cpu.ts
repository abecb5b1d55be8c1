import { init, layers, sequential, tensor } from '../src/index.js';
import { randomValues } from './common.js';
await init({ threads: 1 });
const kind = process.argv[2] ?? 'mlp';
const dense = (n: number, a: 'relu' | 'tanh') => layers.dense({ units: n, activation: a });
const ls = kind === 'mlp' ? [dense(128, 'relu'), dense(128, 'relu')] : kind === 'seed' ? Array.from({ length: 6 }, () => dense(128, 'tanh')) :
  [layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
   layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }), layers.flatten(),
   layers.dense({ units: 120, activation: 'relu' }), layers.dense({ units: 84, activation: 'relu' })];
const m = sequential([...ls, layers.dense({ units: 10, activation: 'softmax' })], { inputShape: kind === 'lenet' ? [28, 28, 1] : [784], seed: 1 });
m.compile({ optimizer: kind === 'seed' ? 'rmsprop' : 'adam', loss: 'crossEntropy' });
const batch = kind === 'lenet' ? 64 : 128, shape = kind === 'lenet' ? [batch, 28, 28, 1] : [batch, 784];
const x = tensor(randomValues(shape.reduce((a, b) => a * b), 3, 0, 1), shape);
const y = new Float32Array(batch * 10); for (let r = 0; r < batch; r++) y[r * 10 + (r % 10)] = 1;
const yt = tensor(y, [batch, 10]);
const t = performance.now(); const n = kind === 'lenet' ? 300 : 3000;
for (let i = 0; i < n; i++) m.trainOnBatch(x, yt);
console.log(kind, ((performance.now() - t) / n * 1000).toFixed(0), 'µs/step');
