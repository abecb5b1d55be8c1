// Seeded image augmentation of an NHWC batch into a separate buffer: per sample a random integer shift, a horizontal
// flip, a bilinear rotation about the centre and Gaussian noise, every draw from the Philox stream of random.ts.
//
// Keying (test/reference/augment.ts is the specification): sample s = first + n reads words s·S … s·S + S − 1 of
// (seed, stream), S = 4 + HWC rounded up to 4. Words 0..3 (one Philox block) give dy, dx = ⌊w·(2·shift + 1)/2^32⌋ − shift,
// flip = u(w2) < p, angle = rotate·(2·u(w3) − 1) degrees (u = (w >> 8)·2^-24, float32); noise element i is element
// s·S + 4 + i of randomNormal's stream times σ. Output pixel p reads the source at c + R(angle)·(q − c), q = p unflipped
// (x → W − 1 − x) then unshifted (− (dy, dx)), c the centre ((H − 1)/2, (W − 1)/2), R = [[cos, −sin], [sin, cos]] on (y, x).
// Outside the image: zeros (edge = 0) or the nearest edge pixel (edge = 1). A sample whose angle is 0 is an exact
// integer gather (rows copied, flipped rows reversed: f32x4 lanes for C = 1); sin/cos are float64 series here.
import { philoxBlockS, laneOf } from './random';
import { randomNormal } from './random';

const TWO_M24: f32 = 5.9604644775390625e-8; // 2^-24
const PIO2_HI: f64 = 1.5707963267341256; // π/2 split: hi has 33 bits, so q·hi is exact for |q| ≤ 2^20
const PIO2_LO: f64 = 6.077100506506192e-11;
const DEG: f64 = 0.017453292519943295; // π/180
const NOISE_CHUNK: i32 = 256;
const NOISE: usize = memory.data(NOISE_CHUNK * 4, 16); // transient noise values (nothing survives a call)

// ---- per-sample draws ----

// Integer in [−s, s] from word w: ⌊w·(2s + 1)/2^32⌋ − s.
// @ts-ignore: decorator
@inline function shiftOf(w: u32, s: i32): i32 {
  return <i32>((<u64>w * <u64>(2 * s + 1)) >> 32) - s;
}

// u = (w >> 8)·2^-24 in [0, 1), exact in float32.
// @ts-ignore: decorator
@inline function unitS(w: u32): f32 { return <f32>(w >> 8) * TWO_M24; }

// sin and cos of a (|a| ≤ 2^20·π/2) by quadrant reduction and Taylor series on |r| ≤ π/4: + − × ÷ only.
let sinOut: f64 = 0, cosOut: f64 = 0;
function sinCos(a: f64): void {
  const q = nearest(a / (PIO2_HI + PIO2_LO));
  const r = (a - q * PIO2_HI) - q * PIO2_LO, r2 = r * r;
  let s = r, c: f64 = 1, ts = r, tc: f64 = 1;
  for (let k = 1; k <= 9; k++) {
    ts = -ts * r2 / <f64>((2 * k) * (2 * k + 1)); s += ts;
    tc = -tc * r2 / <f64>((2 * k - 1) * (2 * k)); c += tc;
  }
  const m = (<i32>q) & 3;
  sinOut = m == 0 ? s : m == 1 ? c : m == 2 ? -s : -c;
  cosOut = m == 0 ? c : m == 1 ? -s : m == 2 ? -c : s;
}

// ---- pixels ----

// dst[0..C) = src[0..C)
// @ts-ignore: decorator
@inline function copyPixel(dst: usize, src: usize, C: i32): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) v128.store(dst + (<usize>c << 2), v128.load(src + (<usize>c << 2)));
  for (; c < C; c++) store<f32>(dst + (<usize>c << 2), load<f32>(src + (<usize>c << 2)));
}

// count pixels at dst: zeros (pixel = 0) or copies of the pixel at `pixel`.
function fillPixels(dst: usize, count: i32, C: i32, pixel: usize): void {
  if (count <= 0) return;
  if (pixel == 0) { memory.fill(dst, 0, <usize>count * <usize>C << 2); return; }
  for (let j = 0; j < count; j++) copyPixel(dst + (<usize>(j * C) << 2), pixel, C);
}

// dst pixels j = 0..count−1 ← src pixels top − j (a row reversed), C channels.
function reversePixels(dst: usize, src: usize, top: i32, count: i32, C: i32): void {
  let j = 0;
  if (C == 1) {
    for (; j + 4 <= count; j += 4) {
      const v = v128.load(src + (<usize>(top - j - 3) << 2));
      v128.store(dst + (<usize>j << 2), i32x4.shuffle(v, v, 3, 2, 1, 0));
    }
  }
  for (; j < count; j++) copyPixel(dst + (<usize>(j * C) << 2), src + (<usize>((top - j) * C) << 2), C);
}

// dst[0..C) += w·src[0..C)
// @ts-ignore: decorator
@inline function addTap(dst: usize, src: usize, w: f32, C: i32): void {
  const vw = f32x4.splat(w);
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const o = <usize>c << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), f32x4.mul(vw, v128.load(src + o))));
  }
  for (; c < C; c++) { const o = <usize>c << 2; store<f32>(dst + o, load<f32>(dst + o) + w * load<f32>(src + o)); }
}

// ---- one sample ----

// The integer path: out(i, j) = src(i − dy, j' − dx), j' = flip ? W − 1 − j : j, fill outside.
function shiftFlip(src: usize, dst: usize, H: i32, W: i32, C: i32, dy: i32, dx: i32, flip: bool, edge: bool): void {
  const row = <usize>(W * C) << 2, px = <usize>C << 2;
  for (let i = 0; i < H; i++) {
    const out = dst + <usize>i * row;
    let r = i - dy;
    if (r < 0 || r >= H) {
      if (!edge) { memory.fill(out, 0, row); continue; }
      r = r < 0 ? 0 : H - 1;
    }
    const s = src + <usize>r * row;
    const first = s, last = s + <usize>(W - 1) * px;
    if (!flip) { // source column j − dx, inside for j in [dx, W + dx)
      const lo = min(max(dx, 0), W), hi = max(min(W + dx, W), lo);
      fillPixels(out, lo, C, edge ? first : 0);
      memory.copy(out + <usize>lo * px, s + <usize>(lo - dx) * px, <usize>(hi - lo) * px);
      fillPixels(out + <usize>hi * px, W - hi, C, edge ? last : 0);
    } else { // source column W − 1 − j − dx, inside for j in [−dx, W − dx)
      const lo = min(max(-dx, 0), W), hi = max(min(W - dx, W), lo);
      fillPixels(out, lo, C, edge ? last : 0);
      reversePixels(out + <usize>lo * px, s, W - 1 - dx - lo, hi - lo, C);
      fillPixels(out + <usize>hi * px, W - hi, C, edge ? first : 0);
    }
  }
}

// The rotation path: bilinear at c + R·(q − c); zeros: taps outside are skipped; edge: the point is clamped first.
function rotateSample(src: usize, dst: usize, H: i32, W: i32, C: i32, dy: i32, dx: i32, flip: bool, edge: bool,
  sn: f32, cs: f32): void {
  const cy = <f32>(H - 1) * 0.5, cx = <f32>(W - 1) * 0.5;
  const hMax = <f32>(H - 1), wMax = <f32>(W - 1);
  for (let i = 0; i < H; i++) {
    const Y = <f32>(i - dy) - cy;
    let j = 0;
    if (C == 1) {
      for (; j + 4 <= W; j += 4) rotate4(src, dst + (<usize>(i * W + j) << 2), H, W, j, dx, flip, edge, sn, cs, Y, cy, cx);
    }
    for (; j < W; j++) {
      const X = <f32>((flip ? W - 1 - j : j) - dx) - cx;
      let sy = cy + (cs * Y - sn * X), sx = cx + (sn * Y + cs * X);
      if (edge) { sy = min(max(sy, 0), hMax); sx = min(max(sx, 0), wMax); }
      const fy = floor(sy), fx = floor(sx);
      const wy = sy - fy, wx = sx - fx;
      const y0 = <i32>fy, x0 = <i32>fx;
      const y1 = edge ? min(y0 + 1, H - 1) : y0 + 1, x1 = edge ? min(x0 + 1, W - 1) : x0 + 1;
      const out = dst + (<usize>((i * W + j) * C) << 2);
      const ay = <f32>1 - wy, ax = <f32>1 - wx;
      if (C == 1) { // the same sums as below, in the same order, without the channel loops
        let v: f32 = 0;
        if (y0 >= 0 && y0 < H) {
          if (x0 >= 0 && x0 < W) v += ay * ax * load<f32>(src + (<usize>(y0 * W + x0) << 2));
          if (x1 >= 0 && x1 < W) v += ay * wx * load<f32>(src + (<usize>(y0 * W + x1) << 2));
        }
        if (y1 >= 0 && y1 < H) {
          if (x0 >= 0 && x0 < W) v += wy * ax * load<f32>(src + (<usize>(y1 * W + x0) << 2));
          if (x1 >= 0 && x1 < W) v += wy * wx * load<f32>(src + (<usize>(y1 * W + x1) << 2));
        }
        store<f32>(out, v);
        continue;
      }
      memory.fill(out, 0, <usize>C << 2);
      if (y0 >= 0 && y0 < H) {
        if (x0 >= 0 && x0 < W) addTap(out, src + (<usize>((y0 * W + x0) * C) << 2), ay * ax, C);
        if (x1 >= 0 && x1 < W) addTap(out, src + (<usize>((y0 * W + x1) * C) << 2), ay * wx, C);
      }
      if (y1 >= 0 && y1 < H) {
        if (x0 >= 0 && x0 < W) addTap(out, src + (<usize>((y1 * W + x0) * C) << 2), wy * ax, C);
        if (x1 >= 0 && x1 < W) addTap(out, src + (<usize>((y1 * W + x1) * C) << 2), wy * wx, C);
      }
    }
  }
}

// The value at (y, x) of a one-channel image, or 0 outside it.
// @ts-ignore: decorator
@inline function pixelOr0(src: usize, y: i32, x: i32, H: i32, W: i32): f32 {
  return y >= 0 && y < H && x >= 0 && x < W ? load<f32>(src + (<usize>(y * W + x) << 2)) : 0;
}

// The 4 one-channel values at lanes (y[k], x[k]), 0 outside: the gather stays scalar.
// @ts-ignore: decorator
@inline function gather4(src: usize, y: v128, x: v128, H: i32, W: i32): v128 {
  let v = f32x4.splat(pixelOr0(src, i32x4.extract_lane(y, 0), i32x4.extract_lane(x, 0), H, W));
  v = f32x4.replace_lane(v, 1, pixelOr0(src, i32x4.extract_lane(y, 1), i32x4.extract_lane(x, 1), H, W));
  v = f32x4.replace_lane(v, 2, pixelOr0(src, i32x4.extract_lane(y, 2), i32x4.extract_lane(x, 2), H, W));
  return f32x4.replace_lane(v, 3, pixelOr0(src, i32x4.extract_lane(y, 3), i32x4.extract_lane(x, 3), H, W));
}

// Output columns j..j+3 of one row of a one-channel rotation, lane by lane the scalar formula (a tap outside adds
// w·0 = +0 where the scalar path skips it: the same bits, as the sum never holds −0), so bodies and tails agree.
// @ts-ignore: decorator
@inline function rotate4(src: usize, out: usize, H: i32, W: i32, j: i32, dx: i32, flip: bool, edge: bool,
  sn: f32, cs: f32, Y: f32, cy: f32, cx: f32): void {
  const jv = i32x4.add(i32x4.splat(j), i32x4(0, 1, 2, 3));
  const q = flip ? i32x4.sub(i32x4.splat(W - 1), jv) : jv;
  const X = f32x4.sub(f32x4.convert_i32x4_s(i32x4.sub(q, i32x4.splat(dx))), f32x4.splat(cx));
  const vY = f32x4.splat(Y), vs = f32x4.splat(sn), vc = f32x4.splat(cs);
  let sy = f32x4.add(f32x4.splat(cy), f32x4.sub(f32x4.mul(vc, vY), f32x4.mul(vs, X)));
  let sx = f32x4.add(f32x4.splat(cx), f32x4.add(f32x4.mul(vs, vY), f32x4.mul(vc, X)));
  const zero = f32x4.splat(0);
  if (edge) {
    sy = f32x4.min(f32x4.max(sy, zero), f32x4.splat(<f32>(H - 1)));
    sx = f32x4.min(f32x4.max(sx, zero), f32x4.splat(<f32>(W - 1)));
  }
  const fy = f32x4.floor(sy), fx = f32x4.floor(sx);
  const wy = f32x4.sub(sy, fy), wx = f32x4.sub(sx, fx);
  const ay = f32x4.sub(f32x4.splat(1), wy), ax = f32x4.sub(f32x4.splat(1), wx);
  const y0 = i32x4.trunc_sat_f32x4_s(fy), x0 = i32x4.trunc_sat_f32x4_s(fx);
  let y1 = i32x4.add(y0, i32x4.splat(1)), x1 = i32x4.add(x0, i32x4.splat(1));
  if (edge) { y1 = i32x4.min_s(y1, i32x4.splat(H - 1)); x1 = i32x4.min_s(x1, i32x4.splat(W - 1)); }
  let v = f32x4.add(zero, f32x4.mul(f32x4.mul(ay, ax), gather4(src, y0, x0, H, W)));
  v = f32x4.add(v, f32x4.mul(f32x4.mul(ay, wx), gather4(src, y0, x1, H, W)));
  v = f32x4.add(v, f32x4.mul(f32x4.mul(wy, ax), gather4(src, y1, x0, H, W)));
  v = f32x4.add(v, f32x4.mul(f32x4.mul(wy, wx), gather4(src, y1, x1, H, W)));
  v128.store(out, v);
}

// dst[i] += σ·z(word0 + i), i < n, in chunks drawn by randomNormal (drawing in pieces changes nothing).
function addNoise(dst: usize, n: i32, sigma: f32, seedLo: u32, seedHi: u32, stream: u32, word0: u64): void {
  for (let i = 0; i < n; i += NOISE_CHUNK) {
    const m = min(NOISE_CHUNK, n - i);
    randomNormal(NOISE, m, seedLo, seedHi, stream, <f64>(word0 + <u64>i), 0, sigma);
    const d = dst + (<usize>i << 2);
    let k = 0;
    for (; k + 4 <= m; k += 4) {
      const o = <usize>k << 2;
      v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(NOISE + o)));
    }
    for (; k < m; k++) { const o = <usize>k << 2; store<f32>(d + o, load<f32>(d + o) + load<f32>(NOISE + o)); }
  }
}

// ---- kernel ----

/**
 * y = augment(x): x, y [N, H, W, C] (not aliased); shift ≥ 0 pixels, 0 ≤ flipP ≤ 1, 0 ≤ rotate ≤ 180 degrees,
 * noise σ ≥ 0, edge 0 (zeros) or 1 (nearest edge pixel); sample n uses the words of sample first + n (see the top).
 */
export function augment(x: usize, y: usize, N: i32, H: i32, W: i32, C: i32, shift: i32, flipP: f32, rotate: f32,
  noise: f32, edge: i32, seedLo: u32, seedHi: u32, stream: u32, first: f64): void {
  const per = H * W * C;
  const stride = <u64>4 + <u64>((per + 3) & ~3);
  for (let n = 0; n < N; n++) {
    const base = (<u64>first + <u64>n) * stride;
    const words = philoxBlockS(base >> 2, stream, seedLo, seedHi);
    const dy = shift > 0 ? shiftOf(laneOf(words, 0), shift) : 0;
    const dx = shift > 0 ? shiftOf(laneOf(words, 1), shift) : 0;
    const flip = unitS(laneOf(words, 2)) < flipP;
    const deg = rotate * (<f32>2 * unitS(laneOf(words, 3)) - <f32>1);
    const src = x + (<usize>n * <usize>per << 2), dst = y + (<usize>n * <usize>per << 2);
    if (deg == 0) shiftFlip(src, dst, H, W, C, dy, dx, flip, edge != 0);
    else {
      sinCos(<f64>deg * DEG);
      rotateSample(src, dst, H, W, C, dy, dx, flip, edge != 0, <f32>sinOut, <f32>cosOut);
    }
    if (noise > 0) addNoise(dst, per, noise, seedLo, seedHi, stream, base + 4);
  }
}
