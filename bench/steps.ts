// The simdnet workloads several benches time: the training steps (an MLP 784-128-128-10, relu, Adam lr 1e-3, batch
// 128; seed study 4's network 784-6×128 tanh-10, RMSProp, batch 128; a LeNet-style CNN, batch 64, on 28×28×1) cycling
// through 4 fixed random batches, and GEMM 512³, each on a given simdnet instance (this one, or the relaxed copy of
// bench/relaxed.ts). Used by bench/train.ts, bench/threads.ts and the --threads table (bench/threads-table.ts).
import { sequential, layers, tensor, type Model } from '../src/index.js';
import * as kern from '../src/backend/kernels/index.js';
import { backend, type Backend } from '../src/backend/module.js';
import { Buffers, randomValues } from './common.js';

export const LR = 1e-3, B1 = 0.9, B2 = 0.999, EPS = 1e-7;
export const BATCHES = 4, CLASSES = 10;

export interface Net { kind: 'mlp' | 'study4' | 'cnn'; batch: number; sample: number[] }
export const NETS: Record<Net['kind'], Net> = {
  mlp: { kind: 'mlp', batch: 128, sample: [784] },
  study4: { kind: 'study4', batch: 128, sample: [784] },
  cnn: { kind: 'cnn', batch: 64, sample: [28, 28, 1] },
};
export const NAMES = { mlp: 'MLP', study4: 'Study-4 MLP', cnn: 'LeNet' } as const;
/** The network's shape as the bench tables print it. */
export const SHAPES = { mlp: '784-128-128-10 batch 128', study4: '784-6×128 tanh-10 RMSProp batch 128', cnn: '28×28×1 batch 64' } as const;

/** The simdnet API a workload runs on: this instance, or the relaxed copy (bench/relaxed.ts). */
export type Lib = Pick<typeof import('../src/index.js'), 'sequential' | 'layers' | 'tensor'>;
const here: Lib = { sequential, layers, tensor };

/** The 4 batches every contender cycles through: inputs in [0, 1), one-hot labels. */
export function data(net: Net): { x: Float32Array[]; y: Float32Array[] } {
  const per = net.sample.reduce((a, b) => a * b, 1);
  const x: Float32Array[] = [], y: Float32Array[] = [];
  for (let i = 0; i < BATCHES; i++) {
    x.push(randomValues(net.batch * per, 20 + i, 0, 1));
    const oh = new Float32Array(net.batch * CLASSES);
    const lab = randomValues(net.batch, 40 + i, 0, CLASSES);
    for (let r = 0; r < net.batch; r++) oh[r * CLASSES + Math.floor(lab[r])] = 1;
    y.push(oh);
  }
  return { x, y };
}

/** The figure's network in simdnet; lib: this simdnet or the relaxed one. */
export function simdnetModel(net: Net, lib: Lib = here): Model {
  const { layers, sequential } = lib;
  if (net.kind === 'study4') {
    const hidden = Array.from({ length: 6 }, () => layers.dense({ units: 128, activation: 'tanh', kernelInitializer: 'xavierNormal' }));
    const m = sequential([...hidden, layers.dense({ units: CLASSES, activation: 'softmax' })], { inputShape: net.sample, seed: 1 });
    m.compile({ optimizer: { name: 'rmsprop', learningRate: LR }, loss: 'crossEntropy' });
    return m;
  }
  const ls = net.kind === 'mlp'
    ? [layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 128, activation: 'relu' })]
    : [layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
      layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }), layers.flatten(),
      layers.dense({ units: 120, activation: 'relu' }), layers.dense({ units: 84, activation: 'relu' })];
  const m = sequential([...ls, layers.dense({ units: CLASSES, activation: 'softmax' })], { inputShape: net.sample, seed: 1 });
  m.compile({ optimizer: { name: 'adam', learningRate: LR, beta1: B1, beta2: B2, epsilon: EPS }, loss: 'crossEntropy' });
  return m;
}

/** A workload: run() does one call (a training step, a GEMM); dispose() frees its model, tensors or buffers. */
export interface Workload { run: () => void; dispose: () => void }

/** One trainOnBatch per run over the 4 batches, on its own model (configure: e.g. the non-finite guard off). */
export function trainStep(net: Net, d = data(net), lib: Lib = here, configure?: (m: Model) => void): Workload {
  const model = simdnetModel(net, lib);
  configure?.(model);
  const xs = d.x.map((v) => lib.tensor(v, [net.batch, ...net.sample])), ys = d.y.map((v) => lib.tensor(v, [net.batch, CLASSES]));
  let i = 0;
  return {
    run: () => { const k = i++ % BATCHES; model.trainOnBatch(xs[k], ys[k]); },
    dispose: () => { model.dispose(); [...xs, ...ys].forEach((t) => t.dispose()); },
  };
}

/** C = A·B, n×n×n, on one simdnet instance's kernels (k, be: this one's by default, or the relaxed copy's). */
export function gemmSquare(n: number, k: Pick<typeof kern, 'gemm'> = kern, be: () => Backend = backend): Workload {
  const bufs = new Buffers(be);
  const a = bufs.put(randomValues(n * n, 1)), b = bufs.put(randomValues(n * n, 2)), c = bufs.alloc(n * n);
  return { run: () => k.gemm({ transA: false, transB: false, M: n, N: n, K: n, a, lda: n, b, ldb: n, c, ldc: n }), dispose: () => bufs.release() };
}
