// Typed wrappers of assembly/batchnorm.ts (training forward with running statistics, inference, gradient): check
// offsets, sizes and scalars, then call the module. No math here.
import { backend } from '../module.js';
import { bad, count, optionalSpan, span, type Ptr } from '../checks.js';

export interface BatchNormTrainArgs {
  x: Ptr; y: Ptr; M: number; C: number; gamma: Ptr; beta: Ptr; eps: number; momentum: number;
  saveMean: Ptr; saveInvStd: Ptr;
  /** Running statistics updated in place; 0 skips the update. */
  runMean: Ptr; runVar: Ptr;
}

function epsilon(k: string, eps: number): void {
  if (!(Number.isFinite(eps) && Math.fround(eps) > 0)) bad(k, `eps = ${eps} must be a positive float32`);
}

/** Training forward over x viewed as [M, C]: batch statistics saved, running statistics updated, y written. */
export function batchNormTrain(a: BatchNormTrainArgs): void {
  const k = 'batchNormTrain';
  count(k, 'M', a.M, 1); count(k, 'C', a.C, 1); epsilon(k, a.eps);
  if (!(a.momentum >= 0 && a.momentum <= 1)) bad(k, `momentum = ${a.momentum} must be in [0, 1]`);
  const n = a.M * a.C;
  span(k, 'x', a.x, n); span(k, 'y', a.y, n); span(k, 'gamma', a.gamma, a.C); span(k, 'beta', a.beta, a.C);
  span(k, 'saveMean', a.saveMean, a.C); span(k, 'saveInvStd', a.saveInvStd, a.C);
  optionalSpan(k, 'runMean', a.runMean, a.C); optionalSpan(k, 'runVar', a.runVar, a.C);
  backend().exports.batchNormTrain(a.x, a.y, a.M, a.C, a.gamma, a.beta, a.eps, a.momentum, a.saveMean, a.saveInvStd,
    a.runMean, a.runVar);
}

/** Inference forward with running statistics. x, y: [M, C]; gamma, beta, runMean, runVar: [C]. */
export function batchNormInfer(x: Ptr, y: Ptr, M: number, C: number, gamma: Ptr, beta: Ptr, runMean: Ptr, runVar: Ptr,
  eps: number): void {
  const k = 'batchNormInfer';
  count(k, 'M', M, 1); count(k, 'C', C, 1); epsilon(k, eps);
  span(k, 'x', x, M * C); span(k, 'y', y, M * C); span(k, 'gamma', gamma, C); span(k, 'beta', beta, C);
  span(k, 'runMean', runMean, C); span(k, 'runVar', runVar, C);
  backend().exports.batchNormInfer(x, y, M, C, gamma, beta, runMean, runVar, eps);
}

/** Backward: dx overwritten, dgamma and dbeta accumulated (+=). x, dy, dx: [M, C]; the rest [C]. */
export function batchNormGrad(x: Ptr, dy: Ptr, dx: Ptr, M: number, C: number, gamma: Ptr, saveMean: Ptr, saveInvStd: Ptr,
  dgamma: Ptr, dbeta: Ptr): void {
  const k = 'batchNormGrad';
  count(k, 'M', M, 1); count(k, 'C', C, 1);
  span(k, 'x', x, M * C); span(k, 'dy', dy, M * C); span(k, 'dx', dx, M * C);
  span(k, 'gamma', gamma, C); span(k, 'saveMean', saveMean, C); span(k, 'saveInvStd', saveInvStd, C);
  span(k, 'dgamma', dgamma, C); span(k, 'dbeta', dbeta, C);
  backend().exports.batchNormGrad(x, dy, dx, M, C, gamma, saveMean, saveInvStd, dgamma, dbeta);
}
