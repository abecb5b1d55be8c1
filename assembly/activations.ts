// Activations and their derivatives over flat float32 buffers: relu, leakyRelu, elu, sigmoid, tanh, softplus.
// Forward y = f(x); backward dx = dy·f'(·) from x or y, whichever the math prefers. Three-phase loops; out may alias.
import { expm1V, sigmoid16, sigmoidV, softplusV, tanh16, tanhV } from './math';

const RELU: i32 = 0, LEAKY: i32 = 1, ELU: i32 = 2, SIGMOID: i32 = 3, TANH: i32 = 4, SOFTPLUS: i32 = 5;

// @ts-ignore: decorator
@inline function forwardV(kind: i32, x: v128, alpha: v128): v128 {
  const zero = f32x4.splat(0);
  if (kind == RELU) return v128.andnot(x, f32x4.le(x, zero)); // x ≤ 0 → +0; NaN stays NaN
  if (kind == LEAKY) return v128.bitselect(x, f32x4.mul(x, alpha), f32x4.gt(x, zero));
  if (kind == ELU) return v128.bitselect(x, f32x4.mul(alpha, expm1V(x)), f32x4.gt(x, zero));
  if (kind == SIGMOID) return sigmoidV(x);
  if (kind == TANH) return tanhV(x);
  return softplusV(x);
}

// dx from (x or y) and dy. relu/leaky/softplus take x; elu takes x and y; sigmoid/tanh take y.
// @ts-ignore: decorator
@inline function backwardV(kind: i32, x: v128, y: v128, dy: v128, alpha: v128): v128 {
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  if (kind == RELU) return v128.and(dy, f32x4.gt(x, zero));
  if (kind == LEAKY) return v128.bitselect(dy, f32x4.mul(dy, alpha), f32x4.gt(x, zero));
  if (kind == ELU) return v128.bitselect(dy, f32x4.mul(dy, f32x4.add(y, alpha)), f32x4.gt(x, zero));
  if (kind == SIGMOID) return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(one, y)));
  if (kind == TANH) return f32x4.mul(dy, f32x4.sub(one, f32x4.mul(y, y)));
  return f32x4.mul(dy, sigmoidV(x));
}

// y[i] = f(x[i]). The tail runs the vector formula on one lane so every element gets the same bits.
// @ts-ignore: decorator
@inline function mapForward(kind: i32, x: usize, y: usize, n: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    if (kind == SIGMOID) sigmoid16(x, y);   // four vectors' chains interleaved (same bits as forwardV)
    else if (kind == TANH) tanh16(x, y);
    else {
      v128.store(y, forwardV(kind, v128.load(x), va));
      v128.store(y, forwardV(kind, v128.load(x, 16), va), 16);
      v128.store(y, forwardV(kind, v128.load(x, 32), va), 32);
      v128.store(y, forwardV(kind, v128.load(x, 48), va), 48);
    }
    x += 64; y += 64;
  }
  for (; i + 4 <= n; i += 4) { v128.store(y, forwardV(kind, v128.load(x), va)); x += 16; y += 16; }
  for (; i < n; i++) {
    store<f32>(y, f32x4.extract_lane(forwardV(kind, f32x4.splat(load<f32>(x)), va), 0));
    x += 4; y += 4;
  }
}

// One vector of the backward at the given pointers.
// @ts-ignore: decorator
@inline function backwardAt(kind: i32, x: usize, y: usize, dy: usize, dx: usize, va: v128, useX: bool, useY: bool): void {
  const vx = useX ? v128.load(x) : f32x4.splat(0);
  const vy = useY ? v128.load(y) : f32x4.splat(0);
  v128.store(dx, backwardV(kind, vx, vy, v128.load(dy), va));
}

// dx[i] = dy[i]·f'(x[i], y[i]). x or y may be 0 (unused) for kinds that do not read it.
// @ts-ignore: decorator
@inline function mapBackward(kind: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  const useX = kind != SIGMOID && kind != TANH;
  const useY = kind == SIGMOID || kind == TANH || kind == ELU;
  const sx: usize = useX ? 4 : 0, sy: usize = useY ? 4 : 0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    backwardAt(kind, x, y, dy, dx, va, useX, useY);
    backwardAt(kind, x + sx * 4, y + sy * 4, dy + 16, dx + 16, va, useX, useY);
    backwardAt(kind, x + sx * 8, y + sy * 8, dy + 32, dx + 32, va, useX, useY);
    backwardAt(kind, x + sx * 12, y + sy * 12, dy + 48, dx + 48, va, useX, useY);
    x += sx * 16; y += sy * 16; dy += 64; dx += 64;
  }
  for (; i + 4 <= n; i += 4) {
    backwardAt(kind, x, y, dy, dx, va, useX, useY);
    x += sx * 4; y += sy * 4; dy += 16; dx += 16;
  }
  for (; i < n; i++) {
    const vx = useX ? f32x4.splat(load<f32>(x)) : f32x4.splat(0);
    const vy = useY ? f32x4.splat(load<f32>(y)) : f32x4.splat(0);
    store<f32>(dx, f32x4.extract_lane(backwardV(kind, vx, vy, f32x4.splat(load<f32>(dy)), va), 0));
    x += sx; y += sy; dy += 4; dx += 4;
  }
}

export function relu(x: usize, y: usize, n: i32): void { mapForward(RELU, x, y, n, 0); }
export function reluGrad(x: usize, dy: usize, dx: usize, n: i32): void { mapBackward(RELU, x, 0, dy, dx, n, 0); }
export function leakyRelu(x: usize, y: usize, n: i32, alpha: f32): void { mapForward(LEAKY, x, y, n, alpha); }
export function leakyReluGrad(x: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { mapBackward(LEAKY, x, 0, dy, dx, n, alpha); }
export function elu(x: usize, y: usize, n: i32, alpha: f32): void { mapForward(ELU, x, y, n, alpha); }
export function eluGrad(x: usize, y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { mapBackward(ELU, x, y, dy, dx, n, alpha); }
export function sigmoid(x: usize, y: usize, n: i32): void { mapForward(SIGMOID, x, y, n, 0); }
export function sigmoidGrad(y: usize, dy: usize, dx: usize, n: i32): void { mapBackward(SIGMOID, 0, y, dy, dx, n, 0); }
export function tanh(x: usize, y: usize, n: i32): void { mapForward(TANH, x, y, n, 0); }
export function tanhGrad(y: usize, dy: usize, dx: usize, n: i32): void { mapBackward(TANH, 0, y, dy, dx, n, 0); }
export function softplus(x: usize, y: usize, n: i32): void { mapForward(SOFTPLUS, x, y, n, 0); }
export function softplusGrad(x: usize, dy: usize, dx: usize, n: i32): void { mapBackward(SOFTPLUS, x, 0, dy, dx, n, 0); }
