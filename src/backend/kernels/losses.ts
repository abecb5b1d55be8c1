// Typed wrappers of assembly/losses.ts (per-sample losses and their gradients, loss clipping, sample weights, correct
// counts): check sizes, offsets and labels, then call the module. No math on values. d = 0 skips a gradient.
import { backend } from '../module.js';
import { bad, count, span, type Ptr } from '../checks.js';

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
    const c = i32[(labels >>> 2) + r];
    if (!(c >= 0 && c < cols)) bad(k, `labels[${r}] = ${c} is not a class index in [0, ${cols})`);
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
