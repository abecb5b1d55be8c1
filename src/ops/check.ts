// Argument checks shared by the ops: every error names the op, the argument, its name and its shape. Also the guard
// that frees an op's new tensors when it throws, so a refused or failed call leaves memoryInUse() where it was.
import { empty, sizeOf, Tensor, type DType, type Shape } from './tensor.js';
import { given } from './options.js';

export function fmt(shape: Shape): string { return `[${shape.join(', ')}]`; }

export function describe(t: Tensor): string { return `"${t.name}" ${fmt(t.shape)}`; }

/** Throws unless t is a live float32 tensor; returns it. */
export function floatArg(op: string, arg: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${arg} must be a Tensor, got ${given(t)}`);
  if (t.disposed) throw new Error(`${op}: ${arg} ${describe(t)} was disposed`);
  if (t.dtype !== 'float32') throw new TypeError(`${op}: ${arg} ${describe(t)} must be float32, got ${t.dtype}`);
  return t;
}

/** Throws unless t has at least one axis (a scalar tensor [] has none). */
export function hasAxis(op: string, arg: string, t: Tensor, what = 'an axis'): void {
  if (t.rank < 1) throw new RangeError(`${op}: ${arg} ${describe(t)} must have ${what}`);
}

export function sameShape(op: string, a: Tensor, an: string, b: Tensor, bn: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`${op}: ${an} ${describe(a)} and ${bn} ${describe(b)} must have the same shape`);
  }
}

/** Normalises an axis (negative counts from the end) for a tensor of the given rank. */
export function axisArg(op: string, axis: unknown, t: Tensor): number {
  const r = t.shape.length;
  if (typeof axis !== 'number') throw new TypeError(`${op}: axis must be an integer in [${-r}, ${r}) or undefined for ${describe(t)}, got ${given(axis)}`);
  if (!Number.isInteger(axis) || axis < -r || axis >= r) throw new RangeError(`${op}: axis ${axis} is out of range for ${describe(t)} (rank ${r})`);
  return axis < 0 ? axis + r : axis;
}

/** Most values one op may make: 2^30 float32 values fill the 4 GiB linear memory can ever hold. */
export const MAX_VALUES = 2 ** 30;

/** A new tensor for an op's result, refused by name when no memory could hold it. */
export function output(op: string, shape: Shape, dtype: DType = 'float32', name = op): Tensor {
  const n = sizeOf(shape);
  if (!(n <= MAX_VALUES)) {
    throw new RangeError(`${op}: the result ${fmt(shape)} would hold ${n.toLocaleString('en-US')} values, more than linear memory can (2^30)`);
  }
  try {
    return empty(shape, dtype, name);
  } catch (e) {
    throw new RangeError(`${op}: no memory for ${name === op ? 'the result' : `"${name}"`} ${fmt(shape)}: ${(e as Error).message}`);
  }
}

/**
 * Runs an op's body with `own`, which it wraps around each tensor it makes: if the body throws (a refused option, an
 * allocation that fails, a kernel wrapper's check), every tensor it made so far is freed before the error goes on.
 */
export function building<T>(body: (own: <U extends Tensor>(t: U) => U) => T): T {
  const made: Tensor[] = [];
  try {
    return body((t) => { made.push(t); return t; });
  } catch (e) {
    for (const t of made) t.dispose();
    throw e;
  }
}

/** Runs fn with a scratch tensor and frees it afterwards, whether fn returns or throws. */
export function withScratch<T>(t: Tensor, fn: (t: Tensor) => T): T {
  try { return fn(t); } finally { t.dispose(); }
}
