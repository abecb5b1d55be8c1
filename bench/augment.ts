// Augmentation of an image batch into a separate buffer: [128, 28, 28, 1] (Fashion-MNIST) by each transform alone,
// and [128, 32, 32, 3] (CIFAR-sized) with all four. GB/s counts x read and y written once. Peers (tfjs-wasm): the
// nearest tfjs image op for the same work: tf.image.flipLeftRight (flips every sample: ours runs with p = 1),
// tf.image.transform (a translation per sample, bilinear), tf.image.rotateWithOffset (one angle, nearest neighbour),
// x + tf.randomNormal (noise drawn in JavaScript).
import * as kern from '../src/backend/kernels/index.js';
import type { AugmentParams } from '../src/backend/kernels/augment.js';
import { Buffers, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Contender, Figure, Spec } from './harness.js';

type Shape4 = [number, number, number, number];
const FASHION: Shape4 = [128, 28, 28, 1], CIFAR: Shape4 = [128, 32, 32, 3];
const NONE: AugmentParams = { shift: 0, flip: 0, rotate: 0, noise: 0, edge: false };

interface Case { label: string; shape: Shape4; params: AugmentParams; peer: (x: tf.Tensor4D) => () => tf.Tensor; note: string }

// One translation matrix [1, 0, −dx, 0, 1, −dy, 0, 0] per sample, shifts in [−2, 2].
const translations = (n: number): tf.Tensor2D => tf.tensor2d(Array.from({ length: n }, (_, i) =>
  [1, 0, ((i * 7) % 5) - 2, 0, 1, ((i * 3) % 5) - 2, 0, 0]).flat(), [n, 8]);

const CASES: Case[] = [
  { label: 'augment shift 2', shape: FASHION, params: { ...NONE, shift: 2 }, note: 'tfjs: image.transform (bilinear)',
    peer: (x) => { const t = translations(x.shape[0]); return () => tf.image.transform(x, t, 'bilinear', 'constant'); } },
  { label: 'augment flip', shape: FASHION, params: { ...NONE, flip: 1 }, note: 'ours p = 1; tfjs: image.flipLeftRight',
    peer: (x) => () => tf.image.flipLeftRight(x) },
  { label: 'augment rotate 15', shape: FASHION, params: { ...NONE, rotate: 15 }, note: 'ours bilinear, per-sample angle; tfjs: rotateWithOffset, nearest, one angle',
    peer: (x) => () => tf.image.rotateWithOffset(x, 0.2) },
  { label: 'augment noise 0.1', shape: FASHION, params: { ...NONE, noise: 0.1 }, note: 'tfjs: x + randomNormal',
    peer: (x) => () => tf.tidy(() => tf.add(x, tf.randomNormal(x.shape, 0, 0.1))) },
  { label: 'augment all (CIFAR)', shape: CIFAR, params: { shift: 2, flip: 0.5, rotate: 15, noise: 0.05, edge: false },
    note: 'shift 2, flip 0.5, rotate 15, noise 0.05; tfjs: flipLeftRight, rotateWithOffset, transform, + randomNormal',
    peer: (x) => {
      const t = translations(x.shape[0]);
      return () => tf.tidy(() => tf.add(tf.image.transform(tf.image.rotateWithOffset(tf.image.flipLeftRight(x), 0.2), t, 'bilinear'),
        tf.randomNormal(x.shape, 0, 0.05)));
    } },
];

function augmentFigure(c: Case): Figure {
  const [N, H, W, C] = c.shape, n = N * H * W * C;
  const xv = randomValues(n, 90);
  const bufs = new Buffers();
  const x = bufs.put(xv), y = bufs.alloc(n);
  let first = 0; // fresh samples each call, as training draws
  const ours = () => { kern.augment(x, y, N, H, W, C, c.params, { seedLo: 5, seedHi: 0, stream: 3, first }); first += N; };
  ours();
  const tx = tfTensor('wasm', xv, c.shape) as tf.Tensor4D;
  const peer: Contender = tfContender('wasm', c.peer(tx));
  return {
    family: 'augment', name: c.label, shape: `[${c.shape}]`, unit: 'GB/s', work: 2 * 4 * n, probe: 'copy', copyBytes: 4 * n,
    contenders: [{ name: 'simdnet', run: ours }, peer], note: c.note,
    dispose: () => { bufs.release(); tx.dispose(); },
  };
}

export function augmentFigures(): Spec[] {
  return CASES.map((c) => ({ label: c.label, build: () => augmentFigure(c) }));
}

// `npx tsx bench/augment.ts --train [--epochs N]`: the CLI's cnn preset and settings (adam, batch 128, seed 1, 10%
// validation) on fashion-small, trained without and with augmentation (shift 2, flip 0.5); prints the accuracy on the
// samples trained on (evaluated after training, on the unaugmented images), on the validation and the test set, the
// time (wall clock, on whatever else the machine runs) and the weights hash.
async function compareTraining(epochs: number): Promise<void> {
  const { init } = await import('../src/index.js');
  const { resolveConfig } = await import('../src/run/settings.js');
  const { loadDataset } = await import('../src/cli/datasets.js');
  const { disposeDataset } = await import('../src/run/dataset.js');
  const { buildModel } = await import('../src/cli/config.js');
  const { rowsOf } = await import('../src/train/loop.js');
  await init();
  const config = resolveConfig({ model: 'cnn', epochs });
  const data = await loadDataset(config);
  const nTrain = Math.floor(data.train.x.shape[0] * (1 - config.validationSplit)); // as fit's validationSplit
  const trainedX = rowsOf(data.train.x, 0, nTrain), trainedY = rowsOf(data.train.oneHot, 0, nTrain);
  console.log(`cnn on ${data.name}: ${data.train.x.shape[0]} train, ${data.test.x.shape[0]} test, ${epochs} epochs, batch ${config.batchSize}, seed ${config.seed}`);
  for (const augment of [undefined, { shift: 2, flip: 0.5 }]) {
    const model = buildModel(config, data.inputShape, data.classes.length);
    const t = performance.now();
    const h = await model.fit(data.train.x, data.train.oneHot, {
      epochs, batchSize: config.batchSize, validationSplit: config.validationSplit, ...(augment ? { augment } : {}),
    });
    const s = (performance.now() - t) / 1000;
    const train = model.evaluate(trainedX, trainedY), test = model.evaluate(data.test.x, data.test.oneHot);
    const pct = (v: unknown) => `${(100 * (v as number)).toFixed(2)}%`;
    console.log(`${augment ? 'augment shift 2, flip 0.5' : 'no augmentation         '}: train (${nTrain}) ${pct(train.accuracy)} (loss ${train.loss.toFixed(4)}), ` +
      `validation ${pct(h.history.valAccuracy.at(-1))}, test ${pct(test.accuracy)} (loss ${test.loss.toFixed(4)}), ${s.toFixed(1)} s, weights ${model.weightsHash()}`);
    model.dispose();
  }
  trainedX.dispose(); trainedY.dispose();
  disposeDataset(data);
}

if (process.argv.includes('--train')) {
  const at = process.argv.indexOf('--epochs');
  await compareTraining(at > 0 ? Number(process.argv[at + 1]) : 5);
}
