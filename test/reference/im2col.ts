// References for assembly/im2col.ts's explicit im2col and col2imAdd over a chunk of output pixels [q0, q0 + P), with
// the geometry of test/reference/conv2d.ts (x: [N, H, W, inC], col: [P, K], K = kh·kw·inC). Direct loops, no tiling.
import { convOut, type ConvGeom } from './conv2d.js';

/** Where col[p, (i·kw + j)·inC + ci] comes from: x's flat index for channel 0, or −1 when the tap lies outside x. */
export function tapSource(g: ConvGeom, q: number, i: number, j: number): number {
  const [OH, OW] = convOut(g);
  const ow = q % OW, oh = Math.floor(q / OW) % OH, n = Math.floor(q / (OW * OH));
  const ih = oh * g.strideH - g.padTop + i * g.dilationH, iw = ow * g.strideW - g.padLeft + j * g.dilationW;
  if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) return -1;
  return ((n * g.H + ih) * g.W + iw) * g.inC;
}

/** col [P, K]: row p is output pixel q = q0 + p = (n·OH + oh)·OW + ow, col[p, (i·kw + j)·inC + ci] =
 *  x[n, oh·strideH − padTop + i·dilationH, ow·strideW − padLeft + j·dilationW, ci], 0 outside x. Copies: exact. */
export function im2colRef(x: ArrayLike<number>, g: ConvGeom, q0: number, P: number): Float64Array {
  const C = g.inC, K = g.kh * g.kw * C;
  const col = new Float64Array(P * K);
  for (let p = 0; p < P; p++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
    const src = tapSource(g, q0 + p, i, j);
    if (src < 0) continue;
    const dst = p * K + (i * g.kw + j) * C;
    for (let c = 0; c < C; c++) col[dst + c] = x[src + c];
  }
  return col;
}

/**
 * dx0 + col2im(col): every in-image entry of col [P, K] added to the x cell it was read from; entries outside x are
 * ignored (never read). Float64 sums unless f32 is set: then each addition is rounded to float32, pixel by pixel in
 * ascending q, the order assembly/im2col.ts documents (a cell gets at most one term per pixel, so that order is its
 * whole summation order). Also returns Σ|terms| per cell (|dx0| included), for a tolerance.
 */
export function col2imAddRef(col: ArrayLike<number>, dx0: ArrayLike<number>, g: ConvGeom, q0: number, P: number, f32 = false):
  { dx: Float64Array; absSum: Float64Array } {
  const round = f32 ? Math.fround : (v: number) => v;
  const C = g.inC, K = g.kh * g.kw * C;
  const dx = Float64Array.from(dx0), absSum = Float64Array.from(dx0, Math.abs);
  for (let p = 0; p < P; p++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
    const dst = tapSource(g, q0 + p, i, j);
    if (dst < 0) continue;
    const src = p * K + (i * g.kw + j) * C;
    for (let c = 0; c < C; c++) { dx[dst + c] = round(dx[dst + c] + col[src + c]); absSum[dst + c] += Math.abs(col[src + c]); }
  }
  return { dx, absSum };
}
