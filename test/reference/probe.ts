// References for assembly/probe.ts: peakProbe's arithmetic replayed in float32 (Math.fround after every operation,
// in the kernel's order) and copyProbe's effect on bytes. The probes only measure speed; these pin what they compute.

const f = Math.fround;

/** pmax/pmin as WebAssembly defines them (f32x4.pmax(a, b) = a < b ? b : a; pmin(a, b) = b < a ? b : a). */
const pmax = (a: number, b: number) => (a < b ? b : a);
const pmin = (a: number, b: number) => (b < a ? b : a);

/**
 * What peakProbe(iterations, seed) returns. Every vector is a splat, so its 4 lanes stay equal and one scalar per
 * vector replays it: a{r} = seed·{1, 1.5, 0.75, 1.25}, b{c} = seed·{0.5, 0.25}; 6 steps per iteration of
 * acc{r}x{c} += a{r}·b{c} (product rounded, then the sum); then b0 = pmax(b0, b1), b1 = pmin(b1, b0); at the end the
 * pairwise sum of the 8 accumulators, and lane 0 + lane 3.
 */
export function peakProbeRef(iterations: number, seed: number): number {
  const s = f(seed);
  const a = [s, f(s * 1.5), f(s * 0.75), f(s * 1.25)];
  let b0 = f(s * 0.5), b1 = f(s * 0.25);
  const acc = [0, 0, 0, 0, 0, 0, 0, 0]; // acc[2r + c] = vacc{r}x{c}
  for (let it = 0; it < iterations; it++) {
    for (let step = 0; step < 6; step++) {
      for (let r = 0; r < 4; r++) {
        acc[2 * r] = f(acc[2 * r] + f(a[r] * b0));
        acc[2 * r + 1] = f(acc[2 * r + 1] + f(a[r] * b1));
      }
    }
    b0 = pmax(b0, b1); b1 = pmin(b1, b0);
  }
  const lane = f(f(f(acc[0] + acc[1]) + f(acc[2] + acc[3])) + f(f(acc[4] + acc[5]) + f(acc[6] + acc[7])));
  return f(lane + lane);
}

/** FLOPs of one peakProbe iteration: 6 steps × 8 accumulators × 4 lanes × (mul + add). */
export const PEAK_PROBE_FLOPS_PER_ITERATION = 6 * 8 * 4 * 2;

/** dst after copyProbe(src, dst, bytes, reps): its first bytes replaced by src's (when reps ≥ 1), the rest unchanged. */
export function copyProbeRef(src: Uint8Array, dst: Uint8Array, bytes: number, reps: number): Uint8Array {
  const out = dst.slice();
  if (reps > 0) out.set(src.subarray(0, bytes));
  return out;
}
