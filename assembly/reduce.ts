// Reductions over one axis of x viewed as [outer, n, inner]: sum (float64 accumulation along contiguous rows,
// float32 column vectors otherwise), max, argMax. Reducing everything is outer = inner = 1. Fixed order always.
// Also the row helpers softmax.ts and losses.ts share (sum, max, dot, exp-shift over n contiguous floats, not module
// exports): vector lanes accumulate separately, then (l0 + l1) + (l2 + l3), then the tail.
import { expV, expS } from './math';

// ---- row helpers ----

// @ts-ignore: decorator
@inline export function lanesSum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Σ x[0..n) accumulated in float64 lanes (two f64x2 per vector), in a fixed order. */
export function sumRowF64(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x);
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
    x += 16;
  }
  const t = f64x2.add(lo, hi);
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < n; i++) { s += <f64>load<f32>(x); x += 4; }
  return s;
}

/** Σ x[0..n) in float32 lanes, fixed order. */
export function sumRow(x: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) { acc = f32x4.add(acc, v128.load(x)); x += 16; }
  let s = lanesSum(acc);
  for (; i < n; i++) { s += load<f32>(x); x += 4; }
  return s;
}

/** max x[0..n); NaN if any element is NaN. */
export function maxRow(x: usize, n: i32): f32 {
  let m: f32 = -Infinity;
  let i = 0;
  if (n >= 4) {
    let acc = v128.load(x);
    x += 16; i = 4;
    for (; i + 4 <= n; i += 4) { acc = f32x4.max(acc, v128.load(x)); x += 16; }
    m = max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  }
  for (; i < n; i++) { m = max(m, load<f32>(x)); x += 4; }
  return m;
}

/** Σ a[i]·b[i], i < n, float32 lanes, fixed order. */
export function dotRow(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) { acc = f32x4.add(acc, f32x4.mul(v128.load(a), v128.load(b))); a += 16; b += 16; }
  let s = lanesSum(acc);
  for (; i < n; i++) { s += load<f32>(a) * load<f32>(b); a += 4; b += 4; }
  return s;
}

// y[0..n) = exp(x[0..n) − m); returns Σ y in fixed order.
export function expShiftRow(x: usize, y: usize, n: i32, m: f32): f32 {
  const vm = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const e = expV(f32x4.sub(v128.load(x), vm));
    v128.store(y, e);
    acc = f32x4.add(acc, e);
    x += 16; y += 16;
  }
  let s = lanesSum(acc);
  for (; i < n; i++) { const e = expS(load<f32>(x) - m); store<f32>(y, e); s += e; x += 4; y += 4; }
  return s;
}

// ---- reduction kernels ----

/** out[o, c] (+)= Σ_k x[o, k, c]. out: [outer, inner]. accumulate ≠ 0 adds into out (parameter gradients). */
export function reduceSum(x: usize, out: usize, outer: i32, n: i32, inner: i32, accumulate: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const s = sumRowF64(x + <usize>(o * n) * 4, n);
      const p = out + <usize>o * 4;
      store<f32>(p, accumulate ? <f32>(<f64>load<f32>(p) + s) : <f32>s);
    }
    return;
  }
  const rs = <usize>inner * 4;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>(o * n) * rs;
    const oo = out + <usize>(o * inner) * 4;
    let c = 0;
    for (; c + 4 <= inner; c += 4) {
      let p = xo + <usize>c * 4;
      let acc = accumulate ? v128.load(oo + <usize>c * 4) : f32x4.splat(0);
      for (let k = 0; k < n; k++) { acc = f32x4.add(acc, v128.load(p)); p += rs; }
      v128.store(oo + <usize>c * 4, acc);
    }
    for (; c < inner; c++) {
      let p = xo + <usize>c * 4;
      let s: f32 = accumulate ? load<f32>(oo + <usize>c * 4) : 0;
      for (let k = 0; k < n; k++) { s += load<f32>(p); p += rs; }
      store<f32>(oo + <usize>c * 4, s);
    }
  }
}

/** out[o, c] = max_k x[o, k, c]; NaN if any is NaN. */
export function reduceMax(x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) store<f32>(out + <usize>o * 4, maxRow(x + <usize>(o * n) * 4, n));
    return;
  }
  const rs = <usize>inner * 4;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>(o * n) * rs;
    const oo = out + <usize>(o * inner) * 4;
    let c = 0;
    for (; c + 4 <= inner; c += 4) {
      let p = xo + <usize>c * 4;
      let acc = v128.load(p);
      for (let k = 1; k < n; k++) { p += rs; acc = f32x4.max(acc, v128.load(p)); }
      v128.store(oo + <usize>c * 4, acc);
    }
    for (; c < inner; c++) {
      let p = xo + <usize>c * 4;
      let m = load<f32>(p);
      for (let k = 1; k < n; k++) { p += rs; m = max(m, load<f32>(p)); }
      store<f32>(oo + <usize>c * 4, m);
    }
  }
}

/** out[o, c] = the first k where x[o, k, c] is largest (i32). A NaN counts as the largest, so it shows. */
export function argMax(x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  const rs = <usize>inner * 4;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c++) {
      let p = x + (<usize>(o * n) * inner + c) * 4;
      let best = load<f32>(p);
      let bi = 0;
      if (best == best) {
        for (let k = 1; k < n; k++) {
          p += rs;
          const v = load<f32>(p);
          if (v != v) { bi = k; break; }
          if (v > best) { best = v; bi = k; }
        }
      }
      store<i32>(out + (<usize>o * inner + c) * 4, bi);
    }
  }
}
