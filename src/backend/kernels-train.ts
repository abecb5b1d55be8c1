// Typed wrappers for the training kernels (assembly/losses.ts, assembly/optim.ts): check sizes, offsets and labels,
// then call the module. No math on values. Offsets are byte addresses; sizes are element counts; d = 0 skips a gradient.
import { backend } from './module.js';
import { bad, count, span, type Ptr } from './checks.js';

// A loss over [rows, cols]: inputs a and b, loss [rows], d [rows, cols] unless 0.
function lossSpans(k: string, aName: string, a: Ptr, bName: string, b: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number): void {
  count(k, 'rows', rows, 0); count(k, 'cols', cols, 1);
  span(k, aName, a, rows * cols); span(k, bName, b, rows * cols); span(k, 'loss', loss, rows);
  if (d !== 0) span(k, 'd', d, rows * cols);
}

// labels: int32 [rows], each in [0, cols).
function labelSpan(k: string, labels: Ptr, rows: number, cols: number): void {
  span(k, 'labels', labels, rows);
  const i32 = backend().arena.i32;
  for (let r = 0; r < rows; r++) {
    const c = i32[(labels >> 2) + r];
    if (c < 0 || c >= cols) bad(k, `labels[${r}] = ${c} is not a class index in [0, ${cols})`);
  }
}

// ---- losses: t = yTrue, p = yPred: [rows, cols]; loss: [rows]; d: [rows, cols] or 0 ----

export function mseLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void {
  lossSpans('mseLoss', 'yTrue', t, 'yPred', p, loss, d, rows, cols);
  backend().exports.mseLoss(t, p, loss, d, rows, cols, gradScale);
}

export function maeLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void {
  lossSpans('maeLoss', 'yTrue', t, 'yPred', p, loss, d, rows, cols);
  backend().exports.maeLoss(t, p, loss, d, rows, cols, gradScale);
}

export function huberLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number, delta: number): void {
  lossSpans('huberLoss', 'yTrue', t, 'yPred', p, loss, d, rows, cols);
  if (!(delta > 0)) bad('huberLoss', `delta = ${delta} must be > 0`);
  backend().exports.huberLoss(t, p, loss, d, rows, cols, gradScale, delta);
}

export function hingeLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void {
  lossSpans('hingeLoss', 'yTrue', t, 'yPred', p, loss, d, rows, cols);
  backend().exports.hingeLoss(t, p, loss, d, rows, cols, gradScale);
}

export function categoricalHingeLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void {
  lossSpans('categoricalHingeLoss', 'yTrue', t, 'yPred', p, loss, d, rows, cols);
  backend().exports.categoricalHingeLoss(t, p, loss, d, rows, cols, gradScale);
}

export function binaryCrossEntropyLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number, eps: number): void {
  lossSpans('binaryCrossEntropyLoss', 'yTrue', t, 'yPred', p, loss, d, rows, cols);
  if (!(eps > 0 && eps < 0.5)) bad('binaryCrossEntropyLoss', `eps = ${eps} must be in (0, 0.5)`);
  backend().exports.binaryCrossEntropyLoss(t, p, loss, d, rows, cols, gradScale, eps);
}

export function binaryCrossEntropyLogitsLoss(t: Ptr, x: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void {
  lossSpans('binaryCrossEntropyLogitsLoss', 'yTrue', t, 'logits', x, loss, d, rows, cols);
  backend().exports.binaryCrossEntropyLogitsLoss(t, x, loss, d, rows, cols, gradScale);
}

export function crossEntropyProbLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number, eps: number): void {
  lossSpans('crossEntropyProbLoss', 'yTrue', t, 'yPred', p, loss, d, rows, cols);
  if (!(eps > 0)) bad('crossEntropyProbLoss', `eps = ${eps} must be > 0`);
  backend().exports.crossEntropyProbLoss(t, p, loss, d, rows, cols, gradScale, eps);
}

/** x: logits [rows, cols]; labels: int32 [rows] (checked to lie in [0, cols)); scratch: [cols], used when d = 0. */
export function sparseSoftmaxCrossEntropy(x: Ptr, labels: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number,
  gradScale: number, scratch: Ptr): void {
  const k = 'sparseSoftmaxCrossEntropy';
  count(k, 'rows', rows, 0); count(k, 'cols', cols, 1);
  span(k, 'logits', x, rows * cols); span(k, 'loss', loss, rows);
  labelSpan(k, labels, rows, cols);
  if (d !== 0) span(k, 'd', d, rows * cols); else span(k, 'scratch', scratch, cols);
  backend().exports.sparseSoftmaxCrossEntropy(x, labels, loss, d, rows, cols, gradScale, scratch);
}

/** x: logits, t: targets [rows, cols]; classW: [cols]; pairW: [cols, cols] (true, predicted); scratch: [cols] when d = 0. */
export function weightedSoftmaxCrossEntropy(x: Ptr, t: Ptr, classW: Ptr, pairW: Ptr, loss: Ptr, d: Ptr, rows: number,
  cols: number, gradScale: number, scratch: Ptr): void {
  const k = 'weightedSoftmaxCrossEntropy';
  lossSpans(k, 'logits', x, 'yTrue', t, loss, d, rows, cols);
  span(k, 'classW', classW, cols); span(k, 'pairW', pairW, cols * cols);
  if (d === 0) span(k, 'scratch', scratch, cols);
  backend().exports.weightedSoftmaxCrossEntropy(x, t, classW, pairW, loss, d, rows, cols, gradScale, scratch);
}

export function cosineProximityLoss(t: Ptr, p: Ptr, loss: Ptr, d: Ptr, rows: number, cols: number, gradScale: number): void {
  lossSpans('cosineProximityLoss', 'yTrue', t, 'yPred', p, loss, d, rows, cols);
  backend().exports.cosineProximityLoss(t, p, loss, d, rows, cols, gradScale);
}

/** Clamps loss [rows] into [lo, hi]; rows clamped get a zero gradient row in d [rows, cols] (d = 0: none). */
export function clipLoss(loss: Ptr, d: Ptr, rows: number, cols: number, lo: number, hi: number): void {
  const k = 'clipLoss';
  count(k, 'rows', rows, 0); count(k, 'cols', cols, 1);
  if (!(lo <= hi)) bad(k, `bounds [${lo}, ${hi}] must have lo ≤ hi`);
  span(k, 'loss', loss, rows);
  if (d !== 0) span(k, 'd', d, rows * cols);
  backend().exports.clipLoss(loss, d, rows, cols, lo, hi);
}

/** x [rows, cols] *= w [rows] per row, in place. */
export function scaleRows(x: Ptr, w: Ptr, rows: number, cols: number): void {
  const k = 'scaleRows';
  count(k, 'rows', rows, 0); count(k, 'cols', cols, 0);
  span(k, 'x', x, rows * cols); span(k, 'w', w, rows);
  backend().exports.scaleRows(x, w, rows, cols);
}

/** Rows of p [rows, cols] whose true class (first argmax of t [rows, cols]) is in the top k (ties count as correct). */
export function countCorrect(p: Ptr, t: Ptr, rows: number, cols: number, k: number): number {
  const kn = 'countCorrect';
  count(kn, 'rows', rows, 0); count(kn, 'cols', cols, 1); count(kn, 'k', k, 1);
  span(kn, 'yPred', p, rows * cols); span(kn, 'yTrue', t, rows * cols);
  return backend().exports.countCorrect(p, t, rows, cols, k);
}

/** countCorrect with labels: int32 [rows] (checked to lie in [0, cols)). */
export function countCorrectSparse(p: Ptr, labels: Ptr, rows: number, cols: number, k: number): number {
  const kn = 'countCorrectSparse';
  count(kn, 'rows', rows, 0); count(kn, 'cols', cols, 1); count(kn, 'k', k, 1);
  span(kn, 'yPred', p, rows * cols);
  labelSpan(kn, labels, rows, cols);
  return backend().exports.countCorrectSparse(p, labels, rows, cols, k);
}

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

export function adagradUpdate(w: Ptr, g: Ptr, acc: Ptr, n: number, lr: number, eps: number): void {
  updateSpans('adagradUpdate', n, { w, g, acc });
  backend().exports.adagradUpdate(w, g, acc, n, lr, eps);
}

export function rmspropUpdate(w: Ptr, g: Ptr, ms: Ptr, n: number, lr: number, rho: number, eps: number): void {
  updateSpans('rmspropUpdate', n, { w, g, ms });
  backend().exports.rmspropUpdate(w, g, ms, n, lr, rho, eps);
}

/** c1 = 1/(1 − b1^t), c2 = 1/(1 − b2^t) for step t ≥ 1; wd ≠ 0 gives decoupled weight decay (AdamW). */
export function adamUpdate(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, b1: number, b2: number, eps: number,
  c1: number, c2: number, wd: number): void {
  updateSpans('adamUpdate', n, { w, g, m, v });
  backend().exports.adamUpdate(w, g, m, v, n, lr, b1, b2, eps, c1, c2, wd);
}

/** c1 = 1/(1 − b1^t), c1next = 1/(1 − b1^{t+1}), c2 = 1/(1 − b2^t). */
export function nadamUpdate(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, b1: number, b2: number, eps: number,
  c1: number, c1next: number, c2: number): void {
  updateSpans('nadamUpdate', n, { w, g, m, v });
  backend().exports.nadamUpdate(w, g, m, v, n, lr, b1, b2, eps, c1, c1next, c2);
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
