// Argument checks shared by the ops: every error names the op, the argument, its name and its shape.
import { Tensor, type Shape } from './tensor.js';

export function fmt(shape: Shape): string { return `[${shape.join(', ')}]`; }

export function describe(t: Tensor): string { return `"${t.name}" ${fmt(t.shape)}`; }

/** Throws unless t is a live float32 tensor; returns it. */
export function floatArg(op: string, arg: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${arg} must be a Tensor, got ${typeof t === 'object' ? Object.prototype.toString.call(t) : typeof t}`);
  if (t.disposed) throw new Error(`${op}: ${arg} ${describe(t)} was disposed`);
  if (t.dtype !== 'float32') throw new TypeError(`${op}: ${arg} ${describe(t)} must be float32, got ${t.dtype}`);
  return t;
}

export function sameShape(op: string, a: Tensor, an: string, b: Tensor, bn: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`${op}: ${an} ${describe(a)} and ${bn} ${describe(b)} must have the same shape`);
  }
}

/** Normalises an axis (negative counts from the end) for a tensor of the given rank. */
export function axisArg(op: string, axis: number, t: Tensor): number {
  const r = t.shape.length;
  if (!Number.isInteger(axis) || axis < -r || axis >= r) throw new RangeError(`${op}: axis ${axis} is out of range for ${describe(t)} (rank ${r})`);
  return axis < 0 ? axis + r : axis;
}
