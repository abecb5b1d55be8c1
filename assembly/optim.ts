// Fused optimizer updates (w, g and state: [n], in place, one pass), value clipping, Σx² and the L1/L2 penalty in
// float64 (fixed order), a finiteness check. Not schedules: the caller passes lr and the bias corrections per step.
// Decay rates (rho, b1, b2) arrive as float64 so 1 − rate is the float32 of the exact difference, as Keras and
// TensorFlow.js compute it (1 − float32(0.999) would be off by 1.3e-5 relative).

const SGD: i32 = 0, MOMENTUM: i32 = 1, NESTEROV: i32 = 2, ADAGRAD: i32 = 3, RMSPROP: i32 = 4, ADAM: i32 = 5,
  ADAMW: i32 = 6, NADAM: i32 = 7, CLIP: i32 = 8, ADAGRAD_IN: i32 = 9, RMSPROP_IN: i32 = 10;

// One vector at ptr, or with tail the one float at ptr in every lane (so tails run the vector formula: same bits).
// @ts-ignore: decorator
@inline function ld(ptr: usize, tail: bool): v128 { return tail ? f32x4.splat(load<f32>(ptr)) : v128.load(ptr); }
// @ts-ignore: decorator
@inline function st(ptr: usize, v: v128, tail: bool): void {
  if (tail) store<f32>(ptr, f32x4.extract_lane(v, 0)); else v128.store(ptr, v);
}

// One vector of an update at w, g and the state s, u (unused pointers are never touched). Constants by kind:
//   SGD       w −= k0·g                                              k0 = lr
//   MOMENTUM  s = k0·s − k1·g; w += s                                k0 = mu, k1 = lr
//   NESTEROV  s = k0·s − k1·g; w += k0·s − k1·g
//   ADAGRAD   s += g²; w −= k0·g/(√s + k1)                           k0 = lr, k1 = eps (ε outside the root)
//   RMSPROP   s = k2·s + k3·g²; w −= k0·g/(√s + k1)                  k2 = rho, k3 = 1 − rho
//   …_IN      ADAGRAD, RMSPROP with w −= k0·g/√(s + k1)              (ε inside the root: Keras, TensorFlow.js)
//   ADAM      s = k2·s + k3·g; u = k4·u + k5·g²; w −= k0·s/(√(k6·u) + k1)
//             k0 = lr·c1, k2 = b1, k3 = 1 − b1, k4 = b2, k5 = 1 − b2, k6 = c2
//   ADAMW     first w −= k7·w (k7 = lr·wd), then ADAM
//   NADAM     s, u as ADAM; w −= (k0·s + k7·g)/(√(k6·u) + k1)         k0 = lr·cm, k7 = lr·cg
//   CLIP      g = min(max(g, k0), k1)                                k0 = −c, k1 = c (w unused)
// @ts-ignore: decorator
@inline function stepAt(kind: i32, w: usize, g: usize, s: usize, u: usize, tail: bool,
                        k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128): void {
  const vg = ld(g, tail);
  if (kind == CLIP) { st(g, f32x4.min(f32x4.max(vg, k0), k1), tail); return; }
  let vw = ld(w, tail);
  if (kind == SGD) {
    vw = f32x4.sub(vw, f32x4.mul(k0, vg));
  } else if (kind == MOMENTUM || kind == NESTEROV) {
    const lg = f32x4.mul(k1, vg);
    const v = f32x4.sub(f32x4.mul(k0, ld(s, tail)), lg);
    st(s, v, tail);
    vw = f32x4.add(vw, kind == MOMENTUM ? v : f32x4.sub(f32x4.mul(k0, v), lg));
  } else if (kind == ADAGRAD || kind == RMSPROP || kind == ADAGRAD_IN || kind == RMSPROP_IN) {
    const g2 = f32x4.mul(vg, vg);
    const a = kind == ADAGRAD || kind == ADAGRAD_IN
      ? f32x4.add(ld(s, tail), g2) : f32x4.add(f32x4.mul(k2, ld(s, tail)), f32x4.mul(k3, g2));
    st(s, a, tail);
    const den = kind == ADAGRAD_IN || kind == RMSPROP_IN ? f32x4.sqrt(f32x4.add(a, k1)) : f32x4.add(f32x4.sqrt(a), k1);
    vw = f32x4.sub(vw, f32x4.div(f32x4.mul(k0, vg), den));
  } else { // ADAM, ADAMW, NADAM
    if (kind == ADAMW) vw = f32x4.sub(vw, f32x4.mul(k7, vw));
    const m = f32x4.add(f32x4.mul(k2, ld(s, tail)), f32x4.mul(k3, vg));
    const v = f32x4.add(f32x4.mul(k4, ld(u, tail)), f32x4.mul(k5, f32x4.mul(vg, vg)));
    st(s, m, tail); st(u, v, tail);
    const num = kind == NADAM ? f32x4.add(f32x4.mul(k0, m), f32x4.mul(k7, vg)) : f32x4.mul(k0, m);
    vw = f32x4.sub(vw, f32x4.div(num, f32x4.add(f32x4.sqrt(f32x4.mul(k6, v)), k1)));
  }
  st(w, vw, tail);
}

// stepAt over n floats: one vector at a time, then the scalar tail. s, u may be 0 for kinds that do not use them.
// @ts-ignore: decorator
@inline function sweep(kind: i32, w: usize, g: usize, s: usize, u: usize, n: i32,
                       c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32, c6: f32, c7: f32): void {
  const k0 = f32x4.splat(c0), k1 = f32x4.splat(c1), k2 = f32x4.splat(c2), k3 = f32x4.splat(c3);
  const k4 = f32x4.splat(c4), k5 = f32x4.splat(c5), k6 = f32x4.splat(c6), k7 = f32x4.splat(c7);
  let i = 0;
  for (; i + 8 <= n; i += 8) { // two vectors: a quarter less loop overhead; four cost the page's module 0.7 KiB
    stepAt(kind, w, g, s, u, false, k0, k1, k2, k3, k4, k5, k6, k7);
    stepAt(kind, w + 16, g + 16, s + 16, u + 16, false, k0, k1, k2, k3, k4, k5, k6, k7);
    w += 32; g += 32; s += 32; u += 32;
  }
  for (; i + 4 <= n; i += 4) {
    stepAt(kind, w, g, s, u, false, k0, k1, k2, k3, k4, k5, k6, k7);
    w += 16; g += 16; s += 16; u += 16;
  }
  for (; i < n; i++) {
    stepAt(kind, w, g, s, u, true, k0, k1, k2, k3, k4, k5, k6, k7);
    w += 4; g += 4; s += 4; u += 4;
  }
}

/** w −= lr·g. w, g: [n]. */
export function sgdUpdate(w: usize, g: usize, n: i32, lr: f32): void {
  sweep(SGD, w, g, 0, 0, n, lr, 0, 0, 0, 0, 0, 0, 0);
}

/** Keras momentum: v = mu·v − lr·g; w += v, or with nesterov ≠ 0, w += mu·v − lr·g (the new v). v: [n]. */
export function momentumUpdate(w: usize, g: usize, v: usize, n: i32, lr: f32, mu: f32, nesterov: i32): void {
  if (nesterov) sweep(NESTEROV, w, g, v, 0, n, mu, lr, 0, 0, 0, 0, 0, 0);
  else sweep(MOMENTUM, w, g, v, 0, n, mu, lr, 0, 0, 0, 0, 0, 0);
}

/** acc += g²; w −= lr·g/√(acc + eps) with epsInside ≠ 0 (Keras), else w −= lr·g/(√acc + eps) (PyTorch). acc: [n]. */
export function adagradUpdate(w: usize, g: usize, acc: usize, n: i32, lr: f32, eps: f32, epsInside: i32): void {
  if (epsInside) sweep(ADAGRAD_IN, w, g, acc, 0, n, lr, eps, 0, 0, 0, 0, 0, 0);
  else sweep(ADAGRAD, w, g, acc, 0, n, lr, eps, 0, 0, 0, 0, 0, 0);
}

/**
 * ms = rho·ms + (1 − rho)·g²; w −= lr·g/√(ms + eps) with epsInside ≠ 0 (Keras, TensorFlow.js), else
 * w −= lr·g/(√ms + eps) (PyTorch). ms: [n].
 */
export function rmspropUpdate(w: usize, g: usize, ms: usize, n: i32, lr: f32, rho: f64, eps: f32, epsInside: i32): void {
  if (epsInside) sweep(RMSPROP_IN, w, g, ms, 0, n, lr, eps, <f32>rho, <f32>(1 - rho), 0, 0, 0, 0);
  else sweep(RMSPROP, w, g, ms, 0, n, lr, eps, <f32>rho, <f32>(1 - rho), 0, 0, 0, 0);
}

/**
 * Adam (AdamW when wd ≠ 0: first w −= lr·wd·w, decoupled): m = b1·m + (1 − b1)·g; v = b2·v + (1 − b2)·g²;
 * w −= lr·c1·m/(√(c2·v) + eps), the step's scales c1, c2 from the caller: Keras adds eps to the uncorrected √v
 * (c1 = √(1 − b2^t)/(1 − b1^t), c2 = 1), PyTorch to the corrected one (c1 = 1/(1 − b1^t), c2 = 1/(1 − b2^t)). m, v: [n].
 */
export function adamUpdate(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, b1: f64, b2: f64, eps: f32,
                           c1: f32, c2: f32, wd: f32): void {
  if (wd != 0) sweep(ADAMW, w, g, m, v, n, lr * c1, eps, <f32>b1, <f32>(1 - b1), <f32>b2, <f32>(1 - b2), c2, lr * wd);
  else sweep(ADAM, w, g, m, v, n, lr * c1, eps, <f32>b1, <f32>(1 - b1), <f32>b2, <f32>(1 - b2), c2, 0);
}

/**
 * Nadam: m, v as Adam; mhat = cm·m + cg·g; w −= lr·mhat/(√(c2·v) + eps). The caller's coefficients carry the momentum
 * schedule (Keras 3: cm = μ_{t+1}/(1 − Π_{i≤t+1} μ_i), cg = (1 − μ_t)/(1 − Π_{i≤t} μ_i), c2 = 1/(1 − b2^t)). m, v: [n].
 */
export function nadamUpdate(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, b1: f64, b2: f64, eps: f32,
                            cm: f32, cg: f32, c2: f32): void {
  sweep(NADAM, w, g, m, v, n, lr * cm, eps, <f32>b1, <f32>(1 - b1), <f32>b2, <f32>(1 - b2), c2, lr * cg);
}

/** g = clamp(g, −c, c) in place. g: [n]. */
export function clipByValue(g: usize, n: i32, c: f32): void {
  sweep(CLIP, 0, g, 0, 0, n, -c, c, 0, 0, 0, 0, 0, 0);
}

// Promotes the low and high halves of a float32 vector to float64.
// @ts-ignore: decorator
@inline function lowF64(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-ignore: decorator
@inline function highF64(v: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)); }

/**
 * Σ x² over x: [n] in float64 (each square exact), in the order of rows.ts's sumRowF64: lanes 0-1 and 2-3
 * accumulate apart, then lo + hi, its two lanes, then the tail. For global-norm clipping.
 */
export function sumSquares(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    let v = v128.load(x);
    lo = f64x2.add(lo, f64x2.mul(lowF64(v), lowF64(v))); hi = f64x2.add(hi, f64x2.mul(highF64(v), highF64(v)));
    v = v128.load(x, 16);
    lo = f64x2.add(lo, f64x2.mul(lowF64(v), lowF64(v))); hi = f64x2.add(hi, f64x2.mul(highF64(v), highF64(v)));
    v = v128.load(x, 32);
    lo = f64x2.add(lo, f64x2.mul(lowF64(v), lowF64(v))); hi = f64x2.add(hi, f64x2.mul(highF64(v), highF64(v)));
    v = v128.load(x, 48);
    lo = f64x2.add(lo, f64x2.mul(lowF64(v), lowF64(v))); hi = f64x2.add(hi, f64x2.mul(highF64(v), highF64(v)));
    x += 64;
  }
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x);
    lo = f64x2.add(lo, f64x2.mul(lowF64(v), lowF64(v))); hi = f64x2.add(hi, f64x2.mul(highF64(v), highF64(v)));
    x += 16;
  }
  const t = f64x2.add(lo, hi);
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < n; i++) { const v = <f64>load<f32>(x); s += v * v; x += 4; }
  return s;
}

// One vector of regularize at w, g: g += l1·sign(w) + l2x2·w; adds |w| and w² (float64) into the accumulators.
// @ts-ignore: decorator
@inline function regAt(w: usize, g: usize, tail: bool, vl1: v128, vl2x2: v128): v128 {
  const vw = ld(w, tail);
  const zero = f32x4.splat(0);
  const sgn = v128.or(v128.and(vl1, f32x4.gt(vw, zero)), v128.and(f32x4.neg(vl1), f32x4.lt(vw, zero)));
  st(g, f32x4.add(ld(g, tail), f32x4.add(sgn, f32x4.mul(vl2x2, vw))), tail);
  return vw;
}

// Σ|v| and Σv² of one vector's four lanes as float64 pairs: (|v0| + |v2|, |v1| + |v3|) and the same for squares.
// @ts-ignore: decorator
@inline function absPair(v: v128): v128 { return f64x2.add(f64x2.abs(lowF64(v)), f64x2.abs(highF64(v))); }
// @ts-ignore: decorator
@inline function sqPair(v: v128): v128 {
  const l = lowF64(v), h = highF64(v);
  return f64x2.add(f64x2.mul(l, l), f64x2.mul(h, h));
}

/**
 * L1/L2 weight penalty: g += l1·sign(w) + 2·l2·w (sign(0) = 0) in place; returns l1·Σ|w| + l2·Σw², both sums in
 * float64 in a fixed order (vector pairs, then the tail; a zero coefficient contributes exactly 0). w, g: [n].
 */
export function regularize(w: usize, g: usize, n: i32, l1: f32, l2: f32): f64 {
  const vl1 = f32x4.splat(l1), vl2x2 = f32x4.splat(2 * l2);
  let a = f64x2.splat(0), q = f64x2.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    let v = regAt(w, g, false, vl1, vl2x2);
    a = f64x2.add(a, absPair(v)); q = f64x2.add(q, sqPair(v));
    v = regAt(w + 16, g + 16, false, vl1, vl2x2);
    a = f64x2.add(a, absPair(v)); q = f64x2.add(q, sqPair(v));
    v = regAt(w + 32, g + 32, false, vl1, vl2x2);
    a = f64x2.add(a, absPair(v)); q = f64x2.add(q, sqPair(v));
    v = regAt(w + 48, g + 48, false, vl1, vl2x2);
    a = f64x2.add(a, absPair(v)); q = f64x2.add(q, sqPair(v));
    w += 64; g += 64;
  }
  for (; i + 4 <= n; i += 4) {
    const v = regAt(w, g, false, vl1, vl2x2);
    a = f64x2.add(a, absPair(v)); q = f64x2.add(q, sqPair(v));
    w += 16; g += 16;
  }
  let sa = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  let sq = f64x2.extract_lane(q, 0) + f64x2.extract_lane(q, 1);
  for (; i < n; i++) {
    const v = <f64>f32x4.extract_lane(regAt(w, g, true, vl1, vl2x2), 0);
    sa += abs(v); sq += v * v;
    w += 4; g += 4;
  }
  return (l1 != 0 ? <f64>l1 * sa : 0) + (l2 != 0 ? <f64>l2 * sq : 0);
}

/** 1 when every element of x: [n] is finite, 0 if any is NaN or ±Inf (|x| < Inf is false for exactly those). */
export function allFinite(x: usize, n: i32): i32 {
  const inf = f32x4.splat(Infinity);
  let ok = i32x4.splat(-1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    ok = v128.and(ok, f32x4.lt(f32x4.abs(v128.load(x)), inf));
    ok = v128.and(ok, f32x4.lt(f32x4.abs(v128.load(x, 16)), inf));
    ok = v128.and(ok, f32x4.lt(f32x4.abs(v128.load(x, 32)), inf));
    ok = v128.and(ok, f32x4.lt(f32x4.abs(v128.load(x, 48)), inf));
    x += 64;
  }
  for (; i + 4 <= n; i += 4) { ok = v128.and(ok, f32x4.lt(f32x4.abs(v128.load(x)), inf)); x += 16; }
  let all = i32x4.all_true(ok);
  for (; i < n; i++) { if (!(abs(load<f32>(x)) < Infinity)) all = false; x += 4; }
  return all ? 1 : 0;
}
