// Maxout over groups of k consecutive channels of the last axis, and its backward. Groups are contiguous in memory,
// so x: [M, C·k] is G = M·C groups of k floats; vectors take four groups at once (lane loads at stride k).
// The first maximum wins; a NaN counts as the largest (the first NaN wins), so it shows in y.

// Is v a new best over best? v > best, or v is the first NaN.
// @ts-ignore: decorator
@inline function betterV(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), v128.andnot(f32x4.ne(v, v), f32x4.ne(best, best)));
}

// Four groups starting at p (group stride ks bytes): max into y[0..4), index j into arg[0..4).
// @ts-ignore: decorator
@inline function groups4(p: usize, ks: usize, k: i32, y: usize, arg: usize): void {
  let p0 = p, p1 = p + ks, p2 = p1 + ks, p3 = p2 + ks;
  let best = v128.load32_lane(p0, i32x4.splat(0), 0);
  best = v128.load32_lane(p1, best, 1);
  best = v128.load32_lane(p2, best, 2);
  best = v128.load32_lane(p3, best, 3);
  let idx = i32x4.splat(0);
  for (let j = 1; j < k; j++) {
    p0 += 4; p1 += 4; p2 += 4; p3 += 4;
    let v = v128.load32_lane(p0, best, 0);
    v = v128.load32_lane(p1, v, 1);
    v = v128.load32_lane(p2, v, 2);
    v = v128.load32_lane(p3, v, 3);
    const take = betterV(v, best);
    best = v128.bitselect(v, best, take);
    idx = v128.bitselect(i32x4.splat(j), idx, take);
  }
  v128.store(y, best);
  v128.store(arg, idx);
}

/** y[m, c] = max_j x[m, c·k + j], arg[m, c] = the first j attaining it (i32). x: [M, C·k]; y, arg: [M, C]; k ≥ 1. */
export function maxout(x: usize, y: usize, arg: usize, M: i32, C: i32, k: i32): void {
  const n = M * C;
  const ks = <usize>k * 4;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    groups4(x, ks, k, y, arg);
    groups4(x + ks * 4, ks, k, y + 16, arg + 16);
    groups4(x + ks * 8, ks, k, y + 32, arg + 32);
    groups4(x + ks * 12, ks, k, y + 48, arg + 48);
    x += ks * 16; y += 64; arg += 64;
  }
  for (; i + 4 <= n; i += 4) { groups4(x, ks, k, y, arg); x += ks * 4; y += 16; arg += 16; }
  for (; i < n; i++) {
    let best = load<f32>(x);
    let bi = 0;
    for (let j = 1; j < k; j++) {
      const v = load<f32>(x + (<usize>j << 2));
      if (v > best || (v != v && best == best)) { best = v; bi = j; }
    }
    store<f32>(y, best); store<i32>(arg, bi);
    x += ks; y += 4; arg += 4;
  }
}

/**
 * dx[m, c·k + j] = dy[m, c] where j = arg[m, c], 0 elsewhere (dx overwritten). dy, arg: [M, C]; dx: [M, C·k].
 * Zero-fills dx in three phases, then routes each dy to its group's saved maximum.
 */
export function maxoutGrad(dy: usize, arg: usize, dx: usize, M: i32, C: i32, k: i32): void {
  const n = M * C;
  const total = n * k;
  const zero = f32x4.splat(0);
  let p = dx;
  let i = 0;
  for (; i + 16 <= total; i += 16) {
    v128.store(p, zero); v128.store(p, zero, 16); v128.store(p, zero, 32); v128.store(p, zero, 48);
    p += 64;
  }
  for (; i + 4 <= total; i += 4) { v128.store(p, zero); p += 16; }
  for (; i < total; i++) { store<f32>(p, 0); p += 4; }
  const ks = <usize>k * 4;
  for (let g = 0; g < n; g++) {
    store<f32>(dx + (<usize>load<i32>(arg) << 2), load<f32>(dy));
    dx += ks; dy += 4; arg += 4;
  }
}
