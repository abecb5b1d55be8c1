// conv2d, max/avg pooling and their gradients on NHWC tensors with HWIO filters: options resolved to an explicit
// kernel geometry ('same' as TensorFlow pads it). The ops allocate the conv workspace per call and free it.
import * as kern from '../backend/kernels/index.js';
import { fill } from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import { checkShape, sizeOf, type Shape, type Tensor } from './tensor.js';
import { building, describe, floatArg, fmt, MAX_VALUES, output } from './check.js';
import { StrictOptions } from './options.js';

/** A number for both axes or [h, w]. */
export type Pair = number | readonly [number, number];
/** 'valid' (no padding), 'same' (TensorFlow's: output ⌈in/stride⌉) or explicit [top, bottom, left, right]. */
export type Padding = 'same' | 'valid' | readonly [number, number, number, number];

export interface Spatial { strides?: Pair; padding?: Padding; dilations?: Pair }
const SPATIAL = ['strides', 'padding', 'dilations'] as const;
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
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map((e) => (typeof e === 'string' ? `'${e}'` : String(e))).join(', ')}]`;
  return typeof v === 'object' && v !== null ? Object.prototype.toString.call(v) : String(v);
}

/** Kernel geometry is int32: every stride, dilation, pad and padded extent stays below 2^31. */
const LIMIT = 2 ** 31 - 1;

function pair(op: string, name: string, v: unknown, dflt: number): [number, number] {
  const p = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isInteger(d) && d >= 1)) {
    const msg = `${op}: ${name} must be a positive integer or a pair [h, w] of them, got ${show(v)}`;
    throw typeof v === 'number' || Array.isArray(v) ? new RangeError(msg) : new TypeError(msg);
  }
  if (!p.every((d) => d <= LIMIT)) throw new RangeError(`${op}: ${name} ${show(v)} must be at most 2^31 − 1`);
  return [p[0], p[1]];
}

// TensorFlow 'same': total = max((⌈n/s⌉ − 1)·s + (k − 1)·d + 1 − n, 0), before = ⌊total/2⌋, after = the rest.
function samePads(n: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** [top, bottom, left, right] for an input H×W, a kh×kw window, strides and dilations. */
function pads(op: string, padding: unknown, H: number, W: number, kh: number, kw: number,
  s: [number, number], d: [number, number]): [number, number, number, number] {
  const p = padding === undefined ? 'valid' : padding; // null is a value, and refused
  let r: [number, number, number, number];
  if (p === 'valid') r = [0, 0, 0, 0];
  else if (p === 'same') r = [...samePads(H, kh, s[0], d[0]), ...samePads(W, kw, s[1], d[1])];
  else if (!Array.isArray(p) || p.length !== 4 || !p.every((v) => Number.isInteger(v) && v >= 0)) {
    const msg = `${op}: padding must be 'same', 'valid' or [top, bottom, left, right] of non-negative integers, got ${show(p)}`;
    throw typeof p === 'string' || Array.isArray(p) ? new RangeError(msg) : new TypeError(msg);
  } else r = [p[0], p[1], p[2], p[3]];
  if (H + r[0] + r[1] > LIMIT || W + r[2] + r[3] > LIMIT) {
    throw new RangeError(`${op}: padding ${show(p)} makes the padded input ${H + r[0] + r[1]}×${W + r[2] + r[3]}, beyond 2^31 − 1`);
  }
  return r;
}

function rank4(op: string, arg: string, t: Tensor, layout: string): void {
  if (t.rank !== 4) throw new RangeError(`${op}: ${arg} ${describe(t)} must be 4-D ${layout}`);
}

function shape4(op: string, name: string, s: unknown, layout: string): asserts s is Shape {
  if (!Array.isArray(s)) throw new TypeError(`${op}: ${name} must be an array ${layout}, got ${show(s)}`);
  if (s.length !== 4) throw new RangeError(`${op}: ${name} ${show(s)} must be 4-D ${layout}`);
  checkShape(s, `${op}: ${name}`);
  if (!(sizeOf(s) <= MAX_VALUES)) throw new RangeError(`${op}: ${name} ${show(s)} holds more values than linear memory can (2^30)`);
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

function withWorkspace(op: string, g: kern.ConvGeometry, run: (work: number) => void): void {
  const bytes = kern.conv2dWorkspaceBytes(g);
  if (bytes === 0) { run(0); return; }
  const arena = backend().arena;
  let work: number;
  try { work = arena.alloc(bytes); } catch (e) { throw new RangeError(`${op}: no memory for the ${bytes}-byte workspace: ${(e as Error).message}`); }
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
  const o = StrictOptions.read(op, options, [...SPATIAL, 'bias']);
  rank4(op, 'x', x, '[N, H, W, inC]'); rank4(op, 'w', w, '[kh, kw, inC, outC]');
  if (w.shape[2] !== x.shape[3]) {
    throw new RangeError(`${op}: w ${describe(w)} has inCh ${w.shape[2]} but x ${describe(x)} has ${x.shape[3]} channels`);
  }
  const bias = o.get('bias') as Tensor | undefined;
  if (bias !== undefined) {
    floatArg(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== w.shape[3]) {
      throw new RangeError(`${op}: bias ${describe(bias)} must be [${w.shape[3]}], the outCh of w ${describe(w)}`);
    }
  }
  const g = convGeometry(op, x.shape, `x ${describe(x)}`, w.shape, options);
  const [OH, OW] = kern.convOutShape(g);
  return building((own) => {
    const y = own(output(op, [g.N, OH, OW, g.outC]));
    kern.conv2d(g, { x: x.ptr, w: w.ptr, bias: bias?.ptr, y: y.ptr });
    return y;
  });
}

/** dx = ∂L/∂x of conv2d from dy [N, OH, OW, outC] and w [kh, kw, inC, outC] → inputShape [N, H, W, inC]. */
export function conv2dBackpropInput(dy: Tensor, w: Tensor, options: Conv2dBackpropInputOptions): Tensor {
  const op = 'conv2dBackpropInput';
  floatArg(op, 'dy', dy); floatArg(op, 'w', w);
  const o = StrictOptions.read(op, options, ['inputShape', ...SPATIAL], true);
  rank4(op, 'w', w, '[kh, kw, inC, outC]');
  const xs = o.get('inputShape');
  shape4(op, 'inputShape', xs, '[N, H, W, inC]');
  if (w.shape[2] !== xs[3]) {
    throw new RangeError(`${op}: w ${describe(w)} has inCh ${w.shape[2]} but inputShape ${fmt(xs)} has ${xs[3]} channels`);
  }
  const g = convGeometry(op, xs, `inputShape ${fmt(xs)}`, w.shape, options);
  const [OH, OW] = kern.convOutShape(g);
  checkDy(op, dy, g.N, OH, OW, g.outC, `x ${fmt(xs)} convolved with w ${describe(w)}`);
  return building((own) => {
    const dx = own(output(op, xs));
    withWorkspace(op, g, (work) => kern.conv2dBackpropInput(g, { dy: dy.ptr, w: w.ptr, dx: dx.ptr, work }));
    return dx;
  });
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
  const o = StrictOptions.read(op, options, ['filterShape', ...SPATIAL, 'bias'], true);
  const withBias = o.bool('bias', false);
  rank4(op, 'x', x, '[N, H, W, inC]');
  const ws = o.get('filterShape');
  shape4(op, 'filterShape', ws, '[kh, kw, inC, outC]');
  if (ws[2] !== x.shape[3]) {
    throw new RangeError(`${op}: filterShape ${fmt(ws)} has inCh ${ws[2]} but x ${describe(x)} has ${x.shape[3]} channels`);
  }
  const g = convGeometry(op, x.shape, `x ${describe(x)}`, ws, options);
  const [OH, OW] = kern.convOutShape(g);
  checkDy(op, dy, g.N, OH, OW, g.outC, `x ${describe(x)} convolved with a ${fmt(ws)} filter`);
  return building((own) => {
    const dw = own(output(op, ws, 'float32', `${op}.dw`));
    fill(dw.ptr, 0, dw.size);
    const db = withBias ? own(output(op, [g.outC], 'float32', `${op}.db`)) : undefined;
    if (db) fill(db.ptr, 0, db.size);
    withWorkspace(op, g, (work) => kern.conv2dBackpropFilter(g, { x: x.ptr, dy: dy.ptr, dw: dw.ptr, db: db?.ptr, work }));
    return db ? { dw, db } : dw;
  });
}

const POOL = ['poolSize', 'strides', 'padding'] as const;

// avg: countPad is an option too. Returns the geometry and countPad.
function poolGeometry(op: string, x: Tensor, options: unknown, avg: boolean): [kern.PoolGeometry, boolean] {
  floatArg(op, 'x', x);
  const o = StrictOptions.read(op, options, avg ? [...POOL, 'countPad'] : POOL, true);
  const countPad = avg ? o.bool('countPad', false) : false;
  rank4(op, 'x', x, '[N, H, W, C]');
  return [poolGeometryOf(op, x.shape, `x ${describe(x)}`, options as Pool2dOptions), countPad];
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

function pooled(op: string, g: kern.PoolGeometry, run: (y: Tensor) => void): Tensor {
  const [OH, OW] = kern.poolOutShape(g);
  return building((own) => {
    const y = own(output(op, [g.N, OH, OW, g.C]));
    run(y);
    return y;
  });
}

/** Max over each window: x [N, H, W, C] → [N, OH, OW, C]. Padded cells never win. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const [g] = poolGeometry('maxPool2d', x, options, false);
  return pooled('maxPool2d', g, (y) => kern.maxPool2d(g, x.ptr, y.ptr));
}

/** Mean over each window: x [N, H, W, C] → [N, OH, OW, C]; see AvgPool2dOptions.countPad. */
export function avgPool2d(x: Tensor, options: AvgPool2dOptions): Tensor {
  const [g, countPad] = poolGeometry('avgPool2d', x, options, true);
  return pooled('avgPool2d', g, (y) => kern.avgPool2d(g, x.ptr, y.ptr, countPad));
}

function poolGrad(op: string, x: Tensor, dy: Tensor, options: unknown, avg: boolean, run: (g: kern.PoolGeometry, dx: Tensor, countPad: boolean) => void): Tensor {
  const [g, countPad] = poolGeometry(op, x, options, avg);
  floatArg(op, 'dy', dy);
  const [OH, OW] = kern.poolOutShape(g);
  checkDy(op, dy, g.N, OH, OW, g.C, `pooling x ${describe(x)}`);
  return building((own) => {
    const dx = own(output(op, x.shape));
    run(g, dx, countPad);
    return dx;
  });
}

/** dx [N, H, W, C] of maxPool2d: each dy goes to the first maximum of its window (row-major scan), others get 0. */
export function maxPool2dGrad(x: Tensor, dy: Tensor, options: Pool2dOptions): Tensor {
  return poolGrad('maxPool2dGrad', x, dy, options, false, (g, dx) => kern.maxPool2dGrad(g, x.ptr, dy.ptr, dx.ptr));
}

/** dx [N, H, W, C] of avgPool2d: each dy is spread as dy / count over its window's cells inside x. */
export function avgPool2dGrad(x: Tensor, dy: Tensor, options: AvgPool2dOptions): Tensor {
  return poolGrad('avgPool2dGrad', x, dy, options, true, (g, dx, countPad) => kern.avgPool2dGrad(g, dy.ptr, dx.ptr, countPad));
}
