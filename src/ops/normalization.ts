// Batch normalisation over the last axis (channels; NHWC images and [N, C] features alike): the training forward
// (batch statistics, optional in-place update of the moving statistics), the inference forward, and the gradient.
import * as kern from '../backend/kernels/index.js';
import { fill } from '../backend/kernels/index.js';
import { Tensor } from './tensor.js';
import { building, describe, floatArg, fmt, hasAxis, output, sameShape } from './check.js';
import { StrictOptions } from './options.js';

/** Options of ops.batchNorm(). */
export interface BatchNormOptions {
  /** Added to the variance (Keras default 1e-3). */
  epsilon?: number;
  /** moving = momentum·moving + (1 − momentum)·batch (Keras default 0.99); the batch variance is the biased one (Keras 3). */
  momentum?: number;
  /** Moving statistics [C], updated in place when given. */
  movingMean?: Tensor;
  movingVariance?: Tensor;
}

// x viewed as [M, C]; checks that each per-channel tensor is a live float32 [C].
function channels(op: string, x: Tensor, params: [string, unknown][]): [number, number] {
  floatArg(op, 'x', x);
  hasAxis(op, 'x', x, 'a channel axis');
  const C = x.shape[x.rank - 1];
  for (const [name, v] of params) {
    const t = floatArg(op, name, v);
    if (t.rank !== 1 || t.shape[0] !== C) {
      throw new RangeError(`${op}: ${name} ${describe(t)} must have shape ${fmt([C])}, the channels of x ${describe(x)}`);
    }
  }
  return [x.size / C, C];
}

/** What option errors say the options were for: ' for x "name" [shape]' (x may not be a tensor yet). */
const forX = (x: unknown): string => (x instanceof Tensor && !x.disposed ? ` for x ${describe(x)}` : '');

// epsilon: positive also in float32 (the kernels add it in float32).
const epsilonOf = (o: StrictOptions): number => {
  const eps = o.number('epsilon', { min: 0, minExclusive: true, default: 1e-3 });
  if (!(Math.fround(eps) > 0)) o.outOfRange('epsilon', 'a finite number > 0 in float32');
  return eps;
};

/**
 * Training-mode batch normalisation: y = gamma·(x − mean)/sqrt(var + epsilon) + beta with the batch mean and
 * (biased) variance per channel. Returns y and the saved mean and invStd = 1/sqrt(var + epsilon) for batchNormGrad.
 * gamma, beta: [C] for x [..., C].
 */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormOptions = {}):
  { y: Tensor; mean: Tensor; invStd: Tensor } {
  const op = 'batchNorm';
  const o = StrictOptions.read(op, options, ['epsilon', 'momentum', 'movingMean', 'movingVariance'], false, forX(x));
  const moving: [string, unknown][] = (['movingMean', 'movingVariance'] as const).filter((k) => o.has(k)).map((k) => [k, o.get(k)]);
  const [M, C] = channels(op, x, [['gamma', gamma], ['beta', beta], ...moving]);
  const eps = epsilonOf(o);
  const momentum = o.number('momentum', { min: 0, max: 1, default: 0.99 });
  const movingMean = o.get('movingMean') as Tensor | undefined, movingVariance = o.get('movingVariance') as Tensor | undefined;
  for (const [name, t] of moving) {
    if (t === x || t === gamma || t === beta || (name === 'movingVariance' && t === movingMean)) {
      throw new RangeError(`${op}: ${name} ${describe(t as Tensor)} is updated in place, so it must be a tensor of its own (not x, gamma, beta or movingMean)`);
    }
  }
  return building((own) => {
    const y = own(output(op, x.shape));
    const mean = own(output(op, [C], 'float32', `${op}.mean`)), invStd = own(output(op, [C], 'float32', `${op}.invStd`));
    kern.batchNormTrain({ x: x.ptr, y: y.ptr, M, C, gamma: gamma.ptr, beta: beta.ptr, eps, momentum,
      saveMean: mean.ptr, saveInvStd: invStd.ptr, runMean: movingMean?.ptr ?? 0, runVar: movingVariance?.ptr ?? 0 });
    return { y, mean, invStd };
  });
}

/** Inference-mode batch normalisation with the moving statistics: gamma·(x − movingMean)/sqrt(movingVariance + epsilon) + beta. */
export function batchNormInference(x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor,
  options: { epsilon?: number } = {}): Tensor {
  const op = 'batchNormInference';
  const o = StrictOptions.read(op, options, ['epsilon'], false, forX(x));
  const [M, C] = channels(op, x, [['gamma', gamma], ['beta', beta], ['movingMean', movingMean], ['movingVariance', movingVariance]]);
  const eps = epsilonOf(o);
  return building((own) => {
    const y = own(output(op, x.shape));
    kern.batchNormInfer(x.ptr, y.ptr, M, C, gamma.ptr, beta.ptr, movingMean.ptr, movingVariance.ptr, eps);
    return y;
  });
}

/**
 * Gradients of the training forward, from x, dy and the mean and invStd it returned:
 * { dx: like x, dGamma: [C], dBeta: [C] }.
 */
export function batchNormGrad(x: Tensor, dy: Tensor, gamma: Tensor, mean: Tensor, invStd: Tensor):
  { dx: Tensor; dGamma: Tensor; dBeta: Tensor } {
  const op = 'batchNormGrad';
  const [M, C] = channels(op, x, [['gamma', gamma], ['mean', mean], ['invStd', invStd]]);
  floatArg(op, 'dy', dy); sameShape(op, x, 'x', dy, 'dy');
  return building((own) => {
    const dx = own(output(op, x.shape));
    const dGamma = own(output(op, [C], 'float32', `${op}.dGamma`)), dBeta = own(output(op, [C], 'float32', `${op}.dBeta`));
    fill(dGamma.ptr, 0, C); fill(dBeta.ptr, 0, C); // the kernel accumulates
    kern.batchNormGrad(x.ptr, dy.ptr, dx.ptr, M, C, gamma.ptr, mean.ptr, invStd.ptr, dGamma.ptr, dBeta.ptr);
    return { dx, dGamma, dBeta };
  });
}
