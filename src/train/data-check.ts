// What fit, evaluate, predict and trainOnBatch check of their data against a model: x [N, ...inputShape] float32, and y
// as the loss wants it (one-hot or values [N, ...outputShape] float32, or int32 class labels [N] for a sparse loss).
import { Tensor } from '../ops/tensor.js';
import type { Loss } from '../nets/losses.js';

/** Checks x and y against the model and loss; returns the number of samples. Errors name the op, tensor and shape. */
export function checkData(model: { readonly inputShape: readonly number[]; readonly outputShape: readonly number[] },
  op: string, x: Tensor, y: Tensor | undefined, loss?: Loss): number {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: x must be a Tensor`);
  const n = x.shape[0];
  const want = [n, ...model.inputShape];
  if (x.dtype !== 'float32' || x.rank !== want.length || x.shape.some((d, i) => d !== want[i])) {
    throw new RangeError(`${op}: x "${x.name}" is [${x.shape.join(', ')}] ${x.dtype}; the model takes [N, ${model.inputShape.join(', ')}] float32`);
  }
  if (y === undefined) return n;
  if (!(y instanceof Tensor)) throw new TypeError(`${op}: y must be a Tensor`);
  if (loss?.targets === 'sparse') {
    if (y.dtype !== 'int32' || y.rank !== 1 || y.shape[0] !== n) {
      throw new RangeError(`${op}: loss ${loss.name} takes int32 class labels [${n}]; y "${y.name}" is [${y.shape.join(', ')}] ${y.dtype}`);
    }
    const classes = model.outputShape[model.outputShape.length - 1];
    const labels = y.toInt32Array();
    const badAt = labels.findIndex((v) => v < 0 || v >= classes);
    if (badAt >= 0) throw new RangeError(`${op}: label ${labels[badAt]} at sample ${badAt} is outside the model's ${classes} classes`);
  } else {
    const wantY = [n, ...model.outputShape];
    if (y.dtype !== 'float32' || y.rank !== wantY.length || y.shape.some((d, i) => d !== wantY[i])) {
      throw new RangeError(`${op}: y "${y.name}" is [${y.shape.join(', ')}] ${y.dtype}; the model predicts [${wantY.join(', ')}] float32` +
        (y.dtype === 'int32' ? ' (one-hot encode the labels with data.oneHot, or use loss sparseCrossEntropy)' : ''));
    }
  }
  return n;
}
