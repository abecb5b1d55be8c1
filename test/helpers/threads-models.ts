// The models the threads tests train (runtime-neutral; simdnet must be initialised first): a seeded MLP
// (784-128-128-10, relu, Adam, batch 128) for 4 steps and a LeNet-like CNN (batch 16) for 3, on LCG data. Used by
// test/helpers/threads-train.ts (Node child processes, src/index.ts) and test/runtimes/threads-web.ts (Chromium pages
// and workers, the package's browser entry): each passes the library it imported.
import type * as Simdnet from '../../src/index.js';

/** The parts of simdnet these models use. */
export type Lib = Pick<typeof Simdnet, 'layers' | 'optimizers' | 'sequential' | 'tensor'>;

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
/** A float32 as its bits in hex. */
export const hex = (v: number): string => { f32[0] = v; return u32[0].toString(16).padStart(8, '0'); };

/** n samples from an LCG (exact values k/2^12 − 0.5) and one-hot labels. */
function data({ tensor }: Lib, n: number, shape: number[], seed: number): [Simdnet.Tensor, Simdnet.Tensor] {
  const f = shape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(n * f), ys = new Float32Array(n * 10);
  let s = seed >>> 0;
  for (let i = 0; i < n * f; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; xs[i] = (s >>> 20) / 4096 - 0.5; }
  for (let i = 0; i < n; i++) ys[i * 10 + ((i * 7 + (s >>> 28)) % 10)] = 1;
  return [tensor(xs, [n, ...shape]), tensor(ys, [n, 10])];
}

/** The weights hashes and losses (float32 bits) after training; mlpStep() trains the MLP one more step (its loss bits). */
export interface TrainedModels { mlp: string; mlpLosses: string[]; cnn: string; cnnLosses: string[]; mlpStep(): string }

export function trainModels(lib: Lib): TrainedModels {
  const { layers, optimizers, sequential } = lib;
  const mlp = sequential([
    layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' }),
  ], { inputShape: [784], seed: 7 });
  mlp.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'crossEntropy' });
  const [mx, my] = data(lib, 128, [784], 11);
  const mlpLosses = [0, 1, 2, 3].map(() => hex(mlp.trainOnBatch(mx, my)));

  const cnn = sequential([
    layers.conv2d({ filters: 6, kernelSize: 5, activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
    layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(), layers.dense({ units: 120, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' }),
  ], { inputShape: [28, 28, 1], seed: 8 });
  cnn.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'crossEntropy' });
  const [cx, cy] = data(lib, 16, [28, 28, 1], 12);
  const cnnLosses = [0, 1, 2].map(() => hex(cnn.trainOnBatch(cx, cy)));
  return { mlp: mlp.weightsHash(), mlpLosses, cnn: cnn.weightsHash(), cnnLosses, mlpStep: () => hex(mlp.trainOnBatch(mx, my)) };
}
