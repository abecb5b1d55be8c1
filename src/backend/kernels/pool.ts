// Typed wrappers of assembly/pool.ts (max and average pooling and their gradients) and the pooling geometry: check
// the geometry, sizes and offsets, then call the module. No math on values.
import { backend } from '../module.js';
import { bad, count, span, type Ptr } from '../checks.js';
import { convOutDim } from './conv2d.js';

/** A pooling: x [N, H, W, C], window [ph, pw], y [N, OH, OW, C]; padding explicit and smaller than the window. */
export interface PoolGeometry {
  N: number; H: number; W: number; C: number; ph: number; pw: number;
  strideH: number; strideW: number; padTop: number; padBottom: number; padLeft: number; padRight: number;
}

/** [OH, OW] of a pooling. */
export function poolOutShape(g: PoolGeometry): [number, number] {
  return [convOutDim(g.H, g.ph, g.strideH, 1, g.padTop, g.padBottom), convOutDim(g.W, g.pw, g.strideW, 1, g.padLeft, g.padRight)];
}

function checkPool(k: string, g: PoolGeometry): [number, number] {
  for (const f of ['N', 'H', 'W', 'C', 'ph', 'pw', 'strideH', 'strideW'] as const) count(k, f, g[f], 1);
  for (const f of ['padTop', 'padBottom', 'padLeft', 'padRight'] as const) count(k, f, g[f], 0);
  if (g.padTop >= g.ph || g.padBottom >= g.ph) bad(k, `padTop ${g.padTop} and padBottom ${g.padBottom} must be < ph = ${g.ph}`);
  if (g.padLeft >= g.pw || g.padRight >= g.pw) bad(k, `padLeft ${g.padLeft} and padRight ${g.padRight} must be < pw = ${g.pw}`);
  const [OH, OW] = poolOutShape(g);
  if (OH < 1 || OW < 1) bad(k, `output ${OH}×${OW} is empty`);
  return [OH, OW];
}

function poolArgs(g: PoolGeometry): [number, number, number, number, number, number, number, number, number, number,
  number, number] {
  return [g.N, g.H, g.W, g.C, g.ph, g.pw, g.strideH, g.strideW, g.padTop, g.padBottom, g.padLeft, g.padRight];
}

/** y [N, OH, OW, C] = max over each window (padded cells excluded). */
export function maxPool2d(g: PoolGeometry, x: Ptr, y: Ptr): void {
  const k = 'maxPool2d';
  const [OH, OW] = checkPool(k, g);
  span(k, 'x', x, g.N * g.H * g.W * g.C); span(k, 'y', y, g.N * OH * OW * g.C);
  backend().exports.maxPool2d(x, y, ...poolArgs(g));
}

/** y = mean over each window: divided by ph·pw when countPad, else by the window's cells inside x. */
export function avgPool2d(g: PoolGeometry, x: Ptr, y: Ptr, countPad: boolean): void {
  const k = 'avgPool2d';
  const [OH, OW] = checkPool(k, g);
  span(k, 'x', x, g.N * g.H * g.W * g.C); span(k, 'y', y, g.N * OH * OW * g.C);
  backend().exports.avgPool2d(x, y, ...poolArgs(g), countPad ? 1 : 0);
}

/** dx [N, H, W, C] (overwritten): each dy goes to the first maximum (row-major) of its window in x. */
export function maxPool2dGrad(g: PoolGeometry, x: Ptr, dy: Ptr, dx: Ptr): void {
  const k = 'maxPool2dGrad';
  const [OH, OW] = checkPool(k, g);
  span(k, 'x', x, g.N * g.H * g.W * g.C); span(k, 'dy', dy, g.N * OH * OW * g.C); span(k, 'dx', dx, g.N * g.H * g.W * g.C);
  backend().exports.maxPool2dGrad(x, dy, dx, ...poolArgs(g));
}

/** dx [N, H, W, C] (overwritten): each dy spread evenly (dy / count) over its window's cells inside x. */
export function avgPool2dGrad(g: PoolGeometry, dy: Ptr, dx: Ptr, countPad: boolean): void {
  const k = 'avgPool2dGrad';
  const [OH, OW] = checkPool(k, g);
  span(k, 'dy', dy, g.N * OH * OW * g.C); span(k, 'dx', dx, g.N * g.H * g.W * g.C);
  backend().exports.avgPool2dGrad(dy, dx, ...poolArgs(g), countPad ? 1 : 0);
}
