// Exact references for assembly/elementwise.ts: each result is the float64 value rounded once to float32 (for +, −, ×
// of float32 inputs that equals IEEE float32 arithmetic: float64 carries more than 2·24 + 2 bits), as the kernels do.

const f = Math.fround;

export type BinaryOp = 'add' | 'sub' | 'mul';

/** One float32 rounding of a op b. */
export const binaryOpRef: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => f(a + b),
  sub: (a, b) => f(a - b),
  mul: (a, b) => f(a * b),
};

/** out[i] = a[i] op b[i]; a, b, out: [n]. */
export function binaryRef(op: BinaryOp, a: ArrayLike<number>, b: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: a.length }, (_, i) => binaryOpRef[op](a[i], b[i]));
}

/** out[r, c] = a[r, c] op b[c]; a, out: [rows, cols], b: [cols] (also biasAdd for op = add). */
export function binaryRowsRef(op: BinaryOp, a: ArrayLike<number>, b: ArrayLike<number>, rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, i) => binaryOpRef[op](a[i], b[i % cols]));
}

/** y[i] = alpha·x[i], alpha taken as float32. */
export function scaleRef(x: ArrayLike<number>, alpha: number): Float32Array {
  return Float32Array.from({ length: x.length }, (_, i) => f(x[i] * f(alpha)));
}

/** y[i] + alpha·x[i] with two roundings (the product, then the sum), alpha taken as float32. */
export function axpyRef(alpha: number, x: ArrayLike<number>, y: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: x.length }, (_, i) => f(y[i] + f(x[i] * f(alpha))));
}
