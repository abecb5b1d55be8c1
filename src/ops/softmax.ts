// softmax and logSoftmax over the last axis, their gradients (from x and dy), and the fused softmax cross-entropy.
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from './tensor.js';
import { building, describe, floatArg, hasAxis, output, sameShape, withScratch } from './check.js';
import { StrictOptions } from './options.js';

function rowsOf(x: Tensor): [number, number] {
  const cols = x.shape[x.rank - 1];
  return [x.size / cols, cols];
}

function rowOp(kind: 'softmax' | 'logSoftmax', x: Tensor): Tensor {
  floatArg(kind, 'x', x); hasAxis(kind, 'x', x);
  const [rows, cols] = rowsOf(x);
  return building((own) => {
    const y = own(output(kind, x.shape));
    kern.softmaxRows(kind, x.ptr, y.ptr, rows, cols);
    return y;
  });
}

function rowGrad(kind: 'softmax' | 'logSoftmax', x: Tensor, dy: Tensor): Tensor {
  const op = `${kind}Grad` as const;
  floatArg(op, 'x', x); floatArg(op, 'dy', dy); sameShape(op, x, 'x', dy, 'dy'); hasAxis(op, 'x', x);
  const [rows, cols] = rowsOf(x);
  return building((own) => {
    const dx = own(output(op, x.shape));
    withScratch(output(op, x.shape, 'float32', `${op}.y`), (y) => {
      kern.softmaxRows(kind, x.ptr, y.ptr, rows, cols);
      kern.softmaxRowsGrad(op, y.ptr, dy.ptr, dx.ptr, rows, cols);
    });
    return dx;
  });
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
  floatArg(op, 'logits', logits); floatArg(op, 'target', target);
  if (logits.rank !== 2) throw new RangeError(`${op}: logits ${describe(logits)} must be 2-D [N, C]`);
  sameShape(op, logits, 'logits', target, 'target');
  const o = StrictOptions.read(op, options, ['gradient', 'gradScale']);
  const gradient = o.bool('gradient', false);
  const gradScale = o.number('gradScale', { default: 1 });
  const [rows, cols] = rowsOf(logits);
  return building((own) => {
    const loss = own(output(op, [rows], 'float32', `${op}.loss`));
    if (gradient) {
      const d = own(output(op, logits.shape, 'float32', `${op}.dLogits`));
      kern.softmaxCrossEntropy(logits.ptr, target.ptr, loss.ptr, d.ptr, rows, cols, gradScale, 0);
      return { loss, dLogits: d };
    }
    withScratch(output(op, [cols], 'float32', `${op}.scratch`), (scratch) => {
      kern.softmaxCrossEntropy(logits.ptr, target.ptr, loss.ptr, 0, rows, cols, 1, scratch.ptr);
    });
    return { loss };
  });
}
