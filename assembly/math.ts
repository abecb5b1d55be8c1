// Our own float32 exp, log, tanh, sigmoid, softplus and expm1, scalar and f32x4, so every host gives the same bits;
// and the kernels mapping them over buffers (mathExp, …) at the end.
// Not the host's Math: results depend only on these instructions. Results below 2^-126 are flushed to 0
// (WebAssembly cannot flush subnormals, and they slow a loop a hundredfold); inputs may be subnormal.

// Cephes-style minimax coefficients (public-domain constants).
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_HI: f32 = 88.7228317;    // exp(x) overflows above this
const EXP_LO: f32 = -87.3365479;   // exp(x) < 2^-126 below this: flushed to 0
const FLT_MIN: f32 = 1.17549435e-38; // 2^-126, the smallest normal float
const MAGIC: f32 = 12582912.0;     // 1.5·2^23: adding it rounds to an integer, held in the low mantissa bits
const MAGIC_BIASED: f32 = 12583039.0; // MAGIC + 127: the low bits hold n + 127, the exponent field of 2^n
const W_MIN: f32 = -88.0;          // sigmoid and tanh clamp e^w here: n = −127, the scale is 0
const E_P0: f32 = 1.9875691500e-4;
const E_P1: f32 = 1.3981999507e-3;
const E_P2: f32 = 8.3334519073e-3;
const E_P3: f32 = 4.1665795894e-2;
const E_P4: f32 = 1.6666665459e-1;
const E_P5: f32 = 5.0000001201e-1;

const SQRTHF: f32 = 0.707106781186547524;
const L_P0: f32 = 7.0376836292e-2;
const L_P1: f32 = -1.1514610310e-1;
const L_P2: f32 = 1.1676998740e-1;
const L_P3: f32 = -1.2420140846e-1;
const L_P4: f32 = 1.4249322787e-1;
const L_P5: f32 = -1.6668057665e-1;
const L_P6: f32 = 2.0000714765e-1;
const L_P7: f32 = -2.4999993993e-1;
const L_P8: f32 = 3.3333331174e-1;

const T_P0: f32 = -5.70498872745e-3;
const T_P1: f32 = 2.06390887954e-2;
const T_P2: f32 = -5.37397155531e-2;
const T_P3: f32 = 1.33314422036e-1;
const T_P4: f32 = -3.33332819422e-1;
const TANH_SMALL: f32 = 0.625;

// ---- f32x4 ----

/**
 * e^x per lane: range reduction x = n·ln2 + r, |r| ≤ ln2/2, degree-7 polynomial, scale by 2^n. The clamp uses pmin/pmax
 * (one instruction each; NaN lanes are restored at the end) and n comes from the magic-number rounding
 * (x·log2e + 1.5·2^23 rounds to the nearest integer, ties to even, as f32x4.nearest does), so the bits are those of
 * the nearest/trunc_sat formulation at a fraction of its cost.
 */
// @ts-ignore: decorator
@inline export function expV(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const vm = f32x4.add(f32x4.mul(xc, f32x4.splat(LOG2E)), f32x4.splat(MAGIC));
  const n = f32x4.sub(vm, f32x4.splat(MAGIC));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(E_P0), r), f32x4.splat(E_P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E_P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E_P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E_P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E_P5));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // n in [-126, 128] (the integer is vm's bits minus MAGIC's): scale by 2^(n>>1) · 2^(n − (n>>1)), both normal.
  const ni = i32x4.sub(vm, f32x4.splat(MAGIC));
  const n1 = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, n1), i32x4.splat(127)), 23);
  let y = f32x4.mul(f32x4.mul(p, s1), s2);
  y = v128.andnot(y, f32x4.lt(y, f32x4.splat(FLT_MIN)));
  y = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, f32x4.splat(EXP_HI)));
  y = v128.andnot(y, f32x4.lt(x, f32x4.splat(EXP_LO)));
  return v128.bitselect(x, y, f32x4.ne(x, x)); // NaN in, NaN out
}

/**
 * e^w per lane for w in [−88, 0] (NaN propagates), the core of sigmoid and tanh: one scale 2^n, built by the magic
 * number that also rounds (n + 127 lands in vm's low bits); n = −127 makes the scale exactly 0, so e^w < 2^-126 comes
 * out as 0 or a value the caller flushes. Estrin's scheme for the same degree-7 polynomial as expV. Written as stages
 * (expNegRound, expNegReduce, expNegPoly, expNegScale) so the 4-vector forms below can interleave four lanes' chains,
 * which the CPU then overlaps (the single-vector chain is latency-bound); both forms run the same operations.
 */
// @ts-ignore: decorator
@inline function expNegRound(w: v128): v128 { return f32x4.add(f32x4.mul(w, f32x4.splat(LOG2E)), f32x4.splat(MAGIC_BIASED)); }
// @ts-ignore: decorator
@inline function expNegReduce(w: v128, vm: v128): v128 {
  const n = f32x4.sub(vm, f32x4.splat(MAGIC_BIASED));
  return f32x4.sub(f32x4.sub(w, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
}
// @ts-ignore: decorator
@inline function expNegPoly(r: v128): v128 {
  const r2 = f32x4.mul(r, r);
  const a = f32x4.add(f32x4.mul(f32x4.splat(E_P4), r), f32x4.splat(E_P5));
  const b = f32x4.add(f32x4.mul(f32x4.splat(E_P2), r), f32x4.splat(E_P3));
  const c = f32x4.add(f32x4.mul(f32x4.splat(E_P0), r), f32x4.splat(E_P1));
  const p = f32x4.add(f32x4.mul(f32x4.add(f32x4.mul(c, r2), b), r2), a);
  return f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1));
}
// @ts-ignore: decorator
@inline function expNegScale(p: v128, vm: v128): v128 { return f32x4.mul(p, i32x4.shl(vm, 23)); }
// @ts-ignore: decorator
@inline function expNegV(w: v128): v128 {
  const vm = expNegRound(w);
  return expNegScale(expNegPoly(expNegReduce(w, vm)), vm);
}

/**
 * ln x per lane, called (not inlined: its polynomial inlined at every use cost ~3 KiB of the page's gzipped module);
 * the buffer kernel mathLog and the normal generator's radius inline logVBody themselves.
 */
export function logV(x: v128): v128 { return logVBody(x); }

/** ln x per lane: x = m·2^e with m in [√½, √2), degree-9 polynomial in m − 1 (inlined where it is the hot path). */
// @ts-ignore: decorator
@inline export function logVBody(x: v128): v128 {
  // Subnormal inputs are scaled up by 2^25 first.
  const tiny = f32x4.lt(x, f32x4.splat(FLT_MIN));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(33554432.0)), x, tiny);
  const bits = xs;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(25)));
  // mantissa in [0.5, 1)
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const small = f32x4.lt(m, f32x4.splat(SQRTHF));
  // if m < √½: m = 2m, e -= 1
  e = i32x4.add(e, small); // true lanes are -1
  const f = f32x4.sub(f32x4.add(m, v128.and(m, small)), f32x4.splat(1));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(f, f);
  let p = f32x4.add(f32x4.mul(f32x4.splat(L_P0), f), f32x4.splat(L_P1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(L_P2));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(L_P3));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(L_P4));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(L_P5));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(L_P6));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(L_P7));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(L_P8));
  let y = f32x4.mul(f32x4.mul(p, f), z);
  y = f32x4.add(y, f32x4.mul(ef, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  y = f32x4.add(f32x4.add(f, y), f32x4.mul(ef, f32x4.splat(LN2_HI)));
  // x = 0 → -inf; x < 0 or NaN → NaN; x = +inf → +inf
  y = v128.bitselect(f32x4.splat(-Infinity), y, f32x4.eq(x, f32x4.splat(0)));
  y = v128.bitselect(f32x4.splat(NaN), y, v128.not(f32x4.ge(x, f32x4.splat(0))));
  return v128.bitselect(x, y, f32x4.eq(x, f32x4.splat(Infinity)));
}

// tanh's stages: the odd polynomial for |x| < 0.625, w = −2|x| clamped, and the final select.
// @ts-ignore: decorator
@inline function tanhSmall(x: v128): v128 {
  const z = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(f32x4.splat(T_P0), z), f32x4.splat(T_P1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T_P2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T_P3));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T_P4));
  return f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
}
// @ts-ignore: decorator
@inline function tanhW(x: v128): v128 {
  return f32x4.pmax(v128.or(f32x4.add(x, x), i32x4.splat(0x80000000)), f32x4.splat(W_MIN));
}
// @ts-ignore: decorator
@inline function tanhOut(x: v128, small: v128, e: v128): v128 {
  const big = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(f32x4.abs(x), f32x4.splat(TANH_SMALL)));
}

/** tanh per lane: odd polynomial below 0.625, (1 − e)/(1 + e) with e = e^{−2|x|} above, sign restored. */
// @ts-ignore: decorator
@inline export function tanhV(x: v128): v128 { return tanhOut(x, tanhSmall(x), expNegV(tanhW(x))); }

// sigmoid's stages: w = −|x| clamped, and f = e/(1 + e) flushed, then f or 1 − f by the sign of x.
// @ts-ignore: decorator
@inline function sigmoidW(x: v128): v128 { return f32x4.pmax(v128.or(x, i32x4.splat(0x80000000)), f32x4.splat(W_MIN)); }
// @ts-ignore: decorator
@inline function sigmoidOut(x: v128, e: v128): v128 {
  let f = f32x4.div(e, f32x4.add(e, f32x4.splat(1)));
  f = v128.andnot(f, f32x4.lt(f, f32x4.splat(FLT_MIN)));
  return v128.bitselect(f, f32x4.sub(f32x4.splat(1), f), i32x4.shr_s(x, 31)); // sign bit set: f
}

/**
 * 1 / (1 + e^{−x}) per lane as f = e/(1 + e) with e = e^{−|x|} (never overflows): f for x < 0, 1 − f for x ≥ 0.
 * Results below 2^-126 are flushed to 0.
 */
// @ts-ignore: decorator
@inline export function sigmoidV(x: v128): v128 { return sigmoidOut(x, expNegV(sigmoidW(x))); }

/**
 * e^w for the 4 vectors x0…x3 (w from sigmoidW or tanhW), stage by stage across the four; stored at dst, the caller's
 * output block (16 floats it overwrites next): no static scratch, so threads running these kernels share nothing.
 */
// @ts-ignore: decorator
@inline function expNeg4(tanh: bool, x0: v128, x1: v128, x2: v128, x3: v128, dst: usize): void {
  const w0 = tanh ? tanhW(x0) : sigmoidW(x0), w1 = tanh ? tanhW(x1) : sigmoidW(x1);
  const w2 = tanh ? tanhW(x2) : sigmoidW(x2), w3 = tanh ? tanhW(x3) : sigmoidW(x3);
  const m0 = expNegRound(w0), m1 = expNegRound(w1), m2 = expNegRound(w2), m3 = expNegRound(w3);
  const r0 = expNegReduce(w0, m0), r1 = expNegReduce(w1, m1), r2 = expNegReduce(w2, m2), r3 = expNegReduce(w3, m3);
  const p0 = expNegPoly(r0), p1 = expNegPoly(r1), p2 = expNegPoly(r2), p3 = expNegPoly(r3);
  v128.store(dst, expNegScale(p0, m0)); v128.store(dst, expNegScale(p1, m1), 16);
  v128.store(dst, expNegScale(p2, m2), 32); v128.store(dst, expNegScale(p3, m3), 48);
}

/** y[0..16) = sigmoid(x[0..16)), the 4 vectors' chains interleaved; the same bits as sigmoidV. y may alias x. */
// @ts-ignore: decorator
@inline export function sigmoid16(x: usize, y: usize): void {
  const x0 = v128.load(x), x1 = v128.load(x, 16), x2 = v128.load(x, 32), x3 = v128.load(x, 48);
  expNeg4(false, x0, x1, x2, x3, y);
  v128.store(y, sigmoidOut(x0, v128.load(y))); v128.store(y, sigmoidOut(x1, v128.load(y, 16)), 16);
  v128.store(y, sigmoidOut(x2, v128.load(y, 32)), 32); v128.store(y, sigmoidOut(x3, v128.load(y, 48)), 48);
}

/** y[0..16) = tanh(x[0..16)), the 4 vectors' chains interleaved; the same bits as tanhV. y may alias x. */
// @ts-ignore: decorator
@inline export function tanh16(x: usize, y: usize): void {
  const x0 = v128.load(x), x1 = v128.load(x, 16), x2 = v128.load(x, 32), x3 = v128.load(x, 48);
  expNeg4(true, x0, x1, x2, x3, y);
  const s0 = tanhSmall(x0), s1 = tanhSmall(x1), s2 = tanhSmall(x2), s3 = tanhSmall(x3);
  v128.store(y, tanhOut(x0, s0, v128.load(y))); v128.store(y, tanhOut(x1, s1, v128.load(y, 16)), 16);
  v128.store(y, tanhOut(x2, s2, v128.load(y, 32)), 32); v128.store(y, tanhOut(x3, s3, v128.load(y, 48)), 48);
}

/** log(1 + t) per lane for t ≥ 0, accurate for tiny t: log(u)·t/(u − 1) with u = 1 + t. */
// @ts-ignore: decorator
@inline export function log1pV(t: v128): v128 {
  const u = f32x4.add(f32x4.splat(1), t);
  const d = f32x4.sub(u, f32x4.splat(1));
  const r = f32x4.mul(logV(u), f32x4.div(t, d));
  return v128.bitselect(t, r, f32x4.eq(d, f32x4.splat(0)));
}

/** log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}) per lane. */
// @ts-ignore: decorator
@inline export function softplusV(x: v128): v128 {
  const r = f32x4.add(f32x4.max(x, f32x4.splat(0)), log1pV(expV(f32x4.neg(f32x4.abs(x)))));
  return v128.bitselect(x, r, f32x4.ne(x, x));
}

/** e^x − 1 per lane, accurate near 0: (u − 1)·x / log u with u = e^x. Called (it calls logV anyway). */
export function expm1V(x: v128): v128 {
  const u = expV(x);
  const d = f32x4.sub(u, f32x4.splat(1));
  let r = f32x4.mul(d, f32x4.div(x, logV(u)));
  r = v128.bitselect(x, r, f32x4.eq(d, f32x4.splat(0)));
  r = v128.bitselect(f32x4.splat(-1), r, f32x4.eq(d, f32x4.splat(-1)));
  // large x: d itself is exact enough and log u may be inf
  return v128.bitselect(d, r, f32x4.gt(x, f32x4.splat(0.5)));
}

// ---- scalar: lane 0 of the vector forms, so scalar tails give the same bits as vector bodies ----

// @ts-ignore: decorator
@inline export function expS(x: f32): f32 { return f32x4.extract_lane(expV(f32x4.splat(x)), 0); }
// @ts-ignore: decorator
@inline export function logS(x: f32): f32 { return f32x4.extract_lane(logV(f32x4.splat(x)), 0); }
// @ts-ignore: decorator
@inline export function tanhS(x: f32): f32 { return f32x4.extract_lane(tanhV(f32x4.splat(x)), 0); }
// @ts-ignore: decorator
@inline export function sigmoidS(x: f32): f32 { return f32x4.extract_lane(sigmoidV(f32x4.splat(x)), 0); }
// @ts-ignore: decorator
@inline export function softplusS(x: f32): f32 { return f32x4.extract_lane(softplusV(f32x4.splat(x)), 0); }
// @ts-ignore: decorator
@inline export function expm1S(x: f32): f32 { return f32x4.extract_lane(expm1V(f32x4.splat(x)), 0); }

// ---- the functions above mapped over buffers (y[i] = f(x[i])): kernels the tests sweep and ops use directly ----

const EXP: i32 = 0, LOG: i32 = 1, TANH: i32 = 2, SIGMOID: i32 = 3, SOFTPLUS: i32 = 4, EXPM1: i32 = 5;

// @ts-ignore: decorator
@inline function fV(kind: i32, x: v128): v128 {
  if (kind == EXP) return expV(x);
  if (kind == LOG) return logVBody(x);
  if (kind == TANH) return tanhV(x);
  if (kind == SIGMOID) return sigmoidV(x);
  if (kind == SOFTPLUS) return softplusV(x);
  return expm1V(x);
}

// @ts-ignore: decorator
@inline function mapMath(kind: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(y, fV(kind, v128.load(x)));
    v128.store(y, fV(kind, v128.load(x, 16)), 16);
    v128.store(y, fV(kind, v128.load(x, 32)), 32);
    v128.store(y, fV(kind, v128.load(x, 48)), 48);
    x += 64; y += 64;
  }
  for (; i + 4 <= n; i += 4) { v128.store(y, fV(kind, v128.load(x))); x += 16; y += 16; }
  for (; i < n; i++) { store<f32>(y, f32x4.extract_lane(fV(kind, f32x4.splat(load<f32>(x))), 0)); x += 4; y += 4; }
}

export function mathExp(x: usize, y: usize, n: i32): void { mapMath(EXP, x, y, n); }
export function mathLog(x: usize, y: usize, n: i32): void { mapMath(LOG, x, y, n); }
export function mathTanh(x: usize, y: usize, n: i32): void { mapMath(TANH, x, y, n); }
export function mathSigmoid(x: usize, y: usize, n: i32): void { mapMath(SIGMOID, x, y, n); }
export function mathSoftplus(x: usize, y: usize, n: i32): void { mapMath(SOFTPLUS, x, y, n); }
export function mathExpm1(x: usize, y: usize, n: i32): void { mapMath(EXPM1, x, y, n); }
