// Our own float32 exp, log, tanh, sigmoid, softplus and expm1, scalar and f32x4, so every host gives the same bits;
// and the kernels mapping exp, log and expm1 over buffers (mathExp, …) at the end.
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

// sigmoid's e^t on |t| ≤ ln2/2: 1 + t + t²·(Q2 + Q3·t + … + Q6·t⁴), a degree-6 minimax fit of the relative error
// (2.6e-9 before rounding the coefficients to float32): the accuracy of expV's degree 7 with one multiply-add less.
const Q2: f32 = 0.5000000596046448;
const Q3: f32 = 0.16666364669799805;
const Q4: f32 = 0.04166477546095848;
const Q5: f32 = 0.008379018865525723;
const Q6: f32 = 0.0014061267720535398;

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
 * e^w per lane for w in [−88, 0] (NaN propagates), the core of tanh (sigmoid shares the rounding and reduction
 * stages): one scale 2^n, built by the magic number that also rounds (n + 127 lands in vm's low bits); n = −127 makes
 * the scale exactly 0, so e^w < 2^-126 comes out as 0 or a value the caller flushes. Estrin's scheme for the same
 * degree-7 polynomial as expV. Written as stages
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

// sigmoid's stages: w = −|x| clamped; e = e^w = s·e^t = s + s·t + (s·t·t)·q(t) with s = 2^n (the scale taken first,
// so the poly's small terms are added before s); f = e/(1 + e) for x < 0, 1/(1 + e) for x ≥ 0, flushed below 2^-126.
// @ts-ignore: decorator
@inline function sigmoidW(x: v128): v128 { return f32x4.pmax(v128.or(x, i32x4.splat(0x80000000)), f32x4.splat(W_MIN)); }
// @ts-ignore: decorator
@inline function sigmoidPoly(t: v128): v128 {
  let q = f32x4.add(f32x4.mul(f32x4.splat(Q6), t), f32x4.splat(Q5));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(Q4));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(Q3));
  return f32x4.add(f32x4.mul(q, t), f32x4.splat(Q2));
}
// @ts-ignore: decorator
@inline function sigmoidScale(t: v128, q: v128, vm: v128): v128 {
  const s = i32x4.shl(vm, 23);
  const ts = f32x4.mul(t, s);
  return f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(ts, t), q), ts), s);
}
// @ts-ignore: decorator
@inline function sigmoidExp(w: v128): v128 {
  const vm = expNegRound(w);
  const t = expNegReduce(w, vm);
  return sigmoidScale(t, sigmoidPoly(t), vm);
}
// @ts-ignore: decorator
@inline function sigmoidOut(x: v128, e: v128): v128 {
  const num = v128.bitselect(e, f32x4.splat(1), i32x4.shr_s(x, 31)); // sign bit set: e
  const f = f32x4.div(num, f32x4.add(e, f32x4.splat(1)));
  return v128.andnot(f, f32x4.lt(f, f32x4.splat(FLT_MIN)));
}

/**
 * 1 / (1 + e^{−x}) per lane with e = e^{−|x|} (never overflows): e/(1 + e) for x < 0, 1/(1 + e) for x ≥ 0.
 * Results below 2^-126 are flushed to 0. Its own degree-6 e^t (Q2…Q6) and one division: 2 ulp at most.
 * Called, not inlined (the sigmoid kernel's tails and softplus' gradient): sigmoid16 inlines the same stages.
 */
export function sigmoidV(x: v128): v128 { return sigmoidOut(x, sigmoidExp(sigmoidW(x))); }

/**
 * e^w for the 4 vectors x0…x3 (w = tanhW), stage by stage across the four; stored at dst, the caller's output block
 * (16 floats it overwrites next): no static scratch, so threads running these kernels share nothing.
 */
// @ts-ignore: decorator
@inline function expNeg4(x0: v128, x1: v128, x2: v128, x3: v128, dst: usize): void {
  const w0 = tanhW(x0), w1 = tanhW(x1), w2 = tanhW(x2), w3 = tanhW(x3);
  const m0 = expNegRound(w0), m1 = expNegRound(w1), m2 = expNegRound(w2), m3 = expNegRound(w3);
  const r0 = expNegReduce(w0, m0), r1 = expNegReduce(w1, m1), r2 = expNegReduce(w2, m2), r3 = expNegReduce(w3, m3);
  const p0 = expNegPoly(r0), p1 = expNegPoly(r1), p2 = expNegPoly(r2), p3 = expNegPoly(r3);
  v128.store(dst, expNegScale(p0, m0)); v128.store(dst, expNegScale(p1, m1), 16);
  v128.store(dst, expNegScale(p2, m2), 32); v128.store(dst, expNegScale(p3, m3), 48);
}

/** y[0..16) = sigmoid(x[0..16)), the 4 vectors' chains interleaved stage by stage; the same bits as sigmoidV. */
// @ts-ignore: decorator
@inline export function sigmoid16(x: usize, y: usize): void {
  const x0 = v128.load(x), x1 = v128.load(x, 16), x2 = v128.load(x, 32), x3 = v128.load(x, 48);
  const w0 = sigmoidW(x0), w1 = sigmoidW(x1), w2 = sigmoidW(x2), w3 = sigmoidW(x3);
  const m0 = expNegRound(w0), m1 = expNegRound(w1), m2 = expNegRound(w2), m3 = expNegRound(w3);
  const t0 = expNegReduce(w0, m0), t1 = expNegReduce(w1, m1), t2 = expNegReduce(w2, m2), t3 = expNegReduce(w3, m3);
  const q0 = sigmoidPoly(t0), q1 = sigmoidPoly(t1), q2 = sigmoidPoly(t2), q3 = sigmoidPoly(t3);
  const e0 = sigmoidScale(t0, q0, m0), e1 = sigmoidScale(t1, q1, m1), e2 = sigmoidScale(t2, q2, m2), e3 = sigmoidScale(t3, q3, m3);
  v128.store(y, sigmoidOut(x0, e0)); v128.store(y, sigmoidOut(x1, e1), 16);
  v128.store(y, sigmoidOut(x2, e2), 32); v128.store(y, sigmoidOut(x3, e3), 48);
}

/** y[0..16) = tanh(x[0..16)), the 4 vectors' chains interleaved; the same bits as tanhV. y may alias x. */
// @ts-ignore: decorator
@inline export function tanh16(x: usize, y: usize): void {
  const x0 = v128.load(x), x1 = v128.load(x, 16), x2 = v128.load(x, 32), x3 = v128.load(x, 48);
  expNeg4(x0, x1, x2, x3, y);
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

// mathTanh, mathSigmoid and mathSoftplus are the activations' kernels, exported under both names (assembly/index.ts).
const EXP: i32 = 0, LOG: i32 = 1, EXPM1: i32 = 2;

// @ts-ignore: decorator
@inline function fV(kind: i32, x: v128): v128 {
  if (kind == EXP) return expV(x);
  if (kind == LOG) return logVBody(x);
  return expm1V(x);
}

// @ts-ignore: decorator
@inline function mapMath(kind: i32, x: usize, y: usize, n: i32): void {
  let i = 0; // not unrolled: the out-of-order core overlaps the iterations' chains, and the page's module stays small
  for (; i + 4 <= n; i += 4) { v128.store(y, fV(kind, v128.load(x))); x += 16; y += 16; }
  for (; i < n; i++) { store<f32>(y, f32x4.extract_lane(fV(kind, f32x4.splat(load<f32>(x))), 0)); x += 4; y += 4; }
}

export function mathExp(x: usize, y: usize, n: i32): void { mapMath(EXP, x, y, n); }
export function mathLog(x: usize, y: usize, n: i32): void { mapMath(LOG, x, y, n); }
export function mathExpm1(x: usize, y: usize, n: i32): void { mapMath(EXPM1, x, y, n); }
