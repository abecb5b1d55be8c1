// Typed wrapper of assembly/math.ts's buffer kernels (our own exp, log, tanh, sigmoid, softplus, expm1 mapped over
// [n] floats): checks sizes and offsets, then calls the module. No math here.
import { backend } from '../module.js';
import { count, span, type Ptr } from '../checks.js';

export type MathKernel = 'mathExp' | 'mathLog' | 'mathTanh' | 'mathSigmoid' | 'mathSoftplus' | 'mathExpm1';

/** y[i] = f(x[i]) with simdnet's own f. x, y: [n] (y may be x). */
export function mathMap(kind: MathKernel, x: Ptr, y: Ptr, n: number): void {
  count(kind, 'n', n); span(kind, 'x', x, n); span(kind, 'y', y, n);
  backend().exports[kind](x, y, n);
}
