// Typed wrappers of assembly/probe.ts, the bench's machine probes (the f32x4 multiply-add peak and memory.copy rate):
// check, then call. Not used by training; no result depends on them.
import { backend } from '../module.js';
import { count, span, type Ptr } from '../checks.js';

/** Runs the register-only multiply-add loop; returns its accumulators' sum (keeps them alive). */
export function peakProbe(iterations: number, seed: number): number {
  count('peakProbe', 'iterations', iterations);
  return backend().exports.peakProbe(iterations, seed);
}

/** FLOPs of one peakProbe iteration. */
export function peakProbeFlopsPerIteration(): number { return backend().exports.peakProbeFlopsPerIteration(); }

/** Copies bytes from src to dst reps times with memory.copy. */
export function copyProbe(src: Ptr, dst: Ptr, bytes: number, reps: number): void {
  const k = 'copyProbe';
  count(k, 'bytes', bytes); count(k, 'reps', reps);
  span(k, 'src', src, Math.ceil(bytes / 4)); span(k, 'dst', dst, Math.ceil(bytes / 4));
  backend().exports.copyProbe(src, dst, bytes, reps);
}
