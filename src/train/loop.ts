// The training loop's one owner: fit (epochs of shuffled mini-batches, validation, metrics, callbacks, class weights,
// history), evaluate and predict, all over one batch iterator that gathers rows into the model's planned buffers.
// Reads the model only through Trainable (trainable.ts). The shuffle comes from the module's generator and the seed.
import * as kern from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import { empty, sizeOf, type Tensor } from '../ops/tensor.js';
import { drawOf, SHUFFLE_STREAM } from '../ops/random.js';
import { addConfusion, countCorrect } from './metrics.js';
import { isProgressBar, progressBar, type Callback, type Logs } from './callbacks.js';
import type { Trainable } from './trainable.js';
import { resolveDiagnostics, type Diagnostics, type DiagnosticsOptions } from './diagnostics.js';
import type { DiagnosticsCollector } from './collector.js';
import type { Verdict } from './verdicts.js';
import { StrictOptions } from '../ops/options.js';
import { augmentBatch, fitAugmentation, type FitAugmentOptions } from '../ops/augment.js';

const FIT_KEYS = ['epochs', 'batchSize', 'validationData', 'validationSplit', 'shuffle', 'callbacks', 'classWeight', 'initialEpoch',
  'initialBatch', 'initialProgress', 'yieldEveryMs', 'diagnostics', 'verbose', 'augment'] as const;
const EVALUATE_KEYS = ['batchSize', 'confusionMatrix'] as const;
const PREDICT_KEYS = ['batchSize'] as const;

// x and y must be given (checkData checks what they are); options hold only known keys. Returns the options' reader.
function checkCall(op: string, x: unknown, y: unknown, needY: boolean, options: unknown, keys: readonly string[]): StrictOptions {
  if (x === undefined || x === null) throw new TypeError(`${op}: x (the inputs) is missing: ${op}(x${needY ? ', y' : ''}, options)`);
  if (needY && (y === undefined || y === null)) throw new TypeError(`${op}: y (the targets) is missing: ${op}(x, y, options)`);
  return StrictOptions.read(op, options, keys);
}

/** Options of Model.fit(), as Keras' fit: epochs, batch size, validation, shuffling, callbacks, class weights, diagnostics. */
export interface FitOptions<M extends Trainable = Trainable> {
  epochs?: number;
  batchSize?: number;
  /** Held-out data evaluated after each epoch. */
  validationData?: [Tensor, Tensor];
  /** Fraction of the data, taken from the end before shuffling (as Keras), held out for validation. */
  validationSplit?: number;
  /** Shuffle the training samples each epoch (default true), from the model seed. */
  shuffle?: boolean;
  callbacks?: Callback<M>[];
  /** Weight per class index, multiplying each sample's loss and gradient. */
  classWeight?: Record<number, number> | readonly number[];
  /** Epoch to start from (resuming): shuffles and logs count from here. */
  initialEpoch?: number;
  /** Batches of initialEpoch already done (resuming mid-epoch after an interrupt): they are skipped. */
  initialBatch?: number;
  /**
   * The running sums of those skipped batches (history.stoppedAt.progress of the interrupted fit), so the resumed
   * epoch's logged loss and metrics cover the whole epoch, as an uninterrupted run's do.
   */
  initialProgress?: EpochProgress;
  /** Let the event loop run between batches every this many milliseconds (default 50; 0: only between epochs). */
  yieldEveryMs?: number;
  /**
   * Collect training diagnostics on the kernels (true for the defaults): per-parameter and per-layer statistics,
   * histograms, update ratios, dead and saturated units, and verdicts, on history.diagnostics. Default off.
   */
  diagnostics?: boolean | DiagnosticsOptions;
  /**
   * As Keras: 0 (default) prints nothing; 1 a progress bar when stdout is a terminal, else one line per epoch (pipes,
   * CI, browser consoles, workers, edge runtimes: console.log); 2 one line per epoch. See progressBar.
   */
  verbose?: 0 | 1 | 2;
  /**
   * Augment each training batch in the module, seeded: { shift (pixels), flip (probability), rotate (degrees),
   * noise (σ), fill ('zeros' | 'edge'), seed (default the model's) }; see ops augment. Sample i of the epoch's visiting
   * order in epoch e gets the draws of sample e·N + i (N training samples), so a seed gives the same batches in every
   * runtime. Validation data are never augmented. Needs images: inputShape [H, W, C] or [H, W].
   */
  augment?: FitAugmentOptions;
}

/** The running sums of an epoch's batches so far: Σ loss·n, the samples seen, and each metric's correct count. */
export interface EpochProgress { lossSum: number; samples: number; correct: Record<string, number> }

/** Per-epoch values of every logged metric: loss, accuracy, valLoss, valAccuracy, … */
export interface History {
  epoch: number[];
  history: Record<string, number[]>;
  /**
   * Where training stopped when model.stopTraining ended it early: the next epoch and batch to run, and (when it
   * stopped mid-epoch) that epoch's running sums, to pass back as initialProgress with initialBatch.
   */
  stoppedAt?: { epoch: number; batch: number; progress?: EpochProgress };
  /** With fit(…, { diagnostics }): what the kernels measured each epoch, and the verdicts drawn from it. */
  diagnostics?: Diagnostics & { verdicts: Verdict[] };
}

/** Options of evaluate(): the batch size, and whether to return the confusion matrix. */
export interface EvaluateOptions { batchSize?: number; confusionMatrix?: boolean }

/** What evaluate() returns: the mean loss, each compiled metric, and the confusion matrix when asked. */
export interface EvaluateResult {
  loss: number;
  /** Every compiled metric by name (accuracy, top5Accuracy, …). */
  [metric: string]: number | number[][] | undefined;
  /** counts[true][predicted], when asked for. */
  confusionMatrix?: number[][];
}

/** Where the batch iterator is: the batch index, its first row in visiting order, and its row count. */
interface Cursor { batch: number; start: number; n: number }

/**
 * The one batch iterator: visits `count` rows of x (and y, when given) in batches of the planned size, gathering each
 * batch into the model's planned buffers: through `order` (int32 row indices into x and y) or in sequence. Starts at
 * batch `first`. The cursor object is reused from batch to batch.
 */
function* batchesOf(model: Trainable, x: Tensor, y: Tensor | undefined, count: number, order?: Tensor, first = 0): Generator<Cursor> {
  const b = model.batchBuffers(), bs = model.plannedBatch, total = x.shape[0];
  const inPer = sizeOf(model.inputShape), yPer = model.loss?.targets === 'sparse' ? 1 : sizeOf(model.outputShape);
  const cursor: Cursor = { batch: first, start: first * bs, n: 0 };
  for (; cursor.start < count; cursor.batch++, cursor.start += bs) {
    const n = cursor.n = Math.min(bs, count - cursor.start);
    if (order) {
      const idx = order.ptr + cursor.start * 4;
      kern.gatherRows(x.ptr, total, idx, b.x.ptr, n, inPer);
      if (y) kern.gatherRows(y.ptr, total, idx, b.y!.ptr, n, yPer);
    } else {
      kern.copy(x.ptr + cursor.start * inPer * 4, b.x.ptr, n * inPer);
      if (y) kern.copy(y.ptr + cursor.start * yPer * 4, b.y!.ptr, n * yPer);
    }
    yield cursor;
  }
}

const nextTick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function compiled(model: Trainable, op: string): NonNullable<Trainable['loss']> {
  if (!model.optimizer || !model.loss) throw new Error(`${op}: call model.compile({ optimizer, loss }) first`);
  return model.loss;
}

/** Trains for `epochs` over shuffled mini-batches; resolves to the per-epoch history. See FitOptions. */
export async function fit<M extends Trainable>(model: M, x: Tensor, y: Tensor, options: FitOptions<M> = {}): Promise<History> {
  const read = checkCall('fit', x, y, true, options, FIT_KEYS);
  const verbose = read.number('verbose', { integer: true, min: 0, max: 2, default: 0, expected: '0 (silent), 1 (a progress bar) or 2 (one line per epoch)' });
  if (options.callbacks !== undefined && !Array.isArray(options.callbacks)) read.wrongType('callbacks', 'an array of callbacks');
  const loss = compiled(model, 'fit');
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
  }
  if (val) model.checkData('fit (validation)', val[0], val[1], loss);
  const diagnostics = resolveDiagnostics(options.diagnostics);
  const weightsOf = classWeights(options.classWeight, model, y, loss.targets); // checked before anything is allocated
  const augmentation = fitAugmentation(options.augment, model.inputShape, model.seed);
  if (options.validationSplit !== undefined) {
    val = [rowsOf(x, nTrain, total), rowsOf(y, nTrain, total)];
    valOwned = true;
  }
  const bs = Math.min(batchSize, nTrain);
  const perm = empty([nTrain], 'int32', 'fit.permutation');
  const given = options.callbacks ?? [], addBar = verbose > 0 && !given.some(isProgressBar); // one bar, as Keras
  const callbacks: Callback<M>[] = [...given, ...addBar ? [progressBar({ mode: verbose === 1 ? 'auto' : 'lines' })] : []];
  const history: History = { epoch: [], history: {} };
  model.stopTraining = false;
  const first = options.initialEpoch ?? 0;
  const yieldMs = options.yieldEveryMs ?? 50;
  let collector: DiagnosticsCollector | undefined;
  let augmented: Tensor | undefined; // the batch the model sees when augmenting, planned once
  try {
    model.plan(bs);
    if (augmentation) augmented = empty([bs, ...model.inputShape], 'float32', 'fit.augmented');
    const b = model.batchBuffers(), yb = b.y!;
    // loaded on demand: an app that never asks for diagnostics does not ship the collector and the verdicts
    const judge = diagnostics ? (await import('./verdicts.js')).verdicts : undefined;
    if (diagnostics) collector = new (await import('./collector.js')).DiagnosticsCollector(model, diagnostics);
    const outPer = sizeOf(model.outputShape), cols = model.outputShape[model.outputShape.length - 1];
    for (const c of callbacks) c.setModel?.(model);
    const fitParams = { epochs: first + epochs, initialEpoch: first, batches: Math.ceil(nTrain / bs), batchSize: bs, samples: nTrain };
    for (const c of callbacks) c.setParams?.(fitParams);
    for (const c of callbacks) await c.onTrainBegin?.({});
    let epoch = first;
    for (; epoch < first + epochs && !model.stopTraining; epoch++) {
      for (const c of callbacks) await c.onEpochBegin?.(epoch, {});
      if (options.shuffle ?? true) kern.randomPermutation(perm.ptr, nTrain, drawOf(model.seed, SHUFFLE_STREAM, epoch * 4294967296));
      else backend().arena.i32.set(Int32Array.from({ length: nTrain }, (_, i) => i), perm.ptr >>> 2);
      let lossSum = 0, seen = 0, lastYield = Date.now();
      const correct = model.metrics.map(() => 0), batchCorrect = model.metrics.map(() => 0);
      const batches = Math.ceil(nTrain / bs);
      const skip = epoch === first ? options.initialBatch ?? 0 : 0;
      if (!Number.isInteger(skip) || skip < 0 || skip > batches) throw new RangeError(`fit: initialBatch must be an integer in [0, ${batches}], got ${skip}`);
      if (epoch === first && options.initialProgress) {
        const p = options.initialProgress;
        lossSum = p.lossSum; seen = p.samples;
        model.metrics.forEach((m, j) => { correct[j] = p.correct[m.name] ?? 0; });
      }
      for (const { batch: bi, start, n } of batchesOf(model, x, y, nTrain, perm, skip)) {
        if (weightsOf) weightsOf(perm.ptr + start * 4, n, b.weights);
        const sampled = collector?.isSampled(bi, batches);
        if (sampled) collector!.beforeStep();
        if (augmented) augmentBatch(augmentation!, b.x.ptr, augmented.ptr, n, epoch * nTrain + start);
        const value = model.step(augmented ?? b.x, yb, n, weightsOf ? b.weights : undefined, epoch, bi);
        if (sampled) collector!.afterStep(n);
        if (collector && diagnostics!.everyBatches && (bi + 1) % diagnostics!.everyBatches === 0) collector.recordBatch(epoch, bi);
        lossSum += value * n; seen += n;
        const pred = model.lastPrediction, rows = (n * outPer) / cols;
        model.metrics.forEach((m, j) => { correct[j] += (batchCorrect[j] = countCorrect(m, pred, yb, rows, cols, loss.targets) / (rows / n)); });
        if (callbacks.length) {
          const logs: Logs = { batch: bi, size: n, loss: value };
          model.metrics.forEach((m, j) => { logs[m.name] = batchCorrect[j] / n; });
          for (const c of callbacks) await c.onBatchEnd?.(bi, logs);
        }
        if (model.stopTraining) {
          history.stoppedAt = bi + 1 < batches
            ? { epoch, batch: bi + 1, progress: { lossSum, samples: seen, correct: Object.fromEntries(model.metrics.map((m, j) => [m.name, correct[j]])) } }
            : { epoch: epoch + 1, batch: 0 };
          break;
        }
        if (yieldMs > 0 && Date.now() - lastYield >= yieldMs) { await nextTick(); lastYield = Date.now(); }
      }
      // Interrupted mid-epoch: no epoch logs (the epoch is not finished); resume with initialEpoch/initialBatch.
      if (history.stoppedAt && history.stoppedAt.epoch === epoch) break;
      const logs: Logs = { loss: lossSum / seen };
      model.metrics.forEach((m, j) => { logs[m.name] = correct[j] / seen; });
      if (val) {
        const r = evaluate(model, val[0], val[1], { batchSize: bs });
        logs.valLoss = r.loss;
        for (const m of model.metrics) logs[`val${m.name[0].toUpperCase()}${m.name.slice(1)}`] = r[m.name] as number;
      }
      history.epoch.push(epoch);
      for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
      for (const c of callbacks) await c.onEpochEnd?.(epoch, logs);
      if (collector) {
        const e = collector.endEpoch(epoch);
        const found = judge!(history.history, collector.data);
        for (const c of callbacks) await c.onDiagnostics?.(epoch, e, found);
      }
      await nextTick();
    }
    // Stopped before an epoch began (a callback, or a stop request while fit was loading): say where to resume.
    if (model.stopTraining && !history.stoppedAt && epoch < first + epochs) {
      history.stoppedAt = epoch === first
        ? { epoch, batch: options.initialBatch ?? 0, ...(options.initialProgress ? { progress: options.initialProgress } : {}) }
        : { epoch, batch: 0 };
    }
    if (collector) {
      collector.finish();
      history.diagnostics = { ...collector.data, verdicts: judge!(history.history, collector.data) };
    }
    const last: Logs = {};
    for (const [k, v] of Object.entries(history.history)) last[k] = v[v.length - 1];
    for (const c of callbacks) await c.onTrainEnd?.(last);
  } finally {
    collector?.dispose();
    augmented?.dispose();
    perm.dispose();
    if (valOwned && val) { val[0].dispose(); val[1].dispose(); }
  }
  return history;
}

/** Loss and metrics over (x, y) in batches, without training (dropout off, batch norm on running statistics). */
export function evaluate(model: Trainable, x: Tensor, y: Tensor, options: EvaluateOptions = {}): EvaluateResult {
  checkCall('evaluate', x, y, true, options, EVALUATE_KEYS);
  const loss = compiled(model, 'evaluate');
  const n = model.checkData('evaluate', x, y, loss);
  planFor(model, n, options.batchSize);
  const b = model.batchBuffers(), yb = b.y!;
  const per = sizeOf(model.outputShape), cols = model.outputShape[model.outputShape.length - 1];
  const confusion = options.confusionMatrix ? Array.from({ length: cols }, () => new Array<number>(cols).fill(0)) : undefined;
  let lossSum = 0;
  const correct = model.metrics.map(() => 0);
  for (const { n: m } of batchesOf(model, x, y, n)) {
    const pred = model.forward(b.x, m, false);
    const rows = (m * per) / cols;
    lossSum += model.batchLoss(yb, pred, m);
    model.metrics.forEach((mt, j) => { correct[j] += countCorrect(mt, pred, yb, rows, cols, loss.targets); });
    if (confusion) addConfusion(confusion, pred, yb, rows, cols, loss.targets, b.ints);
  }
  const result: EvaluateResult = { loss: lossSum / n + model.penalty(n) };
  model.metrics.forEach((mt, j) => { result[mt.name] = correct[j] / ((n * per) / cols); });
  if (confusion) result.confusionMatrix = confusion;
  return result;
}

/** Predictions for every row of x, in batches: a new tensor [N, ...outputShape]. */
export function predict(model: Trainable, x: Tensor, options: { batchSize?: number } = {}): Tensor {
  checkCall('predict', x, undefined, false, options, PREDICT_KEYS);
  const n = model.checkData('predict', x, undefined);
  planFor(model, n, options.batchSize);
  const per = sizeOf(model.outputShape);
  const out = empty([n, ...model.outputShape], 'float32', `${model.name}.predict`);
  try {
    for (const { start, n: m } of batchesOf(model, x, undefined, n)) {
      const y = model.forward(model.batchBuffers().x, m, false);
      kern.copy(y.ptr, out.ptr + start * per * 4, m * per);
    }
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

// Plans at least the given batch size (default: what is planned, or min(n, 256)).
function planFor(model: Trainable, n: number, batchSize: number | undefined): void {
  const bs = batchSize ?? Math.max(model.plannedBatch, Math.min(n, 256));
  if (model.plannedBatch < bs) model.plan(bs);
}

/** A new tensor holding rows [from, to) of t (a copy in linear memory; the caller disposes it). */
export function rowsOf(t: Tensor, from: number, to: number): Tensor {
  const per = t.size / t.shape[0];
  const out = empty([to - from, ...t.shape.slice(1)], t.dtype, `${t.name}[${from}:${to}]`);
  kern.copy(t.ptr + from * per * 4, out.ptr, (to - from) * per);
  return out;
}

// Per-sample weights from class weights: looks up each sample's class (an integer) and writes its weight.
function classWeights(spec: FitOptions['classWeight'], model: Trainable, y: Tensor, targets: 'dense' | 'sparse') {
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
    try {
      kern.argMax(y.ptr, t.ptr, y.shape[0], classes, 1);
      return t.toInt32Array();
    } finally { t.dispose(); }
  })();
  return (idx: number, n: number, out: Tensor) => {
    const a = backend().arena, i32 = a.i32, f32 = a.f32, o = out.ptr >>> 2, ix = idx >>> 2;
    for (let i = 0; i < n; i++) f32[o + i] = table[labels[i32[ix + i]]];
  };
}
