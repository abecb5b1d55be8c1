// What the training loop (loop.ts), the callbacks and gradCheck need of a model: planned batch buffers, one step, a
// forward, the loss of a batch. Model implements it; the loop and the callbacks never import Model (no import circle).
import type { Tensor } from '../ops/tensor.js';
import type { Loss } from '../nets/losses.js';
import type { Optimizer } from '../nets/optimizers.js';
import type { Metric } from './metrics.js';
import type { Layer, Param } from '../layers/layer.js';

/** A parameter's values, for getWeights/setWeights. */
export interface NamedWeights { name: string; shape: number[]; values: Float32Array }

/**
 * The buffers a batch is gathered into, planned once for the batch size B: x [B, ...inputShape]; y [B, ...outputShape]
 * float32 (or [B] int32 class labels for a sparse loss), present once the model is compiled; sample weights [B]; an
 * int32 scratch [B].
 */
export interface BatchBuffers { readonly x: Tensor; readonly y?: Tensor; readonly weights: Tensor; readonly ints: Tensor }

export interface Trainable {
  readonly name: string;
  /** One sample's input and output shapes (no batch axis). */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly seed: number;
  readonly layers: readonly Layer[];
  /** Every parameter, nested layers included, in build order. */
  params(): Param[];
  readonly optimizer?: Optimizer;
  readonly loss?: Loss;
  readonly metrics: readonly Metric[];
  /** Set (by a callback) to end fit() after the current batch. */
  stopTraining: boolean;
  /** The planned batch size (0 before planning). */
  readonly plannedBatch: number;
  /** Plans every buffer for batches of up to `batch` samples. */
  plan(batch: number): void;
  batchBuffers(): BatchBuffers;
  /** Checks x (and y) against the model and loss; returns the number of samples. */
  checkData(op: string, x: Tensor, y: Tensor | undefined, loss?: Loss): number;
  /** One optimisation step on the first n rows of (x, y), optionally weighted per sample; returns the mean loss. */
  step(x: Tensor, y: Tensor, n: number, weights: Tensor | undefined, epoch: number, batch: number): number;
  /** Forward for the first n rows of x; returns the prediction buffer [B, ...outputShape]. */
  forward(x: Tensor, n: number, training: boolean): Tensor;
  /** The prediction buffer of the last forward (or step). */
  readonly lastPrediction: Tensor;
  /** Σ of the per-sample losses of pred against y over the first n samples (no gradient, no penalty). */
  batchLoss(y: Tensor, pred: Tensor, n: number): number;
  /** The regularization penalty of the current weights, for a data loss averaged over `samples` (perSample scale). */
  penalty(samples?: number): number;
  getWeights(): NamedWeights[];
  setWeights(weights: readonly NamedWeights[]): void;  // Model also takes Float32Array[] and Tensor[] (see Model.setWeights)
}
