// Argument checks for the public loaders (errors name the function, the argument and what was expected; unknown
// option keys name the nearest valid one) and the size limits that stop hostile files before they allocate memory.
import { Tensor } from '../ops/tensor.js';

/** Most values one loaded tensor may hold: 2^28 float32 values are 1 GiB of linear memory (which ends at 4 GiB). */
export const MAX_VALUES = 2 ** 28;

/** Integers with thousands separators, for sizes in messages. */
export const count = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));

/** A short description of a value for error messages: its type and, where short, the value. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `the bigint ${v}n`;
  if (typeof v === 'symbol' || typeof v === 'function') return `a ${typeof v}`;
  if (v instanceof Tensor) return v.toString();
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v instanceof ArrayBuffer) return `an ArrayBuffer of ${v.byteLength} bytes (wrap it: new Uint8Array(buffer))`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${v.byteLength} bytes`;
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export { levenshtein, nearest } from '../ops/options.js';
import { checkKeys } from '../ops/options.js';

function fail(fn: string, arg: string, expected: string, got: unknown): never {
  throw new TypeError(`${fn}: ${arg} must be ${expected}, got ${describe(got)}`);
}

/**
 * Checks an options argument: undefined (→ {}) or a plain object whose keys are all in `keys` (the library's one key
 * check, src/ops/options.ts: an unknown key is refused by name, with the nearest valid key). Returns it.
 */
export function checkOptions<T extends object>(fn: string, options: T | undefined, keys: readonly string[]): T {
  return (options === undefined ? {} : checkKeys(fn, options, keys, 'option', true)) as T;
}

export function checkBytes(fn: string, arg: string, v: unknown): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) fail(fn, arg, 'a Uint8Array of the file\'s bytes', v);
}

export function checkString(fn: string, arg: string, v: unknown, optional = true): asserts v is string | undefined {
  if (!(typeof v === 'string' || (optional && v === undefined))) fail(fn, arg, optional ? 'a string or undefined' : 'a string', v);
}

export function checkBoolean(fn: string, arg: string, v: unknown): asserts v is boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean') fail(fn, arg, 'true, false or undefined', v);
}

/** An integer number in [min, max] (undefined passes when optional). */
export function checkInteger(fn: string, arg: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER, optional = false): asserts v is number {
  if (optional && v === undefined) return;
  if (typeof v !== 'number') fail(fn, arg, `an integer in [${min}, ${max}]${optional ? ' or undefined' : ''}`, v);
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${fn}: ${arg} must be an integer in [${min}, ${max}], got ${v}`);
}

/** A live tensor (not disposed). */
export function checkTensor(fn: string, arg: string, v: unknown): asserts v is Tensor {
  if (!(v instanceof Tensor)) fail(fn, arg, 'a Tensor', v);
  if (v.disposed) throw new Error(`${fn}: ${arg} "${v.name}" was disposed`);
}
