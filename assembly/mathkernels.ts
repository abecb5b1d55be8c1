// math.ts's functions mapped over buffers (y[i] = f(x[i])), so tests sweep them and ops can use them directly.
import { expV, logV, tanhV, sigmoidV, softplusV, expm1V } from './math';

const EXP: i32 = 0, LOG: i32 = 1, TANH: i32 = 2, SIGMOID: i32 = 3, SOFTPLUS: i32 = 4, EXPM1: i32 = 5;

// @ts-ignore: decorator
@inline function fV(kind: i32, x: v128): v128 {
  if (kind == EXP) return expV(x);
  if (kind == LOG) return logV(x);
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
