// Typed wrappers of assembly/optim.ts (fused optimizer updates, clipping, sums of squares, regularizers, the finite
// check): check sizes and offsets, then call the module. No math on values. Decay rates (rho, b1, b2) cross as
// float64 (the kernels form 1 − rate exactly); the other values as float32.
import { backend } from '../module.js';
import { bad, count, span, type Ptr } from '../checks.js';

// ---- optimizers: w, g and every state buffer: [n], updated in place ----
function updateSpans(k: string, n: number, bufs: Record<string, Ptr>): void {
  count(k, 'n', n, 0);
  for (const name in bufs) span(k, name, bufs[name], n);
}

export function sgdUpdate(w: Ptr, g: Ptr, n: number, lr: number): void {
  updateSpans('sgdUpdate', n, { w, g });
  backend().exports.sgdUpdate(w, g, n, lr);
}

export function momentumUpdate(w: Ptr, g: Ptr, v: Ptr, n: number, lr: number, mu: number, nesterov: boolean): void {
  updateSpans('momentumUpdate', n, { w, g, v });
  backend().exports.momentumUpdate(w, g, v, n, lr, mu, nesterov ? 1 : 0);
}

/** epsInside: w −= lr·g/√(acc + eps) (Keras), else w −= lr·g/(√acc + eps) (PyTorch). */
export function adagradUpdate(w: Ptr, g: Ptr, acc: Ptr, n: number, lr: number, eps: number, epsInside: boolean): void {
  updateSpans('adagradUpdate', n, { w, g, acc });
  backend().exports.adagradUpdate(w, g, acc, n, lr, eps, epsInside ? 1 : 0);
}

/** epsInside: w −= lr·g/√(ms + eps) (Keras, TensorFlow.js), else w −= lr·g/(√ms + eps) (PyTorch). */
export function rmspropUpdate(w: Ptr, g: Ptr, ms: Ptr, n: number, lr: number, rho: number, eps: number, epsInside: boolean): void {
  updateSpans('rmspropUpdate', n, { w, g, ms });
  backend().exports.rmspropUpdate(w, g, ms, n, lr, rho, eps, epsInside ? 1 : 0);
}

/**
 * w −= lr·c1·m/(√(c2·v) + eps) after the moment updates: Keras passes c1 = √(1 − b2^t)/(1 − b1^t), c2 = 1; PyTorch
 * c1 = 1/(1 − b1^t), c2 = 1/(1 − b2^t). wd ≠ 0 gives decoupled weight decay (AdamW).
 */
export function adamUpdate(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, b1: number, b2: number, eps: number,
  c1: number, c2: number, wd: number): void {
  updateSpans('adamUpdate', n, { w, g, m, v });
  backend().exports.adamUpdate(w, g, m, v, n, lr, b1, b2, eps, c1, c2, wd);
}

/** w −= lr·(cm·m + cg·g)/(√(c2·v) + eps) after the moment updates (cm, cg carry Keras' momentum schedule). */
export function nadamUpdate(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, b1: number, b2: number, eps: number,
  cm: number, cg: number, c2: number): void {
  updateSpans('nadamUpdate', n, { w, g, m, v });
  backend().exports.nadamUpdate(w, g, m, v, n, lr, b1, b2, eps, cm, cg, c2);
}

export function clipByValue(g: Ptr, n: number, c: number): void {
  updateSpans('clipByValue', n, { g });
  if (!(c >= 0)) bad('clipByValue', `c = ${c} must be ≥ 0`);
  backend().exports.clipByValue(g, n, c);
}

/** Σ x² in float64, fixed order. */
export function sumSquares(x: Ptr, n: number): number {
  updateSpans('sumSquares', n, { x });
  return backend().exports.sumSquares(x, n);
}

/** g += l1·sign(w) + 2·l2·w; returns the penalty l1·Σ|w| + l2·Σw² (float64). */
export function regularize(w: Ptr, g: Ptr, n: number, l1: number, l2: number): number {
  updateSpans('regularize', n, { w, g });
  return backend().exports.regularize(w, g, n, l1, l2);
}

/** True when no element of x [n] is NaN or ±Inf. */
export function allFinite(x: Ptr, n: number): boolean {
  updateSpans('allFinite', n, { x });
  return backend().exports.allFinite(x, n) === 1;
}
