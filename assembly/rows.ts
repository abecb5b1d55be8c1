// Row helpers shared by reductions, softmax and losses: fixed-order sum, max, dot and exp-shift over n contiguous floats.
// Not exported from the module. Vector lanes accumulate separately, then (l0 + l1) + (l2 + l3), then the tail.
import { expV, expS } from './math';

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
