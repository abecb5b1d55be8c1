// Same bits in every runtime: trains a small MLP and a small CNN (with dropout) from one seed through the package as
// a user imports it ('simdnet', resolved by each runtime's export condition; `await init()` with no options), on data
// made by integer arithmetic, and reports each model's weightsHash, a hash of its predictions and its loss trajectory
// as float32 bits in hex. Runtime-neutral; scripts/same-bits.mjs runs it everywhere and compares. Not a uvu file.
import { augment, init, layers, optimizers, sequential, tensor, threadCount, type InitOptions, type Model, type Tensor } from 'simdnet';

export interface ModelBits {
  /** model.weightsHash() after training. */
  weights: string;
  /** FNV-style hash of the float32 bits of predict() on the training inputs. */
  predictions: string;
  /** trainOnBatch's loss at every step, as float32 bits. */
  steps: string[];
  /** fit()'s per-epoch loss (shuffling and dropout drawn from the seed), as float32 bits. */
  epochs: string[];
  /** A hash of fit()'s history.diagnostics as JSON (statistics, histograms, update ratios, verdicts). */
  diagnostics: string;
}

/** Seeded augmentation: augment() of a batch (every transform, rotation's own sin/cos included) and a CNN fit with it. */
export interface AugmentBits { batch: string; weights: string; epochs: string[] }

/** `wide`: a CNN wide enough that threads split its GEMMs and convolutions (init({ threads }) where available). */
export interface SameBitsReport { mlp: ModelBits; cnn: ModelBits; augment: AugmentBits; wide: ModelBits }

const SEED = 20261123;
const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const hex = (v: number) => { f32[0] = v; return u32[0].toString(16).padStart(8, '0'); };

function hashBits(values: Float32Array): string {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let h1 = 0x811c9dc5 | 0, h2 = 0x9747b28c | 0;
  for (let i = 0; i < bits.length; i++) {
    h1 = Math.imul(h1 ^ bits[i], 0x01000193);
    h2 = Math.imul(h2 ^ bits[i], 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** n samples of `features` values k/2^12 − 0.5 from an LCG, one-hot labels from a second integer hash: exact. */
function data(n: number, shape: number[], classes: number, seed: number): { x: Tensor; y: Tensor } {
  const features = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0;
  const xs = new Float32Array(n * features), ys = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < features; j++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const q = s >>> 20; // 0..4095
      xs[i * features + j] = q / 4096 - 0.5;
      acc = (Math.imul(acc, 31) + q * (j % 5 === 0 ? 3 : 1)) >>> 0;
    }
    ys[i * classes + (acc % classes)] = 1;
  }
  return { x: tensor(xs, [n, ...shape]), y: tensor(ys, [n, classes]) };
}

/** Copies rows [from, from + n) of a tensor into a new one. */
function rows(t: Tensor, from: number, n: number): Tensor {
  const per = t.size / t.shape[0];
  return tensor(t.toFloat32Array().subarray(from * per, (from + n) * per), [n, ...t.shape.slice(1)]);
}

async function train(m: Model, x: Tensor, y: Tensor, steps: number, batch: number, epochs: number): Promise<ModelBits> {
  const n = x.shape[0], batches: [Tensor, Tensor][] = [];
  for (let i = 0; i + batch <= n; i += batch) batches.push([rows(x, i, batch), rows(y, i, batch)]);
  const stepLosses: string[] = [];
  for (let s = 0; s < steps; s++) {
    const [bx, by] = batches[s % batches.length];
    stepLosses.push(hex(m.trainOnBatch(bx, by)));
  }
  const h = await m.fit(x, y, { epochs, batchSize: batch, shuffle: true, diagnostics: { samplesPerEpoch: 2, bins: 16, firstLayerValues: 64 } });
  const p = m.predict(x);
  const diag = new TextEncoder().encode(JSON.stringify(h.diagnostics));
  const out = {
    weights: m.weightsHash(), predictions: hashBits(p.toFloat32Array()), steps: stepLosses, epochs: h.history.loss.map(hex),
    diagnostics: hashBits(new Float32Array(diag.buffer.slice(0, diag.length - (diag.length % 4)))) + `/${diag.length}`,
  };
  p.dispose();
  for (const [bx, by] of batches) { bx.dispose(); by.dispose(); }
  return out;
}

/** Whether this runtime compiles WebAssembly from bytes (workerd and Vercel Edge must refuse, or the test is not honest). */
export async function compilesBytes(): Promise<boolean> {
  try {
    await WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    return true;
  } catch {
    return false;
  }
}

/** Trains the models and reports their bits; `options` for init() (none: as a user's `await init()`). */
export async function run(options?: InitOptions): Promise<SameBitsReport> {
  await init(options);
  // MLP 16-32-10, tanh then softmax, Adam: 300 steps of batch 32 over 256 samples, then 3 shuffled epochs.
  const a = data(256, [16], 10, SEED);
  const mlp = sequential([
    layers.dense({ units: 32, activation: 'tanh' }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ], { inputShape: [16], seed: SEED });
  mlp.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'crossEntropy' });
  const mlpBits = await train(mlp, a.x, a.y, 300, 32, 3);
  mlp.dispose(); a.x.dispose(); a.y.dispose();

  // CNN on 8×8×1: conv 3×3 ×4 (same, relu), maxPool 2, flatten, dropout 0.25, dense 10 softmax, Adam.
  const b = data(96, [8, 8, 1], 10, SEED + 1);
  const cnn = sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dropout({ rate: 0.25 }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ], { inputShape: [8, 8, 1], seed: SEED });
  cnn.compile({ optimizer: optimizers.adam({ learningRate: 0.005 }), loss: 'crossEntropy' });
  const cnnBits = await train(cnn, b.x, b.y, 60, 16, 3);
  cnn.dispose();

  // The same data augmented: shift 1, flip 0.5, rotate 15° (edge fill), noise 0.05; then a fresh CNN fit 2 epochs with it.
  const spec = { shift: 1, flip: 0.5, rotate: 15, noise: 0.05, fill: 'edge' as const };
  const batch = augment(b.x, { ...spec, offset: 7 }, SEED);
  const augModel = sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 10, activation: 'softmax' }),
  ], { inputShape: [8, 8, 1], seed: SEED });
  augModel.compile({ optimizer: optimizers.adam({ learningRate: 0.005 }), loss: 'crossEntropy' });
  const h = await augModel.fit(b.x, b.y, { epochs: 2, batchSize: 16, augment: spec });
  const augmentBits = { batch: hashBits(batch.toFloat32Array()), weights: augModel.weightsHash(), epochs: h.history.loss.map(hex) };
  batch.dispose(); augModel.dispose(); b.x.dispose(); b.y.dispose();
  return { mlp: mlpBits, cnn: cnnBits, augment: augmentBits, wide: await wide() };
}

/** The threads' share: a CNN (conv 5×5 ×8, conv 3×3 ×8, maxPool, dense 128, dense 10) on 12×12×1, batch 32, Adam. */
async function wide(): Promise<ModelBits> {
  const c = data(64, [12, 12, 1], 10, SEED + 2);
  const m = sequential([
    layers.conv2d({ filters: 8, kernelSize: 5, activation: 'relu', kernelInitializer: 'heNormal' }),
    layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ], { inputShape: [12, 12, 1], seed: SEED });
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.002 }), loss: 'crossEntropy' });
  const bits = await train(m, c.x, c.y, 20, 32, 1);
  m.dispose(); c.x.dispose(); c.y.dispose();
  return bits;
}

/** The threads the kernels ran on (not part of the report: it differs by runtime, the bits must not). */
export const threadsUsed = (): number => threadCount();
