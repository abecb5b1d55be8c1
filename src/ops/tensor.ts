// Tensors: row-major float32 (or int32 for indices) data in the module's linear memory, with a shape.
// A tensor owns a reference to its storage; reshape shares it. dispose() twice is harmless; use after dispose throws.
import { backend } from '../backend/module.js';

/** A tensor's element type. */
export type DType = 'float32' | 'int32';
/** A tensor's dimensions, outermost first (row-major; images NHWC). */
export type Shape = readonly number[];

/** Nested arrays of numbers, as users write literals: [[1, 2], [3, 4]]. */
export type NestedArray = number | readonly NestedArray[];
/** What tensor() takes: a typed array, a flat number array (with a shape) or nested arrays. */
export type TensorValues = Float32Array | Int32Array | readonly number[] | readonly NestedArray[];

class Storage {
  refs = 1;
  /** owned = false: memory planned by someone else (a model's buffers); dispose never frees it. */
  constructor(readonly ptr: number, readonly bytes: number, readonly owned = true) {}
}

// tidy() scopes: tensors created inside are disposed at the end unless returned.
const scopes: Set<Tensor>[] = [];

let nextId = 1;

/** An n-dimensional float32 or int32 array in WebAssembly memory: made by tensor() and the ops, freed by dispose(). */
export class Tensor {
  /** The dimensions, outermost first. */
  readonly shape: Shape;
  /** The number of elements (the product of the shape). */
  readonly size: number;
  /** The element type. */
  readonly dtype: DType;
  /** A label used in error messages (op name or user name). */
  name: string;
  private storage: Storage | undefined;

  /** @internal Use tensor(), zeros() or an op. */
  constructor(storage: Storage, shape: Shape, dtype: DType, name?: string) {
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this.dtype = dtype;
    this.name = name ?? `tensor#${nextId++}`;
    scopes[scopes.length - 1]?.add(this);
  }

  /** Byte offset of the first element in linear memory (for kernels). */
  get ptr(): number { return this.live().ptr; }

  /** Whether dispose() freed it (using it then throws, naming it). */
  get disposed(): boolean { return this.storage === undefined; }

  /** The number of dimensions. */
  get rank(): number { return this.shape.length; }

  private live(): Storage {
    if (!this.storage) throw new Error(`tensor "${this.name}" [${this.shape.join(', ')}] was disposed and cannot be used`);
    return this.storage;
  }

  /** A copy of the values as float32 (int32 tensors are converted). */
  toFloat32Array(): Float32Array {
    const s = this.live();
    const a = backend().arena;
    if (this.dtype === 'float32') return a.f32.slice(s.ptr >>> 2, (s.ptr >>> 2) + this.size);
    return Float32Array.from(a.i32.subarray(s.ptr >>> 2, (s.ptr >>> 2) + this.size));
  }

  /** A copy of the values as int32 (float32 tensors are truncated toward zero). */
  toInt32Array(): Int32Array {
    const s = this.live();
    const a = backend().arena;
    if (this.dtype === 'int32') return a.i32.slice(s.ptr >>> 2, (s.ptr >>> 2) + this.size);
    return Int32Array.from(a.f32.subarray(s.ptr >>> 2, (s.ptr >>> 2) + this.size), (v) => Math.trunc(v));
  }

  /** Nested arrays shaped like the tensor, for printing and small checks. */
  toArray(): NestedArray {
    const flat = Array.from(this.dtype === 'float32' ? this.toFloat32Array() : this.toInt32Array());
    if (this.shape.length === 0) return flat[0];
    const build = (dim: number, off: number): NestedArray[] => {
      const n = this.shape[dim];
      if (dim === this.shape.length - 1) return flat.slice(off, off + n);
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: n }, (_, i) => build(dim + 1, off + i * stride));
    };
    return build(0, 0);
  }

  /** A tensor with the same data and a new shape of the same size (shares storage; dispose each). */
  reshape(shape: Shape): Tensor {
    const s = this.live();
    const resolved = resolveShape(shape, this.size, this.name);
    s.refs++;
    return new Tensor(s, resolved, this.dtype, `${this.name}.reshape`);
  }

  /** Frees the data once no reshape shares it. Calling it again does nothing. */
  dispose(): void {
    const s = this.storage;
    if (!s) return;
    this.storage = undefined;
    if (--s.refs === 0 && s.owned) backend().arena.release(s.ptr);
  }

  /** "Tensor(name, [shape], dtype)", for messages. */
  toString(): string { return `Tensor(${this.name}, [${this.shape.join(', ')}], ${this.dtype})`; }
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Throws unless every dimension is a positive integer. */
export function checkShape(shape: Shape, what = 'shape'): void {
  if (!Array.isArray(shape)) throw new TypeError(`${what} must be an array of positive integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`${what} [${shape.join(', ')}] is invalid: every dimension must be a positive integer`);
  }
}

// A -1 dimension takes what is left; the size must match.
function resolveShape(shape: Shape, size: number, name: string): number[] {
  const s = [...shape];
  const free = s.indexOf(-1);
  if (free >= 0) {
    const rest = sizeOf(s.filter((_, i) => i !== free));
    if (rest > 0 && size % rest === 0) s[free] = size / rest;
  }
  checkShape(s, `reshape of "${name}": shape`);
  if (sizeOf(s) !== size) throw new RangeError(`cannot reshape "${name}" of size ${size} to [${shape.join(', ')}] (size ${sizeOf(s)})`);
  return s;
}

function checkDType(dtype: unknown, what: string): asserts dtype is DType {
  if (dtype !== 'float32' && dtype !== 'int32') throw new TypeError(`${what}: dtype must be 'float32' or 'int32', got ${JSON.stringify(dtype) ?? String(dtype)}`);
}

/** An uninitialised tensor (contents unspecified: kernels overwrite it). Everything is checked before allocating. */
export function empty(shape: Shape, dtype: DType = 'float32', name?: string): Tensor {
  checkShape(shape);
  checkDType(dtype, 'empty()');
  const size = sizeOf(shape);
  const arena = backend().arena;
  const ptr = arena.alloc(size * 4, name);
  const t = new Tensor(new Storage(ptr, size * 4), shape, dtype, name);
  if (name === undefined && arena.guarded) arena.label(ptr, () => t.name);
  return t;
}

function flatten(v: NestedArray, out: number[], shape: number[], depth: number, at: number[]): void {
  if (typeof v === 'number') {
    if (depth !== shape.length) throw new RangeError(`tensor(): nested arrays are ragged at [${at.join(', ')}] (a number where an array of ${shape[depth]} was expected)`);
    out.push(v);
    return;
  }
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) { // rows may be typed arrays
    const got = v === null ? 'null' : typeof v === 'object' ? Object.prototype.toString.call(v) : typeof v;
    throw new TypeError(`tensor(): the value at [${at.join(', ')}] is ${got}, expected a number or an array`);
  }
  if (depth >= shape.length) {
    if (depth > 0 && out.length > 0) throw new RangeError(`tensor(): nested arrays are ragged at [${at.join(', ')}] (an array where a number was expected)`);
    shape.push(v.length);
  } else if (shape[depth] !== v.length) throw new RangeError(`tensor(): nested arrays are ragged at depth ${depth} (${v.length} vs ${shape[depth]})`);
  const row = v as ArrayLike<NestedArray>;
  for (let i = 0; i < row.length; i++) { at.push(i); flatten(row[i], out, shape, depth + 1, at); at.pop(); }
}

/**
 * A tensor from values and a shape. values: a flat array/typed array (shape required unless 1-D), or nested arrays
 * (shape inferred, or checked when given). Int32Array values make an int32 tensor unless dtype says otherwise.
 */
export function tensor(values: TensorValues, shape?: Shape, dtype?: DType): Tensor {
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (values instanceof Float32Array || values instanceof Int32Array) {
    flat = values; inferred = [values.length];
  } else if (Array.isArray(values)) {
    const out: number[] = []; const sh: number[] = [];
    flatten(values as NestedArray, out, sh, 0, []);
    flat = out; inferred = sh;
  } else {
    throw new TypeError(`tensor(): values must be an array, a Float32Array or an Int32Array, got ${Object.prototype.toString.call(values)}`);
  }
  const dt: DType = dtype ?? (values instanceof Int32Array ? 'int32' : 'float32');
  checkDType(dt, 'tensor()');
  const finalShape = shape ?? inferred;
  checkShape(finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new RangeError(`tensor(): shape [${finalShape.join(', ')}] needs ${sizeOf(finalShape)} values, got ${flat.length}`);
  }
  // Every value is checked before allocating, so a refusal leaves nothing behind.
  if (dt === 'int32' && !(values instanceof Int32Array)) {
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (!Number.isInteger(v)) throw new RangeError(`tensor(): int32 value ${v} at index ${i} is not an integer`);
      if (v < -2147483648 || v > 2147483647) throw new RangeError(`tensor(): int32 value ${v} at index ${i} is outside [-2^31, 2^31)`);
    }
  }
  const t = empty(finalShape, dt);
  try {
    const a = backend().arena;
    if (dt === 'float32') a.f32.set(flat, t.ptr >>> 2);
    else a.i32.set(flat, t.ptr >>> 2);
  } catch (e) {
    t.dispose();
    throw e;
  }
  return t;
}

/** @internal A tensor over memory owned elsewhere (a model's planned buffers): dispose() only detaches it. */
export function viewOf(ptr: number, shape: Shape, dtype: DType = 'float32', name?: string): Tensor {
  checkShape(shape);
  return new Tensor(new Storage(ptr, sizeOf(shape) * 4, false), shape, dtype, name);
}

/**
 * Runs fn and disposes every tensor created inside it, except what it returns (a tensor, or tensors in an array or
 * a plain object). Scopes nest. fn must be synchronous. When fn throws, everything it created is disposed and the
 * error is rethrown.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    disposeAll(scope);
    throw e;
  } finally {
    scopes.pop();
  }
  const keep = new Set<Tensor>();
  const collect = (v: unknown): void => {
    if (v instanceof Tensor) keep.add(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach(collect);
  };
  collect(result);
  for (const t of scope) if (!keep.has(t)) t.dispose();
  // Returned tensors belong to the enclosing scope, if any.
  const outer = scopes[scopes.length - 1];
  if (outer) for (const t of keep) if (scope.has(t)) outer.add(t);
  return result;
}

/**
 * Runs fn outside every tidy() scope: tensors it creates are long-lived (model state). When fn throws, the tensors it
 * created are disposed (nothing could hold them) and the error is rethrown.
 */
export function untracked<T>(fn: () => T): T {
  const saved = scopes.splice(0, scopes.length);
  const made = new Set<Tensor>();
  scopes.push(made);
  try {
    return fn();
  } catch (e) {
    disposeAll(made);
    throw e;
  } finally {
    scopes.length = 0;
    scopes.push(...saved);
  }
}

// Disposes every tensor of a scope; one failing dispose does not keep the others alive.
function disposeAll(scope: Set<Tensor>): void {
  for (const t of scope) { try { t.dispose(); } catch { /* the caller's error matters more */ } }
}

/** Bytes of linear memory in live allocations (tensors, plans, workspaces): flat over training steps. */
export function memoryInUse(): number {
  return backend().arena.inUse();
}
