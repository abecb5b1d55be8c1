// Max and average pooling over NHWC images, forward and backward, vectorised over channels (C is innermost).
// Windows ph×pw with strides and explicit padding; padded cells never win a max and add nothing to a sum.
import { convOutDim } from './conv2d';
import { fill } from './elementwise';

// x, dx: [N, H, W, C]   y, dy: [N, OH, OW, C]   OH = floor((H + padT + padB − ph) / strH) + 1, OW likewise.
// Every window must hold at least one cell of x: TS checks padT, padB < ph and padL, padR < pw.
// Max: y is the largest cell of the window; its gradient goes to the FIRST maximum, scanning the window row-major
//   (kernel row i, then column j): a later cell equal to the maximum gets nothing.
// Average: countPad = 1 divides the sum by ph·pw (padded cells count as zeros); countPad = 0 by the number of
//   window cells inside x. The backward spreads dy / that count over the cells inside x.
// NaN: a NaN in a window makes its max NaN (like reduceMax); the max gradient then goes to the first maximum of
//   the other cells (a NaN cell never wins the comparison).
// Backward kernels overwrite dx (zero, then add each window's share in output order: a fixed order).
// Channel loops have three phases: 4 vectors (16 channels), one vector, scalar tail.

const MAX_FWD: i32 = 0, AVG_FWD: i32 = 1, MAX_BWD: i32 = 2, AVG_BWD: i32 = 3;

// y[0..C) = max over the rows×cols cells at src (cell stride cs, row stride rs, in bytes).
function maxWindow(src: usize, y: usize, C: i32, rows: i32, cols: i32, rs: usize, cs: usize): void {
  const vninf = f32x4.splat(-Infinity);
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    let vmax0123 = vninf, vmax4567 = vninf, vmax89AB = vninf, vmaxCDEF = vninf;
    let r = src;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) {
        vmax0123 = f32x4.max(vmax0123, v128.load(p));
        vmax4567 = f32x4.max(vmax4567, v128.load(p, 16));
        vmax89AB = f32x4.max(vmax89AB, v128.load(p, 32));
        vmaxCDEF = f32x4.max(vmaxCDEF, v128.load(p, 48));
        p += cs;
      }
      r += rs;
    }
    v128.store(y, vmax0123); v128.store(y, vmax4567, 16); v128.store(y, vmax89AB, 32); v128.store(y, vmaxCDEF, 48);
    src += 64; y += 64;
  }
  for (; c + 4 <= C; c += 4) {
    let vmax = vninf;
    let r = src;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) { vmax = f32x4.max(vmax, v128.load(p)); p += cs; }
      r += rs;
    }
    v128.store(y, vmax);
    src += 16; y += 16;
  }
  for (; c < C; c++) {
    let m: f32 = -Infinity;
    let r = src;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) { m = max(m, load<f32>(p)); p += cs; }
      r += rs;
    }
    store<f32>(y, m);
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

// dx[first argmax of the window, per channel] += dy[0..C). x and dx point at the window's first cell inside x.
// Per lane: the byte offset (from the window's first cell) of the best cell so far; a cell replaces it only when
// strictly greater, so the first maximum in row-major order wins.
function maxWindowGrad(x: usize, dy: usize, dx: usize, C: i32, rows: i32, cols: i32, rs: usize, cs: usize): void {
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
        vbest0123 = v128.bitselect(v0, vbest0123, m0); voff0123 = v128.bitselect(voff, voff0123, m0);
        vbest4567 = v128.bitselect(v1, vbest4567, m1); voff4567 = v128.bitselect(voff, voff4567, m1);
        vbest89AB = v128.bitselect(v2, vbest89AB, m2); voff89AB = v128.bitselect(voff, voff89AB, m2);
        vbestCDEF = v128.bitselect(v3, vbestCDEF, m3); voffCDEF = v128.bitselect(voff, voffCDEF, m3);
        p += cs; off += <i32>cs;
      }
      r += rs; roff += <i32>rs;
    }
    scatter4(dx, voff0123, v128.load(dy)); scatter4(dx + 16, voff4567, v128.load(dy, 16));
    scatter4(dx + 32, voff89AB, v128.load(dy, 32)); scatter4(dx + 48, voffCDEF, v128.load(dy, 48));
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
        vbest = v128.bitselect(v, vbest, m); vbestOff = v128.bitselect(i32x4.splat(off), vbestOff, m);
        p += cs; off += <i32>cs;
      }
      r += rs; roff += <i32>rs;
    }
    scatter4(dx, vbestOff, v128.load(dy));
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
    const q = dx + <usize>bestOff;
    store<f32>(q, load<f32>(q) + load<f32>(dy));
    x += 4; dy += 4; dx += 4;
  }
}

// dx[every window cell inside x] += dy[0..C) / count. dx points at the window's first cell inside x.
function avgWindowGrad(dy: usize, dx: usize, C: i32, rows: i32, cols: i32, rs: usize, cs: usize, count: f32): void {
  const vcount = f32x4.splat(count);
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    const g0123 = f32x4.div(v128.load(dy), vcount), g4567 = f32x4.div(v128.load(dy, 16), vcount);
    const g89AB = f32x4.div(v128.load(dy, 32), vcount), gCDEF = f32x4.div(v128.load(dy, 48), vcount);
    let r = dx;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) {
        v128.store(p, f32x4.add(v128.load(p), g0123));
        v128.store(p, f32x4.add(v128.load(p, 16), g4567), 16);
        v128.store(p, f32x4.add(v128.load(p, 32), g89AB), 32);
        v128.store(p, f32x4.add(v128.load(p, 48), gCDEF), 48);
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
      for (let j = 0; j < cols; j++) { v128.store(p, f32x4.add(v128.load(p), g)); p += cs; }
      r += rs;
    }
    dy += 16; dx += 16;
  }
  for (; c < C; c++) {
    const g = load<f32>(dy) / count;
    let r = dx;
    for (let i = 0; i < rows; i++) {
      let p = r;
      for (let j = 0; j < cols; j++) { store<f32>(p, load<f32>(p) + g); p += cs; }
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
        else if (mode == MAX_BWD) maxWindowGrad(a + cell, yp, out + cell, C, rows, cols, rs, cs);
        else avgWindowGrad(yp, out + cell, C, rows, cols, rs, cs, count);
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
  fill(dx, 0, N * H * W * C);
  poolLoop(MAX_BWD, x, dy, dx, N, H, W, C, ph, pw, strH, strW, padT, padB, padL, padR, 0);
}

/** dx from dy for avgPool2d: dx overwritten; each dy is spread as dy / count over its window's cells inside x. */
export function avgPool2dGrad(dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, ph: i32, pw: i32,
  strH: i32, strW: i32, padT: i32, padB: i32, padL: i32, padR: i32, countPad: i32): void {
  fill(dx, 0, N * H * W * C);
  poolLoop(AVG_BWD, 0, dy, dx, N, H, W, C, ph, pw, strH, strW, padT, padB, padL, padR, countPad);
}
