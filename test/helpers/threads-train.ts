// Child process of test/training/threads.node.test.ts: `node --import tsx test/helpers/threads-train.ts <threads>`
// inits simdnet with that many threads, trains a seeded MLP (784-128-128-10, relu, Adam, batch 128) and a LeNet-like
// CNN (batch 16) for a few steps, prints one JSON line (threads used, weights hashes, losses as float32 bits) and
// exits without releasing the threads: the parent checks that it ends promptly. Not a test file.
import { init, layers, optimizers, releaseThreads, sequential, tensor, threadCount, type Tensor } from '../../src/index.js';

const threads = Number(process.argv[2]);
const release = process.argv[3] === 'release';
await init({ threads });
const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const hex = (v: number) => { f32[0] = v; return u32[0].toString(16).padStart(8, '0'); };

/** n samples from an LCG (exact values k/2^12 − 0.5) and one-hot labels. */
function data(n: number, shape: number[], seed: number): [Tensor, Tensor] {
  const f = shape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(n * f), ys = new Float32Array(n * 10);
  let s = seed >>> 0;
  for (let i = 0; i < n * f; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; xs[i] = (s >>> 20) / 4096 - 0.5; }
  for (let i = 0; i < n; i++) ys[i * 10 + ((i * 7 + (s >>> 28)) % 10)] = 1;
  return [tensor(xs, [n, ...shape]), tensor(ys, [n, 10])];
}

const mlp = sequential([
  layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' }),
], { inputShape: [784], seed: 7 });
mlp.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'crossEntropy' });
const [mx, my] = data(128, [784], 11);
const mlpLosses = [0, 1, 2, 3].map(() => hex(mlp.trainOnBatch(mx, my)));

const cnn = sequential([
  layers.conv2d({ filters: 6, kernelSize: 5, activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
  layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
  layers.flatten(), layers.dense({ units: 120, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' }),
], { inputShape: [28, 28, 1], seed: 8 });
cnn.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'crossEntropy' });
const [cx, cy] = data(16, [28, 28, 1], 12);
const cnnLosses = [0, 1, 2].map(() => hex(cnn.trainOnBatch(cx, cy)));

console.log(JSON.stringify({ threads: threadCount(), mlp: mlp.weightsHash(), mlpLosses, cnn: cnn.weightsHash(), cnnLosses }));
if (release) {
  await releaseThreads();
  const after = hex(mlp.trainOnBatch(mx, my));
  console.log(JSON.stringify({ threadsAfterRelease: threadCount(), after }));
}
