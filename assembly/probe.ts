// Peak probes for the bench (bench/): the machine's f32x4 multiply-add ceiling and its memory.copy bandwidth, measured
// in the same run as the kernels. Not used by training; no results depend on them.

/** Floating-point operations one peakProbe iteration performs: 6 steps × 8 accumulators × 4 lanes × (mul + add). */
export function peakProbeFlopsPerIteration(): i32 { return 6 * 8 * 4 * 2; }

/**
 * Register-only multiply-add loop: 8 independent f32x4 accumulators (more than the add latency × add ports of any
 * current core needs), each step 8 products of 4 + 2 registers, unrolled 6× by hand (binaryen does not unroll).
 * vb0, vb1 pass through pmax/pmin (one instruction each) once per iteration so no engine can hoist the products out
 * of the loop; their values never change. Every value stays normal (no subnormal slowdown). seed (e.g. 0.001) keeps
 * the engine from folding constants; the return value keeps the accumulators alive. FLOPs = iterations · peakProbeFlopsPerIteration().
 */
export function peakProbe(iterations: i32, seed: f32): f32 {
  const va0 = f32x4.splat(seed), va1 = f32x4.splat(seed * 1.5), va2 = f32x4.splat(seed * 0.75), va3 = f32x4.splat(seed * 1.25);
  let vb0 = f32x4.splat(seed * 0.5), vb1 = f32x4.splat(seed * 0.25);
  let vacc0x0 = f32x4.splat(0), vacc0x1 = vacc0x0, vacc1x0 = vacc0x0, vacc1x1 = vacc0x0;
  let vacc2x0 = vacc0x0, vacc2x1 = vacc0x0, vacc3x0 = vacc0x0, vacc3x1 = vacc0x0;
  for (let i = 0; i < iterations; i++) {
    // step 1
    vacc0x0 = f32x4.add(vacc0x0, f32x4.mul(va0, vb0)); vacc0x1 = f32x4.add(vacc0x1, f32x4.mul(va0, vb1));
    vacc1x0 = f32x4.add(vacc1x0, f32x4.mul(va1, vb0)); vacc1x1 = f32x4.add(vacc1x1, f32x4.mul(va1, vb1));
    vacc2x0 = f32x4.add(vacc2x0, f32x4.mul(va2, vb0)); vacc2x1 = f32x4.add(vacc2x1, f32x4.mul(va2, vb1));
    vacc3x0 = f32x4.add(vacc3x0, f32x4.mul(va3, vb0)); vacc3x1 = f32x4.add(vacc3x1, f32x4.mul(va3, vb1));
    // step 2
    vacc0x0 = f32x4.add(vacc0x0, f32x4.mul(va0, vb0)); vacc0x1 = f32x4.add(vacc0x1, f32x4.mul(va0, vb1));
    vacc1x0 = f32x4.add(vacc1x0, f32x4.mul(va1, vb0)); vacc1x1 = f32x4.add(vacc1x1, f32x4.mul(va1, vb1));
    vacc2x0 = f32x4.add(vacc2x0, f32x4.mul(va2, vb0)); vacc2x1 = f32x4.add(vacc2x1, f32x4.mul(va2, vb1));
    vacc3x0 = f32x4.add(vacc3x0, f32x4.mul(va3, vb0)); vacc3x1 = f32x4.add(vacc3x1, f32x4.mul(va3, vb1));
    // step 3
    vacc0x0 = f32x4.add(vacc0x0, f32x4.mul(va0, vb0)); vacc0x1 = f32x4.add(vacc0x1, f32x4.mul(va0, vb1));
    vacc1x0 = f32x4.add(vacc1x0, f32x4.mul(va1, vb0)); vacc1x1 = f32x4.add(vacc1x1, f32x4.mul(va1, vb1));
    vacc2x0 = f32x4.add(vacc2x0, f32x4.mul(va2, vb0)); vacc2x1 = f32x4.add(vacc2x1, f32x4.mul(va2, vb1));
    vacc3x0 = f32x4.add(vacc3x0, f32x4.mul(va3, vb0)); vacc3x1 = f32x4.add(vacc3x1, f32x4.mul(va3, vb1));
    // step 4
    vacc0x0 = f32x4.add(vacc0x0, f32x4.mul(va0, vb0)); vacc0x1 = f32x4.add(vacc0x1, f32x4.mul(va0, vb1));
    vacc1x0 = f32x4.add(vacc1x0, f32x4.mul(va1, vb0)); vacc1x1 = f32x4.add(vacc1x1, f32x4.mul(va1, vb1));
    vacc2x0 = f32x4.add(vacc2x0, f32x4.mul(va2, vb0)); vacc2x1 = f32x4.add(vacc2x1, f32x4.mul(va2, vb1));
    vacc3x0 = f32x4.add(vacc3x0, f32x4.mul(va3, vb0)); vacc3x1 = f32x4.add(vacc3x1, f32x4.mul(va3, vb1));
    // step 5
    vacc0x0 = f32x4.add(vacc0x0, f32x4.mul(va0, vb0)); vacc0x1 = f32x4.add(vacc0x1, f32x4.mul(va0, vb1));
    vacc1x0 = f32x4.add(vacc1x0, f32x4.mul(va1, vb0)); vacc1x1 = f32x4.add(vacc1x1, f32x4.mul(va1, vb1));
    vacc2x0 = f32x4.add(vacc2x0, f32x4.mul(va2, vb0)); vacc2x1 = f32x4.add(vacc2x1, f32x4.mul(va2, vb1));
    vacc3x0 = f32x4.add(vacc3x0, f32x4.mul(va3, vb0)); vacc3x1 = f32x4.add(vacc3x1, f32x4.mul(va3, vb1));
    // step 6
    vacc0x0 = f32x4.add(vacc0x0, f32x4.mul(va0, vb0)); vacc0x1 = f32x4.add(vacc0x1, f32x4.mul(va0, vb1));
    vacc1x0 = f32x4.add(vacc1x0, f32x4.mul(va1, vb0)); vacc1x1 = f32x4.add(vacc1x1, f32x4.mul(va1, vb1));
    vacc2x0 = f32x4.add(vacc2x0, f32x4.mul(va2, vb0)); vacc2x1 = f32x4.add(vacc2x1, f32x4.mul(va2, vb1));
    vacc3x0 = f32x4.add(vacc3x0, f32x4.mul(va3, vb0)); vacc3x1 = f32x4.add(vacc3x1, f32x4.mul(va3, vb1));
    vb0 = f32x4.pmax(vb0, vb1); vb1 = f32x4.pmin(vb1, vb0); // vb0 > vb1: both unchanged, but not provably
  }
  const s = f32x4.add(f32x4.add(f32x4.add(vacc0x0, vacc0x1), f32x4.add(vacc1x0, vacc1x1)),
    f32x4.add(f32x4.add(vacc2x0, vacc2x1), f32x4.add(vacc3x0, vacc3x1)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 3);
}

/** memory.copy of bytes from src to dst, reps times (the bandwidth reference for memory-bound kernels). */
export function copyProbe(src: usize, dst: usize, bytes: i32, reps: i32): void {
  for (let r = 0; r < reps; r++) memory.copy(dst, src, <usize>bytes);
}
