// Typed wrappers of assembly/conv2d.ts (forward, backprop to the input, backprop to the filter) and the convolution
// geometry: check the geometry, sizes and offsets, then call the module. No math on values.
import { backend } from '../module.js';
import { bad, count, span, type Ptr } from '../checks.js';

/** A convolution: x [N, H, W, inC] (NHWC), w [kh, kw, inC, outC] (HWIO), y [N, OH, OW, outC]; padding explicit. */
export interface ConvGeometry {
  N: number; H: number; W: number; inC: number; outC: number; kh: number; kw: number;
  strideH: number; strideW: number; dilationH: number; dilationW: number;
  padTop: number; padBottom: number; padLeft: number; padRight: number;
}

/** Output size along one axis: floor((n + padBefore + padAfter − ((k − 1)·dilation + 1)) / stride) + 1 (may be ≤ 0). */
export function convOutDim(n: number, k: number, stride: number, dilation: number, padBefore: number, padAfter: number): number {
  return Math.floor((n + padBefore + padAfter - ((k - 1) * dilation + 1)) / stride) + 1;
}

/** [OH, OW] of a convolution. */
export function convOutShape(g: ConvGeometry): [number, number] {
  return [convOutDim(g.H, g.kh, g.strideH, g.dilationH, g.padTop, g.padBottom),
    convOutDim(g.W, g.kw, g.strideW, g.dilationW, g.padLeft, g.padRight)];
}

/** Checks a geometry (counts, padding, a non-empty output) for kernel k; returns [OH, OW]. */
export function checkConv(k: string, g: ConvGeometry): [number, number] {
  for (const f of ['N', 'H', 'W', 'inC', 'outC', 'kh', 'kw', 'strideH', 'strideW', 'dilationH', 'dilationW'] as const) count(k, f, g[f], 1);
  for (const f of ['padTop', 'padBottom', 'padLeft', 'padRight'] as const) count(k, f, g[f], 0);
  const [OH, OW] = convOutShape(g);
  if (OH < 1 || OW < 1) bad(k, `output ${OH}×${OW} is empty`);
  return [OH, OW];
}

function convArgs(g: ConvGeometry): [number, number, number, number, number, number, number, number, number, number,
  number, number, number, number, number] {
  return [g.N, g.H, g.W, g.inC, g.outC, g.kh, g.kw, g.strideH, g.strideW, g.dilationH, g.dilationW,
    g.padTop, g.padBottom, g.padLeft, g.padRight];
}

/** Bytes of scratch the three conv kernels need for g (0 for a 1×1, stride-1, unpadded conv). Bounded in N·OH·OW. */
export function conv2dWorkspaceBytes(g: ConvGeometry): number {
  checkConv('conv2dWorkspaceBytes', g);
  return backend().exports.conv2dWorkspaceBytes(...convArgs(g));
}

function workspace(k: string, g: ConvGeometry, work: Ptr): void {
  const bytes = backend().exports.conv2dWorkspaceBytes(...convArgs(g));
  if (bytes === 0) return;
  if ((work & 15) !== 0) bad(k, `work offset ${work} is not 16-byte aligned`);
  span(k, 'work', work, bytes / 4);
}

/** y = conv2d(x, w) (+ bias): y [N, OH, OW, outC] overwritten. Needs no col workspace (A is packed from x). */
export function conv2d(g: ConvGeometry, a: { x: Ptr; w: Ptr; bias?: Ptr; y: Ptr }): void {
  const k = 'conv2d';
  const [OH, OW] = checkConv(k, g);
  span(k, 'x', a.x, g.N * g.H * g.W * g.inC); span(k, 'w', a.w, g.kh * g.kw * g.inC * g.outC);
  if (a.bias) span(k, 'bias', a.bias, g.outC);
  span(k, 'y', a.y, g.N * OH * OW * g.outC);
  const be = backend();
  be.exports.conv2d(a.x, a.w, a.bias ?? 0, a.y, be.gemmWork, ...convArgs(g));
}

/** dx [N, H, W, inC] (overwritten, every element) from dy [N, OH, OW, outC] and w. */
export function conv2dBackpropInput(g: ConvGeometry, a: { dy: Ptr; w: Ptr; dx: Ptr; work: Ptr }): void {
  const k = 'conv2dBackpropInput';
  const [OH, OW] = checkConv(k, g);
  span(k, 'dy', a.dy, g.N * OH * OW * g.outC); span(k, 'w', a.w, g.kh * g.kw * g.inC * g.outC);
  span(k, 'dx', a.dx, g.N * g.H * g.W * g.inC);
  workspace(k, g, a.work);
  const be = backend();
  be.exports.conv2dBackpropInput(a.dy, a.w, a.dx, a.work, be.gemmWork, 0, g.N, ...convArgs(g));
}

/** dw [kh, kw, inC, outC] += ∂L/∂w and, when db is given, db [outC] += Σ dy: both ACCUMULATE. */
export function conv2dBackpropFilter(g: ConvGeometry, a: { x: Ptr; dy: Ptr; dw: Ptr; db?: Ptr; work: Ptr }): void {
  const k = 'conv2dBackpropFilter';
  const [OH, OW] = checkConv(k, g);
  span(k, 'x', a.x, g.N * g.H * g.W * g.inC); span(k, 'dy', a.dy, g.N * OH * OW * g.outC);
  span(k, 'dw', a.dw, g.kh * g.kw * g.inC * g.outC);
  if (a.db) span(k, 'db', a.db, g.outC);
  workspace(k, g, a.work);
  const be = backend();
  be.exports.conv2dBackpropFilter(a.x, a.dy, a.dw, a.db ?? 0, a.work, be.gemmWork, ...convArgs(g));
}
