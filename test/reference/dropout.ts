// Reference for assembly/dropout.ts on the Philox stream of test/reference/random.ts: keep element i when
// u(word offset + i) ≥ rate, mask = 1/(1 − rate) (float32) or 0, y = x·mask; backward dx = dy·mask. Exact in float32.
import { streamWords, unit, type StreamKey } from './random.js';

const f32 = Math.fround;

export function dropoutRef(x: ArrayLike<number>, rate: number, key: StreamKey, offset: number): { y: Float32Array; mask: Float32Array } {
  const r = f32(rate), scale = f32(1 / f32(1 - r));
  const w = streamWords(key, offset, x.length);
  const mask = Float32Array.from(w, (v) => (unit(v) >= r ? scale : 0));
  const y = Float32Array.from(mask, (m, i) => f32(x[i] * m));
  return { y, mask };
}

export function dropoutGradRef(dy: ArrayLike<number>, mask: ArrayLike<number>): Float32Array {
  return Float32Array.from(mask, (m, i) => f32(dy[i] * m));
}
