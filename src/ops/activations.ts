// Activation ops and their gradients. Every …Grad takes the forward input x and the upstream gradient dy and
// returns dx = dy·f'(x) (recomputing y where the kernel needs it). exp and log are here too, for custom losses.
import * as kern from '../backend/kernels/index.js';
import { empty, type Tensor } from './tensor.js';
import { floatArg, sameShape } from './check.js';

function unaryOp(op: string, kind: kern.UnaryKernel | kern.MathKernel, x: Tensor): Tensor {
  floatArg(op, 'x', x);
  const y = empty(x.shape, 'float32', op);
  if (kind.startsWith('math')) kern.mathMap(kind as kern.MathKernel, x.ptr, y.ptr, x.size);
  else kern.unary(kind as kern.UnaryKernel, x.ptr, y.ptr, x.size);
  return y;
}

function gradArgs(op: string, x: Tensor, dy: Tensor): Tensor {
  floatArg(op, 'x', x); floatArg(op, 'dy', dy); sameShape(op, x, 'x', dy, 'dy');
  return empty(x.shape, 'float32', op);
}

function alphaArg(op: string, alpha: number): number {
  if (!Number.isFinite(alpha)) throw new RangeError(`${op}: alpha must be a finite number, got ${alpha}`);
  return alpha;
}

export function relu(x: Tensor): Tensor { return unaryOp('relu', 'relu', x); }
export function sigmoid(x: Tensor): Tensor { return unaryOp('sigmoid', 'sigmoid', x); }
export function tanh(x: Tensor): Tensor { return unaryOp('tanh', 'tanh', x); }
export function softplus(x: Tensor): Tensor { return unaryOp('softplus', 'softplus', x); }
/** e^x with simdnet's own exp (same bits on every host). */
export function exp(x: Tensor): Tensor { return unaryOp('exp', 'mathExp', x); }
/** ln x with simdnet's own log. */
export function log(x: Tensor): Tensor { return unaryOp('log', 'mathLog', x); }

export function leakyRelu(x: Tensor, alpha = 0.2): Tensor {
  floatArg('leakyRelu', 'x', x);
  const y = empty(x.shape, 'float32', 'leakyRelu');
  kern.unaryAlpha('leakyRelu', x.ptr, y.ptr, x.size, alphaArg('leakyRelu', alpha));
  return y;
}

export function elu(x: Tensor, alpha = 1): Tensor {
  floatArg('elu', 'x', x);
  const y = empty(x.shape, 'float32', 'elu');
  kern.unaryAlpha('elu', x.ptr, y.ptr, x.size, alphaArg('elu', alpha));
  return y;
}

export function reluGrad(x: Tensor, dy: Tensor): Tensor {
  const dx = gradArgs('reluGrad', x, dy);
  kern.unaryGrad('reluGrad', x.ptr, dy.ptr, dx.ptr, x.size);
  return dx;
}

export function softplusGrad(x: Tensor, dy: Tensor): Tensor {
  const dx = gradArgs('softplusGrad', x, dy);
  kern.unaryGrad('softplusGrad', x.ptr, dy.ptr, dx.ptr, x.size);
  return dx;
}

export function leakyReluGrad(x: Tensor, dy: Tensor, alpha = 0.2): Tensor {
  const dx = gradArgs('leakyReluGrad', x, dy);
  kern.leakyReluGrad(x.ptr, dy.ptr, dx.ptr, x.size, alphaArg('leakyReluGrad', alpha));
  return dx;
}

function fromOutput(op: 'sigmoidGrad' | 'tanhGrad', x: Tensor, dy: Tensor): Tensor {
  const dx = gradArgs(op, x, dy);
  const y = empty(x.shape, 'float32', `${op}.y`);
  kern.unary(op === 'sigmoidGrad' ? 'sigmoid' : 'tanh', x.ptr, y.ptr, x.size);
  kern.unaryGrad(op, y.ptr, dy.ptr, dx.ptr, x.size);
  y.dispose();
  return dx;
}

export function sigmoidGrad(x: Tensor, dy: Tensor): Tensor { return fromOutput('sigmoidGrad', x, dy); }
export function tanhGrad(x: Tensor, dy: Tensor): Tensor { return fromOutput('tanhGrad', x, dy); }

export function eluGrad(x: Tensor, dy: Tensor, alpha = 1): Tensor {
  const dx = gradArgs('eluGrad', x, dy);
  const y = empty(x.shape, 'float32', 'eluGrad.y');
  kern.unaryAlpha('elu', x.ptr, y.ptr, x.size, alphaArg('eluGrad', alpha));
  kern.eluGrad(x.ptr, y.ptr, dy.ptr, dx.ptr, x.size, alpha);
  y.dispose();
  return dx;
}
