// Typed wrappers of assembly/im2col.ts's explicit im2col and col2im over a chunk of output pixels (conv2d's backward
// passes use them inside the module; these exports let tests and benchmarks reach them): check, then call. No math.
import { backend } from '../module.js';
import { bad, count, span, type Ptr } from '../checks.js';
import { checkConv, type ConvGeometry } from './conv2d.js';

function chunk(k: string, g: ConvGeometry, q0: number, P: number): [number, number] {
  const [OH, OW] = checkConv(k, g);
  count(k, 'q0', q0); count(k, 'P', P, 1);
  if (q0 + P > g.N * OH * OW) bad(k, `pixels [${q0}, ${q0 + P}) run past the ${g.N * OH * OW} output pixels`);
  return [OH, OW];
}

// The module's im2col/col2imAdd take (…, H, W, Cin, OH, OW, kh, kw, strH, strW, dilH, dilW, padT, padL).
type Geometry13 = [number, number, number, number, number, number, number, number, number, number, number, number, number];
function geometryArgs(g: ConvGeometry, OH: number, OW: number): Geometry13 {
  return [g.H, g.W, g.inC, OH, OW, g.kh, g.kw, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft];
}

/** col [P, K] = rows q0 … q0 + P − 1 of im2col(x), K = kh·kw·inC, every element written (0 outside x). x: [N, H, W, inC]. */
export function im2col(g: ConvGeometry, x: Ptr, col: Ptr, q0: number, P: number): void {
  const k = 'im2col';
  const [OH, OW] = chunk(k, g, q0, P);
  span(k, 'x', x, g.N * g.H * g.W * g.inC); span(k, 'col', col, P * g.kh * g.kw * g.inC);
  backend().exports.im2col(x, col, q0, P, ...geometryArgs(g, OH, OW));
}

/** dx [N, H, W, inC] += col2im(col) for rows q0 … q0 + P − 1 of col [P, K]: each entry added to the x cell it came from. */
export function col2imAdd(g: ConvGeometry, col: Ptr, dx: Ptr, q0: number, P: number): void {
  const k = 'col2imAdd';
  const [OH, OW] = chunk(k, g, q0, P);
  span(k, 'col', col, P * g.kh * g.kw * g.inC); span(k, 'dx', dx, g.N * g.H * g.W * g.inC);
  backend().exports.col2imAdd(col, dx, q0, P, ...geometryArgs(g, OH, OW));
}
