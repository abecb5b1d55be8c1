// References for assembly/stats.ts: plain float64 oracles (sequential sums) for tensorStats, columnsPositive,
// columnsBeyond and diffSquares; an exact rational oracle (BigInt) for the histogram bin; and laneOrderSum, a replay of
// the kernels' documented summation order, to prove the order bit for bit. Inputs are float32 values.

/** The eight tensorStats slots: [finite count, Σx, Σx², min, max, zeros, non-finite, Σ|x|], summed first to last. */
export function tensorStatsRef(x: ArrayLike<number>): Float64Array {
  let c = 0, s = 0, q = 0, mn = Infinity, mx = -Infinity, z = 0, bad = 0, a = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) { bad++; continue; }
    c++; s += v; q += v * v; a += Math.abs(v);
    mn = Math.min(mn, v); mx = Math.max(mx, v);
    if (v === 0) z++;
  }
  return Float64Array.of(c, s, q, mn, mx, z, bad, a);
}

/** The terms whose sums tensorStats reports (non-finite values contribute nothing), for tolerances and replays. */
export function statsTerms(x: ArrayLike<number>): { x: number[]; sq: number[]; abs: number[] } {
  const f = Array.from(x).map((v) => (Number.isFinite(v) ? v : 0));
  return { x: f, sq: f.map((v) => v * v), abs: f.map(Math.abs) };
}

/**
 * The kernels' order (assembly/stats.ts header): term i < 4⌊n/4⌋ into lane i mod 4 in increasing i, then
 * (S0 + S2) + (S1 + S3), then the tail terms one by one. Every step a float64 addition, as in the module.
 */
export function laneOrderSum(t: ArrayLike<number>): number {
  const n = t.length, body = n - (n % 4);
  const lane = [0, 0, 0, 0];
  for (let i = 0; i < body; i++) lane[i % 4] += t[i];
  let s = (lane[0] + lane[2]) + (lane[1] + lane[3]);
  for (let i = body; i < n; i++) s += t[i];
  return s;
}

/** x as an exact integer multiple of 2^-149 (every float32 value is one). */
function scaled(v: number): bigint {
  return BigInt(v * 2 ** 149); // exact: a power-of-two scaling of a float32 value stays below 2^278
}

/** The bin of one float32 x over [lo, hi) with bins bins, in exact rational arithmetic; −1 for NaN and ±Inf. */
export function binRef(x: number, lo: number, hi: number, bins: number): number {
  if (!Number.isFinite(x)) return -1;
  if (x < lo) return 0;
  if (x >= hi) return bins - 1;
  const X = scaled(x), L = scaled(lo), H = scaled(hi);
  return Number((BigInt(bins) * (X - L)) / (H - L)); // non-negative: BigInt division is the floor
}

/** counts [bins] of the finite x in each bin (binRef), added to `into` when given. */
export function histogramRef(x: ArrayLike<number>, lo: number, hi: number, bins: number,
  into?: ArrayLike<number>): Int32Array {
  const out = into ? Int32Array.from(into) : new Int32Array(bins);
  for (let i = 0; i < x.length; i++) {
    const b = binRef(x[i], lo, hi, bins);
    if (b >= 0) out[b]++;
  }
  return out;
}

/** counts[c] (+ into[c]) = the rows r where pred(x[r, c]). x: [rows, cols]. */
export function columnsRef(x: ArrayLike<number>, rows: number, cols: number, pred: (v: number) => boolean,
  into?: ArrayLike<number>): Int32Array {
  const out = into ? Int32Array.from(into) : new Int32Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (pred(x[r * cols + c])) out[c]++;
  return out;
}

/** The terms (a[i] − b[i])², each in float64. */
export function diffSquareTerms(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  return Array.from(a, (v, i) => (v - b[i]) * (v - b[i]));
}

/** Σ (a[i] − b[i])², summed first to last in float64. */
export function diffSquaresRef(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (const t of diffSquareTerms(a, b)) s += t;
  return s;
}
