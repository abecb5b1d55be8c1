// Float64 references for assembly/optim.ts: one optimizer step over plain arrays (w, g and state, updated in place),
// clipping, Σx², the L1/L2 penalty and the finiteness check. The specification, written as the formulas read.

type Arr = Float64Array;

export function sgdRef(w: Arr, g: ArrayLike<number>, lr: number): void {
  for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
}

/** Keras: v = mu·v − lr·g; w += v, or (nesterov) w += mu·v − lr·g with the new v. */
export function momentumRef(w: Arr, g: ArrayLike<number>, v: Arr, lr: number, mu: number, nesterov: boolean): void {
  for (let i = 0; i < w.length; i++) {
    v[i] = mu * v[i] - lr * g[i];
    w[i] += nesterov ? mu * v[i] - lr * g[i] : v[i];
  }
}

/** epsInside: w −= lr·g/√(acc + eps) (Keras), else lr·g/(√acc + eps) (PyTorch). */
export function adagradRef(w: Arr, g: ArrayLike<number>, acc: Arr, lr: number, eps: number, epsInside: boolean): void {
  for (let i = 0; i < w.length; i++) {
    acc[i] += g[i] * g[i];
    w[i] -= lr * g[i] / (epsInside ? Math.sqrt(acc[i] + eps) : Math.sqrt(acc[i]) + eps);
  }
}

/** epsInside: w −= lr·g/√(ms + eps) (Keras), else lr·g/(√ms + eps) (PyTorch). */
export function rmspropRef(w: Arr, g: ArrayLike<number>, ms: Arr, lr: number, rho: number, eps: number, epsInside: boolean): void {
  for (let i = 0; i < w.length; i++) {
    ms[i] = rho * ms[i] + (1 - rho) * g[i] * g[i];
    w[i] -= lr * g[i] / (epsInside ? Math.sqrt(ms[i] + eps) : Math.sqrt(ms[i]) + eps);
  }
}

/** Adam (AdamW when wd ≠ 0): w −= lr·c1·m/(√(c2·v) + eps) with the caller's step scales (see assembly/optim.ts). */
export function adamRef(w: Arr, g: ArrayLike<number>, m: Arr, v: Arr, lr: number, b1: number, b2: number, eps: number,
  c1: number, c2: number, wd: number): void {
  for (let i = 0; i < w.length; i++) {
    if (wd !== 0) w[i] -= lr * wd * w[i];
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    w[i] -= lr * (m[i] * c1) / (Math.sqrt(v[i] * c2) + eps);
  }
}

/** Nadam: mhat = cm·m + cg·g (the caller's coefficients carry the momentum schedule); w −= lr·mhat/(√(c2·v) + eps). */
export function nadamRef(w: Arr, g: ArrayLike<number>, m: Arr, v: Arr, lr: number, b1: number, b2: number, eps: number,
  cm: number, cg: number, c2: number): void {
  for (let i = 0; i < w.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    const mhat = cm * m[i] + cg * g[i];
    w[i] -= lr * mhat / (Math.sqrt(v[i] * c2) + eps);
  }
}

export function clipByValueRef(g: ArrayLike<number>, c: number): Float64Array {
  return Float64Array.from(g, (v) => Math.min(Math.max(v, -c), c));
}

export function sumSquaresRef(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** g += l1·sign(w) + 2·l2·w; returns l1·Σ|w| + l2·Σw². */
export function regularizeRef(w: ArrayLike<number>, g: Arr, l1: number, l2: number): number {
  let a = 0, q = 0;
  for (let i = 0; i < w.length; i++) {
    g[i] += l1 * Math.sign(w[i]) + 2 * l2 * w[i];
    a += Math.abs(w[i]); q += w[i] * w[i];
  }
  return l1 * a + l2 * q;
}

export function allFiniteRef(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}
