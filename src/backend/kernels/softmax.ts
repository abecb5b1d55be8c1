// Typed wrappers of assembly/softmax.ts (row softmax, logSoftmax, their gradients, fused softmax cross-entropy): check
// sizes and offsets, then call the module. No math here.
import { backend } from '../module.js';
import { count, span, type Ptr } from '../checks.js';

/** Row-wise softmax or logSoftmax, x and y: [rows, cols]. */
export function softmaxRows(kind: 'softmax' | 'logSoftmax', x: Ptr, y: Ptr, rows: number, cols: number): void {
  count(kind, 'rows', rows); count(kind, 'cols', cols, 1);
  span(kind, 'x', x, rows * cols); span(kind, 'y', y, rows * cols);
  backend().exports[kind](x, y, rows, cols);
}

/** Row-wise backward from y = softmax(x) or y = logSoftmax(x). */
export function softmaxRowsGrad(kind: 'softmaxGrad' | 'logSoftmaxGrad', y: Ptr, dy: Ptr, dx: Ptr, rows: number, cols: number): void {
  count(kind, 'rows', rows); count(kind, 'cols', cols, 1);
  span(kind, 'y', y, rows * cols); span(kind, 'dy', dy, rows * cols); span(kind, 'dx', dx, rows * cols);
  backend().exports[kind](y, dy, dx, rows, cols);
}

/** Fused softmax cross-entropy: loss [rows], dlogits [rows, cols] (0 to skip, then scratch [cols] is used). */
export function softmaxCrossEntropy(logits: Ptr, target: Ptr, loss: Ptr, dlogits: Ptr, rows: number, cols: number,
  gradScale: number, scratch: Ptr): void {
  const k = 'softmaxCrossEntropy';
  count(k, 'rows', rows); count(k, 'cols', cols, 1);
  span(k, 'logits', logits, rows * cols); span(k, 'target', target, rows * cols); span(k, 'loss', loss, rows);
  if (dlogits !== 0) span(k, 'dlogits', dlogits, rows * cols); else span(k, 'scratch', scratch, cols);
  backend().exports.softmaxCrossEntropy(logits, target, loss, dlogits, rows, cols, gradScale, scratch);
}
