// Model: a sequence of layers built from one seed, compiled with an optimizer, a loss and metrics, and planned for a
// batch size so a training step allocates nothing. It owns one step (forward, loss, backward, guard, update); the
// loops over batches (fit, evaluate, predict) live in loop.ts, the file writer in io/save.ts.
import * as kern from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import { empty, sizeOf, Tensor } from '../ops/tensor.js';
import { Layer, claimLayers, type BuildContext, type Param } from '../layers/layer.js';
import { getLoss, type CustomLoss, type Loss, type LossName, type LossSpec } from '../nets/losses.js';
import { getOptimizer, type Optimizer, type OptimizerName, type OptimizerSpec } from '../nets/optimizers.js';
import { regularizerFactors } from '../nets/regularizers.js';
import { getMetric, type Metric, type MetricSpec } from './metrics.js';
import { NonFiniteError } from './errors.js';
import { summaryTable } from './summary.js';
import { hashWeights, writeWeights, type WeightsInput } from './weights.js';
import { checkData } from './data-check.js';
import { StepSnapshot } from './snapshot.js';
import { StrictOptions } from '../ops/options.js';
import { evaluate, fit, predict, type EvaluateOptions, type EvaluateResult, type FitOptions, type History } from './loop.js';
import type { BatchBuffers, NamedWeights, Trainable } from './trainable.js';
import { serializeModel } from '../io/save.js';
import type { SaveOptions } from '../io/format.js';

export type { EvaluateOptions, EvaluateResult, FitOptions, History, NamedWeights };

/** Options of sequential(): the input shape, the seed and the name. */
export interface SequentialOptions {
  /** Shape of one sample, without the batch axis, e.g. [784] or [28, 28, 1]. */
  inputShape: readonly number[];
  /** Seeds initial weights, shuffling and dropout (default 0). */
  seed?: number;
  name?: string;
}

/** Options of Model.compile(): the optimizer, the loss and the metrics, by name, object or instance. */
export interface CompileOptions {
  optimizer: OptimizerName | Optimizer | OptimizerSpec;
  loss: LossName | Loss | CustomLoss | LossSpec;
  metrics?: MetricSpec[];
}

/** A sequential model: layers, compiled optimizer and loss, fit/evaluate/predict, weights, save (see sequential()). */
export class Model implements Trainable {
  readonly name: string;
  readonly layers: readonly Layer[];
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly seed: number;
  optimizer?: Optimizer;
  loss?: Loss;
  metrics: Metric[] = [];
  /** Set by a callback to end fit() after the current batch. */
  stopTraining = false;
  /** Non-finite guard (on by default): stop with a report when the loss or a gradient is NaN or ±Inf. */
  guardNonFinite = true;
  private nextStream = 1;
  private planned = 0;
  /** The last layer, when the loss fuses its final softmax (it gives the logits and takes dL/dlogits). */
  private fusedSoftmax?: Layer;
  private buf?: { loss: Tensor; dPred: Tensor; scratch: Tensor; ints: Tensor; weights: Tensor; x: Tensor; y?: Tensor };
  private pred?: Tensor;
  /** Set while fit() runs: see idle(). */
  private training = false;
  /** True during fit()'s synchronous start, where it plans its buffers. */
  private fitStarting = false;
  /** dispose() was called during fit(): the model is freed when fit returns. */
  private disposeWhenIdle = false;
  /** The guard's undo record, built at the first guarded step for the current optimizer. */
  private snapshot?: StepSnapshot;
  private disposed = false;

  constructor(layers: Layer[], options: SequentialOptions) {
    this.name = options.name ?? 'model';
    if (!Array.isArray(layers) || layers.length === 0) throw new RangeError('sequential: give at least one layer');
    layers.forEach((l, i) => { if (!(l instanceof Layer)) throw new TypeError(`sequential: item ${i} is not a layer (use layers.dense(…) etc.)`); });
    const shape = options.inputShape;
    if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new RangeError(`sequential: inputShape [${String(shape)}] must list positive integers (one sample, no batch axis)`);
    }
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`sequential: seed must be an integer ≥ 0, got ${seed}`);
    this.seed = seed;
    this.layers = layers;
    this.inputShape = [...shape];
    claimLayers(layers, this); // a layer belongs to one model: refused, naming both, when it already belongs to another
    // A failed build frees what was built and releases the layers (layer.dispose()), so nothing leaks and they can be reused.
    const fail = (e: Error): never => { layers.forEach((k) => k.dispose()); throw e; };
    const names = new Set<string>();
    const ctx: BuildContext = { seed, stream: () => this.nextStream++ };
    let s: readonly number[] = shape;
    for (const l of layers) {
      if (names.has(l.name)) fail(new RangeError(`sequential: two layers are named "${l.name}"`));
      names.add(l.name);
      try {
        l.build(s, ctx);
      } catch (e) {
        fail(new RangeError(`layer "${l.name}" (${l.kind}) cannot take input shape [${s.join(', ')}]: ${(e as Error).message}`));
      }
      s = l.outputShape;
    }
    this.outputShape = [...s];
    this.initialize();
  }

  /** Every parameter, nested layers included, in build order. */
  params(): Param[] {
    if (!this.allParams) {
      const out: Param[] = [];
      const walk = (l: Layer) => { out.push(...l.params); l.children().forEach(walk); };
      this.layers.forEach(walk);
      this.allParams = out;
    }
    return this.allParams;
  }
  private allParams?: Param[];

  /** Draws every parameter from its initializer, each from its own stream of the model's seed. */
  initialize(): void {
    this.idle('initialize');
    this.params().forEach((p, i) => p.initializer.fill(p.value, p.fanIn, p.fanOut, this.seed, 1000 + i));
    this.dropSnapshot();
    this.optimizer?.dispose();
    if (this.optimizer) this.optimizer = getOptimizer('compile', { name: this.optimizer.name, ...this.optimizer.config() });
  }

  /** Sets the optimizer, loss and metrics (read strictly: unknown names and keys are refused) before fit or evaluate. */
  compile(options: CompileOptions): void {
    this.idle('compile');
    StrictOptions.read('compile', options, ['optimizer', 'loss', 'metrics'], true);
    const optimizer = getOptimizer('compile', options.optimizer);
    const loss = getLoss('compile', options.loss);
    const metrics = (options.metrics ?? []).map((m) => getMetric(m, loss));
    const last = this.layers[this.layers.length - 1];
    const endsInSoftmax = last.endsInSoftmax();
    if (loss.fusesSoftmax && !endsInSoftmax && (loss.name === 'sparseCrossEntropy' || loss.name === 'weightedCrossEntropy')) {
      throw new RangeError(`compile: loss ${loss.name} needs a model that ends in softmax; the last layer "${last.name}" is ${last.kind}`);
    }
    this.dropSnapshot();
    this.optimizer?.dispose();
    this.loss?.dispose?.();
    if (this.buf?.y && this.loss?.targets !== loss.targets) { this.buf.y.dispose(); this.buf.y = undefined; }
    this.optimizer = optimizer;
    this.loss = loss;
    this.metrics = metrics;
    this.fusedSoftmax = loss.fusesSoftmax && endsInSoftmax ? last : undefined;
  }

  /** Plans every buffer for batches of up to `batch` samples (done by fit/evaluate/predict as needed). */
  plan(batch: number): void {
    if (!this.fitStarting && batch !== this.planned) this.idle('plan');
    this.alive();
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batchSize must be a positive integer, got ${batch}`);
    if (batch === this.planned) return;
    this.releaseBuffers();
    this.layers.forEach((l, i) => l.plan(batch, i > 0));
    const out = sizeOf(this.outputShape), cols = this.outputShape[this.outputShape.length - 1];
    this.buf = {
      loss: empty([batch], 'float32', 'loss'),
      dPred: empty([batch, ...this.outputShape], 'float32', 'dPred'),
      scratch: empty([Math.max(cols, out)], 'float32', 'lossScratch'),
      ints: empty([batch], 'int32', 'argmax'),
      weights: empty([batch], 'float32', 'sampleWeights'),
      x: empty([batch, ...this.inputShape], 'float32', 'xBatch'),
    };
    this.planned = batch;
  }

  /** The planned batch size (0 before planning). */
  get plannedBatch(): number { return this.planned; }

  private releaseBuffers(): void {
    if (this.buf) { for (const t of Object.values(this.buf)) t?.dispose(); this.buf = undefined; }
    this.layers.forEach((l) => l.release());
    this.planned = 0;
  }

  private get buffers() { if (!this.buf) throw new Error(`model "${this.name}" is not planned`); return this.buf; }

  /** The planned buffers a batch is gathered into (y once compiled, in the loss's target kind). */
  batchBuffers(): BatchBuffers {
    const b = this.buffers;
    if (!b.y && this.loss) b.y = this.loss.targets === 'sparse' ? empty([this.planned], 'int32', 'yBatch') : empty([this.planned, ...this.outputShape], 'float32', 'yBatch');
    return b;
  }

  private alive(): void {
    if (this.disposed || this.disposeWhenIdle) throw new Error(`model "${this.name}" was disposed`);
  }

  /**
   * Calls that would change what a running fit() depends on (fit, trainOnBatch, compile, initialize, plan) are refused
   * while it runs. getWeights, setWeights, weightsHash, save, and predict/evaluate at the planned batch size may run
   * between its batches (callbacks use them).
   */
  private idle(op: string): void {
    this.alive();
    if (this.training) throw new Error(`${op}: model "${this.name}" is training (a fit() is running): wait for it to resolve first`);
  }

  // During fit, predict and evaluate run at the planned batch size (a larger one would re-plan fit's buffers).
  private batchDuringFit(op: string, batchSize: number | undefined): number | undefined {
    if (!this.training) return batchSize;
    if (batchSize !== undefined && batchSize > this.planned) {
      throw new Error(`${op}: model "${this.name}" is training with batches of ${this.planned}; during fit() ${op} runs at most ${this.planned} samples at a time (got batchSize ${batchSize})`);
    }
    return batchSize ?? this.planned;
  }

  private compiled(op: string): { optimizer: Optimizer; loss: Loss } {
    this.alive();
    if (!this.optimizer || !this.loss) throw new Error(`${op}: call model.compile({ optimizer, loss }) first`);
    return { optimizer: this.optimizer, loss: this.loss };
  }

  /** Forward through every layer for the first n rows of x (a planned or user buffer). */
  forward(x: Tensor, n: number, training: boolean): Tensor {
    let h = x;
    for (const l of this.layers) h = l.forward(h, n, training);
    this.pred = h;
    return h;
  }

  /** The prediction buffer of the last forward or step. */
  get lastPrediction(): Tensor {
    if (!this.pred) throw new Error(`model "${this.name}" has not run forward yet`);
    return this.pred;
  }

  /** Rows the loss sees for n samples: the output viewed as [rows, cols], cols its last axis. */
  private lossRows(n: number): [number, number] {
    const cols = this.outputShape[this.outputShape.length - 1];
    return [(n * sizeOf(this.outputShape)) / cols, cols];
  }

  /**
   * Per-row losses of pred against y for the first n samples into the planned loss buffer [rows] (returned); with
   * gradScale, also dL/dpred (dL/dlogits when the final softmax is fused) times gradScale into the planned gradient.
   */
  lossOf(y: Tensor, pred: Tensor, n: number, gradScale: number | null): Tensor {
    const { loss } = this.compiled('loss');
    const b = this.buffers, [rows, cols] = this.lossRows(n);
    loss.compute(y, pred, rows, cols, b.loss, gradScale === null ? null : b.dPred, gradScale ?? 1,
      { logits: this.fusedSoftmax?.softmaxLogits(), scratch: b.scratch });
    return b.loss;
  }

  batchLoss(y: Tensor, pred: Tensor, n: number): number {
    const rows = this.lossRows(n)[0], b = this.buffers;
    kern.reduceSum(this.lossOf(y, pred, n, null).ptr, b.scratch.ptr, 1, rows, 1);
    return backend().arena.f32[b.scratch.ptr >>> 2];
  }

  /**
   * One optimisation step on the first n rows of (x, y), each sample's loss and gradient times weights when given:
   * zero gradients, forward, loss, backward, regularizers, guard, optimizer. Returns the mean loss (regularization
   * included). Allocates nothing once planned.
   */
  step(x: Tensor, y: Tensor, n: number, weights?: Tensor, epoch = 0, batch = 0): number {
    const { optimizer } = this.compiled('trainOnBatch');
    const params = this.params();
    const snap = this.guardNonFinite ? this.stepSnapshot(optimizer) : undefined;
    snap?.take();
    for (const p of params) if (p.grad) kern.fill(p.grad.ptr, 0, p.grad.size);
    const pred = this.forward(x, n, true);
    const b = this.buffers, rows = this.lossRows(n)[0];
    this.lossOf(y, pred, n, 1 / n);
    if (weights) {
      kern.scaleRows(b.loss.ptr, weights.ptr, n, 1);
      kern.scaleRows(b.dPred.ptr, weights.ptr, n, sizeOf(this.outputShape));
    }
    kern.reduceSum(b.loss.ptr, b.scratch.ptr, 1, rows, 1);
    let value = backend().arena.f32[b.scratch.ptr >>> 2] / n;
    this.backwardFromLoss(n);
    for (const p of params) {
      if (!p.regularizer || !p.grad) continue;
      const f = regularizerFactors(p.regularizer, n);
      value += kern.regularize(p.value.ptr, p.grad.ptr, p.value.size, f.l1, f.l2);
    }
    if (snap) {
      try { this.guard(value, params, n, epoch, batch); } catch (e) { snap.restore(); throw e; }
    }
    optimizer.apply(params);
    if (snap) {
      const bad = params.find((p) => !kern.allFinite(p.value.ptr, p.value.size));
      if (bad) {
        snap.restore();
        throw new NonFiniteError({ epoch, batch, loss: value, layer: bad.name.slice(0, bad.name.lastIndexOf('/')), where: 'update', param: bad.name });
      }
    }
    return value;
  }

  // Every tensor and counter a step may change: parameter values (running statistics included), optimizer slots.
  private stepSnapshot(optimizer: Optimizer): StepSnapshot {
    if (!this.snapshot) {
      const params = this.params(), stateful: Layer[] = [];
      const walk = (l: Layer) => { if (l.getState() !== undefined) stateful.push(l); l.children().forEach(walk); };
      this.layers.forEach(walk);
      this.snapshot = new StepSnapshot([...params.map((p) => p.value), ...optimizer.stateTensors(params)], optimizer, stateful);
    }
    return this.snapshot;
  }

  private dropSnapshot(): void { this.snapshot?.dispose(); this.snapshot = undefined; }

  /** Backward from the gradient lossOf left (dL/dpred, or dL/dlogits into the fused softmax); returns dL/dx or null. */
  backwardFromLoss(n: number): Tensor | null {
    let d: Tensor | null = this.buffers.dPred;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      d = l === this.fusedSoftmax ? l.backwardFromLogits(d!, n) : l.backward(d!, n);
      if (!d && i > 0) throw new Error(`layer "${l.name}" returned no input gradient`);
    }
    return d;
  }

  private guard(value: number, params: Param[], n: number, epoch: number, batch: number): void {
    let bad = !Number.isFinite(value);
    for (const p of params) if (!bad && p.grad && !kern.allFinite(p.grad.ptr, p.grad.size)) bad = true;
    if (!bad) return;
    const report = { epoch, batch, loss: value, layer: null as string | null, where: 'loss' as const };
    // Outputs in forward order, then gradients from the loss backwards.
    for (const l of this.layers) {
      for (const t of Object.values(l.outputs())) {
        if (t && !kern.allFinite(t.ptr, Math.min(t.size, (t.size / t.shape[0]) * n))) throw new NonFiniteError({ ...report, layer: l.name, where: 'output' });
      }
    }
    for (let i = this.layers.length - 1; i >= 0; i--) {
      for (const p of this.layers[i].params) {
        if (p.grad && !kern.allFinite(p.grad.ptr, p.grad.size)) throw new NonFiniteError({ ...report, layer: this.layers[i].name, where: 'parameterGradient', param: p.name });
      }
    }
    throw new NonFiniteError(report);
  }

  /** One step on a batch given as tensors (x: [n, ...inputShape], y: targets). Returns the mean loss. */
  trainOnBatch(x: Tensor, y: Tensor): number {
    this.idle('trainOnBatch');
    const { loss } = this.compiled('trainOnBatch');
    const n = this.checkData('trainOnBatch', x, y, loss);
    if (this.planned < n) this.plan(n);
    return this.step(x, y, n);
  }

  /** Checks x and y against the model and loss; returns the number of samples. */
  checkData(op: string, x: Tensor, y: Tensor | undefined, loss?: Loss): number { return checkData(this, op, x, y, loss); }

  /** Predictions for every row of x, in batches: a new tensor [N, ...outputShape]. */
  predict(x: Tensor, options: { batchSize?: number } = {}): Tensor {
    this.alive();
    return predict(this, x, this.training ? { ...options, batchSize: this.batchDuringFit('predict', options?.batchSize) } : options);
  }

  /** Trains for `epochs` over shuffled mini-batches; resolves to the per-epoch history. See FitOptions. */
  async fit(x: Tensor, y: Tensor, options: FitOptions<Model> = {}): Promise<History> {
    this.idle('fit');
    this.training = this.fitStarting = true;
    let run: Promise<History>;
    try { run = fit(this, x, y, options); } finally { this.fitStarting = false; } // the loop plans before its first await
    try {
      return await run;
    } finally {
      this.training = false;
      if (this.disposeWhenIdle) { this.disposeWhenIdle = false; this.dispose(); }
    }
  }

  /** Loss and metrics over (x, y) in batches, without training (dropout off, batch norm on running statistics). */
  evaluate(x: Tensor, y: Tensor, options: EvaluateOptions = {}): EvaluateResult {
    this.alive();
    return evaluate(this, x, y, this.training ? { ...options, batchSize: this.batchDuringFit('evaluate', options?.batchSize) } : options);
  }

  /** The regularization penalty of the current weights (added to the reported loss) for a loss averaged over `samples`. */
  penalty(samples = 1): number {
    let s = 0;
    for (const p of this.params()) {
      if (!p.regularizer) continue;
      // regularize() also adds into a gradient: give it a throwaway buffer
      const tmp = empty(p.value.shape, 'float32', 'penaltyScratch');
      const f = regularizerFactors(p.regularizer, samples);
      s += kern.regularize(p.value.ptr, tmp.ptr, p.value.size, f.l1, f.l2);
      tmp.dispose();
    }
    return s;
  }

  /** A table of layers, output shapes and parameter counts. */
  summary(): string { return summaryTable(this.name, this.inputShape, this.layers); }

  /** A 64-bit hash (16 hex digits) of every parameter's bits in order: equal hashes mean identical weights. */
  weightsHash(): string { this.alive(); return hashWeights(this.params()); }

  /** Copies of every parameter's values, in build order: layer by layer, nested layers in place, kernel before bias. */
  getWeights(): NamedWeights[] {
    this.alive();
    return this.params().map((p) => ({ name: p.name, shape: [...p.value.shape], values: p.value.toFloat32Array() }));
  }

  /**
   * Sets parameters from getWeights()-style entries: by name when every name is this model's (a subset is fine),
   * otherwise by position (Keras' set_weights), which needs one entry per parameter; or from Float32Arrays or Tensors
   * in getWeights() order (Keras' list of arrays, tfjs' list of tensors). Sizes must match.
   */
  setWeights(weights: WeightsInput): void { this.alive(); writeWeights(this.params(), weights); }

  /** The model as bytes (architecture, weights, compile settings, optimizer state): loadModel(bytes) rebuilds it. */
  save(options: SaveOptions = {}): Uint8Array {
    this.alive();
    return serializeModel(this, options);
  }

  /** Frees every buffer, parameter and optimizer state. During fit(): stops it after the current batch and frees the model when fit returns. */
  dispose(): void {
    if (this.disposed) return;
    if (this.training) { this.stopTraining = true; this.disposeWhenIdle = true; return; }
    this.releaseBuffers();
    this.dropSnapshot();
    this.layers.forEach((l) => l.dispose());
    this.optimizer?.dispose();
    this.loss?.dispose?.();
    this.disposed = true;
  }
}

/** A model that applies layers in order. */
export function sequential(layers: Layer[], options: SequentialOptions): Model {
  return new Model(layers, options);
}
