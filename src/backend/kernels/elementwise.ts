// Typed wrappers of assembly/elementwise.ts (add, sub, mul, their row-broadcast forms, scale, axpy, bias add, fill,
// copy, row gather): check sizes and offsets, then call the module. No math here.
import { backend } from '../module.js';
import { bad, count, span, type Ptr } from '../checks.js';

export type BinaryKernel = 'add' | 'sub' | 'mul';

/** out[i] = a[i] op b[i]. */
export function binary(op: BinaryKernel, a: Ptr, b: Ptr, out: Ptr, n: number): void {
  count(op, 'n', n); span(op, 'a', a, n); span(op, 'b', b, n); span(op, 'out', out, n);
  backend().exports[op](a, b, out, n);
}

/** out[r, c] = a[r, c] op b[c]. */
export function binaryRows(op: BinaryKernel, a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void {
  const k = `${op}Rows` as const;
  count(k, 'rows', rows); count(k, 'cols', cols);
  span(k, 'a', a, rows * cols); span(k, 'b', b, cols); span(k, 'out', out, rows * cols);
  backend().exports[k](a, b, out, rows, cols);
}

export function scale(x: Ptr, alpha: number, out: Ptr, n: number): void {
  count('scale', 'n', n); span('scale', 'x', x, n); span('scale', 'out', out, n);
  backend().exports.scale(x, alpha, out, n);
}

export function axpy(alpha: number, x: Ptr, y: Ptr, n: number): void {
  count('axpy', 'n', n); span('axpy', 'x', x, n); span('axpy', 'y', y, n);
  backend().exports.axpy(alpha, x, y, n);
}

export function biasAdd(x: Ptr, bias: Ptr, out: Ptr, rows: number, cols: number): void {
  count('biasAdd', 'rows', rows); count('biasAdd', 'cols', cols);
  span('biasAdd', 'x', x, rows * cols); span('biasAdd', 'bias', bias, cols); span('biasAdd', 'out', out, rows * cols);
  backend().exports.biasAdd(x, bias, out, rows, cols);
}

export function fill(out: Ptr, value: number, n: number): void {
  count('fill', 'n', n); span('fill', 'out', out, n);
  backend().exports.fill(out, value, n);
}

export function copy(src: Ptr, dst: Ptr, n: number): void {
  count('copy', 'n', n); span('copy', 'src', src, n); span('copy', 'dst', dst, n);
  backend().exports.copy(src, dst, n);
}

/** dst[r, :] = src[idx[r], :]; idx: int32 [rows], every index < srcRows (checked here). */
export function gatherRows(src: Ptr, srcRows: number, idx: Ptr, dst: Ptr, rows: number, cols: number): void {
  const k = 'gatherRows';
  count(k, 'rows', rows); count(k, 'cols', cols);
  span(k, 'src', src, srcRows * cols); span(k, 'idx', idx, rows); span(k, 'dst', dst, rows * cols);
  const ix = backend().arena.i32;
  for (let r = 0; r < rows; r++) {
    const i = ix[(idx >>> 2) + r];
    if (!(i >= 0 && i < srcRows)) bad(k, `index ${i} at row ${r} is outside [0, ${srcRows})`);
  }
  backend().exports.gatherRows(src, idx, dst, rows, cols);
}
