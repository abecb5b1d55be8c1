// Raw buffers in linear memory for kernel tests: put values, poison outputs with NaN, read back, free everything.
import { backend } from '../../src/backend/module.js';

const live: number[] = [];

/** Copies values into a fresh block; returns its byte offset. */
export function put(values: ArrayLike<number>): number {
  const a = backend().arena;
  const p = a.alloc(values.length * 4);
  a.f32.set(values, p >>> 2);
  live.push(p);
  return p;
}

/** A block of n floats, all NaN: a kernel that skips an element leaves a NaN the comparison catches. */
export function poisoned(n: number): number {
  const a = backend().arena;
  const p = a.alloc(n * 4);
  a.f32.fill(NaN, p >>> 2, (p >>> 2) + n);
  live.push(p);
  return p;
}

export function read(ptr: number, n: number): Float32Array {
  return backend().arena.f32.slice(ptr >>> 2, (ptr >>> 2) + n);
}

/** Int32 values (class labels) in a fresh block (put writes floats). */
export function putI32(values: ArrayLike<number>): number {
  const p = put(new Float32Array(values.length));
  backend().arena.i32.set(values, p >>> 2);
  return p;
}

export function readI32(ptr: number, n: number): Int32Array {
  return backend().arena.i32.slice(ptr >>> 2, (ptr >>> 2) + n);
}

/** Frees every block made by put/poisoned since the last call. */
export function freeAll(): void {
  const a = backend().arena;
  while (live.length) a.release(live.pop()!);
}
