// im2col, the lowering of a 2-D convolution to a GEMM: A[q, k] = x[n, oh·strH − padT + i·dilH, ow·strW − padL + j·dilW, ci]
// (0 outside x) for output pixel q = (n·OH + oh)·OW + ow and kernel entry k = (i·kw + j)·Cin + ci; x: [N, H, W, Cin].
// Explicit (im2col into col: [P, K], col2im adding back) for the backward passes, implicit (packAConv, packing the
// GEMM's A panels straight from x) for the forward. conv2d.ts drives both; nothing here multiplies.
import { GEMM_MR, transpose4x4 } from './gemm';
import { add } from './elementwise';

// ---- explicit im2col and col2im, in chunks of output pixels [q0, q0 + P) ----

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

/** col[0..P) = rows q0 … q0 + P − 1 of im2col(x), every element written. col: [P, K], K = kh·kw·Cin. */
export function im2col(x: usize, col: usize, q0: i32, P: i32, H: i32, W: i32, Cin: i32, OH: i32, OW: i32,
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
      if (<u32>(rowLen - 4) <= 4) { // rows of 4 to 8 floats (5×5 of one channel): two vectors, overlapping when < 8
        const t = <usize>(rowLen - 4) * 4;
        for (let i = 0; i < kh; i++) {
          const a = v128.load(src), b = v128.load(src + t);
          v128.store(dst, a); v128.store(dst + t, b);
          src += rowStep; dst += <usize>rowLen * 4;
        }
      } else for (let i = 0; i < kh; i++) { copyRow(src, dst, rowLen); src += rowStep; dst += <usize>rowLen * 4; }
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

// col[0..P) = columns k0 … k1 − 1 of rows q0 … q0 + P − 1 of im2col(x) (col: [P, k1 − k0], every element written): a
// band of filter rows, for one thread's share of conv2dBackpropFilter (conv2d.ts). Kernel row by kernel row, the
// part of it inside the band: zeros outside x, a copy inside.
export function im2colBand(x: usize, col: usize, q0: i32, P: i32, k0: i32, k1: i32, H: i32, W: i32, Cin: i32, OH: i32,
  OW: i32, kh: i32, kw: i32, strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padL: i32): void {
  const rowLen = kw * Cin, i0 = k0 / rowLen, i1 = (k1 - 1) / rowLen;
  const cin4 = <usize>Cin * 4;
  let ow = q0 % OW, oh = (q0 / OW) % OH, n = q0 / (OW * OH);
  let dst = col;
  for (let p = 0; p < P; p++) {
    const ih0 = oh * strH - padT, iw0 = ow * strW - padL;
    const xn = x + <usize>n * H * W * cin4;
    const jr = validRange(iw0, kw, dilW, W);
    const jlo = jr & 0xffff, jhi = jr >>> 16;
    const ir = validRange(ih0, kh, dilH, H);
    const ilo = ir & 0xffff, ihi = ir >>> 16;
    for (let i = i0; i <= i1; i++) {
      const a = max(k0 - i * rowLen, 0), b = min(k1 - i * rowLen, rowLen); // the band's part of kernel row i
      if (i < ilo || i >= ihi || jlo == jhi) { zeroRow(dst, b - a); dst += <usize>(b - a) * 4; continue; }
      const ih = ih0 + i * dilH;
      if (dilW == 1) {
        const lo = min(max(jlo * Cin, a), b), hi = max(min(jhi * Cin, b), lo);
        zeroRow(dst, lo - a);
        copyRow(xn + <usize>((ih * W + iw0) * Cin + lo) * 4, dst + <usize>(lo - a) * 4, hi - lo);
        zeroRow(dst + <usize>(hi - a) * 4, b - hi);
      } else {
        for (let j = a / Cin; j * Cin < b; j++) {
          const lo = max(a, j * Cin), hi = min(b, j * Cin + Cin), seg = dst + <usize>(lo - a) * 4;
          if (j >= jlo && j < jhi) copyRow(xn + <usize>((ih * W + iw0 + j * dilW) * Cin + lo - j * Cin) * 4, seg, hi - lo);
          else zeroRow(seg, hi - lo);
        }
      }
      dst += <usize>(b - a) * 4;
    }
    if (++ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
  }
}

// dx += col2im(col) for rows q0 … q0 + P − 1: every in-image entry of col is added to the x cell it came from,
// pixel by pixel, kernel row by kernel row (a fixed order). col: [P, K].
export function col2imAdd(col: usize, dx: usize, q0: i32, P: i32, H: i32, W: i32, Cin: i32, OH: i32, OW: i32,
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

// col2imAdd for Cin = 1 and unit steps along rows, from dcolᵀ: [K, P] (one row per kernel offset (i, j)): each run of
// output pixels on one output row adds, as one vector loop, into a run of dx on one input row. Kernel offset by kernel
// offset (a fixed order; not the order of col2imAdd, so the bits differ from the general path).
export function col2imRowsAdd(colT: usize, dx: usize, q0: i32, P: i32, H: i32, W: i32, OH: i32, OW: i32,
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

// ---- implicit im2col: the GEMM's A packed straight from x, for conv2d's forward (no col buffer) ----

// The geometry setConvGeometry stores in the GEMM workspace's packer context for packAConv (i32 slots).
const G_H = 0, G_W = 4, G_CIN = 8, G_OH = 12, G_OW = 16, G_KH = 20, G_KW = 24, G_STRH = 28, G_STRW = 32, G_DILH = 36,
  G_DILW = 40, G_PADT = 44, G_PADL = 48;

// Source of A[q, k] for one pixel at kernel offset (i, j) and channel ci, or 0 outside the image. base: x at the
// pixel's image; ih0, iw0: its window's top-left corner.
// @ts-ignore: decorator
@inline function convSrc(ok: bool, base: usize, ih0: i32, iw0: i32, i: i32, j: i32, ci: i32,
                         H: i32, W: i32, Cin: i32, dilH: i32, dilW: i32): usize {
  const ih = ih0 + i * dilH, iw = iw0 + j * dilW;
  if (!ok || <u32>ih >= <u32>H || <u32>iw >= <u32>W) return 0;
  return base + ((<usize>ih * W + iw) * Cin + ci) * 4;
}

// Pack A[ic:ic+mc, pc:pc+kc] of the implicit im2col into MR-tall micro-panels, as packA does for a stored matrix.
// The k range is walked in runs of one kernel offset (i, j) over channels. Interior groups (4 pixels of one output
// row whose windows lie inside the image) read at fixed offsets from one corner: a vector copy per k when the 4
// sources are consecutive floats (Cin = 1, stride 1), else 4×4 transposes. Border groups of one row check the row
// once and the 4 columns per run; a group spanning two rows checks every source.
// A PackA: x is the image, geo the geometry setConvGeometry stored (lda and transA unused).
export function packAConv(x: usize, lda: i32, transA: i32, geo: usize, ic: i32, pc: i32, mc: i32, kc: i32, ap: usize): void {
  const Cin = load<i32>(geo, G_CIN), OH = load<i32>(geo, G_OH), OW = load<i32>(geo, G_OW);
  const kh = load<i32>(geo, G_KH), kw = load<i32>(geo, G_KW), H = load<i32>(geo, G_H), W = load<i32>(geo, G_W);
  const strH = load<i32>(geo, G_STRH), strW = load<i32>(geo, G_STRW), padT = load<i32>(geo, G_PADT), padL = load<i32>(geo, G_PADL);
  const dilH = load<i32>(geo, G_DILH), dilW = load<i32>(geo, G_DILW);
  const img = <usize>H * W * Cin * 4, cin4 = <usize>Cin * 4, kwc = kw * Cin;
  const rowStep = <usize>dilH * W * cin4, colStep = <usize>dilW * cin4; // source steps for i and j
  const pstep = <usize>strW * cin4;                                      // between neighbouring pixels of a row
  // (n, oh, ow) of pixel ic, then advanced pixel by pixel (no divisions per group).
  let ow = ic % OW, oh = (ic / OW) % OH, n = ic / (OW * OH);
  for (let ir = 0; ir < mc; ir += GEMM_MR) {
    const mr = min(GEMM_MR, mc - ir);
    // The 4 pixels of the group (rows past mr read as 0).
    const oneRow = mr == GEMM_MR && ow + 3 < OW;
    const b0 = x + <usize>n * img, h0 = oh * strH - padT, w0 = ow * strW - padL;
    if (++ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
    const b1 = x + <usize>n * img, h1 = oh * strH - padT, w1 = ow * strW - padL;
    if (++ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
    const b2 = x + <usize>n * img, h2 = oh * strH - padT, w2 = ow * strW - padL;
    if (++ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
    const b3 = x + <usize>n * img, h3 = oh * strH - padT, w3 = ow * strW - padL;
    if (++ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
    let dst = ap + <usize>(ir * kc) * 4;
    let i = pc / kwc, j = (pc % kwc) / Cin, ci = pc % Cin;
    const interior = oneRow && h0 >= 0 && h0 + (kh - 1) * dilH < H && w0 >= 0 && w3 + (kw - 1) * dilW < W;
    if (interior) {
      const corner = b0 + (<usize>h0 * W + w0) * cin4;
      if (pstep == 4) { // Cin = 1, stride 1: A[q..q+3, k] are 4 consecutive floats
        let row = corner + <usize>i * rowStep, src = row + <usize>j * colStep;
        for (let t = 0; t < kc; t++) {
          v128.store(dst, v128.load(src)); dst += 16;
          src += colStep;
          if (++j == kw) { j = 0; row += rowStep; src = row; }
        }
        continue;
      }
      let left = kc;
      while (left > 0) {
        const seg = min(Cin - ci, left);
        const p0 = corner + <usize>i * rowStep + <usize>j * colStep + <usize>ci * 4;
        let t = 0;
        for (; t + 4 <= seg; t += 4) {
          const o = p0 + <usize>t * 4;
          transpose4x4(o, o + pstep, o + pstep * 2, o + pstep * 3, dst, 16);
          dst += 64;
        }
        for (; t < seg; t++) {
          const o = p0 + <usize>t * 4;
          store<f32>(dst, load<f32>(o)); store<f32>(dst, load<f32>(o + pstep), 4);
          store<f32>(dst, load<f32>(o + pstep * 2), 8); store<f32>(dst, load<f32>(o + pstep * 3), 12);
          dst += 16;
        }
        left -= seg; ci = 0;
        if (++j == kw) { j = 0; i++; }
      }
      continue;
    }
    let left = kc;
    if (oneRow) { // border group of one output row: one row check per run, 4 column checks
      while (left > 0) {
        const seg = min(Cin - ci, left);
        const ih = h0 + i * dilH, iw = w0 + j * dilW;
        const rowOk = <u32>ih < <u32>H;
        const p0 = b0 + ((<usize>ih * W + iw) * Cin + ci) * 4;
        let t = 0;
        if (rowOk && iw >= 0 && iw + 3 * strW < W) {
          if (pstep == 4 && seg == 1) { v128.store(dst, v128.load(p0)); dst += 16; t = 1; }
          for (; t + 4 <= seg; t += 4) {
            const o = p0 + <usize>t * 4;
            transpose4x4(o, o + pstep, o + pstep * 2, o + pstep * 3, dst, 16);
            dst += 64;
          }
        }
        const ok0 = rowOk && <u32>iw < <u32>W, ok1 = rowOk && <u32>(iw + strW) < <u32>W;
        const ok2 = rowOk && <u32>(iw + 2 * strW) < <u32>W, ok3 = rowOk && <u32>(iw + 3 * strW) < <u32>W;
        for (; t < seg; t++) {
          const o = p0 + <usize>t * 4;
          store<f32>(dst, ok0 ? load<f32>(o) : 0); store<f32>(dst, ok1 ? load<f32>(o + pstep) : 0, 4);
          store<f32>(dst, ok2 ? load<f32>(o + pstep * 2) : 0, 8); store<f32>(dst, ok3 ? load<f32>(o + pstep * 3) : 0, 12);
          dst += 16;
        }
        left -= seg; ci = 0;
        if (++j == kw) { j = 0; i++; }
      }
      continue;
    }
    while (left > 0) { // the group spans two rows or ends the matrix: every source checked
      const seg = min(Cin - ci, left);
      const p0 = convSrc(true, b0, h0, w0, i, j, ci, H, W, Cin, dilH, dilW);
      const p1 = convSrc(mr > 1, b1, h1, w1, i, j, ci, H, W, Cin, dilH, dilW);
      const p2 = convSrc(mr > 2, b2, h2, w2, i, j, ci, H, W, Cin, dilH, dilW);
      const p3 = convSrc(mr > 3, b3, h3, w3, i, j, ci, H, W, Cin, dilH, dilW);
      for (let t = 0; t < seg; t++) {
        const o = <usize>t * 4;
        store<f32>(dst, p0 ? load<f32>(p0 + o) : 0);
        store<f32>(dst, p1 ? load<f32>(p1 + o) : 0, 4);
        store<f32>(dst, p2 ? load<f32>(p2 + o) : 0, 8);
        store<f32>(dst, p3 ? load<f32>(p3 + o) : 0, 12);
        dst += 16;
      }
      left -= seg; ci = 0;
      if (++j == kw) { j = 0; i++; }
    }
  }
}

/** Stores the geometry packAConv reads at geo (the GEMM workspace's packer context). */
export function setConvGeometry(geo: usize, H: i32, W: i32, Cin: i32, OH: i32, OW: i32, kh: i32, kw: i32,
  strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padL: i32): void {
  store<i32>(geo, H, G_H); store<i32>(geo, W, G_W); store<i32>(geo, Cin, G_CIN); store<i32>(geo, OH, G_OH);
  store<i32>(geo, OW, G_OW); store<i32>(geo, kh, G_KH); store<i32>(geo, kw, G_KW); store<i32>(geo, strH, G_STRH);
  store<i32>(geo, strW, G_STRW); store<i32>(geo, dilH, G_DILH); store<i32>(geo, dilW, G_DILW);
  store<i32>(geo, padT, G_PADT); store<i32>(geo, padL, G_PADL);
}
