// softmax and logSoftmax over the last axis, their gradients (from x and dy), and the fused softmax cross-entropy.
import * as kern from '../backend/kernels/index.js';
import { empty, type Tensor } from './tensor.js';
import { describe, floatArg, sameShape } from './check.js';

function rowsOf(x: Tensor): [number, number] {
  const cols = x.shape[x.rank - 1];
  return [x.size / cols, cols];
}

function rowOp(kind: 'softmax' | 'logSoftmax', x: Tensor): Tensor {
  floatArg(kind, 'x', x);
  const y = empty(x.shape, 'float32', kind);
  const [rows, cols] = rowsOf(x);
  kern.softmaxRows(kind, x.ptr, y.ptr, rows, cols);
  return y;
}

function rowGrad(kind: 'softmax' | 'logSoftmax', x: Tensor, dy: Tensor): Tensor {
  const op = `${kind}Grad` as const;
  floatArg(op, 'x', x); floatArg(op, 'dy', dy); sameShape(op, x, 'x', dy, 'dy');
  const [rows, cols] = rowsOf(x);
  const y = empty(x.shape, 'float32', `${op}.y`);
  kern.softmaxRows(kind, x.ptr, y.ptr, rows, cols);
  const dx = empty(x.shape, 'float32', op);
  kern.softmaxRowsGrad(op, y.ptr, dy.ptr, dx.ptr, rows, cols);
  y.dispose();
  return dx;
}

/** softmax over the last axis. */
export function softmax(x: Tensor): Tensor { return rowOp('softmax', x); }
/** log softmax over the last axis (stable: x − max − log Σ exp(x − max)). */
export function logSoftmax(x: Tensor): Tensor { return rowOp('logSoftmax', x); }
/** dx for y = softmax(x) given dy. */
export function softmaxGrad(x: Tensor, dy: Tensor): Tensor { return rowGrad('softmax', x, dy); }
/** dx for y = logSoftmax(x) given dy. */
export function logSoftmaxGrad(x: Tensor, dy: Tensor): Tensor { return rowGrad('logSoftmax', x, dy); }

/**
 * Per-row cross-entropy of softmax(logits) against target probabilities (one-hot or soft), fused and stable.
 * logits, target: [N, C] → { loss: [N], dLogits: [N, C] = gradScale·(softmax − target) } (dLogits when wanted).
 */
export function softmaxCrossEntropy(logits: Tensor, target: Tensor, options: { gradient?: boolean; gradScale?: number } = {}):
  { loss: Tensor; dLogits?: Tensor } {
  const op = 'softmaxCrossEntropy';
  floatArg(op, 'logits', logits); floatArg(op, 'target', target); sameShape(op, logits, 'logits', target, 'target');
  if (logits.rank !== 2) throw new RangeError(`${op}: logits ${describe(logits)} must be 2-D [N, C]`);
  const [rows, cols] = rowsOf(logits);
  const loss = empty([rows], 'float32', `${op}.loss`);
  if (options.gradient) {
    const d = empty(logits.shape, 'float32', `${op}.dLogits`);
    kern.softmaxCrossEntropy(logits.ptr, target.ptr, loss.ptr, d.ptr, rows, cols, options.gradScale ?? 1, 0);
    return { loss, dLogits: d };
  }
  const scratch = empty([cols], 'float32', `${op}.scratch`);
  kern.softmaxCrossEntropy(logits.ptr, target.ptr, loss.ptr, 0, rows, cols, 1, scratch.ptr);
  scratch.dispose();
  return { loss };
}
