// Metrics counted on planned buffers: categorical accuracy (first arg-max agreement, a kernel), top-k accuracy, binary
// accuracy (element-wise threshold 0.5), plus the confusion matrix from argMax. Counting in JavaScript; no float math.
import * as kern from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import type { Tensor } from '../ops/tensor.js';
import type { TargetKind } from '../nets/losses.js';
import { given, isPlainObject, StrictOptions, unknownName } from '../ops/options.js';

/** What a metric counts: arg-max agreement within the top k, or element-wise agreement at threshold 0.5. */
export type MetricKind = 'categorical' | 'binary';

/** A metric's saved form: what getMetric rebuilds it from. */
export type MetricConfig = 'accuracy' | 'binaryAccuracy' | 'categoricalAccuracy' | { name: 'topKAccuracy'; k: number };

export interface Metric {
  /** The name in logs and results ('accuracy', 'binaryAccuracy', 'top5Accuracy', …). */
  readonly name: string;
  /** Arg-max agreement or element-wise agreement at 0.5. */
  readonly kind: MetricKind;
  /** Categorical: how many of the top predictions may hold the true class (1: the first arg-max). */
  readonly k: number;
  readonly config: MetricConfig;
}

/**
 * 'accuracy' chooses as Keras does when it compiles (standalone Keras 2 and TensorFlow.js: by the loss and the output
 * width): binary accuracy with a binary cross-entropy loss or a one-column output, else categorical accuracy.
 * 'binaryAccuracy' and 'categoricalAccuracy' ask for one explicitly; 'topKAccuracy' is k = 5.
 */
export type MetricSpec = MetricConfig | 'topKAccuracy' | Metric;

/** Every metric name getMetric knows (the docs list these). */
export const METRIC_NAMES = ['accuracy', 'binaryAccuracy', 'categoricalAccuracy', 'topKAccuracy'] as const;

/** The loss facts 'accuracy' is resolved by. */
export interface MetricLossInfo { readonly name: string; readonly targets: TargetKind }

/** A metric from its spec; loss (the compiled loss) resolves 'accuracy' and refuses binary accuracy on int labels. */
export function getMetric(spec: MetricSpec, loss?: MetricLossInfo): Metric {
  const owner = 'compile: metrics';
  if (isMetric(spec)) return spec;
  let m: Metric;
  if (spec === 'accuracy') {
    const binary = loss?.name === 'binaryCrossEntropy';
    m = { name: 'accuracy', kind: binary ? 'binary' : 'categorical', k: 1, config: 'accuracy' };
  } else if (spec === 'binaryAccuracy') {
    m = { name: 'binaryAccuracy', kind: 'binary', k: 1, config: 'binaryAccuracy' };
  } else if (spec === 'categoricalAccuracy') {
    m = { name: 'categoricalAccuracy', kind: 'categorical', k: 1, config: 'categoricalAccuracy' };
  } else if (spec === 'topKAccuracy') {
    m = { name: 'top5Accuracy', kind: 'categorical', k: 5, config: { name: 'topKAccuracy', k: 5 } };
  } else if (isPlainObject(spec)) {
    const name: unknown = spec.name;
    if (name !== 'topKAccuracy') {
      if (typeof name === 'string' && (METRIC_NAMES as readonly string[]).includes(name)) {
        throw new RangeError(`${owner}: metric "${name}" takes no options: give it as the string '${name}'`);
      }
      unknownName(owner, 'metric', name, METRIC_NAMES);
    }
    const o = StrictOptions.read(`${owner}: topKAccuracy`, spec, ['name', 'k'], true);
    const k = o.number('k', { integer: true, min: 1 });
    m = { name: `top${k}Accuracy`, kind: 'categorical', k, config: { name: 'topKAccuracy', k } };
  } else if (typeof spec === 'string') {
    unknownName(owner, 'metric', spec, METRIC_NAMES);
  } else {
    throw new TypeError(`${owner}: a metric is a name (${METRIC_NAMES.join(', ')}) or { name: 'topKAccuracy', k }, got ${given(spec)}`);
  }
  if (m.kind === 'binary' && loss?.targets === 'sparse') {
    throw new RangeError(`${owner}: ${m.name} compares outputs element-wise with dense 0/1 targets; loss "${loss.name}" takes integer labels (use 'accuracy')`);
  }
  return m;
}

function isMetric(v: unknown): v is Metric {
  return isPlainObject(v) && typeof v.name === 'string' && (v.kind === 'categorical' || v.kind === 'binary') && typeof v.k === 'number' && 'config' in v;
}

/**
 * The count of correct rows among the first n (rows of width cols). Categorical: the true class within the top k
 * predictions (k = 1: Keras' accuracy, the first arg-max; k > 1: ties count, as TensorFlow's in_top_k); with one
 * column and dense targets, binary. Binary (Keras' binary_accuracy): each element is right when yTrue equals
 * (yPred > 0.5 ? 1 : 0); a row counts its fraction of right elements.
 */
export function countCorrect(m: Metric, pred: Tensor, target: Tensor, n: number, cols: number, targets: TargetKind): number {
  if (m.kind === 'binary' || (cols === 1 && targets === 'dense' && m.config === 'accuracy')) {
    const f = backend().arena.f32, p = pred.ptr >>> 2, t = target.ptr >>> 2, len = n * cols;
    let c = 0;
    for (let i = 0; i < len; i++) if (f[t + i] === (f[p + i] > 0.5 ? 1 : 0)) c++;
    return c / cols;
  }
  return targets === 'sparse'
    ? kern.countCorrectSparse(pred.ptr, target.ptr, n, cols, m.k)
    : kern.countCorrect(pred.ptr, target.ptr, n, cols, m.k);
}

/** Adds the first n rows into counts[true][predicted] (a C×C matrix, row = true class). */
export function addConfusion(counts: number[][], pred: Tensor, target: Tensor, n: number, cols: number, targets: TargetKind,
  scratch: Tensor): void {
  const i32 = () => backend().arena.i32;
  kern.argMax(pred.ptr, scratch.ptr, n, cols, 1);
  const p = Array.from(i32().subarray(scratch.ptr >>> 2, (scratch.ptr >>> 2) + n));
  let t: number[];
  if (targets === 'sparse') t = Array.from(i32().subarray(target.ptr >>> 2, (target.ptr >>> 2) + n));
  else { kern.argMax(target.ptr, scratch.ptr, n, cols, 1); t = Array.from(i32().subarray(scratch.ptr >>> 2, (scratch.ptr >>> 2) + n)); }
  for (let i = 0; i < n; i++) counts[t[i]][p[i]]++;
}
