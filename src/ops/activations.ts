// Activation ops and their gradients. Every …Grad takes the forward input x and the upstream gradient dy and
// returns dx = dy·f'(x) (recomputing y where the kernel needs it). exp and log are here too, for custom losses.
import * as kern from '../backend/kernels/index.js';
import type { Tensor } from './tensor.js';
import { building, floatArg, output, sameShape, withScratch } from './check.js';
import { numberArg } from './options.js';

function unaryOp(op: string, kind: kern.UnaryKernel | kern.MathKernel, x: Tensor): Tensor {
  floatArg(op, 'x', x);
  return building((own) => {
    const y = own(output(op, x.shape));
    if (kind.startsWith('math')) kern.mathMap(kind as kern.MathKernel, x.ptr, y.ptr, x.size);
    else kern.unary(kind as kern.UnaryKernel, x.ptr, y.ptr, x.size);
    return y;
  });
}

function gradArgs(op: string, x: Tensor, dy: Tensor): void {
  floatArg(op, 'x', x); floatArg(op, 'dy', dy); sameShape(op, x, 'x', dy, 'dy');
}

const alphaArg = (op: string, alpha: unknown): number => numberArg(op, 'alpha', alpha);

/** max(x, 0), element-wise. */
export function relu(x: Tensor): Tensor { return unaryOp('relu', 'relu', x); }
/** 1 / (1 + e^−x), element-wise (simdnet's own exp: the same bits everywhere). */
export function sigmoid(x: Tensor): Tensor { return unaryOp('sigmoid', 'sigmoid', x); }
/** tanh(x), element-wise (simdnet's own: the same bits everywhere). */
export function tanh(x: Tensor): Tensor { return unaryOp('tanh', 'tanh', x); }
/** log(1 + e^x), element-wise. */
export function softplus(x: Tensor): Tensor { return unaryOp('softplus', 'softplus', x); }
/** e^x with simdnet's own exp (same bits on every host). */
export function exp(x: Tensor): Tensor { return unaryOp('exp', 'mathExp', x); }
/** ln x with simdnet's own log. */
export function log(x: Tensor): Tensor { return unaryOp('log', 'mathLog', x); }

function alphaOp(op: 'leakyRelu' | 'elu', x: Tensor, alpha: number): Tensor {
  floatArg(op, 'x', x);
  const a = alphaArg(op, alpha);
  return building((own) => {
    const y = own(output(op, x.shape));
    kern.unaryAlpha(op, x.ptr, y.ptr, x.size, a);
    return y;
  });
}

/** x where x > 0, alpha·x elsewhere (alpha a finite number; default 0.2). */
export function leakyRelu(x: Tensor, alpha = 0.2): Tensor { return alphaOp('leakyRelu', x, alpha); }
/** x where x > 0, alpha·(e^x − 1) elsewhere (alpha a finite number; default 1). */
export function elu(x: Tensor, alpha = 1): Tensor { return alphaOp('elu', x, alpha); }

function gradOp(op: string, x: Tensor, dy: Tensor, run: (dx: Tensor) => void): Tensor {
  gradArgs(op, x, dy);
  return building((own) => {
    const dx = own(output(op, x.shape));
    run(dx);
    return dx;
  });
}

/** dx of relu: dy where x > 0, else 0. */
export function reluGrad(x: Tensor, dy: Tensor): Tensor {
  return gradOp('reluGrad', x, dy, (dx) => kern.unaryGrad('reluGrad', x.ptr, dy.ptr, dx.ptr, x.size));
}

/** dx of softplus: dy·sigmoid(x). */
export function softplusGrad(x: Tensor, dy: Tensor): Tensor {
  return gradOp('softplusGrad', x, dy, (dx) => kern.unaryGrad('softplusGrad', x.ptr, dy.ptr, dx.ptr, x.size));
}

/** dx of leakyRelu with slope alpha: dy where x > 0, else alpha·dy. */
export function leakyReluGrad(x: Tensor, dy: Tensor, alpha = 0.2): Tensor {
  gradArgs('leakyReluGrad', x, dy);
  const a = alphaArg('leakyReluGrad', alpha);
  return gradOp('leakyReluGrad', x, dy, (dx) => kern.leakyReluGrad(x.ptr, dy.ptr, dx.ptr, x.size, a));
}

function fromOutput(op: 'sigmoidGrad' | 'tanhGrad', x: Tensor, dy: Tensor): Tensor {
  return gradOp(op, x, dy, (dx) => withScratch(output(op, x.shape, 'float32', `${op}.y`), (y) => {
    kern.unary(op === 'sigmoidGrad' ? 'sigmoid' : 'tanh', x.ptr, y.ptr, x.size);
    kern.unaryGrad(op, y.ptr, dy.ptr, dx.ptr, x.size);
  }));
}

/** dx of sigmoid: dy·s·(1 − s), s = sigmoid(x). */
export function sigmoidGrad(x: Tensor, dy: Tensor): Tensor { return fromOutput('sigmoidGrad', x, dy); }
/** dx of tanh: dy·(1 − tanh²(x)). */
export function tanhGrad(x: Tensor, dy: Tensor): Tensor { return fromOutput('tanhGrad', x, dy); }

/** dx of elu with alpha: dy where x > 0, else dy·alpha·e^x. */
export function eluGrad(x: Tensor, dy: Tensor, alpha = 1): Tensor {
  gradArgs('eluGrad', x, dy);
  const a = alphaArg('eluGrad', alpha);
  return gradOp('eluGrad', x, dy, (dx) => withScratch(output('eluGrad', x.shape, 'float32', 'eluGrad.y'), (y) => {
    kern.unaryAlpha('elu', x.ptr, y.ptr, x.size, a);
    kern.eluGrad(x.ptr, y.ptr, dy.ptr, dx.ptr, x.size, a);
  }));
}
