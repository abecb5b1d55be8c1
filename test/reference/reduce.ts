// Float64 references for assembly/reduce.ts: sum, max and argMax over x viewed as [outer, n, inner] (argMax: the first
// index on ties, the first NaN wins), and Σ|x| over the same groups for tolerances.

export function reduceRef(kind: 'sum' | 'max' | 'argMax', x: ArrayLike<number>, outer: number, n: number, inner: number): Float64Array {
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c++) {
      let s = 0, m = -Infinity, bi = 0;
      for (let k = 0; k < n; k++) {
        const v = x[(o * n + k) * inner + c];
        s += v;
        if (Number.isNaN(v) && !Number.isNaN(m)) { m = NaN; bi = k; }
        else if (v > m) { m = v; bi = k; }
      }
      out[o * inner + c] = kind === 'sum' ? s : kind === 'max' ? m : bi;
    }
  }
  return out;
}

/** Σ|x| over the same groups, for tolerances. */
export function absSumRef(x: ArrayLike<number>, outer: number, n: number, inner: number): Float64Array {
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let c = 0; c < inner; c++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.abs(x[(o * n + k) * inner + c]);
    out[o * inner + c] = s;
  }
  return out;
}
