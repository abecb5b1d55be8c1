// Activation functions as used inside layers: forward y = f(z) and backward dz = dy·f'(z) over planned buffers
// viewed as [rows, cols] (softmax works along cols). Dispatches to the kernels; no math here.
import * as kern from '../backend/kernels/index.js';
import { checkKeys, given, isPlainObject } from './options.js';
import { unknownName } from '../ops/options.js';

/** The activation names layers accept. */
export type ActivationName = 'linear' | 'relu' | 'leakyRelu' | 'elu' | 'sigmoid' | 'tanh' | 'softplus' | 'softmax';
export const ACTIVATIONS: readonly ActivationName[] = ['linear', 'relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'softplus', 'softmax'];

/** An activation with its parameter: leakyRelu's slope (default 0.2, as Keras), elu's alpha (default 1). */
export interface Activation { name: ActivationName; alpha: number }

/**
 * An activation from a name ('relu'), its saved form { name, alpha } or undefined (linear). Strict: another type, an
 * unknown name (the nearest is suggested) or an unknown key is refused, the error showing the value given.
 */
export function parseActivation(owner: string, spec: unknown): Activation {
  if (spec === undefined) return { name: 'linear', alpha: 0 };
  const expected = `a name (${ACTIVATIONS.join(', ')}) or { name, alpha }`;
  let name: unknown = spec, alpha: unknown;
  if (isPlainObject(spec)) {
    checkKeys(`${owner}: activation`, spec, ['name', 'alpha'], 'key');
    ({ name, alpha } = spec);
  } else if (typeof spec !== 'string') {
    throw new TypeError(`${owner}: activation must be ${expected}, got ${given(spec)}`);
  }
  if (typeof name !== 'string') throw new TypeError(`${owner}: activation name must be a string (${ACTIVATIONS.join(', ')}), got ${given(name)}`);
  if (!ACTIVATIONS.includes(name as ActivationName)) unknownName(owner, 'activation', name, ACTIVATIONS);
  const n = name as ActivationName;
  if (alpha !== undefined && (typeof alpha !== 'number' || !Number.isFinite(alpha))) {
    throw new TypeError(`${owner}: activation alpha must be a finite number, got ${given(alpha)}`);
  }
  return { name: n, alpha: alpha ?? (n === 'leakyRelu' ? 0.2 : n === 'elu' ? 1 : 0) };
}

/** y = f(z) for rows × cols elements. y may equal z only for 'linear' (the caller then skips the call). */
export function activationForward(a: Activation, z: number, y: number, rows: number, cols: number): void {
  const n = rows * cols;
  switch (a.name) {
    case 'linear': if (z !== y) kern.copy(z, y, n); return;
    case 'relu': case 'sigmoid': case 'tanh': case 'softplus': kern.unary(a.name, z, y, n); return;
    case 'leakyRelu': case 'elu': kern.unaryAlpha(a.name, z, y, n, a.alpha); return;
    case 'softmax': kern.softmaxRows('softmax', z, y, rows, cols); return;
  }
}

/** dz = dy·f'(z) given z, y = f(z), dy. dz may equal dy (in place). */
export function activationBackward(a: Activation, z: number, y: number, dy: number, dz: number, rows: number, cols: number): void {
  const n = rows * cols;
  switch (a.name) {
    case 'linear': if (dz !== dy) kern.copy(dy, dz, n); return;
    case 'relu': kern.unaryGrad('reluGrad', z, dy, dz, n); return;
    case 'softplus': kern.unaryGrad('softplusGrad', z, dy, dz, n); return;
    case 'sigmoid': kern.unaryGrad('sigmoidGrad', y, dy, dz, n); return;
    case 'tanh': kern.unaryGrad('tanhGrad', y, dy, dz, n); return;
    case 'leakyRelu': kern.leakyReluGrad(z, dy, dz, n, a.alpha); return;
    case 'elu': kern.eluGrad(z, y, dy, dz, n, a.alpha); return;
    case 'softmax': kern.softmaxRowsGrad('softmaxGrad', y, dy, dz, rows, cols); return;
  }
}
