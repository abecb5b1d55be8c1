// A model's weights as a whole: the 64-bit hash of every parameter's bits (weightsHash) and setting them from
// getWeights()-style entries, by name or by position (setWeights). Model's methods call these.
import { backend } from '../backend/module.js';
import type { Param } from '../layers/layer.js';
import type { NamedWeights } from './trainable.js';

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

/** Writes entries into params: by name when every name is one of theirs, else by position (one entry each). Sizes must match. */
export function writeWeights(params: readonly Param[], weights: readonly NamedWeights[]): void {
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
