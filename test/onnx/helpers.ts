// Shared parts of the simdnet/onnx tests: random weights for every parameter, random inputs, ONNX Runtime for Node
// (CPU) running exported bytes, and the comparison "max abs error ≤ 1e-5 of the output scale". Node only.
import * as ort from 'onnxruntime-node';
import { ops, tensor, type Model, type Tensor } from '../../src/index.js';
import { Rng } from '../helpers/rng.js';

export { ort };

/** Every parameter drawn uniform in [-0.5, 0.5] (running variances in [0.5, 1.5]), so no mapping hides behind 0 or 1. */
export function randomizeWeights(model: Model, seed: number): void {
  const rng = new Rng(seed);
  model.setWeights(model.getWeights().map((w) => ({
    ...w, values: Float32Array.from(w.values, () => (w.name.endsWith('/movingVariance') ? rng.uniform(0.5, 1.5) : rng.uniform(-0.5, 0.5))),
  })));
}

export function randomInput(shape: readonly number[], seed: number, lo = -2, hi = 2): Tensor {
  return ops.randomUniform([...shape], { seed, lo, hi });
}

/** The exported model run in ONNX Runtime on x (given in the layout the graph takes). */
export async function runOnnx(bytes: Uint8Array, x: Float32Array, dims: readonly number[], input = 'input', output = 'output'): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const r = await session.run({ [input]: new ort.Tensor('float32', x, [...dims]) });
    const y = r[output];
    return { data: y.data as Float32Array, dims: y.dims };
  } finally {
    await session.release();
  }
}

/** max |a − b| and the output scale max |b|; fails unless the error is ≤ 1e-5 of the scale (and nothing is NaN). */
export function compare(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-5): { maxAbs: number; scale: number } {
  if (actual.length !== expected.length) throw new Error(`${label}: ${actual.length} values, expected ${expected.length}`);
  let maxAbs = 0, scale = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= maxAbs)) { maxAbs = Number.isNaN(d) ? Infinity : d; at = i; }
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  if (!(maxAbs <= rel * Math.max(scale, 1e-3))) {
    throw new Error(`${label}: max abs error ${maxAbs} at ${at} (${actual[at]} vs ${expected[at]}) exceeds ${rel} × output scale ${scale}`);
  }
  return { maxAbs, scale };
}

/** NHWC [N, H, W, C] values → NCHW. */
export function nhwcToNchw(x: Float32Array, [N, H, W, C]: readonly number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) {
    out[((n * C + c) * H + h) * W + w] = x[((n * H + h) * W + w) * C + c];
  }
  return out;
}

/** Whether two arrays hold the same float32 bits. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, i) => v === ub[i]);
}

export function values(t: Tensor): Float32Array { const v = t.toFloat32Array(); t.dispose(); return v; }
export { tensor };
