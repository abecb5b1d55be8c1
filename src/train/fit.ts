// fit(): epochs of shuffled mini-batches gathered into planned buffers, validation, metrics, callbacks, class
// weights, and a history of every metric per epoch. The shuffle comes from the module's generator and the model seed.
import * as kern from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import { empty, sizeOf, type Tensor } from '../tensor.js';
import { drawOf } from '../initializers.js';
import { SHUFFLE_STREAM, type Model } from '../model/model.js';
import { countCorrect } from './metrics.js';
import type { Callback, Logs } from './callbacks.js';

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** Held-out data evaluated after each epoch. */
  validationData?: [Tensor, Tensor];
  /** Fraction of the data, taken from the end before shuffling (as Keras), held out for validation. */
  validationSplit?: number;
  /** Shuffle the training samples each epoch (default true), from the model seed. */
  shuffle?: boolean;
  callbacks?: Callback[];
  /** Weight per class index, multiplying each sample's loss and gradient. */
  classWeight?: Record<number, number> | readonly number[];
  /** Epoch to start from (resuming): shuffles and logs count from here. */
  initialEpoch?: number;
  /** Batches of initialEpoch already done (resuming mid-epoch after an interrupt): they are skipped. */
  initialBatch?: number;
  /** Let the event loop run between batches every this many milliseconds (default 50; 0: only between epochs). */
  yieldEveryMs?: number;
}

/** Per-epoch values of every logged metric: loss, accuracy, valLoss, valAccuracy, … */
export interface History {
  epoch: number[];
  history: Record<string, number[]>;
  /** Where training stopped when model.stopTraining ended it early: the next epoch and batch to run. */
  stoppedAt?: { epoch: number; batch: number };
}

const nextTick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

export async function fit(model: Model, x: Tensor, y: Tensor, options: FitOptions = {}): Promise<History> {
  if (!model.optimizer || !model.loss) throw new Error('fit: call model.compile({ optimizer, loss }) first');
  const loss = model.loss;
  const epochs = options.epochs ?? 1, batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`fit: epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`fit: batchSize must be a positive integer, got ${batchSize}`);
  const total = model.checkData('fit', x, y, loss);
  let nTrain = total, val: [Tensor, Tensor] | undefined = options.validationData;
  let valOwned = false;
  if (options.validationSplit !== undefined) {
    const s = options.validationSplit;
    if (val) throw new RangeError('fit: give validationData or validationSplit, not both');
    if (!(s > 0 && s < 1)) throw new RangeError(`fit: validationSplit must be in (0, 1), got ${s}`);
    nTrain = Math.floor(total * (1 - s));
    if (nTrain < 1 || nTrain === total) throw new RangeError(`fit: validationSplit ${s} of ${total} samples leaves no training or no validation data`);
    val = [rowsOf(x, nTrain, total), rowsOf(y, nTrain, total)];
    valOwned = true;
  }
  if (val) model.checkData('fit (validation)', val[0], val[1], loss);
  const bs = Math.min(batchSize, nTrain);
  model.plan(bs);
  const b = model.buffers, yb = model.targetBuffer();
  const inPer = sizeOf(model.inputShape), yPer = loss.targets === 'sparse' ? 1 : sizeOf(model.outputShape);
  const outPer = sizeOf(model.outputShape), cols = model.outputShape[model.outputShape.length - 1];
  const perm = empty([nTrain], 'int32', 'fit.permutation');
  const weightsOf = classWeights(options.classWeight, model, y, loss.targets);
  const callbacks = options.callbacks ?? [];
  for (const c of callbacks) c.setModel?.(model);
  const history: History = { epoch: [], history: {} };
  model.stopTraining = false;
  const first = options.initialEpoch ?? 0;
  const yieldMs = options.yieldEveryMs ?? 50;
  try {
    for (const c of callbacks) await c.onTrainBegin?.({});
    for (let epoch = first; epoch < first + epochs && !model.stopTraining; epoch++) {
      for (const c of callbacks) await c.onEpochBegin?.(epoch, {});
      if (options.shuffle ?? true) kern.randomPermutation(perm.ptr, nTrain, drawOf(model.seed, SHUFFLE_STREAM, epoch * 4294967296));
      else backend().arena.i32.set(Int32Array.from({ length: nTrain }, (_, i) => i), perm.ptr >> 2);
      let lossSum = 0, seen = 0, lastYield = Date.now();
      const correct = model.metrics.map(() => 0);
      const batches = Math.ceil(nTrain / bs);
      const skip = epoch === first ? options.initialBatch ?? 0 : 0;
      if (!Number.isInteger(skip) || skip < 0 || skip > batches) throw new RangeError(`fit: initialBatch must be an integer in [0, ${batches}], got ${skip}`);
      for (let bi = skip; bi < batches; bi++) {
        const start = bi * bs, n = Math.min(bs, nTrain - start);
        const idx = perm.ptr + start * 4;
        kern.gatherRows(x.ptr, total, idx, b.x.ptr, n, inPer);
        kern.gatherRows(y.ptr, total, idx, yb.ptr, n, yPer);
        if (weightsOf) weightsOf(idx, n, b.weights);
        const value = model.step({ x: b.x, y: yb, n, weights: weightsOf ? b.weights : undefined }, { epoch, batch: bi });
        lossSum += value * n; seen += n;
        const pred = model.layers[model.layers.length - 1].outputs().output!;
        const rows = (n * outPer) / cols;
        model.metrics.forEach((m, j) => { correct[j] += countCorrect(m, pred, yb, rows, cols, loss.targets) / (rows / n); });
        if (callbacks.length) {
          const logs: Logs = { batch: bi, size: n, loss: value };
          for (const c of callbacks) await c.onBatchEnd?.(bi, logs);
        }
        if (model.stopTraining) {
          history.stoppedAt = bi + 1 < batches ? { epoch, batch: bi + 1 } : { epoch: epoch + 1, batch: 0 };
          break;
        }
        if (yieldMs > 0 && Date.now() - lastYield >= yieldMs) { await nextTick(); lastYield = Date.now(); }
      }
      // Interrupted mid-epoch: no epoch logs (the epoch is not finished); resume with initialEpoch/initialBatch.
      if (history.stoppedAt && history.stoppedAt.epoch === epoch) break;
      const logs: Logs = { loss: lossSum / seen };
      model.metrics.forEach((m, j) => { logs[m.name] = correct[j] / seen; });
      if (val) {
        const r = model.evaluate(val[0], val[1], { batchSize: bs });
        logs.valLoss = r.loss;
        for (const m of model.metrics) logs[`val${m.name[0].toUpperCase()}${m.name.slice(1)}`] = r[m.name] as number;
      }
      history.epoch.push(epoch);
      for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
      for (const c of callbacks) await c.onEpochEnd?.(epoch, logs);
      await nextTick();
    }
    const last: Logs = {};
    for (const [k, v] of Object.entries(history.history)) last[k] = v[v.length - 1];
    for (const c of callbacks) await c.onTrainEnd?.(last);
  } finally {
    perm.dispose();
    if (valOwned && val) { val[0].dispose(); val[1].dispose(); }
  }
  return history;
}

/** A copy of rows [from, to) of t. */
function rowsOf(t: Tensor, from: number, to: number): Tensor {
  const per = t.size / t.shape[0];
  const out = empty([to - from, ...t.shape.slice(1)], t.dtype, `${t.name}[${from}:${to}]`);
  kern.copy(t.ptr + from * per * 4, out.ptr, (to - from) * per);
  return out;
}

// Per-sample weights from class weights: looks up each sample's class (an integer) and writes its weight.
function classWeights(spec: FitOptions['classWeight'], model: Model, y: Tensor, targets: 'dense' | 'sparse') {
  if (!spec) return undefined;
  const classes = model.outputShape[model.outputShape.length - 1];
  const table = new Float32Array(classes).fill(1);
  for (const [k, v] of Object.entries(spec)) {
    const c = Number(k);
    if (!(Number.isInteger(c) && c >= 0 && c < classes)) throw new RangeError(`fit: classWeight names class ${k}, the model has classes 0..${classes - 1}`);
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`fit: classWeight[${k}] = ${v} must be a finite number ≥ 0`);
    table[c] = v;
  }
  // The class of every sample, once (argMax of one-hot rows, or the label).
  const labels = targets === 'sparse' ? y.toInt32Array() : (() => {
    const t = empty([y.shape[0]], 'int32', 'fit.labels');
    kern.argMax(y.ptr, t.ptr, y.shape[0], classes, 1);
    const a = t.toInt32Array(); t.dispose(); return a;
  })();
  return (idx: number, n: number, out: Tensor) => {
    const a = backend().arena, i32 = a.i32, f32 = a.f32, o = out.ptr >> 2, ix = idx >> 2;
    for (let i = 0; i < n; i++) f32[o + i] = table[labels[i32[ix + i]]];
  };
}
