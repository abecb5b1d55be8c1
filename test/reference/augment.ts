// Float64 reference for assembly/augment.ts: replays the Philox stream of test/reference/random.ts to get each sample's
// draws exactly (shift, flip, angle in float32 as the kernel forms them), then transforms in float64 with the host's
// sin/cos: integer shifts and flips are exact gathers; rotations are bilinear at c + R(angle)·(q − c); noise is
// normalRef's σ·z at words s·S + 4 + i. Fill outside the image: zeros (taps outside skipped) or the nearest edge pixel.
import { mulhilo, normalRef, streamWords, unit, type StreamKey } from './random.js';

const f32 = Math.fround;

export interface AugmentSpec { shift: number; flip: number; rotate: number; noise: number; edge: boolean }

/** One sample's draws: shift (dy, dx) in pixels, flipped or not, angle in degrees (float32, as the kernel has it). */
export interface SampleDraw { dy: number; dx: number; flip: boolean; degrees: number }

/** Words per sample: 4 parameter words, then H·W·C noise elements rounded up to 4. */
export const strideRef = (per: number): number => 4 + Math.ceil(per / 4) * 4;

/** The draws of sample s (the sample's index in the stream, first + n). */
export function sampleDraw(key: StreamKey, s: number, per: number, spec: AugmentSpec): SampleDraw {
  const w = streamWords(key, s * strideRef(per), 4);
  const shiftOf = (v: number) => (spec.shift > 0 ? mulhilo(v, 2 * spec.shift + 1)[0] - spec.shift : 0);
  return {
    dy: shiftOf(w[0]), dx: shiftOf(w[1]),
    flip: unit(w[2]) < f32(spec.flip),
    degrees: f32(f32(spec.rotate) * (2 * unit(w[3]) - 1)),
  };
}

/** y = augment(x) for x [N, H, W, C] in float64, sample n drawn as sample first + n. */
export function augmentRef(x: ArrayLike<number>, shape: readonly [number, number, number, number], spec: AugmentSpec,
  key: StreamKey, first: number): { y: Float64Array; draws: SampleDraw[] } {
  const [N, H, W, C] = shape, per = H * W * C;
  const y = new Float64Array(N * per), draws: SampleDraw[] = [];
  for (let n = 0; n < N; n++) {
    const d = sampleDraw(key, first + n, per, spec);
    draws.push(d);
    const src = n * per, dst = n * per;
    const at = (r: number, c: number, ch: number) => x[src + (r * W + c) * C + ch];
    const rad = (d.degrees * Math.PI) / 180, sn = Math.sin(rad), cs = Math.cos(rad);
    const cy = (H - 1) / 2, cx = (W - 1) / 2;
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
      const qy = i - d.dy, qx = (d.flip ? W - 1 - j : j) - d.dx;
      const o = dst + (i * W + j) * C;
      if (d.degrees === 0) { // an exact gather
        const inside = qy >= 0 && qy < H && qx >= 0 && qx < W;
        const r = Math.min(Math.max(qy, 0), H - 1), c = Math.min(Math.max(qx, 0), W - 1);
        for (let ch = 0; ch < C; ch++) y[o + ch] = inside || spec.edge ? at(r, c, ch) : 0;
        continue;
      }
      let sy = cy + cs * (qy - cy) - sn * (qx - cx), sx = cx + sn * (qy - cy) + cs * (qx - cx);
      if (spec.edge) { sy = Math.min(Math.max(sy, 0), H - 1); sx = Math.min(Math.max(sx, 0), W - 1); }
      const y0 = Math.floor(sy), x0 = Math.floor(sx), wy = sy - y0, wx = sx - x0;
      const taps: [number, number, number][] = [
        [y0, x0, (1 - wy) * (1 - wx)], [y0, x0 + 1, (1 - wy) * wx], [y0 + 1, x0, wy * (1 - wx)], [y0 + 1, x0 + 1, wy * wx],
      ];
      for (let ch = 0; ch < C; ch++) {
        let v = 0;
        for (const [r, c, w] of taps) {
          const rr = spec.edge ? Math.min(r, H - 1) : r, cc = spec.edge ? Math.min(c, W - 1) : c;
          if (rr >= 0 && rr < H && cc >= 0 && cc < W) v += w * at(rr, cc, ch);
        }
        y[o + ch] = v;
      }
    }
    if (spec.noise > 0) {
      const z = normalRef(key, (first + n) * strideRef(per) + 4, per, 0, spec.noise);
      for (let i = 0; i < per; i++) y[dst + i] += z[i];
    }
  }
  return { y, draws };
}
