// Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11), written from the paper, giving raw
// u32 words, uniform and normal float32 and a Fisher–Yates permutation. Integer math and math.ts only: same bits on every host.
//
// The stream (test/reference/random.ts is its specification): word j (64-bit) of (seed, stream) is word j mod 4 of
// Philox4x32-10 with counter (lo32(j/4), hi32(j/4), stream, 0) and key (seedLo, seedHi). Element i of a call with
// counter offset `offset` reads word offset + i (normals: the word pair around it), so drawing in pieces changes nothing.
// Loops: scalar head up to a multiple of 4 words, then 16 words (4 Philox blocks, one per lane) at a time, scalar tail.
import { logVBody } from './math';

const PHILOX_M0: u32 = 0xD2511F53;
const PHILOX_M1: u32 = 0xCD9E8D57;
const PHILOX_W0: u32 = 0x9E3779B9; // golden ratio: key schedule
const PHILOX_W1: u32 = 0xBB67AE85; // sqrt(3) − 1
const TWO_M24: f32 = 5.9604644775390625e-8; // 2^-24
const TWO_M23: f32 = 1.1920928955078125e-7; // 2^-23
const HALF_PI: f32 = 1.57079632679489662;

// Cephes sinf/cosf minimax coefficients for |x| ≤ π/4 (public-domain constants).
const S_P0: f32 = -1.9515295891e-4;
const S_P1: f32 = 8.3321608736e-3;
const S_P2: f32 = -1.6666654611e-1;
const C_P0: f32 = 2.443315711809948e-5;
const C_P1: f32 = -1.388731625493765e-3;
const C_P2: f32 = 4.166664568298827e-2;

// ---- Philox ----

/**
 * Philox4x32-10 on the four consecutive blocks block..block+3 (one per lane), stored word-major at dst:
 * dst[w·4 + lane] = word w of block block + lane, w < 4 (64 bytes).
 */
// @ts-ignore: decorator
@inline export function philoxBlocks4(dst: usize, block: u64, stream: u32, k0: u32, k1: u32): void {
  const lo = <u32>block, hi = <u32>(block >> 32);
  let x0 = i32x4.add(i32x4.splat(lo), i32x4(0, 1, 2, 3));
  let x1 = i32x4.sub(i32x4.splat(hi), i32x4.lt_u(x0, i32x4.splat(lo))); // carry: true lanes are −1
  let x2 = i32x4.splat(stream);
  let x3 = i32x4.splat(0);
  const m0 = i32x4.splat(PHILOX_M0), m1 = i32x4.splat(PHILOX_M1);
  let ka = k0, kb = k1;
  for (let r = 0; r < 10; r++) {
    // (hi, lo) of the 64-bit products M0·x0 and M1·x2 per lane
    const p0 = i64x2.extmul_low_i32x4_u(x0, m0), q0 = i64x2.extmul_high_i32x4_u(x0, m0);
    const p1 = i64x2.extmul_low_i32x4_u(x2, m1), q1 = i64x2.extmul_high_i32x4_u(x2, m1);
    const hi0 = i32x4.shuffle(p0, q0, 1, 3, 5, 7), lo0 = i32x4.shuffle(p0, q0, 0, 2, 4, 6);
    const hi1 = i32x4.shuffle(p1, q1, 1, 3, 5, 7), lo1 = i32x4.shuffle(p1, q1, 0, 2, 4, 6);
    x0 = v128.xor(v128.xor(hi1, x1), i32x4.splat(ka));
    x2 = v128.xor(v128.xor(hi0, x3), i32x4.splat(kb));
    x1 = lo1;
    x3 = lo0;
    ka += PHILOX_W0; kb += PHILOX_W1;
  }
  v128.store(dst, x0); v128.store(dst, x1, 16); v128.store(dst, x2, 32); v128.store(dst, x3, 48);
}

/** Philox4x32-10 on one block, scalar: the four words as the lanes of a v128. */
// @ts-ignore: decorator
@inline export function philoxBlockS(block: u64, stream: u32, k0: u32, k1: u32): v128 {
  let x0 = <u32>block, x1 = <u32>(block >> 32), x2 = stream, x3: u32 = 0;
  let ka = k0, kb = k1;
  for (let r = 0; r < 10; r++) {
    const p0 = <u64>x0 * <u64>PHILOX_M0, p1 = <u64>x2 * <u64>PHILOX_M1;
    x0 = <u32>(p1 >> 32) ^ x1 ^ ka;
    x2 = <u32>(p0 >> 32) ^ x3 ^ kb;
    x1 = <u32>p1;
    x3 = <u32>p0;
    ka += PHILOX_W0; kb += PHILOX_W1;
  }
  let v = i32x4.splat(x0);
  v = i32x4.replace_lane(v, 1, x1);
  v = i32x4.replace_lane(v, 2, x2);
  return i32x4.replace_lane(v, 3, x3);
}

/** Lane w (0..3, not a constant) of an i32x4. */
// @ts-ignore: decorator
@inline export function laneOf(v: v128, w: i32): u32 {
  if (w == 0) return i32x4.extract_lane(v, 0);
  if (w == 1) return i32x4.extract_lane(v, 1);
  if (w == 2) return i32x4.extract_lane(v, 2);
  return i32x4.extract_lane(v, 3);
}

/** Word j of the stream, scalar. */
// @ts-ignore: decorator
@inline export function wordS(j: u64, stream: u32, k0: u32, k1: u32): u32 {
  return laneOf(philoxBlockS(j >> 2, stream, k0, k1), <i32>(j & 3));
}

/** 4×4 transpose of 32-bit lanes in place at p: word-major Philox output → stream order. */
// @ts-ignore: decorator
@inline export function transpose4InPlace(p: usize): void {
  const a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32), d = v128.load(p, 48);
  const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5), t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(c, d, 0, 4, 1, 5), t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(p, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(p, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
  v128.store(p, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
  v128.store(p, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
}

/** u = (w >> 8)·2^-24 per lane: uniform on the 2^24 points k·2^-24 of [0, 1), exact. */
// @ts-ignore: decorator
@inline export function unitV(w: v128): v128 {
  return f32x4.mul(f32x4.convert_i32x4_u(i32x4.shr_u(w, 8)), f32x4.splat(TWO_M24));
}

// ---- distributions ----

// lo + (hi − lo)·u, then at most the largest float below hi (rounding could otherwise reach hi).
// @ts-ignore: decorator
@inline function uniformV(w: v128, lo: v128, span: v128, top: v128): v128 {
  return f32x4.min(f32x4.add(lo, f32x4.mul(span, unitV(w))), top);
}

// The largest float32 below h (h finite).
function below(h: f32): f32 {
  const b = reinterpret<i32>(h);
  if (h > 0) return reinterpret<f32>(b - 1);
  if (h < 0) return reinterpret<f32>(b + 1);
  return reinterpret<f32>(0x80000001); // −2^-149
}

/**
 * Box–Muller radius from word a: sqrt(−2·ln u1), u1 = ((a >> 8) + 1)·2^-24 in (0, 1]; at most 5.77. Called (not
 * inlined into each generator: that cost 0.6 KiB of the page's gzipped module for 1.6× faster normals, which only
 * initializers and augmentation noise draw), the log's body inlined once here.
 */
function radiusV(a: v128): v128 {
  const u1 = f32x4.mul(f32x4.convert_i32x4_u(i32x4.add(i32x4.shr_u(a, 8), i32x4.splat(1))), f32x4.splat(TWO_M24));
  return f32x4.sqrt(f32x4.mul(f32x4.splat(-2), logVBody(u1)));
}

/**
 * cos θ (sine = false) or sin θ (sine = true) for θ = 2π·((b >> 8) + ½)·2^-24 − π/4: the top two of the 24 bits pick
 * the quadrant q, the other 22 give ψ in (−π/4, π/4), θ = q·π/2 + ψ; sin ψ and cos ψ by polynomial, then rotated by q.
 */
// @ts-ignore: decorator
@inline function cosSinV(b: v128, sine: bool): v128 {
  const x24 = i32x4.shr_u(b, 8);
  const q = i32x4.shr_u(x24, 22);
  const f = v128.and(x24, i32x4.splat(0x3fffff));
  // t = (2f + 1 − 2^22)·2^-23 in (−½, ½), exact
  const t = f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.add(i32x4.shl(f, 1), i32x4.splat(1)), i32x4.splat(0x400000))),
    f32x4.splat(TWO_M23));
  const psi = f32x4.mul(t, f32x4.splat(HALF_PI));
  const z = f32x4.mul(psi, psi);
  let sp = f32x4.add(f32x4.mul(f32x4.splat(S_P0), z), f32x4.splat(S_P1));
  sp = f32x4.add(f32x4.mul(sp, z), f32x4.splat(S_P2));
  const s = f32x4.add(f32x4.mul(f32x4.mul(sp, z), psi), psi);
  let cp = f32x4.add(f32x4.mul(f32x4.splat(C_P0), z), f32x4.splat(C_P1));
  cp = f32x4.add(f32x4.mul(cp, z), f32x4.splat(C_P2));
  const c = f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(cp, z), z), f32x4.mul(z, f32x4.splat(0.5))), f32x4.splat(1));
  // q odd: (cos, sin) = (−s, c); q ≥ 2: both negated
  const odd = i32x4.eq(v128.and(q, i32x4.splat(1)), i32x4.splat(1));
  const sign = i32x4.shl(v128.and(q, i32x4.splat(2)), 30);
  const r = sine ? v128.bitselect(c, s, odd) : v128.bitselect(f32x4.neg(s), c, odd);
  return v128.xor(r, sign);
}

// mean + std·radius(a)·cos or sin(angle(b))
// @ts-ignore: decorator
@inline function normalV(a: v128, b: v128, sine: bool, mean: v128, std: v128): v128 {
  return f32x4.add(mean, f32x4.mul(std, f32x4.mul(radiusV(a), cosSinV(b, sine))));
}

// Element j of the normal stream, scalar (lane 0 of the vector formula, so tails match bodies bit for bit).
// Block j/4 holds two pairs: words (0, 1) give elements 0 (cos) and 1 (sin), words (2, 3) elements 2 and 3.
// @ts-ignore: decorator
@inline function normalS(j: u64, stream: u32, k0: u32, k1: u32, mean: v128, std: v128): f32 {
  const blk = philoxBlockS(j >> 2, stream, k0, k1);
  const w = <i32>(j & 3);
  const a = i32x4.splat(laneOf(blk, w & 2)), b = i32x4.splat(laneOf(blk, (w & 2) + 1));
  return f32x4.extract_lane(normalV(a, b, (w & 1) != 0, mean, std), 0);
}

// ---- kernels ----

/** out[i] = word offset + i of the stream, as u32 (int32 bits). out: [n]. */
export function randomBits(out: usize, n: i32, seedLo: u32, seedHi: u32, stream: u32, offset: f64): void {
  let j = <u64>offset;
  let i = 0;
  for (; i < n && (j & 3) != 0; i++) { store<u32>(out, wordS(j, stream, seedLo, seedHi)); out += 4; j++; }
  for (; i + 16 <= n; i += 16) {
    philoxBlocks4(out, j >> 2, stream, seedLo, seedHi);
    transpose4InPlace(out);
    out += 64; j += 16;
  }
  for (; i < n; i++) { store<u32>(out, wordS(j, stream, seedLo, seedHi)); out += 4; j++; }
}

/** out[i] = lo + (hi − lo)·u(word offset + i), u = (w >> 8)·2^-24, kept below hi. out: [n]; lo < hi finite. */
export function randomUniform(out: usize, n: i32, seedLo: u32, seedHi: u32, stream: u32, offset: f64, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vspan = f32x4.splat(hi - lo), vtop = f32x4.splat(below(hi));
  let j = <u64>offset;
  let i = 0;
  for (; i < n && (j & 3) != 0; i++) {
    store<f32>(out, f32x4.extract_lane(uniformV(i32x4.splat(wordS(j, stream, seedLo, seedHi)), vlo, vspan, vtop), 0));
    out += 4; j++;
  }
  for (; i + 16 <= n; i += 16) {
    philoxBlocks4(out, j >> 2, stream, seedLo, seedHi);
    transpose4InPlace(out);
    v128.store(out, uniformV(v128.load(out), vlo, vspan, vtop));
    v128.store(out, uniformV(v128.load(out, 16), vlo, vspan, vtop), 16);
    v128.store(out, uniformV(v128.load(out, 32), vlo, vspan, vtop), 32);
    v128.store(out, uniformV(v128.load(out, 48), vlo, vspan, vtop), 48);
    out += 64; j += 16;
  }
  for (; i < n; i++) {
    store<f32>(out, f32x4.extract_lane(uniformV(i32x4.splat(wordS(j, stream, seedLo, seedHi)), vlo, vspan, vtop), 0));
    out += 4; j++;
  }
}

/**
 * out[i] = mean + std·z(offset + i), z standard normal by Box–Muller on the words of block (offset + i)/4:
 * elements 4b, 4b+1 are r·cos θ, r·sin θ from words (0, 1); 4b+2, 4b+3 the same from words (2, 3). |z| ≤ 5.77. out: [n].
 */
export function randomNormal(out: usize, n: i32, seedLo: u32, seedHi: u32, stream: u32, offset: f64, mean: f32, std: f32): void {
  const vm = f32x4.splat(mean), vs = f32x4.splat(std);
  let j = <u64>offset;
  let i = 0;
  for (; i < n && (j & 3) != 0; i++) { store<f32>(out, normalS(j, stream, seedLo, seedHi, vm, vs)); out += 4; j++; }
  for (; i + 16 <= n; i += 16) {
    philoxBlocks4(out, j >> 2, stream, seedLo, seedHi);
    const w0 = v128.load(out), w1 = v128.load(out, 16), w2 = v128.load(out, 32), w3 = v128.load(out, 48);
    // lane = block; then transposed so each block's four normals are contiguous
    v128.store(out, normalV(w0, w1, false, vm, vs));
    v128.store(out, normalV(w0, w1, true, vm, vs), 16);
    v128.store(out, normalV(w2, w3, false, vm, vs), 32);
    v128.store(out, normalV(w2, w3, true, vm, vs), 48);
    transpose4InPlace(out);
    out += 64; j += 16;
  }
  for (; i < n; i++) { store<f32>(out, normalS(j, stream, seedLo, seedHi, vm, vs)); out += 4; j++; }
}

/**
 * randomNormal, then every value outside mean ± 2·|std| redrawn from element (offset + i) + r·2^40, r = 1, 2, … until
 * inside (Keras' truncated normal). Each element's redraws depend only on its index, so chunking changes nothing.
 */
export function randomTruncatedNormal(out: usize, n: i32, seedLo: u32, seedHi: u32, stream: u32, offset: f64, mean: f32, std: f32): void {
  randomNormal(out, n, seedLo, seedHi, stream, offset, mean, std);
  const vm = f32x4.splat(mean), vs = f32x4.splat(std);
  const lim: f32 = 2 * abs(std);
  const base = <u64>offset;
  for (let i = 0; i < n; i++) {
    const p = out + (<usize>i << 2);
    let v = load<f32>(p);
    let j = base + <u64>i;
    while (abs(v - mean) > lim) {
      j += <u64>1 << 40;
      v = normalS(j, stream, seedLo, seedHi, vm, vs);
    }
    store<f32>(p, v);
  }
}

/**
 * out[0..n) = a uniformly random permutation of 0..n−1 (int32): Fisher–Yates from the top, swapping i with
 * j = bounded(i + 1) for i = n−1 down to 1, where bounded(s) is Lemire's unbiased multiply-and-reject on successive
 * words from offset. Returns the number of words used, so a caller can continue the stream after them.
 */
export function randomPermutation(out: usize, n: i32, seedLo: u32, seedHi: u32, stream: u32, offset: f64): f64 {
  for (let k = 0; k < n; k++) store<i32>(out + (<usize>k << 2), k);
  const start = <u64>offset;
  let j = start;
  let blk = philoxBlockS(j >> 2, stream, seedLo, seedHi);
  for (let i = n - 1; i > 0; i--) {
    const s = <u32>(i + 1);
    let m: u64 = 0;
    let low: u32 = 0;
    let first = true;
    const reject = (<u32>0 - s) % s; // 2^32 mod s
    while (first || low < reject) {
      if ((j & 3) == 0 && j != start) blk = philoxBlockS(j >> 2, stream, seedLo, seedHi);
      m = <u64>laneOf(blk, <i32>(j & 3)) * <u64>s;
      low = <u32>m;
      j++;
      first = false;
    }
    const pi = out + (<usize>i << 2), pj = out + (<usize>(m >> 32) << 2);
    const t = load<i32>(pi);
    store<i32>(pi, load<i32>(pj));
    store<i32>(pj, t);
  }
  return <f64>(j - start);
}
