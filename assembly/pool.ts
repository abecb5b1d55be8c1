// Max and average pooling over NHWC images, forward and backward, vectorised over channels (C is innermost).
// Windows ph×pw with strides and explicit padding; padded cells never win a max and add nothing to a sum.
import { convOutDim } from './conv2d';
import { fill } from './elementwise';

// x, dx: [N, H, W, C]   y, dy: [N, OH, OW, C]   OH = floor((H + padT + padB − ph) / strH) + 1, OW likewise.
// Every window must hold at least one cell of x: TS checks padT, padB < ph and padL, padR < pw.
// Max: y is the largest cell of the window (of equal values such as −0 and +0, the first); its gradient goes to the
//   FIRST maximum, scanning the window row-major (kernel row i, then column j): a later cell equal to it gets nothing.
// Average: countPad = 1 divides the sum by ph·pw (padded cells count as zeros); countPad = 0 by the number of
//   window cells inside x. The backward spreads dy / that count over the cells inside x.
// NaN: a NaN in a window makes its max NaN (like reduceMax); the max gradient then goes to the first maximum of
//   the other cells (a NaN cell never wins the comparison).
// Backward kernels overwrite dx (zero, then add each window's share in output order: a fixed order; windows that tile
// x write each cell once instead).
// Channel loops have three phases: 4 vectors (16 channels), one vector, scalar tail.

const MAX_FWD: i32 = 0, AVG_FWD: i32 = 1, MAX_BWD: i32 = 2, AVG_BWD: i32 = 3;
// Backward over windows that tile x exactly (stride = window, no padding, H and W multiples of it): every dx cell
// lies in exactly one window, so it is written once (no zero fill, no read-modify-write). The values are those of
// 0 + share (the general path's first and only addition), so the bits are the same.
const MAX_BWD_TILED: i32 = 4, AVG_BWD_TILED: i32 = 5;

// Running maximum of one vector: pmax (one instruction: acc < v ? v : acc, so of equal values such as −0 and +0 the
// first one stays) with NaN lanes remembered apart in nan (all ones once a NaN was seen).
// @ts-ignore: decorator
@inline function maxStep(acc: v128, v: v128): v128 { return f32x4.pmax(acc, v); }
// @ts-ignore: decorator
@inline function nanStep(nan: v128, v: v128): v128 { return v128.or(nan, f32x4.ne(v, v)); }

// y[0..C) = max over the rows×cols cells at src (cell stride cs, row stride rs, in bytes); NaN if any cell is NaN.
function maxWindow(src: usize, y: usize, C: i32, rows: i32, cols: i32, rs: usize, cs: usize): void {
  const vninf = f32x4.splat(-Infinity), vzero = i32x4.splat(0);
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    let vmax0123 = vninf, vmax4567 = vninf, vmax89AB = vninf, vmaxCDEF = vninf;
    let vnan0123 = vzero, vnan4567 = vzero, vnan89AB = vzero, vnanCDEF = vzero;
    let r = src;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) {
        const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
        vmax0123 = maxStep(vmax0123, v0); vnan0123 = nanStep(vnan0123, v0);
        vmax4567 = maxStep(vmax4567, v1); vnan4567 = nanStep(vnan4567, v1);
        vmax89AB = maxStep(vmax89AB, v2); vnan89AB = nanStep(vnan89AB, v2);
        vmaxCDEF = maxStep(vmaxCDEF, v3); vnanCDEF = nanStep(vnanCDEF, v3);
        p += cs;
      }
      r += rs;
    }
    v128.store(y, v128.or(vmax0123, vnan0123)); v128.store(y, v128.or(vmax4567, vnan4567), 16);
    v128.store(y, v128.or(vmax89AB, vnan89AB), 32); v128.store(y, v128.or(vmaxCDEF, vnanCDEF), 48);
    src += 64; y += 64;
  }
  for (; c + 4 <= C; c += 4) {
    let vmax = vninf, vnan = vzero;
    let r = src;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) { const v = v128.load(p); vmax = maxStep(vmax, v); vnan = nanStep(vnan, v); p += cs; }
      r += rs;
    }
    v128.store(y, v128.or(vmax, vnan));
    src += 16; y += 16;
  }
  for (; c < C; c++) { // the vector formula on one lane, so every channel gets the same bits
    let vmax = vninf, vnan = vzero;
    let r = src;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) { const v = f32x4.splat(load<f32>(p)); vmax = maxStep(vmax, v); vnan = nanStep(vnan, v); p += cs; }
      r += rs;
    }
    store<f32>(y, f32x4.extract_lane(v128.or(vmax, vnan), 0));
    src += 4; y += 4;
  }
}

// y[0..C) = (Σ over the rows×cols cells at src, row-major) / count.
function avgWindow(src: usize, y: usize, C: i32, rows: i32, cols: i32, rs: usize, cs: usize, count: f32): void {
  const vcount = f32x4.splat(count);
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    let vsum0123 = f32x4.splat(0), vsum4567 = f32x4.splat(0), vsum89AB = f32x4.splat(0), vsumCDEF = f32x4.splat(0);
    let r = src;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) {
        vsum0123 = f32x4.add(vsum0123, v128.load(p));
        vsum4567 = f32x4.add(vsum4567, v128.load(p, 16));
        vsum89AB = f32x4.add(vsum89AB, v128.load(p, 32));
        vsumCDEF = f32x4.add(vsumCDEF, v128.load(p, 48));
        p += cs;
      }
      r += rs;
    }
    v128.store(y, f32x4.div(vsum0123, vcount)); v128.store(y, f32x4.div(vsum4567, vcount), 16);
    v128.store(y, f32x4.div(vsum89AB, vcount), 32); v128.store(y, f32x4.div(vsumCDEF, vcount), 48);
    src += 64; y += 64;
  }
  for (; c + 4 <= C; c += 4) {
    let vsum = f32x4.splat(0);
    let r = src;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) { vsum = f32x4.add(vsum, v128.load(p)); p += cs; }
      r += rs;
    }
    v128.store(y, f32x4.div(vsum, vcount));
    src += 16; y += 16;
  }
  for (; c < C; c++) {
    let s: f32 = 0;
    let r = src;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) { s += load<f32>(p); p += cs; }
      r += rs;
    }
    store<f32>(y, s / count);
    src += 4; y += 4;
  }
}

// dx[lane l at byte offset voff[l]] += g[l], for the 4 channels starting at dx.
// @ts-ignore: decorator
@inline function scatter4(dx: usize, voff: v128, g: v128): void {
  let p = dx + <usize>i32x4.extract_lane(voff, 0);
  store<f32>(p, load<f32>(p) + f32x4.extract_lane(g, 0));
  p = dx + <usize>i32x4.extract_lane(voff, 1);
  store<f32>(p, load<f32>(p, 4) + f32x4.extract_lane(g, 1), 4);
  p = dx + <usize>i32x4.extract_lane(voff, 2);
  store<f32>(p, load<f32>(p, 8) + f32x4.extract_lane(g, 2), 8);
  p = dx + <usize>i32x4.extract_lane(voff, 3);
  store<f32>(p, load<f32>(p, 12) + f32x4.extract_lane(g, 3), 12);
}

// Hands the 4 lanes of g to the cells at byte offsets voff (from the window's first cell at dx): += into dx, or with
// direct, every cell of the window written (its share where it is the lane's maximum, else 0).
// @ts-ignore: decorator
@inline function give(direct: bool, dx: usize, voff: v128, g: v128, rows: i32, cols: i32, rs: usize, cs: usize): void {
  if (!direct) { scatter4(dx, voff, g); return; }
  const vzero = f32x4.splat(0);
  let r = dx, roff = 0;
  for (let i = 0; i < rows; i++) {
    let p = r, off = roff;
    for (let j = 0; j < cols; j++) {
      v128.store(p, f32x4.add(vzero, v128.and(g, i32x4.eq(voff, i32x4.splat(off)))));
      p += cs; off += <i32>cs;
    }
    r += rs; roff += <i32>rs;
  }
}

// dx[first argmax of the window, per channel] += dy[0..C). x and dx point at the window's first cell inside x.
// Per lane: the byte offset (from the window's first cell) of the best cell so far; a cell replaces it only when
// strictly greater, so the first maximum in row-major order wins.
// @ts-ignore: decorator
@inline function maxWindowGrad(direct: bool, x: usize, dy: usize, dx: usize, C: i32, rows: i32, cols: i32, rs: usize, cs: usize): void {
  const vninf = f32x4.splat(-Infinity), vzero = i32x4.splat(0);
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    let vbest0123 = vninf, vbest4567 = vninf, vbest89AB = vninf, vbestCDEF = vninf;
    let voff0123 = vzero, voff4567 = vzero, voff89AB = vzero, voffCDEF = vzero;
    let r = x, roff = 0;
    for (let i = 0; i < rows; i++) {
      let p = r, off = roff;
      for (let j = 0; j < cols; j++) {
        const voff = i32x4.splat(off);
        const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
        const m0 = f32x4.gt(v0, vbest0123), m1 = f32x4.gt(v1, vbest4567);
        const m2 = f32x4.gt(v2, vbest89AB), m3 = f32x4.gt(v3, vbestCDEF);
        vbest0123 = f32x4.pmax(vbest0123, v0); voff0123 = v128.bitselect(voff, voff0123, m0); // pmax: v0 where m0
        vbest4567 = f32x4.pmax(vbest4567, v1); voff4567 = v128.bitselect(voff, voff4567, m1);
        vbest89AB = f32x4.pmax(vbest89AB, v2); voff89AB = v128.bitselect(voff, voff89AB, m2);
        vbestCDEF = f32x4.pmax(vbestCDEF, v3); voffCDEF = v128.bitselect(voff, voffCDEF, m3);
        p += cs; off += <i32>cs;
      }
      r += rs; roff += <i32>rs;
    }
    const g0 = v128.load(dy), g1 = v128.load(dy, 16), g2 = v128.load(dy, 32), g3 = v128.load(dy, 48);
    if (direct) { // every cell of the window: its share where it holds the lane's maximum, else 0
      const vz = f32x4.splat(0);
      let r = dx, roff = 0;
      for (let i = 0; i < rows; i++) {
        let p = r, off = roff;
        for (let j = 0; j < cols; j++) {
          const vo = i32x4.splat(off);
          v128.store(p, f32x4.add(vz, v128.and(g0, i32x4.eq(voff0123, vo))));
          v128.store(p, f32x4.add(vz, v128.and(g1, i32x4.eq(voff4567, vo))), 16);
          v128.store(p, f32x4.add(vz, v128.and(g2, i32x4.eq(voff89AB, vo))), 32);
          v128.store(p, f32x4.add(vz, v128.and(g3, i32x4.eq(voffCDEF, vo))), 48);
          p += cs; off += <i32>cs;
        }
        r += rs; roff += <i32>rs;
      }
    } else {
      scatter4(dx, voff0123, g0); scatter4(dx + 16, voff4567, g1); scatter4(dx + 32, voff89AB, g2); scatter4(dx + 48, voffCDEF, g3);
    }
    x += 64; dy += 64; dx += 64;
  }
  for (; c + 4 <= C; c += 4) {
    let vbest = vninf, vbestOff = vzero;
    let r = x, roff = 0;
    for (let i = 0; i < rows; i++) {
      let p = r, off = roff;
      for (let j = 0; j < cols; j++) {
        const v = v128.load(p);
        const m = f32x4.gt(v, vbest);
        vbest = f32x4.pmax(vbest, v); vbestOff = v128.bitselect(i32x4.splat(off), vbestOff, m);
        p += cs; off += <i32>cs;
      }
      r += rs; roff += <i32>rs;
    }
    give(direct, dx, vbestOff, v128.load(dy), rows, cols, rs, cs);
    x += 16; dy += 16; dx += 16;
  }
  for (; c < C; c++) {
    let best: f32 = -Infinity, bestOff = 0;
    let r = x, roff = 0;
    for (let i = 0; i < rows; i++) {
      let p = r, off = roff;
      for (let j = 0; j < cols; j++) {
        const v = load<f32>(p);
        if (v > best) { best = v; bestOff = off; }
        p += cs; off += <i32>cs;
      }
      r += rs; roff += <i32>rs;
    }
    if (direct) {
      const g = load<f32>(dy);
      let r = dx, roff = 0;
      for (let i = 0; i < rows; i++) {
        let p = r, off = roff;
        for (let j = 0; j < cols; j++) { store<f32>(p, off == bestOff ? <f32>0 + g : <f32>0); p += cs; off += <i32>cs; }
        r += rs; roff += <i32>rs;
      }
    } else {
      const q = dx + <usize>bestOff;
      store<f32>(q, load<f32>(q) + load<f32>(dy));
    }
    x += 4; dy += 4; dx += 4;
  }
}

// dx[every window cell inside x] += dy[0..C) / count. dx points at the window's first cell inside x.
// @ts-ignore: decorator
@inline function avgWindowGrad(direct: bool, dy: usize, dx: usize, C: i32, rows: i32, cols: i32, rs: usize, cs: usize,
  count: f32): void {
  const vz = f32x4.splat(0);
  const vcount = f32x4.splat(count);
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    const g0123 = f32x4.div(v128.load(dy), vcount), g4567 = f32x4.div(v128.load(dy, 16), vcount);
    const g89AB = f32x4.div(v128.load(dy, 32), vcount), gCDEF = f32x4.div(v128.load(dy, 48), vcount);
    let r = dx;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) {
        v128.store(p, f32x4.add(direct ? vz : v128.load(p), g0123));
        v128.store(p, f32x4.add(direct ? vz : v128.load(p, 16), g4567), 16);
        v128.store(p, f32x4.add(direct ? vz : v128.load(p, 32), g89AB), 32);
        v128.store(p, f32x4.add(direct ? vz : v128.load(p, 48), gCDEF), 48);
        p += cs;
      }
      r += rs;
    }
    dy += 64; dx += 64;
  }
  for (; c + 4 <= C; c += 4) {
    const g = f32x4.div(v128.load(dy), vcount);
    let r = dx;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) { v128.store(p, f32x4.add(direct ? vz : v128.load(p), g)); p += cs; }
      r += rs;
    }
    dy += 16; dx += 16;
  }
  for (; c < C; c++) {
    const g = load<f32>(dy) / count;
    let r = dx;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) { store<f32>(p, (direct ? <f32>0 : load<f32>(p)) + g); p += cs; }
      r += rs;
    }
    dy += 4; dx += 4;
  }
}

// Walks the output pixels in order; for each, clips the window to x and runs the per-window kernel `mode`.
// a: x (forward, MAX_BWD) or unused; out: y (forward) or dx (backward); dy: the output gradient (backward).
// @ts-ignore: decorator
@inline function poolLoop(mode: i32, a: usize, dy: usize, out: usize, N: i32, H: i32, W: i32, C: i32,
  ph: i32, pw: i32, strH: i32, strW: i32, padT: i32, padB: i32, padL: i32, padR: i32, countPad: i32): void {
  const OH = convOutDim(H, ph, strH, 1, padT, padB), OW = convOutDim(W, pw, strW, 1, padL, padR);
  assert(OH > 0 && OW > 0, 'pool: empty output');
  const cs = <usize>C * 4, rs = <usize>W * cs;
  let yp = mode == MAX_FWD || mode == AVG_FWD ? out : dy;   // walks y or dy, one pixel at a time
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * strH - padT;
      const ilo = max(0, -ih0), ihi = min(ph, H - ih0);
      const rowOff = (<usize>(n * H + ih0 + ilo)) * rs;     // byte offset of the window's first row inside x
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * strW - padL;
        const jlo = max(0, -iw0), jhi = min(pw, W - iw0);
        const rows = ihi - ilo, cols = jhi - jlo;
        const cell = rowOff + <usize>(iw0 + jlo) * cs;      // byte offset of the window's first cell inside x
        const count: f32 = countPad ? <f32>(ph * pw) : <f32>(rows * cols);
        if (mode == MAX_FWD) maxWindow(a + cell, yp, C, rows, cols, rs, cs);
        else if (mode == AVG_FWD) avgWindow(a + cell, yp, C, rows, cols, rs, cs, count);
        else if (mode == MAX_BWD) maxWindowGrad(false, a + cell, yp, out + cell, C, rows, cols, rs, cs);
        else if (mode == MAX_BWD_TILED) maxWindowGrad(true, a + cell, yp, out + cell, C, rows, cols, rs, cs);
        else if (mode == AVG_BWD) avgWindowGrad(false, yp, out + cell, C, rows, cols, rs, cs, count);
        else avgWindowGrad(true, yp, out + cell, C, rows, cols, rs, cs, count);
        yp += cs;
      }
    }
  }
}

/** y = maxPool2d(x): y overwritten. */
export function maxPool2d(x: usize, y: usize, N: i32, H: i32, W: i32, C: i32, ph: i32, pw: i32,
  strH: i32, strW: i32, padT: i32, padB: i32, padL: i32, padR: i32): void {
  poolLoop(MAX_FWD, x, 0, y, N, H, W, C, ph, pw, strH, strW, padT, padB, padL, padR, 0);
}

/** y = avgPool2d(x): y overwritten; countPad 1: divide by ph·pw, 0: by the cells inside x. */
export function avgPool2d(x: usize, y: usize, N: i32, H: i32, W: i32, C: i32, ph: i32, pw: i32,
  strH: i32, strW: i32, padT: i32, padB: i32, padL: i32, padR: i32, countPad: i32): void {
  poolLoop(AVG_FWD, x, 0, y, N, H, W, C, ph, pw, strH, strW, padT, padB, padL, padR, countPad);
}

/** dx from x and dy for maxPool2d: dx overwritten; each dy goes to its window's first maximum. */
export function maxPool2dGrad(x: usize, dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, ph: i32, pw: i32,
  strH: i32, strW: i32, padT: i32, padB: i32, padL: i32, padR: i32): void {
  if (tiles(H, W, ph, pw, strH, strW, padT, padB, padL, padR)) {
    poolLoop(MAX_BWD_TILED, x, dy, dx, N, H, W, C, ph, pw, strH, strW, padT, padB, padL, padR, 0);
    return;
  }
  fill(dx, 0, N * H * W * C);
  poolLoop(MAX_BWD, x, dy, dx, N, H, W, C, ph, pw, strH, strW, padT, padB, padL, padR, 0);
}

/** dx from dy for avgPool2d: dx overwritten; each dy is spread as dy / count over its window's cells inside x. */
export function avgPool2dGrad(dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, ph: i32, pw: i32,
  strH: i32, strW: i32, padT: i32, padB: i32, padL: i32, padR: i32, countPad: i32): void {
  if (tiles(H, W, ph, pw, strH, strW, padT, padB, padL, padR)) {
    poolLoop(AVG_BWD_TILED, 0, dy, dx, N, H, W, C, ph, pw, strH, strW, padT, padB, padL, padR, countPad);
    return;
  }
  fill(dx, 0, N * H * W * C);
  poolLoop(AVG_BWD, 0, dy, dx, N, H, W, C, ph, pw, strH, strW, padT, padB, padL, padR, countPad);
}

// True when the windows tile x exactly: each x cell in exactly one window.
// @ts-ignore: decorator
@inline function tiles(H: i32, W: i32, ph: i32, pw: i32, strH: i32, strW: i32, padT: i32, padB: i32, padL: i32,
  padR: i32): bool {
  return strH == ph && strW == pw && (padT | padB | padL | padR) == 0 && H % ph == 0 && W % pw == 0;
}
