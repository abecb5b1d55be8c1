// Tensors for the loaders: byte or number arrays copied into linear memory once (the engine converts each element;
// no arithmetic), and a guard that disposes what a loader made when it fails, so nothing is left half-loaded.
import { backend } from '../backend/module.js';
import { empty, type Shape, type Tensor } from '../ops/tensor.js';
import type { Normalization } from './normalize.js';

/** Inputs x [N, …] (float32) and class labels y (int32 [N]), with the normalisation that was applied to x. */
export interface Labelled { x: Tensor; y: Tensor; normalization: Normalization }

export type Numbers = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A float32 tensor holding values (converted element by element). */
export function floatsFrom(values: Numbers, shape: Shape, name: string): Tensor {
  const t = empty(shape, 'float32', name);
  backend().arena.f32.set(values, t.ptr >>> 2);
  return t;
}

/** An int32 tensor holding integer values (class labels). */
export function intsFrom(values: Uint8Array | Int8Array | Int16Array | Int32Array, shape: Shape, name: string): Tensor {
  const t = empty(shape, 'int32', name);
  backend().arena.i32.set(values, t.ptr >>> 2);
  return t;
}

/**
 * Runs fn with `own`, which records each tensor fn makes; if fn throws (or its promise rejects), every recorded
 * tensor is disposed before the error goes on.
 */
export function building<T>(fn: (own: <U extends Tensor>(t: U) => U) => T): T {
  const made: Tensor[] = [];
  const own = <U extends Tensor>(t: U): U => { made.push(t); return t; };
  const fail = (e: unknown): never => { for (const t of made) t.dispose(); throw e; };
  try {
    const r = fn(own);
    return (r instanceof Promise ? r.catch(fail) : r) as T;
  } catch (e) {
    return fail(e);
  }
}
