// The Layer contract: build (shapes, parameters), plan (buffers for a batch size, once), forward and backward over
// planned buffers. Parameter gradients accumulate into their buffers; input gradients overwrite. No float math here.
import { empty, sizeOf, type Tensor } from '../ops/tensor.js';
import type { Initializer } from '../nets/initializers.js';
import type { Regularizer } from '../nets/regularizers.js';

/** A trainable (or running-statistics) parameter with its gradient buffer. */
export interface Param {
  /** Unique within the model: `${layer}/${name}`. */
  name: string;
  value: Tensor;
  /** Gradient buffer of the same shape (absent for non-trainable state such as running means). */
  grad?: Tensor;
  trainable: boolean;
  regularizer?: Regularizer;
  initializer: Initializer;
  /** Fan-in and fan-out used by scaled initializers. */
  fanIn: number;
  fanOut: number;
}

/** What a layer gets when it is built: where to draw its initial weights from. */
export interface BuildContext {
  /** The model seed. */
  seed: number;
  /** A fresh random stream id for this model (initial weights, dropout masks). */
  stream(): number;
  /**
   * When set, build() only declares: each parameter's name and shape is reported here, in build order, and nothing is
   * allocated (the model file reader checks them against the file's tensor table first). A layer built this way is a
   * description of shapes only: throw it away.
   */
  declareOnly?(param: string, shape: readonly number[]): void;
}

/** Most values one parameter may hold: 2^28 float32 values are 1 GiB (its gradient another; memory ends at 4 GiB). */
export const MAX_PARAM_VALUES = 2 ** 28;

/** How deep layers may nest (residual blocks inside residual blocks): deeper specs are refused before recursing. */
export const MAX_NESTING = 64;

/** Per-sample shape (no batch axis). */
export type SampleShape = readonly number[];

/** A layer: forward and backward passes on planned buffers, its parameters, and the config that rebuilds it. */
export abstract class Layer {
  /** The layer type, as saved in model files (`dense`, `conv2d`, …). */
  abstract readonly kind: string;
  name: string;
  inputShape: number[] = [];
  outputShape: number[] = [];
  params: Param[] = [];
  /** Planned batch size (0 before plan()). */
  batch = 0;
  /** Whether backward must produce dx (false for the first layer during training). */
  needInputGrad = true;
  /** When true, random layers (dropout) reuse their last mask: gradient checks need a fixed function. */
  noiseFrozen = false;
  /** The model this layer belongs to: set when a model is built from it, cleared by dispose(). See claimLayers. */
  owner?: { readonly name: string };
  /** Levels of layers nested inside this one (0 for a plain layer; a residual block is 1 + its deepest layer). */
  get nesting(): number { return 0; }
  private owned: Tensor[] = [];

  constructor(name: string) { this.name = name; }

  /** Checks the input shape, sets outputShape, creates parameters (uninitialised). */
  abstract build(inputShape: SampleShape, ctx: BuildContext): void;

  /** Allocates the buffers for batches of up to `batch` samples (called again to re-plan). */
  plan(batch: number, needInputGrad: boolean): void {
    this.release();
    this.batch = batch;
    this.needInputGrad = needInputGrad;
    this.allocate(batch);
  }

  /** Subclasses allocate outputs, gradients and workspaces here with buffer(). */
  protected abstract allocate(batch: number): void;

  /** y for the first n samples of x. Returns the planned output buffer ([batch, ...outputShape]). */
  abstract forward(x: Tensor, n: number, training: boolean): Tensor;

  /** From dL/dy of the last forward: accumulates parameter gradients, returns dL/dx (null if not needed). */
  abstract backward(dy: Tensor, n: number): Tensor | null;

  /** The options that rebuild this layer (saved in model files). */
  abstract config(): Record<string, unknown>;

  /** The tensors this layer exposes for diagnostics, e.g. { output, preActivation }. */
  outputs(): Record<string, Tensor | undefined> { return {}; }

  /**
   * The softmax fusion: a layer that ends in a softmax returns its pre-softmax values (logits) of the last forward,
   * so a loss that fuses the softmax (crossEntropy) works on them and hands dL/d(logits) to backwardFromLogits.
   * Undefined for every other layer.
   */
  softmaxLogits(): Tensor | undefined { return undefined; }

  /** Whether this layer ends in a softmax whose logits softmaxLogits() gives (Dense or Activation with softmax). */
  endsInSoftmax(): boolean { return false; }

  /** Backward from dL/d(logits) (see softmaxLogits): parameter gradients accumulate, returns dL/dx or null. */
  backwardFromLogits(_dLogits: Tensor, _n: number): Tensor | null {
    throw new Error(`layer "${this.name}" (${this.kind}) does not end in a softmax: nothing to fuse`);
  }

  /** Nested layers (residual blocks). */
  children(): Layer[] { return []; }

  /** Scalar state beyond the parameters that a checkpoint must keep (dropout's random counter). */
  getState(): Record<string, number> | undefined { return undefined; }
  /** Restores getState()'s record; a layer without state refuses any. */
  setState(s: Record<string, number>): void {
    const k = Object.keys(s)[0];
    if (k !== undefined) throw new Error(`${this.kind} "${this.name}": unknown state "${k}" (this layer keeps none)`);
  }

  protected buffer(perSample: SampleShape, label: string, batch = this.batch): Tensor {
    const t = empty([batch, ...perSample], 'float32', `${this.name}.${label}`);
    this.owned.push(t);
    return t;
  }

  protected scratch(shape: readonly number[], label: string, dtype: 'float32' | 'int32' = 'float32'): Tensor {
    const t = empty(shape, dtype, `${this.name}.${label}`);
    this.owned.push(t);
    return t;
  }

  /**
   * Creates a parameter (and its gradient when trainable) during build. Refuses one larger than MAX_PARAM_VALUES before
   * allocating; with ctx.declareOnly it only reports the name and shape and returns a placeholder without tensors.
   */
  protected param(ctx: BuildContext, name: string, shape: readonly number[], init: Initializer, fanIn: number, fanOut: number,
    opts: { regularizer?: Regularizer; trainable?: boolean } = {}): Param {
    const trainable = opts.trainable ?? true;
    const full = `${this.name}/${name}`, size = shape.reduce((a, b) => a * b, 1);
    if (!(size <= MAX_PARAM_VALUES)) {
      throw new RangeError(`${this.kind} "${this.name}": parameter ${name} [${shape.join(', ')}] would hold ${size.toLocaleString('en-US')} values, ` +
        `more than the ${MAX_PARAM_VALUES.toLocaleString('en-US')} one tensor may hold`);
    }
    if (ctx.declareOnly) {
      ctx.declareOnly(full, shape);
      return { name: full, value: undefined as unknown as Tensor, trainable, regularizer: opts.regularizer, initializer: init, fanIn, fanOut };
    }
    const value = empty(shape, 'float32', full);
    let grad: Tensor | undefined;
    try {
      grad = trainable ? empty(shape, 'float32', `${full}.grad`) : undefined;
    } catch (e) {
      value.dispose();
      throw e;
    }
    const p: Param = { name: full, value, grad, trainable, regularizer: opts.regularizer, initializer: init, fanIn, fanOut };
    this.params.push(p);
    return p;
  }

  /** Frees planned buffers (parameters stay). */
  release(): void {
    for (const t of this.owned) t.dispose();
    this.owned = [];
    this.batch = 0;
    for (const c of this.children()) c.release();
  }

  /**
   * Frees everything, parameters included, and releases the layer from its model: it may then be built into another
   * model, which gives it fresh parameters.
   */
  dispose(): void {
    this.release();
    for (const p of this.params) { p.value.dispose(); p.grad?.dispose(); }
    this.params = [];
    this.owner = undefined;
    for (const c of this.children()) c.dispose();
  }

  /** Number of samples' worth of elements per row of output. */
  get outputSize(): number { return sizeOf(this.outputShape); }
  /** Values per sample of the input (the product of inputShape). */
  get inputSize(): number { return sizeOf(this.inputShape); }
}

/**
 * Claims every layer of `layers` (nested ones included) for the model `owner`, all or none. Refuses a layer that
 * already belongs to a model (a layer holds one set of weights: sharing it would silently detach it from the first
 * model) and a layer used twice, naming the layer and the model.
 */
export function claimLayers(layers: readonly Layer[], owner: { readonly name: string }): void {
  const seen = new Set<Layer>();
  const walk = (l: Layer) => {
    if (seen.has(l)) throw new Error(`sequential: layer "${l.name}" (${l.kind}) is used twice in model "${owner.name}"; a layer can be used once (make one layer per use)`);
    if (l.owner) {
      throw new Error(`sequential: layer "${l.name}" (${l.kind}) already belongs to model "${l.owner.name}"; a layer belongs to one model ` +
        `(make a new layer, or dispose model "${l.owner.name}" first, which frees its layers)`);
    }
    seen.add(l);
    l.children().forEach(walk);
  };
  layers.forEach(walk);
  for (const l of seen) l.owner = owner;
}

const counters = new Map<string, number>();
/** A default unique name: dense_1, dense_2, … */
export function autoName(kind: string, name?: string): string {
  if (name !== undefined) return name;
  const n = (counters.get(kind) ?? 0) + 1;
  counters.set(kind, n);
  return `${kind}_${n}`;
}
