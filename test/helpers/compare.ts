// Comparing kernel output with a float64 reference under a per-element tolerance; failures name the index,
// the expected and actual values, the shape and the seed. NaN where a number is expected always fails.

export interface Context { op: string; shape: string; seed?: number }

/** tol(i) is the allowed |actual − expected| at i. Expected NaN must be NaN; ±Inf must match exactly. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: (i: number) => number, ctx: Context): void {
  if (actual.length !== expected.length) {
    throw new Error(`${ctx.op} ${ctx.shape}: length ${actual.length}, expected ${expected.length}`);
  }
  let bad = 0, first = -1, worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], a = actual[i];
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else ok = Number.isFinite(a) && Math.abs(a - e) <= tol(i);
    if (!ok) {
      bad++;
      if (first < 0) first = i;
      if (Number.isFinite(a - e)) worst = Math.max(worst, Math.abs(a - e));
    }
  }
  if (bad) {
    throw new Error(`${ctx.op} ${ctx.shape}${ctx.seed !== undefined ? ` seed ${ctx.seed}` : ''}: ${bad} of ${expected.length} ` +
      `elements off; first at index ${first}: expected ${expected[first]}, got ${actual[first]} (tolerance ${tol(first)}, worst |err| ${worst})`);
  }
}

/** Mixed tolerance atol + rtol·|expected|. */
export function mixed(expected: ArrayLike<number>, atol: number, rtol: number): (i: number) => number {
  return (i) => atol + rtol * Math.abs(expected[i]);
}

/** Every value equal, bit for bit (NaN equals NaN). */
export function assertEqualBits(actual: ArrayLike<number>, expected: ArrayLike<number>, ctx: Context): void {
  const a = new Float32Array(actual), e = new Float32Array(expected);
  const ai = new Int32Array(a.buffer), ei = new Int32Array(e.buffer);
  for (let i = 0; i < e.length; i++) {
    if (ai[i] !== ei[i] && !(Number.isNaN(a[i]) && Number.isNaN(e[i]))) {
      throw new Error(`${ctx.op} ${ctx.shape}: bits differ at ${i}: expected ${e[i]}, got ${a[i]}`);
    }
  }
}

export const F32_EPS = 2 ** -23;
