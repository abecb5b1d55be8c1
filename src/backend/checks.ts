// Argument checks shared by the typed kernel wrappers: offsets aligned and inside memory, counts, scalars. Errors name
// the kernel and the argument. Offsets reach 4 GiB: plain arithmetic on them, no signed bit operations.
import { backend } from './module.js';

export type Ptr = number;

export function bad(kernel: string, what: string): never {
  throw new RangeError(`kernel ${kernel}: ${what}`);
}

/** Checks that [ptr, ptr + 4·count) is an aligned, in-bounds float32/int32 range. */
export function span(kernel: string, name: string, ptr: Ptr, count: number): void {
  if (!Number.isInteger(ptr) || ptr <= 0 || ptr % 4 !== 0) bad(kernel, `${name} offset ${ptr} is not a 4-byte aligned address`);
  if (ptr + count * 4 > backend().arena.capacity()) bad(kernel, `${name} [${ptr}, +${count}) lies outside memory`);
}

/** Like span, but 0 means "absent". */
export function optionalSpan(kernel: string, name: string, ptr: Ptr, count: number): void {
  if (ptr !== 0) span(kernel, name, ptr, count);
}

/** Checks that n is an integer ≥ min. */
export function count(kernel: string, name: string, n: number, min = 0): void {
  if (!Number.isInteger(n) || n < min) bad(kernel, `${name} = ${n} must be an integer ≥ ${min}`);
}

export function u32(kernel: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) bad(kernel, `${name} = ${v} must be an integer in [0, 2^32)`);
}

export function finite(kernel: string, name: string, v: number): void {
  if (!Number.isFinite(v)) bad(kernel, `${name} = ${v} must be finite`);
}
