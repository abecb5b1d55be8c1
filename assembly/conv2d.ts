// 2-D convolution over NHWC images with HWIO filters: forward, backprop to the input, backprop to the filter.
// Lowered to the packed GEMM: the forward packs A straight from x (implicit im2col); the backward passes go through an
// explicit im2col/col2im in bounded chunks of output pixels. Padding is explicit (TS resolves 'same').
import { gemm, gemmConv, GEMM_MR } from './gemm';
import { add, fill } from './elementwise';
import { reduceSum } from './reduce';

// One geometry for the three kernels:
//   x, dx: [N, H, W, Cin]   w, dw: [kh, kw, Cin, Cout]   bias, db: [Cout]   y, dy: [N, OH, OW, Cout]
//   OH = floor((H + padT + padB − ((kh − 1)·dilH + 1)) / strH) + 1, OW likewise (TS checks OH, OW ≥ 1).
//   col (the workspace): [P, K], K = kh·kw·Cin, one row per output pixel q = (n·OH + oh)·OW + ow of a chunk:
//   col[p, (i·kw + j)·Cin + ci] = x[n, oh·strH − padT + i·dilH, ow·strW − padL + j·dilW, ci], 0 outside x.
// Then y = col·w (+ bias; col never stored, gemm.ts packs it from x), dcol = dy·wᵀ (scattered back by col2im),
// dw += colᵀ·dy. A 1×1, stride-1, unpadded convolution skips im2col: x itself is col. Chunks and GEMM blocks depend
// only on the shapes, so results are the same bits on every host.

export const CONV_COL_BUDGET: i32 = 1 << 18; // floats of col we aim for (1 MiB: stays in L2 between im2col and GEMM)
export const CONV_CHUNK_MIN: i32 = 128;      // output pixels per chunk, at least (repacking w costs 1/P of the GEMM)
export const CONV_CHUNK_MAX: i32 = 2048;     // and at most

/** Output size along one axis: floor((n + padBefore + padAfter − ((k − 1)·dil + 1)) / stride) + 1. */
export function convOutDim(n: i32, k: i32, stride: i32, dil: i32, padBefore: i32, padAfter: i32): i32 {
  return (n + padBefore + padAfter - ((k - 1) * dil + 1)) / stride + 1;
}

// Output pixels per chunk for K = kh·kw·Cin and NPix = N·OH·OW pixels in all: the budget over K, rounded down to
// whole GEMM row tiles, clamped to [CONV_CHUNK_MIN, CONV_CHUNK_MAX], never more than NPix.
function chunkPixels(K: i32, NPix: i32): i32 {
  const p = min(CONV_CHUNK_MAX, max(CONV_CHUNK_MIN, (CONV_COL_BUDGET / K) & ~(GEMM_MR - 1)));
  return min(p, NPix);
}

// @ts-ignore: decorator
@inline function isPointwise(kh: i32, kw: i32, strH: i32, strW: i32, padT: i32, padB: i32, padL: i32, padR: i32): bool {
  return kh == 1 && kw == 1 && strH == 1 && strW == 1 && (padT | padB | padL | padR) == 0;
}

/**
 * Bytes of col workspace the three conv kernels need for this geometry (0 for a 1×1, stride-1, unpadded conv):
 * P·K·4 rounded up to 16, P = min(N·OH·OW, clamp(floor(CONV_COL_BUDGET / K) rounded down to 4, 128, 2048)).
 * It never grows with N·OH·OW beyond CONV_CHUNK_MAX rows. The GEMM's pack workspace is separate.
 */
export function conv2dWorkspaceBytes(N: i32, H: i32, W: i32, Cin: i32, Cout: i32, kh: i32, kw: i32,
  strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padB: i32, padL: i32, padR: i32): i32 {
  if (isPointwise(kh, kw, strH, strW, padT, padB, padL, padR)) return 0;
  const OH = convOutDim(H, kh, strH, dilH, padT, padB), OW = convOutDim(W, kw, strW, dilW, padL, padR);
  const K = kh * kw * Cin;
  return (chunkPixels(K, N * OH * OW) * K * 4 + 15) & ~15;
}

// dst[0..n) = src[0..n): 4 vectors unrolled, one vector, scalar tail. Inlined: im2col calls it per kernel row, and
// its rows are often a few floats (kw·Cin), where a call cost more than the copy.
// @ts-ignore: decorator
@inline function copyRow(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(dst, v128.load(src));
    v128.store(dst, v128.load(src, 16), 16);
    v128.store(dst, v128.load(src, 32), 32);
    v128.store(dst, v128.load(src, 48), 48);
    src += 64; dst += 64;
  }
  for (; i + 4 <= n; i += 4) { v128.store(dst, v128.load(src)); src += 16; dst += 16; }
  for (; i < n; i++) { store<f32>(dst, load<f32>(src)); src += 4; dst += 4; }
}

// dst[0..n) = 0, inlined for the same reason.
// @ts-ignore: decorator
@inline function zeroRow(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) { v128.store(dst, i32x4.splat(0)); dst += 16; }
  for (; i < n; i++) { store<f32>(dst, 0); dst += 4; }
}

// Window columns of one output pixel that fall inside the image: j in [jlo, jhi), given iw0 = ow·strW − padL.
// Packed as jlo | jhi << 16 (kw < 65536). Rows use the same function with (ih0, kh, dilH, H).
// @ts-ignore: decorator
@inline function validRange(i0: i32, k: i32, dil: i32, n: i32): i32 {
  if (dil == 1) {                                          // the common case, without divisions
    const lo1 = min(k, max(0, -i0));
    return lo1 | (max(lo1, min(k, n - i0)) << 16);
  }
  const lo = i0 >= 0 ? 0 : min(k, (dil - 1 - i0) / dil);   // first j with i0 + j·dil ≥ 0 (k if none)
  const hi = i0 < n ? min(k, (n - 1 - i0) / dil + 1) : 0;  // one past the last j with i0 + j·dil ≤ n − 1
  return lo | (max(lo, hi) << 16);
}

// col[0..P) = rows q0 … q0 + P − 1 of im2col(x). col: [P, K].
function im2col(x: usize, col: usize, q0: i32, P: i32, H: i32, W: i32, Cin: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padL: i32): void {
  const rowLen = kw * Cin;                 // floats of one kernel row in col
  const cin4 = <usize>Cin * 4;
  let ow = q0 % OW, oh = (q0 / OW) % OH, n = q0 / (OW * OH);
  let dst = col;
  const rowStep = <usize>dilH * W * cin4, spanH = (kh - 1) * dilH, spanW = (kw - 1) * dilW;
  for (let p = 0; p < P; p++) {
    const ih0 = oh * strH - padT, iw0 = ow * strW - padL;
    const xn = x + <usize>n * H * W * cin4;
    if (dilW == 1 && ih0 >= 0 && ih0 + spanH < H && iw0 >= 0 && iw0 + spanW < W) { // the window lies inside x
      let src = xn + (<usize>ih0 * W + iw0) * cin4;
      for (let i = 0; i < kh; i++) { copyRow(src, dst, rowLen); src += rowStep; dst += <usize>rowLen * 4; }
      if (++ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
      continue;
    }
    const jr = validRange(iw0, kw, dilW, W);
    const jlo = jr & 0xffff, jhi = jr >>> 16;
    const ir = validRange(ih0, kh, dilH, H);
    const ilo = ir & 0xffff, ihi = ir >>> 16;
    let seg = dst;
    for (let i = 0; i < kh; i++) {
      if (i < ilo || i >= ihi || jlo == jhi) { zeroRow(seg, rowLen); seg += <usize>rowLen * 4; continue; }
      if (jlo > 0) zeroRow(seg, jlo * Cin);
      const src = xn + (<usize>(ih0 + i * dilH) * W + <usize>(iw0 + jlo * dilW)) * cin4;
      if (dilW == 1) copyRow(src, seg + <usize>jlo * cin4, (jhi - jlo) * Cin);
      else for (let j = jlo; j < jhi; j++) copyRow(src + <usize>((j - jlo) * dilW) * cin4, seg + <usize>j * cin4, Cin);
      if (jhi < kw) zeroRow(seg + <usize>jhi * cin4, (kw - jhi) * Cin);
      seg += <usize>rowLen * 4;
    }
    dst = seg;
    if (++ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
  }
}

// dx += col2im(col) for rows q0 … q0 + P − 1: every in-image entry of col is added to the x cell it came from,
// pixel by pixel, kernel row by kernel row (a fixed order). col: [P, K].
function col2imAdd(col: usize, dx: usize, q0: i32, P: i32, H: i32, W: i32, Cin: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padL: i32): void {
  const rowBytes = <usize>(kw * Cin) * 4;
  const cin4 = <usize>Cin * 4;
  let ow = q0 % OW, oh = (q0 / OW) % OH, n = q0 / (OW * OH);
  let src = col;
  for (let p = 0; p < P; p++) {
    const ih0 = oh * strH - padT, iw0 = ow * strW - padL;
    const jr = validRange(iw0, kw, dilW, W);
    const jlo = jr & 0xffff, jhi = jr >>> 16;
    const ir = validRange(ih0, kh, dilH, H);
    const ilo = ir & 0xffff, ihi = ir >>> 16;
    const dxn = dx + <usize>n * H * W * cin4;
    for (let i = ilo; i < ihi; i++) {
      const seg = src + <usize>i * rowBytes + <usize>jlo * cin4;
      const d = dxn + (<usize>(ih0 + i * dilH) * W + <usize>(iw0 + jlo * dilW)) * cin4;
      if (dilW == 1) {
        const len = (jhi - jlo) * Cin;
        if (len >= 8) add(d, seg, d, len);
        else for (let t: usize = 0; t < <usize>len * 4; t += 4) store<f32>(d + t, load<f32>(d + t) + load<f32>(seg + t)); // short rows (Cin = 1): no call
      } else for (let j = 0; j < jhi - jlo; j++) {
        const dj = d + <usize>(j * dilW) * cin4;
        add(dj, seg + <usize>j * cin4, dj, Cin);
      }
    }
    src += <usize>kh * rowBytes;
    if (++ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
  }
}

/**
 * y = conv2d(x, w) (+ bias): y is overwritten. bias = 0 for none. One GEMM whose A is packed straight from x (implicit
 * im2col, gemm.ts), the bias added in its epilogue: no col buffer, so work is unused here (the backward kernels use
 * it). gemmWork: gemmWorkspaceBytes(). y must not overlap x, w or the workspaces.
 */
export function conv2d(x: usize, w: usize, bias: usize, y: usize, work: usize, gemmWork: usize,
  N: i32, H: i32, W: i32, Cin: i32, Cout: i32, kh: i32, kw: i32,
  strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padB: i32, padL: i32, padR: i32): void {
  const OH = convOutDim(H, kh, strH, dilH, padT, padB), OW = convOutDim(W, kw, strW, dilW, padL, padR);
  assert(OH > 0 && OW > 0, 'conv2d: empty output');
  if (isPointwise(kh, kw, strH, strW, padT, padB, padL, padR)) {
    gemm(0, 0, N * OH * OW, Cout, Cin, 1, x, Cin, w, Cout, 0, y, Cout, gemmWork, bias);
    return;
  }
  gemmConv(x, w, bias, y, gemmWork, N, H, W, Cin, Cout, kh, kw, OH, OW, strH, strW, dilH, dilW, padT, padL);
}

/**
 * dx = ∂L/∂x from dy = ∂L/∂y and w: dx is overwritten, every element (cells no window reads get 0).
 * Per chunk: dcol = dy·wᵀ (GEMM, transB), then col2im adds dcol into dx. Workspaces as for conv2d.
 */
export function conv2dBackpropInput(dy: usize, w: usize, dx: usize, work: usize, gemmWork: usize,
  N: i32, H: i32, W: i32, Cin: i32, Cout: i32, kh: i32, kw: i32,
  strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padB: i32, padL: i32, padR: i32): void {
  const OH = convOutDim(H, kh, strH, dilH, padT, padB), OW = convOutDim(W, kw, strW, dilW, padL, padR);
  assert(OH > 0 && OW > 0, 'conv2dBackpropInput: empty output');
  const NPix = N * OH * OW, K = kh * kw * Cin;
  if (isPointwise(kh, kw, strH, strW, padT, padB, padL, padR)) {
    gemm(0, 1, NPix, Cin, Cout, 1, dy, Cout, w, Cout, 0, dx, Cin, gemmWork, 0);
    return;
  }
  assert((work & 15) == 0, 'conv2dBackpropInput: work must be 16-byte aligned');
  fill(dx, 0, N * H * W * Cin);
  const P = chunkPixels(K, NPix);
  const rowsOfPixels = Cin == 1 && strW == 1 && dilW == 1; // one channel, unit steps along a row: see col2imRowsAdd
  for (let q0 = 0; q0 < NPix; q0 += P) {
    const m = min(P, NPix - q0);
    if (rowsOfPixels) {
      gemm(0, 1, K, m, Cout, 1, w, Cout, dy + <usize>q0 * Cout * 4, Cout, 0, work, m, gemmWork, 0); // dcolᵀ: [K, m]
      col2imRowsAdd(work, dx, q0, m, H, W, OH, OW, kh, kw, strH, dilH, padT, padL);
    } else {
      gemm(0, 1, m, K, Cout, 1, dy + <usize>q0 * Cout * 4, Cout, w, Cout, 0, work, K, gemmWork, 0);
      col2imAdd(work, dx, q0, m, H, W, Cin, OH, OW, kh, kw, strH, strW, dilH, dilW, padT, padL);
    }
  }
}

// col2imAdd for Cin = 1 and unit steps along rows, from dcolᵀ: [K, P] (one row per kernel offset (i, j)): each run of
// output pixels on one output row adds, as one vector loop, into a run of dx on one input row. Kernel offset by kernel
// offset (a fixed order; not the order of col2imAdd, so the bits differ from the general path).
function col2imRowsAdd(colT: usize, dx: usize, q0: i32, P: i32, H: i32, W: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, strH: i32, dilH: i32, padT: i32, padL: i32): void {
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = colT + <usize>((i * kw + j) * P) * 4;
      let ow = q0 % OW, oh = (q0 / OW) % OH, n = q0 / (OW * OH);
      for (let p = 0; p < P;) {
        const run = min(OW - ow, P - p);                      // pixels p … p + run − 1 share (n, oh)
        const ih = oh * strH - padT + i * dilH;
        if (<u32>ih < <u32>H) {
          // input column of pixel ow is ow − padL + j: keep those inside [0, W)
          const lo = max(ow, padL - j), hi = min(ow + run, W + padL - j);
          if (lo < hi) {
            const d = dx + (<usize>(n * H + ih) * W + (lo - padL + j)) * 4;
            add(d, src + <usize>(p + lo - ow) * 4, d, hi - lo);
          }
        }
        p += run; ow += run;
        if (ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
      }
    }
  }
}

/**
 * dw += ∂L/∂w = Σ over chunks of im2col(x)ᵀ·dy (GEMM, transA, beta = 1), and db += Σ_pixels dy when db ≠ 0
 * (column sums in reduceSum's fixed order). Both ACCUMULATE: the caller clears them once per step.
 * Workspaces as for conv2d.
 */
export function conv2dBackpropFilter(x: usize, dy: usize, dw: usize, db: usize, work: usize, gemmWork: usize,
  N: i32, H: i32, W: i32, Cin: i32, Cout: i32, kh: i32, kw: i32,
  strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padB: i32, padL: i32, padR: i32): void {
  const OH = convOutDim(H, kh, strH, dilH, padT, padB), OW = convOutDim(W, kw, strW, dilW, padL, padR);
  assert(OH > 0 && OW > 0, 'conv2dBackpropFilter: empty output');
  const NPix = N * OH * OW, K = kh * kw * Cin;
  if (isPointwise(kh, kw, strH, strW, padT, padB, padL, padR)) {
    gemm(1, 0, Cin, Cout, NPix, 1, x, Cin, dy, Cout, 1, dw, Cout, gemmWork, 0);
  } else {
    assert((work & 15) == 0, 'conv2dBackpropFilter: work must be 16-byte aligned');
    const P = chunkPixels(K, NPix);
    for (let q0 = 0; q0 < NPix; q0 += P) {
      const m = min(P, NPix - q0);
      im2col(x, work, q0, m, H, W, Cin, OH, OW, kh, kw, strH, strW, dilH, dilW, padT, padL);
      gemm(1, 0, K, Cout, m, 1, work, K, dy + <usize>q0 * Cout * 4, Cout, 1, dw, Cout, gemmWork, 0);
    }
  }
  if (db) reduceSum(dy, db, 1, NPix, Cout, 1);
}
