// Metrics counted on planned buffers by kernels: accuracy (argmax agreement; binary threshold 0.5 for one output) and
// top-k accuracy, plus the confusion matrix from argMax. Counting integers in JavaScript is fine; no float math.
import * as kern from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import type { Tensor } from '../ops/tensor.js';
import type { TargetKind } from '../nets/losses.js';

export interface Metric { readonly name: string; readonly k: number }

export type MetricSpec = 'accuracy' | 'topKAccuracy' | { name: 'topKAccuracy'; k: number } | Metric;

export function getMetric(spec: MetricSpec): Metric {
  if (spec === 'accuracy') return { name: 'accuracy', k: 1 };
  if (spec === 'topKAccuracy') return { name: 'top5Accuracy', k: 5 };
  if (typeof spec === 'object' && spec && (spec.name === 'topKAccuracy' || /^top\d+Accuracy$/.test(spec.name))) {
    const k = spec.k;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`metric topKAccuracy: k must be a positive integer, got ${k}`);
    return { name: `top${k}Accuracy`, k };
  }
  throw new RangeError(`unknown metric ${JSON.stringify(spec)} (expected 'accuracy', 'topKAccuracy' or { name: 'topKAccuracy', k })`);
}

/** Rows among the first n whose true class is within the top k predictions (k = 1: Keras' accuracy, the first arg-max; k > 1: ties count, as TensorFlow's in_top_k). */
export function countCorrect(m: Metric, pred: Tensor, target: Tensor, n: number, cols: number, targets: TargetKind): number {
  if (cols === 1 && targets === 'dense') {
    // One output: binary accuracy at threshold 0.5 (comparisons only).
    const f = backend().arena.f32, p = pred.ptr >>> 2, t = target.ptr >>> 2;
    let c = 0;
    for (let i = 0; i < n; i++) if ((f[p + i] > 0.5) === (f[t + i] > 0.5)) c++;
    return c;
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
