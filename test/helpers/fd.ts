// Finite differences of float64 reference losses, row by row: the loss references check their own gradients.
import * as assert from 'uvu/assert';

type Arr = ArrayLike<number>;

/**
 * Worst |central difference − grad| over every input of one row, in units of its tolerance 1e-6·max|grad| +
 * 1e-5·|grad[i]| (≤ 1 passes). F(x) = gradScale·loss of the row at x; h = 1e-5.
 */
export function fdWorst(F: (x: Float64Array) => number, x0: Arr, grad: Arr): { worst: number; index: number } {
  const x = Float64Array.from(x0), h = 1e-5;
  let gmax = 0;
  for (let i = 0; i < grad.length; i++) gmax = Math.max(gmax, Math.abs(grad[i]));
  let worst = 0, index = -1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v + h; const fp = F(x);
    x[i] = v - h; const fm = F(x);
    x[i] = v;
    const err = Math.abs((fp - fm) / (2 * h) - grad[i]) / (1e-6 * gmax + 1e-5 * Math.abs(grad[i]) + 1e-300);
    if (err > worst) { worst = err; index = i; }
  }
  return { worst, index };
}

export function assertFd(op: string, shape: string, seed: number, r: { worst: number; index: number }): void {
  assert.ok(r.worst <= 1, `${op} ${shape} seed ${seed}: finite differences disagree with the reference gradient at ` +
    `index ${r.index} (${r.worst.toFixed(2)}× the tolerance)`);
}

export const rowOf = (a: Arr, r: number, cols: number) => Float64Array.from({ length: cols }, (_, c) => a[r * cols + c]);
