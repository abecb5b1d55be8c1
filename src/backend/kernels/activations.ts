// Typed wrappers of assembly/activations.ts (relu, leakyRelu, elu, sigmoid, tanh, softplus and their gradients):
// check sizes and offsets, then call the module. No math here.
import { backend } from '../module.js';
import { count, span, type Ptr } from '../checks.js';

export type UnaryKernel = 'relu' | 'sigmoid' | 'tanh' | 'softplus';

/** y[i] = f(x[i]). x, y: [n] (y may be x). */
export function unary(kind: UnaryKernel, x: Ptr, y: Ptr, n: number): void {
  count(kind, 'n', n); span(kind, 'x', x, n); span(kind, 'y', y, n);
  backend().exports[kind](x, y, n);
}

/** y[i] = f(x[i]; alpha) for leakyRelu and elu. */
export function unaryAlpha(kind: 'leakyRelu' | 'elu', x: Ptr, y: Ptr, n: number, alpha: number): void {
  count(kind, 'n', n); span(kind, 'x', x, n); span(kind, 'y', y, n);
  backend().exports[kind](x, y, n, alpha);
}

/** dx = dy·f'(·) where the kernel reads one saved tensor s (x for relu/softplus, y for sigmoid/tanh). */
export function unaryGrad(kind: 'reluGrad' | 'softplusGrad' | 'sigmoidGrad' | 'tanhGrad', s: Ptr, dy: Ptr, dx: Ptr, n: number): void {
  count(kind, 'n', n); span(kind, 'saved', s, n); span(kind, 'dy', dy, n); span(kind, 'dx', dx, n);
  backend().exports[kind](s, dy, dx, n);
}

export function leakyReluGrad(x: Ptr, dy: Ptr, dx: Ptr, n: number, alpha: number): void {
  const k = 'leakyReluGrad';
  count(k, 'n', n); span(k, 'x', x, n); span(k, 'dy', dy, n); span(k, 'dx', dx, n);
  backend().exports.leakyReluGrad(x, dy, dx, n, alpha);
}

export function eluGrad(x: Ptr, y: Ptr, dy: Ptr, dx: Ptr, n: number, alpha: number): void {
  const k = 'eluGrad';
  count(k, 'n', n); span(k, 'x', x, n); span(k, 'y', y, n); span(k, 'dy', dy, n); span(k, 'dx', dx, n);
  backend().exports.eluGrad(x, y, dy, dx, n, alpha);
}
