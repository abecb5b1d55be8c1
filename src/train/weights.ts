// A model's weights as a whole: the 64-bit hash of every parameter's bits (weightsHash) and setting them from
// getWeights()-style entries, by name or by position (setWeights). Model's methods call these.
import { backend } from '../backend/module.js';
import type { Param } from '../layers/layer.js';
import { Tensor } from '../ops/tensor.js';
import type { NamedWeights } from './trainable.js';

/** What setWeights takes: getWeights()-style entries, or plain arrays / tensors in getWeights() order (Keras, tfjs). */
export type WeightsInput = readonly NamedWeights[] | readonly Float32Array[] | readonly Tensor[];

// Plain arrays and tensors become entries named by position, so the positional path below handles them.
function asEntries(params: readonly Param[], weights: WeightsInput): readonly NamedWeights[] {
  if (!Array.isArray(weights)) throw new TypeError(`setWeights: expected an array of { name, shape, values }, Float32Array or Tensor, got ${Object.prototype.toString.call(weights)}`);
  const isArray = (w: unknown) => w instanceof Float32Array || w instanceof Tensor;
  if (weights.some(isArray)) {
    const other = weights.findIndex((w) => !isArray(w));
    if (other >= 0) throw new TypeError(`setWeights: entry ${other} is not a Float32Array or Tensor like entry ${weights.findIndex(isArray)}: give all arrays or tensors, or all { name, shape, values } entries`);
    if (weights.length !== params.length) {
      throw new RangeError(`setWeights: ${weights.length} arrays given by position, the model has ${params.length} parameters (${params.map((p) => p.name).join(', ')})`);
    }
    return weights.map((w, i) => {
      if (w instanceof Tensor && w.dtype !== 'float32') throw new TypeError(`setWeights: entry ${i} (tensor "${w.name}") is ${w.dtype}; parameters are float32`);
      return { name: `#${i}`, shape: w instanceof Tensor ? [...w.shape] : [w.length], values: w instanceof Tensor ? w.toFloat32Array() : w };
    });
  }
  weights.forEach((w, i) => {
    const e = w as Partial<NamedWeights>;
    if (typeof e !== 'object' || e === null || typeof e.name !== 'string' || !(e.values instanceof Float32Array)) {
      throw new TypeError(`setWeights: entry ${i} must be { name, shape, values: Float32Array }, a Float32Array or a Tensor (do not mix them)`);
    }
  });
  return weights as readonly NamedWeights[];
}

/** Two FNV/murmur-style 32-bit lanes over every parameter's float32 bits, in order: 16 hex digits. */
export function hashWeights(params: readonly Param[]): string {
  let h1 = 0x811c9dc5 | 0, h2 = 0x9747b28c | 0;
  const u32 = new Uint32Array(backend().arena.f32.buffer);
  for (const p of params) {
    const start = p.value.ptr >>> 2;
    for (let i = start, end = start + p.value.size; i < end; i++) {
      const v = u32[i];
      h1 = Math.imul(h1 ^ v, 0x01000193);
      h2 = Math.imul(h2 ^ v, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/**
 * Writes weights into params: entries by name when every name is one of theirs, else by position (one entry each);
 * Float32Arrays and Tensors by position. Sizes must match; nothing is written unless all do.
 */
export function writeWeights(params: readonly Param[], input: WeightsInput): void {
  const weights = asEntries(params, input);
  const byName = new Map(params.map((p) => [p.name, p]));
  let targets: readonly Param[];
  if (weights.every((w) => byName.has(w.name))) targets = weights.map((w) => byName.get(w.name)!);
  else if (weights.length === params.length) targets = params;
  else {
    const missing = weights.find((w) => !byName.has(w.name))!;
    throw new RangeError(`setWeights: the model has no parameter "${missing.name}" and ${weights.length} entries cannot be matched by ` +
      `position to its ${params.length} parameters (${params.map((p) => p.name).join(', ')})`);
  }
  weights.forEach((w, i) => {
    const p = targets[i];
    if (w.values.length !== p.value.size) throw new RangeError(`setWeights: "${p.name}" [${p.value.shape.join(', ')}] needs ${p.value.size} values, entry "${w.name}" has ${w.values.length}`);
  });
  const f = backend().arena.f32;
  weights.forEach((w, i) => f.set(w.values, targets[i].value.ptr >>> 2));
}
