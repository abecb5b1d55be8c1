// Batch normalisation over the last axis (channels; NHWC images and [N, C] features alike): the training forward
// (batch statistics, optional in-place update of the moving statistics), the inference forward, and the gradient.
import * as kern from '../backend/kernels/index.js';
import { fill } from '../backend/kernels/index.js';
import { empty, type Tensor } from './tensor.js';
import { describe, floatArg, fmt, sameShape } from './check.js';

export interface BatchNormOptions {
  /** Added to the variance (Keras default 1e-3). */
  epsilon?: number;
  /** moving = momentum·moving + (1 − momentum)·batch (Keras default 0.99); the batch variance is unbiased, M/(M − 1). */
  momentum?: number;
  /** Moving statistics [C], updated in place when given. */
  movingMean?: Tensor;
  movingVariance?: Tensor;
}

// x viewed as [M, C]; checks that each per-channel tensor has shape [C].
function channels(op: string, x: Tensor, params: [string, Tensor | undefined][]): [number, number] {
  if (x.rank < 1) throw new RangeError(`${op}: x ${describe(x)} must have a channel axis`);
  const C = x.shape[x.rank - 1];
  for (const [name, t] of params) {
    if (t === undefined) continue;
    floatArg(op, name, t);
    if (t.rank !== 1 || t.shape[0] !== C) {
      throw new RangeError(`${op}: ${name} ${describe(t)} must have shape ${fmt([C])}, the channels of x ${describe(x)}`);
    }
  }
  return [x.size / C, C];
}

function epsilonOpt(op: string, eps: number, x: Tensor): number {
  if (typeof eps !== 'number' || !(Number.isFinite(eps) && Math.fround(eps) > 0)) {
    throw new RangeError(`${op}: epsilon ${String(eps)} for x ${describe(x)} must be a positive number`);
  }
  return eps;
}

/**
 * Training-mode batch normalisation: y = gamma·(x − mean)/sqrt(var + epsilon) + beta with the batch mean and
 * (biased) variance per channel. Returns y and the saved mean and invStd = 1/sqrt(var + epsilon) for batchNormGrad.
 * gamma, beta: [C] for x [..., C].
 */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormOptions = {}):
  { y: Tensor; mean: Tensor; invStd: Tensor } {
  const op = 'batchNorm';
  floatArg(op, 'x', x);
  const { movingMean, movingVariance } = options;
  const [M, C] = channels(op, x, [['gamma', gamma], ['beta', beta], ['movingMean', movingMean], ['movingVariance', movingVariance]]);
  const eps = epsilonOpt(op, options.epsilon ?? 1e-3, x);
  const momentum = options.momentum ?? 0.99;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new RangeError(`${op}: momentum ${String(momentum)} for x ${describe(x)} must be in [0, 1]`);
  }
  const y = empty(x.shape, 'float32', op);
  const mean = empty([C], 'float32', `${op}.mean`), invStd = empty([C], 'float32', `${op}.invStd`);
  kern.batchNormTrain({ x: x.ptr, y: y.ptr, M, C, gamma: gamma.ptr, beta: beta.ptr, eps, momentum,
    saveMean: mean.ptr, saveInvStd: invStd.ptr, runMean: movingMean?.ptr ?? 0, runVar: movingVariance?.ptr ?? 0 });
  return { y, mean, invStd };
}

/** Inference-mode batch normalisation with the moving statistics: gamma·(x − movingMean)/sqrt(movingVariance + epsilon) + beta. */
export function batchNormInference(x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor,
  options: { epsilon?: number } = {}): Tensor {
  const op = 'batchNormInference';
  floatArg(op, 'x', x);
  const [M, C] = channels(op, x, [['gamma', gamma], ['beta', beta], ['movingMean', movingMean], ['movingVariance', movingVariance]]);
  const eps = epsilonOpt(op, options.epsilon ?? 1e-3, x);
  const y = empty(x.shape, 'float32', op);
  kern.batchNormInfer(x.ptr, y.ptr, M, C, gamma.ptr, beta.ptr, movingMean.ptr, movingVariance.ptr, eps);
  return y;
}

/**
 * Gradients of the training forward, from x, dy and the mean and invStd it returned:
 * { dx: like x, dGamma: [C], dBeta: [C] }.
 */
export function batchNormGrad(x: Tensor, dy: Tensor, gamma: Tensor, mean: Tensor, invStd: Tensor):
  { dx: Tensor; dGamma: Tensor; dBeta: Tensor } {
  const op = 'batchNormGrad';
  floatArg(op, 'x', x); floatArg(op, 'dy', dy); sameShape(op, x, 'x', dy, 'dy');
  const [M, C] = channels(op, x, [['gamma', gamma], ['mean', mean], ['invStd', invStd]]);
  const dx = empty(x.shape, 'float32', op);
  const dGamma = empty([C], 'float32', `${op}.dGamma`), dBeta = empty([C], 'float32', `${op}.dBeta`);
  fill(dGamma.ptr, 0, C); fill(dBeta.ptr, 0, C); // the kernel accumulates
  kern.batchNormGrad(x.ptr, dy.ptr, dx.ptr, M, C, gamma.ptr, mean.ptr, invStd.ptr, dGamma.ptr, dBeta.ptr);
  return { dx, dGamma, dBeta };
}
