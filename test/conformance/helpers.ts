// The conformance suite's shared parts: TensorFlow.js 4.22 on its cpu backend (plain float32 JavaScript), simdnet
// ready, a tfjs-layers model's weights copied into a simdnet model, and comparisons with the float32-rounding tolerance
// and a report of the worst element (CONFORMANCE_VERBOSE=1 prints every comparison's margin). Node only (the
// *.node.test.ts files that use it).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as assert from 'uvu/assert';
import { ready } from '../helpers/setup.js';
import { Rng } from '../helpers/rng.js';
import type { Model } from '../../src/index.js';

export { tf, tfl };

/** simdnet with the build under test, and TensorFlow.js on its cpu backend without debug checks. */
export async function readyBoth(): Promise<void> {
  await ready();
  await tf.setBackend('cpu');
  tf.enableProdMode();
}

/**
 * Float32 rounding, the tolerance everywhere here: the two libraries sum in different orders (GEMM blocking,
 * reductions, fused versus separate softmax and log), so each value they compute may differ by a few float32 ulps
 * (2^-24 ≈ 6e-8 relative) times the conditioning of the sum. Values: |a − b| ≤ ATOL + RTOL·|b|, with RTOL = 2e-5
 * (≈ 300 ulps: a dot product of a few hundred terms and the steps that follow it) and ATOL = 1e-6 for values near 0.
 * Trajectories: a step moves a weight by about lr, computed from gradients that themselves differ by ~RTOL, so after
 * T steps each weight may differ by T·lr·RTOL·G more, G = 10 bounding how much an adaptive step (g/√v) amplifies a
 * relative gradient error. Every formula difference the suite guards against is ≥ 100× these bounds (the tests
 * show the old formulas failing).
 */
export const RTOL = 2e-5, ATOL = 1e-6;
export const trajectoryAtol = (steps: number, lr: number): number => ATOL + steps * lr * RTOL * 10;

export interface Diff { worst: number; index: number; actual: number; expected: number; ratio: number }

/** The element where |a − e| / (atol + rtol·|e|) is largest (ratio > 1 fails). */
export function worstDiff(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = ATOL, rtol = RTOL): Diff {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let d: Diff = { worst: 0, index: -1, actual: NaN, expected: NaN, ratio: 0 };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i], err = Math.abs(a - e);
    const ratio = Number.isNaN(err) ? (Number.isNaN(a) && Number.isNaN(e) ? 0 : Infinity) : err / (atol + rtol * Math.abs(e));
    if (ratio > d.ratio || d.index < 0) d = { worst: err, index: i, actual: a, expected: e, ratio };
  }
  return d;
}

/** Asserts agreement within atol + rtol·|expected|, naming the worst element. */
export function assertAgree(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol = ATOL, rtol = RTOL): Diff {
  const d = worstDiff(actual, expected, atol, rtol);
  if (process.env.CONFORMANCE_VERBOSE) console.log('agree', label, d.ratio.toFixed(4), d.worst.toExponential(2));
  assert.ok(d.ratio <= 1, `${label}: element ${d.index} is ${d.actual}, the oracle says ${d.expected} (|Δ| ${d.worst.toExponential(2)}, ${d.ratio.toFixed(1)}× the tolerance ${atol} + ${rtol}·|e|)`);
  return d;
}

/** Asserts disagreement beyond the tolerance: a planted formula the suite must catch. */
export function assertDisagree(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol = ATOL, rtol = RTOL): Diff {
  const d = worstDiff(actual, expected, atol, rtol);
  if (process.env.CONFORMANCE_VERBOSE) console.log('planted, departs', label, d.ratio.toFixed(2), d.worst.toExponential(2));
  assert.ok(d.ratio > 10, `${label}: expected a difference well beyond the tolerance, the worst is ${d.ratio.toFixed(2)}× it`);
  return d;
}

/** A tfjs-layers model's weights in simdnet's getWeights() order (per layer: trainable, then moving statistics). */
export function tfWeights(m: tfl.LayersModel): Float32Array[] {
  return m.layers.flatMap((l) => l.getWeights().map((w) => Float32Array.from(w.dataSync())));
}

/** Copies a tfjs-layers model's weights into a simdnet model of the same architecture. */
export function copyWeights(from: tfl.LayersModel, to: Model): void {
  to.setWeights(tfWeights(from));
}

/** Every weight of a simdnet model, concatenated in getWeights() order. */
export function ours(m: Model): Float32Array { return concat(m.getWeights().map((w) => w.values)); }
/** Every weight of a tfjs-layers model, concatenated in simdnet's order. */
export function theirs(m: tfl.LayersModel): Float32Array { return concat(tfWeights(m)); }

export function concat(parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Seeded float32 data in [lo, hi), for inputs both libraries get bit for bit. */
export function data(seed: number, n: number, lo = -1, hi = 1): Float32Array { return new Rng(seed).array(n, lo, hi); }

/** n one-hot rows of width c, class i·7 mod c (every class appears). */
export function oneHot(n: number, c: number, seed = 0): Float32Array {
  const y = new Float32Array(n * c);
  for (let i = 0; i < n; i++) y[i * c + ((i * 7 + seed) % c)] = 1;
  return y;
}
