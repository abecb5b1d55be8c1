// Inverted dropout over flat float32 buffers, its mask drawn in the module from the Philox stream of random.ts.
// Element i is kept when u = (w >> 8)·2^-24 ≥ rate for word w = offset + i of (seed, stream); the mask is float32,
// 1/(1 − rate) where kept and 0 where dropped, so forward y = x·mask and backward dx = dy·mask. rate 0 keeps all.
import { philoxBlocks4, transpose4InPlace, unitV, wordS } from './random';

// One vector: mask from words w, y = x·mask.
// @ts-ignore: decorator
@inline function maskV(w: v128, rate: v128, scale: v128): v128 {
  return v128.and(scale, f32x4.ge(unitV(w), rate));
}

/** mask[i] = u(offset + i) ≥ rate ? 1/(1 − rate) : 0, y[i] = x[i]·mask[i]. x, y, mask: [n]; 0 ≤ rate < 1; y may alias x. */
export function dropout(x: usize, y: usize, mask: usize, n: i32, rate: f32, seedLo: u32, seedHi: u32, stream: u32, offset: f64): void {
  const vr = f32x4.splat(rate), vs = f32x4.splat(<f32>1 / (<f32>1 - rate));
  let j = <u64>offset;
  let i = 0;
  for (; i < n && (j & 3) != 0; i++) {
    const m = f32x4.extract_lane(maskV(i32x4.splat(wordS(j, stream, seedLo, seedHi)), vr, vs), 0);
    store<f32>(mask, m); store<f32>(y, load<f32>(x) * m);
    x += 4; y += 4; mask += 4; j++;
  }
  for (; i + 16 <= n; i += 16) {
    philoxBlocks4(mask, j >> 2, stream, seedLo, seedHi);
    transpose4InPlace(mask);
    const m0 = maskV(v128.load(mask), vr, vs), m1 = maskV(v128.load(mask, 16), vr, vs);
    const m2 = maskV(v128.load(mask, 32), vr, vs), m3 = maskV(v128.load(mask, 48), vr, vs);
    v128.store(mask, m0); v128.store(mask, m1, 16); v128.store(mask, m2, 32); v128.store(mask, m3, 48);
    v128.store(y, f32x4.mul(v128.load(x), m0));
    v128.store(y, f32x4.mul(v128.load(x, 16), m1), 16);
    v128.store(y, f32x4.mul(v128.load(x, 32), m2), 32);
    v128.store(y, f32x4.mul(v128.load(x, 48), m3), 48);
    x += 64; y += 64; mask += 64; j += 16;
  }
  for (; i < n; i++) {
    const m = f32x4.extract_lane(maskV(i32x4.splat(wordS(j, stream, seedLo, seedHi)), vr, vs), 0);
    store<f32>(mask, m); store<f32>(y, load<f32>(x) * m);
    x += 4; y += 4; mask += 4; j++;
  }
}

/** dx[i] = dy[i]·mask[i] (overwrites dx; may alias dy). dy, mask, dx: [n]. */
export function dropoutGrad(dy: usize, mask: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(dx, f32x4.mul(v128.load(dy), v128.load(mask)));
    v128.store(dx, f32x4.mul(v128.load(dy, 16), v128.load(mask, 16)), 16);
    v128.store(dx, f32x4.mul(v128.load(dy, 32), v128.load(mask, 32)), 32);
    v128.store(dx, f32x4.mul(v128.load(dy, 48), v128.load(mask, 48)), 48);
    dy += 64; mask += 64; dx += 64;
  }
  for (; i + 4 <= n; i += 4) { v128.store(dx, f32x4.mul(v128.load(dy), v128.load(mask))); dy += 16; mask += 16; dx += 16; }
  for (; i < n; i++) { store<f32>(dx, load<f32>(dy) * load<f32>(mask)); dy += 4; mask += 4; dx += 4; }
}
