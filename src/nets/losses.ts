// Losses: per-sample loss [n] and its gradient dL/dyPred (scaled by gradScale, e.g. 1/n for the batch mean) written
// into planned buffers by fused kernels. Custom losses are built from ops on tensors. Factories by name, Keras-like.
import * as kern from '../backend/kernels/index.js';
import { tensor, tidy, untracked, viewOf, Tensor } from '../ops/tensor.js';

/** How targets are given: same shape as the prediction ('dense'), or one int32 class index per sample ('sparse'). */
export type TargetKind = 'dense' | 'sparse';

export interface Loss {
  readonly name: string;
  /** Options that rebuild it (saved with the model). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly targets: TargetKind;
  /** True when this loss expects logits and the model may fuse it with a final softmax (crossEntropy). */
  readonly fusesSoftmax?: boolean;
  /**
   * loss[i] for the first n rows of yPred viewed as [n, cols]; dPred (when given) = gradScale·dloss[i]/dyPred.
   * ctx.logits: the pre-softmax values when the model fused a final softmax into this loss (dPred is then w.r.t.
   * them); ctx.scratch: [cols] floats the caller planned.
   */
  compute(yTrue: Tensor, yPred: Tensor, n: number, cols: number, loss: Tensor, dPred: Tensor | null, gradScale: number, ctx: LossContext): void;
  /** Frees memory the loss holds (lookup tables). */
  dispose?(): void;
}

export interface LossContext { logits?: Tensor; scratch: Tensor }

/** A user loss: forward → per-sample loss [N]; backward → dloss[i]/dyPred [N, ...] (not divided by N). Use ops. */
export interface CustomLoss {
  name: string;
  forward(yTrue: Tensor, yPred: Tensor): Tensor;
  backward(yTrue: Tensor, yPred: Tensor): Tensor;
}

type DenseKernel = (t: number, p: number, loss: number, d: number, rows: number, cols: number, gradScale: number) => void;

// A loss computed by one fused kernel over dense targets.
function kernelLoss(name: string, config: Record<string, unknown>, k: DenseKernel): Loss {
  return Object.freeze({
    name, config: Object.freeze(config), targets: 'dense' as const,
    compute(yTrue: Tensor, yPred: Tensor, n: number, cols: number, loss: Tensor, dPred: Tensor | null, gradScale: number, _ctx: LossContext) {
      k(yTrue.ptr, yPred.ptr, loss.ptr, dPred ? dPred.ptr : 0, n, cols, gradScale);
    },
  });
}

function positive(loss: string, option: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`losses.${loss}: ${option} must be a finite number > 0, got ${v}`);
  return v;
}

const EPS = 1e-7;

/** Mean squared error over the last axis. */
export function mse(): Loss { return kernelLoss('mse', {}, kern.mseLoss); }
/** Mean absolute error over the last axis (gradient sign(p − t), 0 where equal). */
export function mae(): Loss { return kernelLoss('mae', {}, kern.maeLoss); }
/** Huber: quadratic within ±delta, linear outside. */
export function huber(options: { delta?: number } = {}): Loss {
  const delta = positive('huber', 'delta', options.delta ?? 1);
  return kernelLoss('huber', { delta }, (t, p, l, d, r, c, g) => kern.huberLoss(t, p, l, d, r, c, g, delta));
}
/** Hinge, labels in {−1, 1} (0 counts as −1). */
export function hinge(): Loss { return kernelLoss('hinge', {}, kern.hingeLoss); }
/** Categorical hinge over one-hot targets. */
export function categoricalHinge(): Loss { return kernelLoss('categoricalHinge', {}, kern.categoricalHingeLoss); }
/** 1 − cosine similarity of yTrue and yPred (the seeds' "cosine proximity"). */
export function cosineProximity(): Loss { return kernelLoss('cosineProximity', {}, kern.cosineProximityLoss); }

/** Binary cross-entropy of probabilities (clipped to [1e-7, 1 − 1e-7]) or, with fromLogits, of logits. */
export function binaryCrossEntropy(options: { fromLogits?: boolean } = {}): Loss {
  return options.fromLogits
    ? kernelLoss('binaryCrossEntropy', { fromLogits: true }, kern.binaryCrossEntropyLogitsLoss)
    : kernelLoss('binaryCrossEntropy', { fromLogits: false }, (t, p, l, d, r, c, g) => kern.binaryCrossEntropyLoss(t, p, l, d, r, c, g, EPS));
}

/**
 * Categorical cross-entropy. From probabilities (default; log clipped at 1e-7): when the model ends in softmax the
 * model fuses the two and differentiates the stable log-softmax form instead. fromLogits: yPred are logits.
 */
export function crossEntropy(options: { fromLogits?: boolean } = {}): Loss {
  const fromLogits = options.fromLogits ?? false;
  return Object.freeze({
    name: 'crossEntropy', config: Object.freeze({ fromLogits }), targets: 'dense' as const, fusesSoftmax: !fromLogits,
    compute(yTrue: Tensor, yPred: Tensor, n: number, cols: number, loss: Tensor, dPred: Tensor | null, gradScale: number, ctx: LossContext) {
      const x = fromLogits ? yPred : ctx.logits;
      if (x) {
        kern.softmaxCrossEntropy(x.ptr, yTrue.ptr, loss.ptr, dPred ? dPred.ptr : 0, n, cols, gradScale, dPred ? 0 : ctx.scratch.ptr);
      } else {
        kern.crossEntropyProbLoss(yTrue.ptr, yPred.ptr, loss.ptr, dPred ? dPred.ptr : 0, n, cols, gradScale, EPS);
      }
    },
  });
}

/** Cross-entropy with integer class labels (int32 [N]); from logits, or fused with a final softmax. */
export function sparseCrossEntropy(): Loss {
  return Object.freeze({
    name: 'sparseCrossEntropy', config: Object.freeze({}), targets: 'sparse' as const, fusesSoftmax: true,
    compute(yTrue: Tensor, yPred: Tensor, n: number, cols: number, loss: Tensor, dPred: Tensor | null, gradScale: number, ctx: LossContext) {
      if (!ctx.logits) throw new Error('losses.sparseCrossEntropy: the model must end in a softmax (dense with activation "softmax" or a softmax layer)');
      kern.sparseSoftmaxCrossEntropy(ctx.logits.ptr, yTrue.ptr, loss.ptr, dPred ? dPred.ptr : 0, n, cols, gradScale, ctx.scratch.ptr);
    },
  });
}

export interface WeightedCrossEntropyOptions {
  /** Weight per true class ([C]; default 1). */
  classWeights?: readonly number[];
  /** Extra weight for (true, predicted) pairs, e.g. [[7, 1, 1.3], [1, 7, 1.3]]: [trueClass, predictedClass, weight]. */
  pairs?: readonly (readonly [number, number, number])[];
  /** Number of classes (needed to size the pair table). */
  numClasses: number;
}

/**
 * Cross-entropy (fused with a final softmax) where each sample's loss and gradient are multiplied by
 * classWeights[true] · pairWeight[true][predicted]: the seeds weight confusable pairs (7↔1, 8↔3, 8↔0) by 1.3.
 * The weight depends on the predicted class (argmax), a step function: it is treated as a constant in the gradient.
 */
export function weightedCrossEntropy(options: WeightedCrossEntropyOptions): Loss {
  const C = options.numClasses;
  if (!Number.isInteger(C) || C < 1) throw new RangeError(`losses.weightedCrossEntropy: numClasses must be a positive integer, got ${C}`);
  const cw = options.classWeights ?? new Array<number>(C).fill(1);
  if (cw.length !== C) throw new RangeError(`losses.weightedCrossEntropy: classWeights has ${cw.length} entries, numClasses is ${C}`);
  cw.forEach((w, i) => { if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`losses.weightedCrossEntropy: classWeights[${i}] = ${w} must be ≥ 0`); });
  const pw = new Float32Array(C * C).fill(1);
  for (const [t, p, w] of options.pairs ?? []) {
    if (!(Number.isInteger(t) && t >= 0 && t < C && Number.isInteger(p) && p >= 0 && p < C)) {
      throw new RangeError(`losses.weightedCrossEntropy: pair [${t}, ${p}] is outside classes 0..${C - 1}`);
    }
    if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`losses.weightedCrossEntropy: pair [${t}, ${p}] weight ${w} must be ≥ 0`);
    pw[t * C + p] = w;
  }
  let tables: Tensor | undefined; // classW [C] then pairW [C·C]
  return Object.freeze({
    name: 'weightedCrossEntropy', config: Object.freeze({ numClasses: C, classWeights: [...cw], pairs: (options.pairs ?? []).map((x) => [...x]) }),
    targets: 'dense' as const, fusesSoftmax: true,
    compute(yTrue: Tensor, _yPred: Tensor, n: number, cols: number, loss: Tensor, dPred: Tensor | null, gradScale: number, ctx: LossContext) {
      if (!ctx.logits) throw new Error('losses.weightedCrossEntropy: the model must end in a softmax');
      if (cols !== C) throw new RangeError(`losses.weightedCrossEntropy: the model predicts ${cols} classes, numClasses is ${C}`);
      if (!tables || tables.disposed) {
        const v = new Float32Array(C + C * C);
        v.set(cw, 0); v.set(pw, C);
        tables = untracked(() => tensor(v, [C + C * C]));
      }
      kern.weightedSoftmaxCrossEntropy(ctx.logits.ptr, yTrue.ptr, tables.ptr, tables.ptr + C * 4, loss.ptr, dPred ? dPred.ptr : 0,
        n, cols, gradScale, ctx.scratch.ptr);
    },
    dispose() { tables?.dispose(); },
  });
}

/**
 * The per-sample loss clipped to [lo, hi] (the seeds clip cross-entropy to [0, 1]). Where a sample's loss is clipped,
 * its gradient is zero: that sample stops teaching the model until its loss re-enters the range.
 */
export function clipped(base: Loss | LossName, range: readonly [number, number] = [0, 1]): Loss {
  const inner = getLoss('losses.clipped', base);
  const [lo, hi] = range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new RangeError(`losses.clipped: range [${lo}, ${hi}] must be finite with lo ≤ hi`);
  return Object.freeze({
    name: 'clipped', config: Object.freeze({ base: { name: inner.name, ...inner.config }, range: [lo, hi] }),
    targets: inner.targets, fusesSoftmax: inner.fusesSoftmax, dispose: () => inner.dispose?.(),
    compute(yTrue: Tensor, yPred: Tensor, n: number, cols: number, loss: Tensor, dPred: Tensor | null, gradScale: number, ctx: LossContext) {
      inner.compute(yTrue, yPred, n, cols, loss, dPred, gradScale, ctx);
      kern.clipLoss(loss.ptr, dPred ? dPred.ptr : 0, n, cols, lo, hi);
    },
  });
}

/** Wraps a user loss written with ops into the planned-buffer form. */
export function custom(user: CustomLoss): Loss {
  if (!user || typeof user.forward !== 'function' || typeof user.backward !== 'function' || typeof user.name !== 'string') {
    throw new TypeError('losses.custom: a custom loss is { name, forward(yTrue, yPred), backward(yTrue, yPred) }');
  }
  return Object.freeze({
    name: user.name, config: Object.freeze({ custom: true }), targets: 'dense' as const,
    compute(yTrue: Tensor, yPred: Tensor, n: number, cols: number, loss: Tensor, dPred: Tensor | null, gradScale: number, _ctx: LossContext) {
      const shape = [n, ...yPred.shape.slice(1)];
      const t = viewOf(yTrue.ptr, shape, 'float32', 'yTrue'), p = viewOf(yPred.ptr, shape, 'float32', 'yPred');
      tidy(() => {
        const l = user.forward(t, p);
        if (!(l instanceof Tensor) || l.size !== n) throw new RangeError(`loss "${user.name}": forward must return one loss per sample ([${n}]), got ${l instanceof Tensor ? `[${l.shape.join(', ')}]` : typeof l}`);
        kern.copy(l.ptr, loss.ptr, n);
        if (dPred) {
          const d = user.backward(t, p);
          if (!(d instanceof Tensor) || d.size !== n * cols) throw new RangeError(`loss "${user.name}": backward must return dLoss/dyPred shaped [${shape.join(', ')}], got ${d instanceof Tensor ? `[${d.shape.join(', ')}]` : typeof d}`);
          kern.scale(d.ptr, gradScale, dPred.ptr, n * cols);
        }
      });
    },
  });
}

export type LossName = 'crossEntropy' | 'categoricalCrossEntropy' | 'sparseCrossEntropy' | 'sparseCategoricalCrossEntropy'
  | 'binaryCrossEntropy' | 'mse' | 'meanSquaredError' | 'mae' | 'meanAbsoluteError' | 'hinge' | 'categoricalHinge'
  | 'huber' | 'cosineProximity';

const BY_NAME: Record<string, (c: Record<string, unknown>) => Loss> = {
  crossEntropy: (c) => crossEntropy(c), categoricalCrossEntropy: (c) => crossEntropy(c),
  sparseCrossEntropy: () => sparseCrossEntropy(), sparseCategoricalCrossEntropy: () => sparseCrossEntropy(),
  binaryCrossEntropy: (c) => binaryCrossEntropy(c), mse: () => mse(), meanSquaredError: () => mse(),
  mae: () => mae(), meanAbsoluteError: () => mae(), hinge: () => hinge(), categoricalHinge: () => categoricalHinge(),
  huber: (c) => huber(c as { delta?: number }), cosineProximity: () => cosineProximity(),
  weightedCrossEntropy: (c) => weightedCrossEntropy(c as unknown as WeightedCrossEntropyOptions),
  clipped: (c) => clipped(c.base as LossName, c.range as [number, number]),
};

/** Every loss name getLoss knows, aliases included (the CLI and docs list these). */
export const LOSS_NAMES: readonly string[] = Object.keys(BY_NAME);
/** The losses that have no default settings: they are given as { name, ...options } (weights, a base and range). */
export const LOSSES_NEEDING_OPTIONS: readonly string[] = ['weightedCrossEntropy', 'clipped'];

/** A loss from a name, a saved { name, ...config }, a Loss, or a CustomLoss. */
export function getLoss(owner: string, spec: LossName | Loss | CustomLoss | { name: string; [k: string]: unknown }): Loss {
  if (spec && typeof spec === 'object' && 'compute' in spec) return spec as Loss;
  if (spec && typeof spec === 'object' && 'forward' in spec) return custom(spec as CustomLoss);
  const name = typeof spec === 'string' ? spec : (spec as { name: string })?.name;
  const f = BY_NAME[name];
  if (!f) throw new RangeError(`${owner}: unknown loss "${String(name)}" (expected one of ${Object.keys(BY_NAME).join(', ')}, or a custom { name, forward, backward })`);
  return f(typeof spec === 'object' ? (spec as Record<string, unknown>) : {});
}
