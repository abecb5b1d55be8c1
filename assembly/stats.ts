// Training-diagnostics statistics over float32 buffers: whole-tensor moments and extremes, histograms, per-column
// positive/saturated counts, Σ(a − b)². Not layer code and not a reduction over an axis (that is reduce.ts).
//
// Summation order (tensorStats, diffSquares), fixed on every host: each float32 term becomes an exact float64 term
// (x, x², |x|, or (a − b)² rounded once in float64); term i < 4⌊n/4⌋ goes to float64 lane i mod 4, each lane adding
// its terms in increasing i (the unrolled loop adds its four vectors in that same order); the lanes then combine as
// (S0 + S2) + (S1 + S3), and the tail terms i ≥ 4⌊n/4⌋ follow one by one. Counts are integers (order-free).
//
// Histogram binning, exact and host-independent: a finite x goes to bin
//   b = clamp(floor(bins · (x − lo) / (hi − lo)), 0, bins − 1)        (x, lo, hi float32; exact real arithmetic)
// so x < lo → 0, x ≥ hi → bins − 1, and x exactly on an interior edge lo + k·(hi − lo)/bins → bin k. It is computed
// as t = (x − lo) · (bins / (hi − lo)) in float64 (relative error ≤ 4·2^-53, so |t − exact| < 2^-38 where t ≤ bins ≤
// 4096; further out the clamp decides), floor(t) clamped; when t lies within 2^-30 of an interior edge k, the side is
// decided exactly by the sign of bins·x − k·hi − (bins − k)·lo (each product exact: 24 × 13 significant bits) summed
// as a float64 expansion. NaN and ±Inf are not counted. Host-independent: only IEEE float64 and integer operations,
// which WebAssembly defines bit for bit (no fused multiply-add, no flush-to-zero).

// ---- tensorStats ----

// @ts-ignore: decorator
@inline function lowF64(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-ignore: decorator
@inline function highF64(v: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)); }

// min and max in integers: key(bits) = bits ^ ((bits >>s 31) >>> 1) orders float32 values as signed integers (−0 below
// +0, as f32.min/max do). key + KEY_SHIFT (mod 2^32) puts every finite value below every NaN/±Inf as unsigned integers
// (so min_u skips them), key − KEY_SHIFT every finite value above them (so max_u skips them): no masks, one
// instruction each. A lane that saw no finite value ends at or past NONE_MIN (min) or below NONE_MAX (max).
const KEY_SHIFT = 0x7f800000;
const NONE_MIN: u32 = 0xff000000;
const NONE_MAX: u32 = 0x01000000;
// @ts-ignore: decorator
@inline function keyV(v: v128): v128 { return v128.xor(v, i32x4.shr_u(i32x4.shr_s(v, 31), 1)); }
// @ts-ignore: decorator
@inline function fromKey(k: i32): f32 { return reinterpret<f32>(k ^ <i32>(<u32>(k >> 31) >>> 1)); }

/**
 * out (8 float64) = [count of finite x, Σx, Σx², min, max (finite x; +Inf/−Inf when none), count of ±0,
 * count of NaN/±Inf, Σ|x|] over x[0..n). Sums over finite values only, in the fixed order above.
 */
export function tensorStats(x: usize, n: i32, out: usize): void {
  const inf = f32x4.splat(Infinity), zero = f32x4.splat(0);
  const shift = i32x4.splat(KEY_SHIFT);
  let cnt = i32x4.splat(0), zeros = i32x4.splat(0);
  let dmin = i32x4.splat(-1), emax = i32x4.splat(0);  // shifted keys (see keyV)
  let s01 = f64x2.splat(0), s23 = f64x2.splat(0);   // Σx, lanes 0, 1 and 2, 3
  let q01 = f64x2.splat(0), q23 = f64x2.splat(0);   // Σx²
  let a01 = f64x2.splat(0), a23 = f64x2.splat(0);   // Σ|x|
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const v0 = v128.load(x), v1 = v128.load(x, 16), v2 = v128.load(x, 32), v3 = v128.load(x, 48);
    const ok0 = f32x4.lt(f32x4.abs(v0), inf), ok1 = f32x4.lt(f32x4.abs(v1), inf);
    const ok2 = f32x4.lt(f32x4.abs(v2), inf), ok3 = f32x4.lt(f32x4.abs(v3), inf);
    cnt = i32x4.sub(i32x4.sub(cnt, i32x4.add(ok0, ok1)), i32x4.add(ok2, ok3));   // integers: order-free
    zeros = i32x4.sub(i32x4.sub(zeros, i32x4.add(f32x4.eq(v0, zero), f32x4.eq(v1, zero))),
      i32x4.add(f32x4.eq(v2, zero), f32x4.eq(v3, zero)));
    const k0 = keyV(v0), k1 = keyV(v1), k2 = keyV(v2), k3 = keyV(v3);
    dmin = i32x4.min_u(i32x4.min_u(dmin, i32x4.min_u(i32x4.add(k0, shift), i32x4.add(k1, shift))),
      i32x4.min_u(i32x4.add(k2, shift), i32x4.add(k3, shift)));
    emax = i32x4.max_u(i32x4.max_u(emax, i32x4.max_u(i32x4.sub(k0, shift), i32x4.sub(k1, shift))),
      i32x4.max_u(i32x4.sub(k2, shift), i32x4.sub(k3, shift)));
    // float64 sums: the four vectors in order into the same lanes (non-finite lanes → +0, leaving the sums unchanged)
    let lo = lowF64(v128.and(v0, ok0)), hi = highF64(v128.and(v0, ok0));
    s01 = f64x2.add(s01, lo); q01 = f64x2.add(q01, f64x2.mul(lo, lo)); a01 = f64x2.add(a01, f64x2.abs(lo));
    s23 = f64x2.add(s23, hi); q23 = f64x2.add(q23, f64x2.mul(hi, hi)); a23 = f64x2.add(a23, f64x2.abs(hi));
    lo = lowF64(v128.and(v1, ok1)); hi = highF64(v128.and(v1, ok1));
    s01 = f64x2.add(s01, lo); q01 = f64x2.add(q01, f64x2.mul(lo, lo)); a01 = f64x2.add(a01, f64x2.abs(lo));
    s23 = f64x2.add(s23, hi); q23 = f64x2.add(q23, f64x2.mul(hi, hi)); a23 = f64x2.add(a23, f64x2.abs(hi));
    lo = lowF64(v128.and(v2, ok2)); hi = highF64(v128.and(v2, ok2));
    s01 = f64x2.add(s01, lo); q01 = f64x2.add(q01, f64x2.mul(lo, lo)); a01 = f64x2.add(a01, f64x2.abs(lo));
    s23 = f64x2.add(s23, hi); q23 = f64x2.add(q23, f64x2.mul(hi, hi)); a23 = f64x2.add(a23, f64x2.abs(hi));
    lo = lowF64(v128.and(v3, ok3)); hi = highF64(v128.and(v3, ok3));
    s01 = f64x2.add(s01, lo); q01 = f64x2.add(q01, f64x2.mul(lo, lo)); a01 = f64x2.add(a01, f64x2.abs(lo));
    s23 = f64x2.add(s23, hi); q23 = f64x2.add(q23, f64x2.mul(hi, hi)); a23 = f64x2.add(a23, f64x2.abs(hi));
    x += 64;
  }
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x);
    const ok = f32x4.lt(f32x4.abs(v), inf);
    const f = v128.and(v, ok);
    cnt = i32x4.sub(cnt, ok);
    zeros = i32x4.sub(zeros, f32x4.eq(v, zero));
    const kv = keyV(v);
    dmin = i32x4.min_u(dmin, i32x4.add(kv, shift));
    emax = i32x4.max_u(emax, i32x4.sub(kv, shift));
    const lo = lowF64(f), hi = highF64(f);
    s01 = f64x2.add(s01, lo); s23 = f64x2.add(s23, hi);
    q01 = f64x2.add(q01, f64x2.mul(lo, lo)); q23 = f64x2.add(q23, f64x2.mul(hi, hi));
    a01 = f64x2.add(a01, f64x2.abs(lo)); a23 = f64x2.add(a23, f64x2.abs(hi));
    x += 16;
  }
  let c = (i32x4.extract_lane(cnt, 0) + i32x4.extract_lane(cnt, 1)) +
    (i32x4.extract_lane(cnt, 2) + i32x4.extract_lane(cnt, 3));
  let z = (i32x4.extract_lane(zeros, 0) + i32x4.extract_lane(zeros, 1)) +
    (i32x4.extract_lane(zeros, 2) + i32x4.extract_lane(zeros, 3));
  const d = min(min(<u32>i32x4.extract_lane(dmin, 0), <u32>i32x4.extract_lane(dmin, 1)),
    min(<u32>i32x4.extract_lane(dmin, 2), <u32>i32x4.extract_lane(dmin, 3)));
  const e = max(max(<u32>i32x4.extract_lane(emax, 0), <u32>i32x4.extract_lane(emax, 1)),
    max(<u32>i32x4.extract_lane(emax, 2), <u32>i32x4.extract_lane(emax, 3)));
  let mn: f32 = d >= NONE_MIN ? <f32>Infinity : fromKey(<i32>(d - KEY_SHIFT));
  let mx: f32 = e < NONE_MAX ? <f32>-Infinity : fromKey(<i32>(e + KEY_SHIFT));
  const st = f64x2.add(s01, s23), qt = f64x2.add(q01, q23), at = f64x2.add(a01, a23);
  let s = f64x2.extract_lane(st, 0) + f64x2.extract_lane(st, 1);
  let q = f64x2.extract_lane(qt, 0) + f64x2.extract_lane(qt, 1);
  let a = f64x2.extract_lane(at, 0) + f64x2.extract_lane(at, 1);
  for (; i < n; i++) {
    const v = load<f32>(x);
    if (abs(v) < Infinity) {
      const d = <f64>v;
      c++; s += d; q += d * d; a += abs(d);
      mn = min(mn, v); mx = max(mx, v);
      if (v == 0) z++;
    }
    x += 4;
  }
  store<f64>(out, <f64>c);
  store<f64>(out, s, 8);
  store<f64>(out, q, 16);
  store<f64>(out, <f64>mn, 24);
  store<f64>(out, <f64>mx, 32);
  store<f64>(out, <f64>z, 40);
  store<f64>(out, <f64>(n - c), 48);
  store<f64>(out, a, 56);
}

// ---- histogram ----

/** 2^-30: t this close to an interior edge is decided exactly (t's own error is below 2^-38). */
const NEAR: f64 = 9.313225746154785e-10;

// @ts-ignore: decorator
@inline function twoSumErr(a: f64, b: f64, s: f64): f64 { const bb = s - a; return (a - (s - bb)) + (b - bb); }

/**
 * A value with the sign of bins·x − k·hi − (bins − k)·lo = bins·(x − lo) − k·(hi − lo), exactly: the three products
 * are exact float64 values, and p + q + r is grown into the nonoverlapping expansion h0 + h1 + b (Shewchuk's
 * Grow-Expansion), whose largest nonzero component carries the sign of the sum.
 */
function edgeSign(x: f64, lo: f64, hi: f64, bins: f64, k: f64): f64 {
  const p = bins * x, q = -(k * hi), r = -((bins - k) * lo);
  const s = p + q, e = twoSumErr(p, q, s);        // p + q = s + e
  const a = e + r, h0 = twoSumErr(e, r, a);       // e + r = a + h0
  const b = s + a, h1 = twoSumErr(s, a, b);       // s + a = b + h1
  return b != 0 ? b : h1 != 0 ? h1 : h0;
}

// The bin of x when t is within NEAR of the interior edge e: e or the bin below, decided exactly.
// @ts-ignore: decorator
@inline function edgeBin(xd: f64, e: f64, lo: f64, hi: f64, bins: f64): i32 {
  return edgeSign(xd, lo, hi, bins, e) >= 0 ? <i32>e : <i32>e - 1;
}

// The bin of a finite float64 x (see the header): t = (x − lo)·scale; near an interior edge, the exact side.
// @ts-ignore: decorator
@inline function binOf(xd: f64, lo: f64, hi: f64, bins: f64, scale: f64, top: f64): i32 {
  const t = (xd - lo) * scale;
  const e = nearest(t);
  if (abs(t - e) < NEAR && e >= 1 && e <= top) return edgeBin(xd, e, lo, hi, bins);
  return <i32>min(floor(max(t, 0)), top);
}

// counts[k] += 1 when inc = −1 (a finite lane), += 0 when inc = 0.
// @ts-ignore: decorator
@inline function bump(counts: usize, k: i32, inc: i32): void {
  const p = counts + (<usize>k << 2);
  store<i32>(p, load<i32>(p) - inc);
}

// One vector of histogram: the bins of four lanes in float64 pairs; lanes near an interior edge redone exactly.
// @ts-ignore: decorator
@inline function histVector(v: v128, counts: usize, lo: f64, hi: f64, bins: f64,
  vlo: v128, vscale: v128, vtop: v128): void {
  const ok = f32x4.lt(f32x4.abs(v), f32x4.splat(Infinity));
  const x01 = lowF64(v), x23 = highF64(v);
  const t01 = f64x2.mul(f64x2.sub(x01, vlo), vscale), t23 = f64x2.mul(f64x2.sub(x23, vlo), vscale);
  const zero = f64x2.splat(0), magic = f64x2.splat(4503599627370496); // 2^52
  // pmax(0, t) = 0 < t ? t : 0 sends NaN and −Inf to 0, pmin(top, ·) sends +Inf to top: every lane indexes a bin (a
  // non-finite one adds inc = 0). An integer k in [0, 2^31) plus 2^52 leaves k in its float64's low 32 bits.
  const k01 = f64x2.add(f64x2.pmin(vtop, f64x2.floor(f64x2.pmax(zero, t01))), magic);
  const k23 = f64x2.add(f64x2.pmin(vtop, f64x2.floor(f64x2.pmax(zero, t23))), magic);
  const ki = v128.shuffle<i32>(k01, k23, 0, 2, 4, 6);
  let k0 = i32x4.extract_lane(ki, 0), k1 = i32x4.extract_lane(ki, 1);
  let k2 = i32x4.extract_lane(ki, 2), k3 = i32x4.extract_lane(ki, 3);
  const e01 = f64x2.nearest(t01), e23 = f64x2.nearest(t23);
  const thr = f64x2.splat(NEAR), one = f64x2.splat(1);
  // near: within NEAR of an interior edge e in [1, bins − 1] (NaN and ±Inf lanes compare false)
  const n01 = v128.and(f64x2.lt(f64x2.abs(f64x2.sub(t01, e01)), thr), v128.and(f64x2.ge(e01, one), f64x2.le(e01, vtop)));
  const n23 = v128.and(f64x2.lt(f64x2.abs(f64x2.sub(t23, e23)), thr), v128.and(f64x2.ge(e23, one), f64x2.le(e23, vtop)));
  if (v128.any_true(v128.or(n01, n23))) {
    if (i64x2.extract_lane(n01, 0)) k0 = edgeBin(f64x2.extract_lane(x01, 0), f64x2.extract_lane(e01, 0), lo, hi, bins);
    if (i64x2.extract_lane(n01, 1)) k1 = edgeBin(f64x2.extract_lane(x01, 1), f64x2.extract_lane(e01, 1), lo, hi, bins);
    if (i64x2.extract_lane(n23, 0)) k2 = edgeBin(f64x2.extract_lane(x23, 0), f64x2.extract_lane(e23, 0), lo, hi, bins);
    if (i64x2.extract_lane(n23, 1)) k3 = edgeBin(f64x2.extract_lane(x23, 1), f64x2.extract_lane(e23, 1), lo, hi, bins);
  }
  bump(counts, k0, i32x4.extract_lane(ok, 0));
  bump(counts, k1, i32x4.extract_lane(ok, 1));
  bump(counts, k2, i32x4.extract_lane(ok, 2));
  bump(counts, k3, i32x4.extract_lane(ok, 3));
}

/**
 * counts: i32[bins] (+)= how many finite x[0..n) fall in each bin of [lo, hi) (rule in the header; lo < hi finite,
 * 1 ≤ bins ≤ 4096). accumulate ≠ 0 adds into counts, else overwrites them. NaN and ±Inf are not counted.
 */
export function histogram(x: usize, n: i32, lo: f32, hi: f32, bins: i32, counts: usize, accumulate: i32): void {
  if (!accumulate) memory.fill(counts, 0, <usize>bins << 2);
  const lod = <f64>lo, hid = <f64>hi, binsd = <f64>bins, top = <f64>(bins - 1);
  const scale = binsd / (hid - lod);
  const vlo = f64x2.splat(lod), vscale = f64x2.splat(scale), vtop = f64x2.splat(top);
  let i = 0;
  for (; i + 8 <= n; i += 8) { // two vectors' independent chains at a time
    histVector(v128.load(x), counts, lod, hid, binsd, vlo, vscale, vtop);
    histVector(v128.load(x, 16), counts, lod, hid, binsd, vlo, vscale, vtop);
    x += 32;
  }
  for (; i + 4 <= n; i += 4) {
    histVector(v128.load(x), counts, lod, hid, binsd, vlo, vscale, vtop);
    x += 16;
  }
  for (; i < n; i++) {
    const v = load<f32>(x);
    if (abs(v) < Infinity) bump(counts, binOf(<f64>v, lod, hid, binsd, scale, top), -1);
    x += 4;
  }
}

// ---- per-column counts over x: [rows, cols] ----

// counts: i32[cols] += the rows where pred(x[r, c]) holds, for c in [c0, c0 + 16) / [c0, c0 + 4) / one column.
// @ts-ignore: decorator
@inline function columnsCount(x: usize, rows: i32, cols: i32, counts: usize, beyond: bool, t: f32): void {
  const rs = <usize>cols << 2;
  const zero = f32x4.splat(0), vt = f32x4.splat(t);
  let c = 0;
  for (; c + 16 <= cols; c += 16) {
    const o = counts + (<usize>c << 2);
    let acc0 = v128.load(o), acc1 = v128.load(o, 16), acc2 = v128.load(o, 32), acc3 = v128.load(o, 48);
    let p = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      if (beyond) {
        acc0 = i32x4.sub(acc0, f32x4.gt(f32x4.abs(v128.load(p)), vt));
        acc1 = i32x4.sub(acc1, f32x4.gt(f32x4.abs(v128.load(p, 16)), vt));
        acc2 = i32x4.sub(acc2, f32x4.gt(f32x4.abs(v128.load(p, 32)), vt));
        acc3 = i32x4.sub(acc3, f32x4.gt(f32x4.abs(v128.load(p, 48)), vt));
      } else {
        acc0 = i32x4.sub(acc0, f32x4.gt(v128.load(p), zero));
        acc1 = i32x4.sub(acc1, f32x4.gt(v128.load(p, 16), zero));
        acc2 = i32x4.sub(acc2, f32x4.gt(v128.load(p, 32), zero));
        acc3 = i32x4.sub(acc3, f32x4.gt(v128.load(p, 48), zero));
      }
      p += rs;
    }
    v128.store(o, acc0); v128.store(o, acc1, 16); v128.store(o, acc2, 32); v128.store(o, acc3, 48);
  }
  for (; c + 4 <= cols; c += 4) {
    const o = counts + (<usize>c << 2);
    let acc = v128.load(o);
    let p = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      const v = v128.load(p);
      acc = i32x4.sub(acc, beyond ? f32x4.gt(f32x4.abs(v), vt) : f32x4.gt(v, zero));
      p += rs;
    }
    v128.store(o, acc);
  }
  for (; c < cols; c++) {
    const o = counts + (<usize>c << 2);
    let k = load<i32>(o);
    let p = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      const v = load<f32>(p);
      if (beyond ? abs(v) > t : v > 0) k++;
      p += rs;
    }
    store<i32>(o, k);
  }
}

/** counts: i32[cols] += the number of rows r with x[r, c] > 0 (NaN never counts). x: [rows, cols]. */
export function columnsPositive(x: usize, rows: i32, cols: i32, counts: usize): void {
  columnsCount(x, rows, cols, counts, false, 0);
}

/** counts: i32[cols] += the number of rows r with |x[r, c]| > t (NaN never counts). x: [rows, cols]. */
export function columnsBeyond(x: usize, rows: i32, cols: i32, t: f32, counts: usize): void {
  columnsCount(x, rows, cols, counts, true, t);
}

// ---- diffSquares ----

/** Σ (a[i] − b[i])², i < n: each difference and square in float64, summed in the fixed order of the header. */
export function diffSquares(a: usize, b: usize, n: i32): f64 {
  let s01 = f64x2.splat(0), s23 = f64x2.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    let va = v128.load(a), vb = v128.load(b);
    let d01 = f64x2.sub(lowF64(va), lowF64(vb)), d23 = f64x2.sub(highF64(va), highF64(vb));
    s01 = f64x2.add(s01, f64x2.mul(d01, d01)); s23 = f64x2.add(s23, f64x2.mul(d23, d23));
    va = v128.load(a, 16); vb = v128.load(b, 16);
    d01 = f64x2.sub(lowF64(va), lowF64(vb)); d23 = f64x2.sub(highF64(va), highF64(vb));
    s01 = f64x2.add(s01, f64x2.mul(d01, d01)); s23 = f64x2.add(s23, f64x2.mul(d23, d23));
    va = v128.load(a, 32); vb = v128.load(b, 32);
    d01 = f64x2.sub(lowF64(va), lowF64(vb)); d23 = f64x2.sub(highF64(va), highF64(vb));
    s01 = f64x2.add(s01, f64x2.mul(d01, d01)); s23 = f64x2.add(s23, f64x2.mul(d23, d23));
    va = v128.load(a, 48); vb = v128.load(b, 48);
    d01 = f64x2.sub(lowF64(va), lowF64(vb)); d23 = f64x2.sub(highF64(va), highF64(vb));
    s01 = f64x2.add(s01, f64x2.mul(d01, d01)); s23 = f64x2.add(s23, f64x2.mul(d23, d23));
    a += 64; b += 64;
  }
  for (; i + 4 <= n; i += 4) {
    const va = v128.load(a), vb = v128.load(b);
    const d01 = f64x2.sub(lowF64(va), lowF64(vb)), d23 = f64x2.sub(highF64(va), highF64(vb));
    s01 = f64x2.add(s01, f64x2.mul(d01, d01)); s23 = f64x2.add(s23, f64x2.mul(d23, d23));
    a += 16; b += 16;
  }
  const st = f64x2.add(s01, s23);
  let s = f64x2.extract_lane(st, 0) + f64x2.extract_lane(st, 1);
  for (; i < n; i++) { const d = <f64>load<f32>(a) - <f64>load<f32>(b); s += d * d; a += 4; b += 4; }
  return s;
}
