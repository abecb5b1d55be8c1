// A small seeded generator for test data (splitmix32): reproducible from the seed printed on failure. Test-only.

export class Rng {
  private s: number;
  constructor(readonly seed: number) { this.s = seed >>> 0; }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  }
  uniform(lo: number, hi: number): number { return lo + (hi - lo) * this.next(); }
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  /** n float32-representable values uniform in [lo, hi), never all zero. */
  array(n: number, lo = -1, hi = 1): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = this.uniform(lo, hi);
    return a;
  }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]; }
}

/** n float32 values from gen(i), redrawing any value that ok() rejects (keeps test data away from kinks and ties). */
export function drawValues(n: number, gen: (i: number) => number, ok: (v: number, i: number) => boolean = () => true): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = Math.fround(gen(i));
    while (!ok(v, i)) v = Math.fround(gen(i));
    a[i] = v;
  }
  return a;
}

/** rows class labels in [0, cols). */
export function randomLabels(rng: Rng, rows: number, cols: number): Int32Array {
  return Int32Array.from({ length: rows }, () => rng.int(0, cols - 1));
}
