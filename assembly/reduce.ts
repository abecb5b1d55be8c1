// Reductions over one axis of x viewed as [outer, n, inner]: sum (float64 accumulation along contiguous rows,
// float32 column vectors otherwise), max, argMax. Reducing everything is outer = inner = 1. Fixed order always.
import { sumRowF64, maxRow } from './rows';

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
