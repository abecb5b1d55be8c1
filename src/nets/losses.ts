// Losses: per-sample loss [n] and its gradient dL/dyPred (scaled by gradScale, e.g. 1/n for the batch mean) written
// into planned buffers by fused kernels. Custom losses are built from ops on tensors. Factories by name, Keras-like.
import * as kern from '../backend/kernels/index.js';
import { empty, tensor, tidy, untracked, viewOf, Tensor } from '../ops/tensor.js';
import { backend } from '../backend/module.js';
import { given, isPlainObject, numberArg, StrictOptions, unknownName } from '../ops/options.js';

/** How targets are given: same shape as the prediction ('dense'), or one int32 class index per sample ('sparse'). */
export type TargetKind = 'dense' | 'sparse';

/** A loss: per-sample values and their gradient with respect to the predictions, run on the kernels. */
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

/** What the model hands a loss: the logits when the last layer's softmax is fused into it, and a scratch tensor. */
export interface LossContext { logits?: Tensor; scratch: Tensor }

/** A user loss: forward → per-sample loss [N]; backward → dloss[i]/dyPred [N, ...] (not divided by N). Use ops. */
export interface CustomLoss {
  name: string;
  /** Per-sample loss [N] for targets and predictions [N, …]. */
  forward(yTrue: Tensor, yPred: Tensor): Tensor;
  /** dLoss/dyPred [N, …] per sample (not divided by N). */
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

const EPS = 1e-7;

/** Checks that a loss without options got none (undefined or {}). */
function noOptions(owner: string, options: unknown): void { StrictOptions.read(owner, options, []); }

/** Mean squared error over the last axis. */
export function mse(options?: Record<string, never>): Loss { noOptions('losses.mse', options); return kernelLoss('mse', {}, kern.mseLoss); }
/** Mean absolute error over the last axis (gradient sign(p − t), 0 where equal). */
export function mae(options?: Record<string, never>): Loss { noOptions('losses.mae', options); return kernelLoss('mae', {}, kern.maeLoss); }
/** Huber: quadratic within ±delta, linear outside. */
export function huber(options: { delta?: number } = {}): Loss { return makeHuber('losses.huber', options); }
function makeHuber(owner: string, options: unknown): Loss {
  const delta = StrictOptions.read(owner, options, ['delta']).number('delta', { min: 0, minExclusive: true, default: 1 });
  return kernelLoss('huber', { delta }, (t, p, l, d, r, c, g) => kern.huberLoss(t, p, l, d, r, c, g, delta));
}
/** Hinge, labels in {−1, 1} (0 counts as −1). */
export function hinge(options?: Record<string, never>): Loss { noOptions('losses.hinge', options); return kernelLoss('hinge', {}, kern.hingeLoss); }
/** Categorical hinge over one-hot targets. */
export function categoricalHinge(options?: Record<string, never>): Loss {
  noOptions('losses.categoricalHinge', options);
  return kernelLoss('categoricalHinge', {}, kern.categoricalHingeLoss);
}
/** 1 − cosine similarity of yTrue and yPred (the seeds' "cosine proximity"). */
export function cosineProximity(options?: Record<string, never>): Loss {
  noOptions('losses.cosineProximity', options);
  return kernelLoss('cosineProximity', {}, kern.cosineProximityLoss);
}

/** Binary cross-entropy of probabilities (clipped to [1e-7, 1 − 1e-7]) or, with fromLogits, of logits. */
export function binaryCrossEntropy(options: { fromLogits?: boolean } = {}): Loss { return makeBinaryCrossEntropy('losses.binaryCrossEntropy', options); }
function makeBinaryCrossEntropy(owner: string, options: unknown): Loss {
  return StrictOptions.read(owner, options, ['fromLogits']).bool('fromLogits', false)
    ? kernelLoss('binaryCrossEntropy', { fromLogits: true }, kern.binaryCrossEntropyLogitsLoss)
    : kernelLoss('binaryCrossEntropy', { fromLogits: false }, (t, p, l, d, r, c, g) => kern.binaryCrossEntropyLoss(t, p, l, d, r, c, g, EPS));
}

/**
 * Categorical cross-entropy. From probabilities (default; log clipped at 1e-7): when the model ends in softmax the
 * model fuses the two and differentiates the stable log-softmax form instead. fromLogits: yPred are logits.
 */
export function crossEntropy(options: { fromLogits?: boolean } = {}): Loss { return makeCrossEntropy('losses.crossEntropy', options); }
function makeCrossEntropy(owner: string, options: unknown): Loss {
  const fromLogits = StrictOptions.read(owner, options, ['fromLogits']).bool('fromLogits', false);
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
export function sparseCrossEntropy(options?: Record<string, never>): Loss {
  noOptions('losses.sparseCrossEntropy', options);
  return Object.freeze({
    name: 'sparseCrossEntropy', config: Object.freeze({}), targets: 'sparse' as const, fusesSoftmax: true,
    compute(yTrue: Tensor, yPred: Tensor, n: number, cols: number, loss: Tensor, dPred: Tensor | null, gradScale: number, ctx: LossContext) {
      if (!ctx.logits) throw new Error('losses.sparseCrossEntropy: the model must end in a softmax (dense with activation "softmax" or a softmax layer)');
      kern.sparseSoftmaxCrossEntropy(ctx.logits.ptr, yTrue.ptr, loss.ptr, dPred ? dPred.ptr : 0, n, cols, gradScale, ctx.scratch.ptr);
    },
  });
}

/** Options of losses.weightedCrossEntropy: per-class and per-confusion weights. */
export interface WeightedCrossEntropyOptions {
  /** Weight per true class ([C]; default 1). */
  classWeights?: readonly number[];
  /** Extra weight for (true, predicted) pairs, e.g. [[7, 1, 1.3], [1, 7, 1.3]]: [trueClass, predictedClass, weight]. */
  pairs?: readonly (readonly [number, number, number])[];
  /** Number of classes (needed to size the pair table). */
  numClasses: number;
}

/** Most classes weightedCrossEntropy takes: its pair table holds numClasses² floats (1 GiB at this limit). */
const MAX_CLASSES = 16384;

/** An array (or typed array) of numbers, for list-valued options; anything else is refused by name. */
function listOf(o: StrictOptions, key: string, expected: string): ArrayLike<unknown> | undefined {
  const v = o.get(key);
  if (v === undefined) return undefined;
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) return v as unknown as ArrayLike<unknown>;
  return o.wrongType(key, expected);
}

/**
 * Cross-entropy (fused with a final softmax) where each sample's loss and gradient are multiplied by
 * classWeights[true] · pairWeight[true][predicted]: the seeds weight confusable pairs (7↔1, 8↔3, 8↔0) by 1.3.
 * The weight depends on the predicted class (argmax), a step function: it is treated as a constant in the gradient.
 */
export function weightedCrossEntropy(options: WeightedCrossEntropyOptions): Loss { return makeWeightedCrossEntropy('losses.weightedCrossEntropy', options); }
function makeWeightedCrossEntropy(owner: string, options: unknown): Loss {
  const o = StrictOptions.read(owner, options, ['numClasses', 'classWeights', 'pairs'], true);
  const C = o.number('numClasses', { integer: true, min: 1, max: MAX_CLASSES });
  const cwGiven = listOf(o, 'classWeights', `an array of ${C} finite numbers ≥ 0 (one per class)`);
  if (cwGiven && cwGiven.length !== C) throw new RangeError(`${owner}: classWeights has ${cwGiven.length} entries, numClasses is ${C}`);
  const cw: number[] = cwGiven ? Array.from(cwGiven, (w, i) => numberArg(owner, `classWeights[${i}]`, w, { min: 0 })) : new Array<number>(C).fill(1);
  const pairsGiven = listOf(o, 'pairs', 'an array of [trueClass, predictedClass, weight] triples');
  const pairs: [number, number, number][] = [];
  const pw = new Float32Array(C * C).fill(1);
  for (let i = 0; i < (pairsGiven?.length ?? 0); i++) {
    const e = pairsGiven![i];
    if (!Array.isArray(e) || e.length !== 3) throw new TypeError(`${owner}: pairs[${i}] must be [trueClass, predictedClass, weight], got ${given(e)}`);
    const [t, p, w] = e as unknown[];
    const cls = { integer: true, min: 0, max: C - 1, expected: `a class in 0..${C - 1}` };
    const tc = numberArg(owner, `pairs[${i}][0] (the true class)`, t, cls), pc = numberArg(owner, `pairs[${i}][1] (the predicted class)`, p, cls);
    const wt = numberArg(owner, `pairs[${i}][2] (the weight)`, w, { min: 0 });
    pw[tc * C + pc] = wt;
    pairs.push([tc, pc, wt]);
  }
  let tables: Tensor | undefined; // classW [C] then pairW [C·C]
  return Object.freeze({
    name: 'weightedCrossEntropy', config: Object.freeze({ numClasses: C, classWeights: [...cw], pairs }),
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

/** How losses.clipped clips: the predictions before the base loss (Keras' construction) or each sample's loss. */
export type ClipMode = 'predictions' | 'loss';
/** Every ClipMode, for option checks and help texts. */
export const CLIP_MODES: readonly ClipMode[] = ['predictions', 'loss'];

/** Options of losses.clipped: how the range applies. */
export interface ClippedOptions {
  /**
   * 'predictions' (default): yPred is clipped into range before the base loss, the gradient passing where yPred lies
   * inside [lo, hi] and zero outside (a clip's gradient, as Keras' clip): trains like the base loss.
   * 'loss': each sample's loss is clipped into range and, where clipped, its gradient is zero: a sample whose loss is
   * above hi stops teaching until its loss re-enters the range (with [0, 1] and cross-entropy, nothing trains while
   * the loss is above 1).
   */
  mode?: ClipMode;
  /** [lo, hi]; default [1e-7, 1 − 1e-7] (Keras' ε) for 'predictions', [0, 1] for 'loss'. */
  range?: readonly [number, number];
}

/** Bases that read logits only and so cannot take clipped predictions. */
const LOGITS_ONLY = ['sparseCrossEntropy', 'weightedCrossEntropy'];

/**
 * A loss with clipping, in either reading of the seed study's "clipped loss" (see ClippedOptions.mode):
 * clipped(crossEntropy) clips probabilities into [1e-7, 1 − 1e-7] first and trains like cross-entropy;
 * clipped(crossEntropy, { mode: 'loss', range: [0, 1] }) clips each sample's loss. The older positional form
 * clipped(base, [lo, hi]) is mode 'loss', as is a { name: 'clipped', base, range } spec without a mode: what every
 * model file saved before modes means, so such files load and train as they did.
 */
export function clipped(base: Loss | LossName | LossSpec, options?: ClippedOptions | readonly [number, number]): Loss {
  if (Array.isArray(options)) return makeClipped('losses.clipped', base, 'loss', options);
  const o = StrictOptions.read('losses.clipped', options, ['mode', 'range']);
  return makeClipped('losses.clipped', base, o.oneOf('mode', CLIP_MODES, 'predictions'), o.get('range'));
}
function makeClipped(owner: string, base: unknown, mode: ClipMode, range: unknown): Loss {
  if (range === undefined) range = mode === 'loss' ? [0, 1] : [EPS, 1 - EPS];
  if (!Array.isArray(range) || range.length !== 2) throw new TypeError(`${owner}: range must be [lo, hi], got ${given(range)}`);
  const lo = numberArg(owner, 'range[0] (lo)', range[0]), hi = numberArg(owner, 'range[1] (hi)', range[1]);
  if (!(lo <= hi)) throw new RangeError(`${owner}: range [${lo}, ${hi}] must have lo ≤ hi`);
  if (base === undefined) throw new TypeError(`${owner}: base must be a loss (a name, { name, ...options } or a Loss), got undefined`);
  const inner = getLoss(`${owner}: base`, base as LossName);
  if (mode === 'predictions' && LOGITS_ONLY.includes(inner.name)) {
    inner.dispose?.();
    throw new RangeError(`${owner}: base "${inner.name}" reads logits only, so its predictions cannot be clipped; use crossEntropy (probabilities), or mode 'loss'`);
  }
  const config = Object.freeze({ base: { name: inner.name, ...inner.config }, mode, range: [lo, hi] });
  if (mode === 'loss') {
    return Object.freeze({
      name: 'clipped', config, targets: inner.targets, fusesSoftmax: inner.fusesSoftmax, dispose: () => inner.dispose?.(),
      compute(yTrue: Tensor, yPred: Tensor, n: number, cols: number, loss: Tensor, dPred: Tensor | null, gradScale: number, ctx: LossContext) {
        inner.compute(yTrue, yPred, n, cols, loss, dPred, gradScale, ctx);
        kern.clipLoss(loss.ptr, dPred ? dPred.ptr : 0, n, cols, lo, hi);
      },
    });
  }
  // 'predictions': the base sees clamp(yPred, lo, hi) in a buffer this loss holds (made on first use, grown to the
  // largest batch, so steps after the first allocate nothing); never fused with a softmax, as Keras' clip breaks it.
  // Clamping and the gradient mask are comparisons and copies of float32 values: exact, the same on every engine.
  let held: Tensor | undefined;
  const flo = Math.fround(lo), fhi = Math.fround(hi);
  return Object.freeze({
    name: 'clipped', config, targets: inner.targets, fusesSoftmax: false,
    dispose: () => { inner.dispose?.(); held?.dispose(); held = undefined; },
    compute(yTrue: Tensor, yPred: Tensor, n: number, cols: number, loss: Tensor, dPred: Tensor | null, gradScale: number, ctx: LossContext) {
      const len = n * cols;
      if (!held || held.disposed || held.size < len) { held?.dispose(); held = untracked(() => empty([len], 'float32', 'clipped predictions')); }
      const f = backend().arena.f32, p = yPred.ptr >>> 2, q = held.ptr >>> 2;
      for (let i = 0; i < len; i++) { const v = f[p + i]; f[q + i] = v < flo ? flo : v > fhi ? fhi : v; }
      const rest = yPred.shape.slice(1), shape = rest.reduce((a, b) => a * b, n) === len ? [n, ...rest] : [n, cols];
      inner.compute(yTrue, viewOf(held.ptr, shape, 'float32', 'yPred clipped'), n, cols, loss, dPred, gradScale, { scratch: ctx.scratch });
      if (dPred) {
        const d = dPred.ptr >>> 2, g = backend().arena.f32;
        for (let i = 0; i < len; i++) { const v = g[p + i]; if (v < flo || v > fhi) g[d + i] = 0; }
      }
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

/** The loss names compile() and the command line accept (Keras' spellings are aliases). */
export type LossName = 'crossEntropy' | 'categoricalCrossEntropy' | 'sparseCrossEntropy' | 'sparseCategoricalCrossEntropy'
  | 'binaryCrossEntropy' | 'mse' | 'meanSquaredError' | 'mae' | 'meanAbsoluteError' | 'hinge' | 'categoricalHinge'
  | 'huber' | 'cosineProximity';

/** A loss as { name, ...its own options } (how models save it): a union by name, so each name takes only its options. */
export type LossSpec =
  | { name: 'crossEntropy' | 'categoricalCrossEntropy' | 'binaryCrossEntropy'; fromLogits?: boolean }
  | { name: 'sparseCrossEntropy' | 'sparseCategoricalCrossEntropy' | 'mse' | 'meanSquaredError' | 'mae' | 'meanAbsoluteError'
    | 'hinge' | 'categoricalHinge' | 'cosineProximity' }
  | { name: 'huber'; delta?: number }
  | ({ name: 'weightedCrossEntropy' } & WeightedCrossEntropyOptions)
  | ({ name: 'clipped'; base: LossName | LossSpec | Loss } & ClippedOptions);

// Each name: how to make it from the options of its { name, ...options } form, and which options it takes.
const noneOf = (f: (o?: Record<string, never>) => Loss) => (owner: string, c: Record<string, unknown>): Loss => { noOptions(owner, c); return f(); };
const BY_NAME: Record<string, (owner: string, c: Record<string, unknown>) => Loss> = {
  crossEntropy: makeCrossEntropy, categoricalCrossEntropy: makeCrossEntropy,
  sparseCrossEntropy: noneOf(sparseCrossEntropy), sparseCategoricalCrossEntropy: noneOf(sparseCrossEntropy),
  binaryCrossEntropy: makeBinaryCrossEntropy, mse: noneOf(mse), meanSquaredError: noneOf(mse),
  mae: noneOf(mae), meanAbsoluteError: noneOf(mae), hinge: noneOf(hinge), categoricalHinge: noneOf(categoricalHinge),
  huber: makeHuber, cosineProximity: noneOf(cosineProximity),
  weightedCrossEntropy: makeWeightedCrossEntropy,
  clipped: (owner, c) => {
    const o = StrictOptions.read(owner, c, ['base', 'mode', 'range']);
    // a range without a mode is the older form (every file saved before modes): the per-sample loss clip
    return makeClipped(owner, c.base, o.oneOf('mode', CLIP_MODES, c.range === undefined ? 'predictions' : 'loss'), c.range);
  },
};

/** Every loss name getLoss knows, aliases included (the CLI and docs list these). */
export const LOSS_NAMES: readonly string[] = Object.keys(BY_NAME);
/** The losses that have no default settings: they are given as { name, ...options } (weights, a base and range). */
export const LOSSES_NEEDING_OPTIONS: readonly string[] = ['weightedCrossEntropy', 'clipped'];

/**
 * A loss from a name, a { name, ...options } object (a saved config), a Loss, or a CustomLoss. Unknown names and
 * option keys are refused naming the nearest valid one. Typed code gets LossSpec checked; the second form takes what
 * files and the command line parsed, checked here.
 */
export function getLoss(owner: string, spec: LossName | Loss | CustomLoss | LossSpec): Loss;
export function getLoss(owner: string, spec: { name: string; [k: string]: unknown }): Loss;
export function getLoss(owner: string, given_: LossName | Loss | CustomLoss | LossSpec | { name: string; [k: string]: unknown }): Loss {
  const spec = given_ as LossName | Loss | CustomLoss | { name: string; [k: string]: unknown };
  if (spec && typeof spec === 'object' && typeof (spec as Loss).compute === 'function') return spec as Loss;
  if (spec && typeof spec === 'object' && 'forward' in spec) return custom(spec as CustomLoss);
  if (typeof spec !== 'string' && !isPlainObject(spec)) {
    throw new TypeError(`${owner}: loss must be a name (${LOSS_NAMES.join(', ')}), { name, ...options }, a Loss or a custom { name, forward, backward }, got ${given(spec)}`);
  }
  const name = typeof spec === 'string' ? spec : spec.name;
  if (typeof name !== 'string' || !Object.hasOwn(BY_NAME, name)) unknownName(owner, 'loss', name, LOSS_NAMES);
  const { name: _, ...cfg } = typeof spec === 'string' ? { name } : spec;
  for (const k of Object.keys(cfg)) if (cfg[k] === undefined) delete cfg[k];
  return BY_NAME[name](`${owner}: loss "${name}"`, cfg);
}
