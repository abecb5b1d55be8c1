// conv2d, max/avg pooling and their gradients on NHWC tensors with HWIO filters: options resolved to an explicit
// kernel geometry ('same' as TensorFlow pads it). The ops allocate the conv workspace per call and free it.
import * as kern from '../backend/kernels/index.js';
import { fill } from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import { checkShape, empty, type Shape, type Tensor } from './tensor.js';
import { describe, floatArg, fmt } from './check.js';

/** A number for both axes or [h, w]. */
export type Pair = number | readonly [number, number];
/** 'valid' (no padding), 'same' (TensorFlow's: output ⌈in/stride⌉) or explicit [top, bottom, left, right]. */
export type Padding = 'same' | 'valid' | readonly [number, number, number, number];

export interface Spatial { strides?: Pair; padding?: Padding; dilations?: Pair }
/** x: [N, H, W, inC], w: [kh, kw, inC, outC], bias: [outC]. Defaults: strides 1, padding 'valid', dilations 1. */
export interface Conv2dOptions extends Spatial { bias?: Tensor }
/** inputShape: [N, H, W, inC] of the forward x. */
export interface Conv2dBackpropInputOptions extends Spatial { inputShape: Shape }
/** filterShape: [kh, kw, inC, outC] of the forward w; bias: true also returns db = Σ dy over N, OH, OW. */
export interface Conv2dBackpropFilterOptions extends Spatial { filterShape: Shape; bias?: boolean }
/** poolSize: the window; strides default to poolSize, padding to 'valid'. Explicit pads must be < the window. */
export interface Pool2dOptions { poolSize: Pair; strides?: Pair; padding?: Padding }
/** countPad: divide by the whole window, padded cells included (true), or by the cells inside x (false, default). */
export interface AvgPool2dOptions extends Pool2dOptions { countPad?: boolean }

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

function pair(op: string, name: string, v: Pair | undefined, dflt: number): [number, number] {
  const p = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`${op}: ${name} must be a positive integer or a pair [h, w] of them, got ${show(v)}`);
  }
  return [p[0], p[1]];
}

// TensorFlow 'same': total = max((⌈n/s⌉ − 1)·s + (k − 1)·d + 1 − n, 0), before = ⌊total/2⌋, after = the rest.
function samePads(n: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** [top, bottom, left, right] for an input H×W, a kh×kw window, strides and dilations. */
function pads(op: string, padding: Padding | undefined, H: number, W: number, kh: number, kw: number,
  s: [number, number], d: [number, number]): [number, number, number, number] {
  const p = padding ?? 'valid';
  if (p === 'valid') return [0, 0, 0, 0];
  if (p === 'same') return [...samePads(H, kh, s[0], d[0]), ...samePads(W, kw, s[1], d[1])];
  if (!Array.isArray(p) || p.length !== 4 || !p.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new RangeError(`${op}: padding must be 'same', 'valid' or [top, bottom, left, right] of non-negative integers, got ${show(p)}`);
  }
  return [p[0], p[1], p[2], p[3]];
}

function rank4(op: string, arg: string, t: Tensor, layout: string): void {
  if (t.rank !== 4) throw new RangeError(`${op}: ${arg} ${describe(t)} must be 4-D ${layout}`);
}

function shape4(op: string, name: string, s: Shape, layout: string): void {
  if (!Array.isArray(s) || s.length !== 4) throw new RangeError(`${op}: ${name} ${show(s)} must be 4-D ${layout}`);
  checkShape(s, `${op}: ${name}`);
}

/** The geometry of x [N, H, W, inC] * w [kh, kw, inC, outC]; throws naming what makes the output empty. */
export function convGeometry(op: string, xs: Shape, xWhat: string, ws: Shape, o: Spatial): kern.ConvGeometry {
  const [N, H, W, inC] = xs, [kh, kw, , outC] = ws;
  const [strideH, strideW] = pair(op, 'strides', o.strides, 1);
  const [dilationH, dilationW] = pair(op, 'dilations', o.dilations, 1);
  const [padTop, padBottom, padLeft, padRight] = pads(op, o.padding, H, W, kh, kw, [strideH, strideW], [dilationH, dilationW]);
  const g = { N, H, W, inC, outC, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padBottom, padLeft, padRight };
  const [OH, OW] = kern.convOutShape(g);
  if (OH < 1 || OW < 1) {
    throw new RangeError(`${op}: ${xWhat} is too small for the ${kh}×${kw} filter with padding ${show(o.padding ?? 'valid')}` +
      ` and dilations [${dilationH}, ${dilationW}]: the output would be ${Math.max(OH, 0)}×${Math.max(OW, 0)}`);
  }
  return g;
}

function withWorkspace(g: kern.ConvGeometry, run: (work: number) => void): void {
  const bytes = kern.conv2dWorkspaceBytes(g);
  if (bytes === 0) { run(0); return; }
  const arena = backend().arena;
  const work = arena.alloc(bytes);
  try { run(work); } finally { arena.release(work); }
}

function checkDy(op: string, dy: Tensor, N: number, OH: number, OW: number, C: number, what: string): void {
  const want = [N, OH, OW, C];
  if (dy.rank !== 4 || dy.shape.some((d, i) => d !== want[i])) {
    throw new RangeError(`${op}: dy ${describe(dy)} must have the output shape ${fmt(want)} of ${what}`);
  }
}

/** y = conv2d(x, w) (+ bias): x [N, H, W, inC], w [kh, kw, inC, outC] → [N, OH, OW, outC]. */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  floatArg(op, 'x', x); floatArg(op, 'w', w);
  rank4(op, 'x', x, '[N, H, W, inC]'); rank4(op, 'w', w, '[kh, kw, inC, outC]');
  if (w.shape[2] !== x.shape[3]) {
    throw new RangeError(`${op}: w ${describe(w)} has inCh ${w.shape[2]} but x ${describe(x)} has ${x.shape[3]} channels`);
  }
  const bias = options.bias;
  if (bias !== undefined) {
    floatArg(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== w.shape[3]) {
      throw new RangeError(`${op}: bias ${describe(bias)} must be [${w.shape[3]}], the outCh of w ${describe(w)}`);
    }
  }
  const g = convGeometry(op, x.shape, `x ${describe(x)}`, w.shape, options);
  const [OH, OW] = kern.convOutShape(g);
  const y = empty([g.N, OH, OW, g.outC], 'float32', op);
  kern.conv2d(g, { x: x.ptr, w: w.ptr, bias: bias?.ptr, y: y.ptr });
  return y;
}

/** dx = ∂L/∂x of conv2d from dy [N, OH, OW, outC] and w [kh, kw, inC, outC] → inputShape [N, H, W, inC]. */
export function conv2dBackpropInput(dy: Tensor, w: Tensor, options: Conv2dBackpropInputOptions): Tensor {
  const op = 'conv2dBackpropInput';
  floatArg(op, 'dy', dy); floatArg(op, 'w', w);
  rank4(op, 'w', w, '[kh, kw, inC, outC]');
  const xs = options?.inputShape;
  shape4(op, 'inputShape', xs, '[N, H, W, inC]');
  if (w.shape[2] !== xs[3]) {
    throw new RangeError(`${op}: w ${describe(w)} has inCh ${w.shape[2]} but inputShape ${fmt(xs)} has ${xs[3]} channels`);
  }
  const g = convGeometry(op, xs, `inputShape ${fmt(xs)}`, w.shape, options);
  const [OH, OW] = kern.convOutShape(g);
  checkDy(op, dy, g.N, OH, OW, g.outC, `x ${fmt(xs)} convolved with w ${describe(w)}`);
  const dx = empty(xs, 'float32', op);
  withWorkspace(g, (work) => kern.conv2dBackpropInput(g, { dy: dy.ptr, w: w.ptr, dx: dx.ptr, work }));
  return dx;
}

/**
 * dw = ∂L/∂w of conv2d from x [N, H, W, inC] and dy [N, OH, OW, outC] → filterShape [kh, kw, inC, outC].
 * With bias: true, returns { dw, db } where db [outC] = Σ dy over N, OH and OW (the bias gradient).
 */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, options: Conv2dBackpropFilterOptions & { bias: true }): { dw: Tensor; db: Tensor };
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, options: Conv2dBackpropFilterOptions & { bias?: false }): Tensor;
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, options: Conv2dBackpropFilterOptions): Tensor | { dw: Tensor; db: Tensor };
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, options: Conv2dBackpropFilterOptions): Tensor | { dw: Tensor; db: Tensor } {
  const op = 'conv2dBackpropFilter';
  floatArg(op, 'x', x); floatArg(op, 'dy', dy);
  rank4(op, 'x', x, '[N, H, W, inC]');
  const ws = options?.filterShape;
  shape4(op, 'filterShape', ws, '[kh, kw, inC, outC]');
  if (ws[2] !== x.shape[3]) {
    throw new RangeError(`${op}: filterShape ${fmt(ws)} has inCh ${ws[2]} but x ${describe(x)} has ${x.shape[3]} channels`);
  }
  const g = convGeometry(op, x.shape, `x ${describe(x)}`, ws, options);
  const [OH, OW] = kern.convOutShape(g);
  checkDy(op, dy, g.N, OH, OW, g.outC, `x ${describe(x)} convolved with a ${fmt(ws)} filter`);
  const dw = empty(ws, 'float32', `${op}.dw`);
  fill(dw.ptr, 0, dw.size);
  const db = options.bias ? empty([g.outC], 'float32', `${op}.db`) : undefined;
  if (db) fill(db.ptr, 0, db.size);
  withWorkspace(g, (work) => kern.conv2dBackpropFilter(g, { x: x.ptr, dy: dy.ptr, dw: dw.ptr, db: db?.ptr, work }));
  return db ? { dw, db } : dw;
}

function poolGeometry(op: string, x: Tensor, options: Pool2dOptions): kern.PoolGeometry {
  floatArg(op, 'x', x);
  rank4(op, 'x', x, '[N, H, W, C]');
  return poolGeometryOf(op, x.shape, `x ${describe(x)}`, options);
}

/** The geometry of pooling an x of shape [N, H, W, C]; throws naming the option that makes it invalid or empty. */
export function poolGeometryOf(op: string, xs: Shape, xWhat: string, options: Pool2dOptions): kern.PoolGeometry {
  const o: Partial<Pool2dOptions> = options ?? {};
  const [ph, pw] = pair(op, 'poolSize', o.poolSize, NaN);
  const [strideH, strideW] = pair(op, 'strides', o.strides ?? [ph, pw], 1);
  const [N, H, W, C] = xs;
  const [padTop, padBottom, padLeft, padRight] = pads(op, o.padding, H, W, ph, pw, [strideH, strideW], [1, 1]);
  if (padTop >= ph || padBottom >= ph || padLeft >= pw || padRight >= pw) {
    throw new RangeError(`${op}: padding ${show(o.padding)} must be smaller than poolSize [${ph}, ${pw}] on every side`);
  }
  const g = { N, H, W, C, ph, pw, strideH, strideW, padTop, padBottom, padLeft, padRight };
  const [OH, OW] = kern.poolOutShape(g);
  if (OH < 1 || OW < 1) {
    throw new RangeError(`${op}: ${xWhat} is too small for poolSize [${ph}, ${pw}] with padding ` +
      `${show(o.padding ?? 'valid')}: the output would be ${Math.max(OH, 0)}×${Math.max(OW, 0)}`);
  }
  return g;
}

function pooled(g: kern.PoolGeometry, op: string): Tensor {
  const [OH, OW] = kern.poolOutShape(g);
  return empty([g.N, OH, OW, g.C], 'float32', op);
}

/** Max over each window: x [N, H, W, C] → [N, OH, OW, C]. Padded cells never win. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = poolGeometry('maxPool2d', x, options);
  const y = pooled(g, 'maxPool2d');
  kern.maxPool2d(g, x.ptr, y.ptr);
  return y;
}

/** Mean over each window: x [N, H, W, C] → [N, OH, OW, C]; see AvgPool2dOptions.countPad. */
export function avgPool2d(x: Tensor, options: AvgPool2dOptions): Tensor {
  const g = poolGeometry('avgPool2d', x, options);
  const y = pooled(g, 'avgPool2d');
  kern.avgPool2d(g, x.ptr, y.ptr, !!options.countPad);
  return y;
}

function poolGrad(op: string, x: Tensor, dy: Tensor, options: Pool2dOptions): kern.PoolGeometry {
  const g = poolGeometry(op, x, options);
  floatArg(op, 'dy', dy);
  const [OH, OW] = kern.poolOutShape(g);
  checkDy(op, dy, g.N, OH, OW, g.C, `pooling x ${describe(x)}`);
  return g;
}

/** dx [N, H, W, C] of maxPool2d: each dy goes to the first maximum of its window (row-major scan), others get 0. */
export function maxPool2dGrad(x: Tensor, dy: Tensor, options: Pool2dOptions): Tensor {
  const g = poolGrad('maxPool2dGrad', x, dy, options);
  const dx = empty(x.shape, 'float32', 'maxPool2dGrad');
  kern.maxPool2dGrad(g, x.ptr, dy.ptr, dx.ptr);
  return dx;
}

/** dx [N, H, W, C] of avgPool2d: each dy is spread as dy / count over its window's cells inside x. */
export function avgPool2dGrad(x: Tensor, dy: Tensor, options: AvgPool2dOptions): Tensor {
  const g = poolGrad('avgPool2dGrad', x, dy, options);
  const dx = empty(x.shape, 'float32', 'avgPool2dGrad');
  kern.avgPool2dGrad(g, dy.ptr, dx.ptr, !!options.countPad);
  return dx;
}
