// 2-D convolution over NHWC images with HWIO filters: forward, backprop to the input, backprop to the filter.
// Lowered to the packed GEMM (gemm.ts) through im2col (im2col.ts): the forward packs A straight from x (implicit
// im2col); the backward passes go through an explicit im2col/col2im in bounded chunks of output pixels. Padding is
// explicit (TS resolves 'same').
import { gemm, gemmBlocked, gemmWorkspaceBytes, madd, packContext, GEMM_KC, GEMM_MR } from './gemm';
import { col2imAdd, col2imRowsAdd, im2col, im2colBand, packAConv, setConvGeometry } from './im2col';
import { fill } from './elementwise';
import { reduceSum } from './reduce';

// One geometry for the three kernels:
//   x, dx: [N, H, W, Cin]   w, dw: [kh, kw, Cin, Cout]   bias, db: [Cout]   y, dy: [N, OH, OW, Cout]
//   OH = floor((H + padT + padB − ((kh − 1)·dilH + 1)) / strH) + 1, OW likewise (TS checks OH, OW ≥ 1).
//   col (the workspace): [P, K], K = kh·kw·Cin, one row per output pixel q = (n·OH + oh)·OW + ow of a chunk:
//   col[p, (i·kw + j)·Cin + ci] = x[n, oh·strH − padT + i·dilH, ow·strW − padL + j·dilW, ci], 0 outside x.
// Then y = col·w (+ bias; col never stored, im2col.ts packs it from x), dcol = dy·wᵀ (scattered back by col2im),
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
// whole GEMM row tiles, clamped to [CONV_CHUNK_MIN, CONV_CHUNK_MAX], never more than NPix. The filter gradient's bands
// (conv2dBackpropFilterBand) use the same chunks, so each dw element sums its pixels in the one order.
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

/**
 * y = conv2d(x, w) (+ bias) as one GEMM: y[q, co] = Σ_k im2col(x)[q, k]·w[k, co], A packed straight from x (no col
 * buffer). x: [N, H, W, Cin], w: [kh·kw·Cin, Cout], y: [N·OH·OW, Cout] overwritten, bias: [Cout] or 0. The same
 * summation order, hence the same bits, as gemm over an explicit im2col followed by a bias add.
 */
function gemmConv(x: usize, w: usize, bias: usize, y: usize, gemmWork: usize, N: i32, H: i32, W: i32, Cin: i32,
  Cout: i32, kh: i32, kw: i32, OH: i32, OW: i32, strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padL: i32): void {
  assert((gemmWork & 15) == 0, 'conv2d: gemmWork must be 16-byte aligned');
  setConvGeometry(packContext(gemmWork), H, W, Cin, OH, OW, kh, kw, strH, strW, dilH, dilW, padT, padL);
  const K = kh * kw * Cin;
  gemmBlocked(packAConv, 0, 0, N * OH * OW, Cout, K, 1, x, K, w, Cout, 0, y, Cout, bias, gemmWork);
}

// ---- the first layer of an image network (Cin = 1, unit steps along rows): direct, no im2col packing ----
// The GEMM path packs 4 pixels × K of A per tile and computes channels in 8-lane panels (8 lanes for LeNet's 6).
// Here the lanes are pixels: 8 neighbouring output pixels of one output row (two vectors read straight from kh
// zero-padded copies of the input rows, kept in gemmWork) times 4 channels (weights as splats), every output
// element summed over k = i·kw + j in order with gemm.ts's madd from +0, then ·1 and + bias: the operations of the
// GEMM path's single K block (K ≤ GEMM_KC), so the same bits. Channels are written back by 4×4 transposes.

// Floats of one padded input row: the reads of the last 8-pixel group of a row, OW rounded up to 8, plus kw − 1.
// @ts-ignore: decorator
@inline function directRowLen(OW: i32, kw: i32): i32 { return ((OW + 7) & ~7) + kw - 1; }

// Whether conv2d takes the direct path: the shapes alone decide (never the host). Below 16 channels (measured
// interleaved on [64,28,28,1], 3×3 and 5×5: 4 → 1.9×, 6 → 1.7–2.0×, 8 → 1.5×, 12 → 1.3×, 16 → 0.94×, 32 → 0.89×).
// @ts-ignore: decorator
@inline function isDirectCin1(Cin: i32, Cout: i32, kh: i32, kw: i32, OW: i32, strW: i32, dilW: i32): bool {
  return Cin == 1 && Cout < 16 && strW == 1 && dilW == 1 && kh * kw <= GEMM_KC && kh * directRowLen(OW, kw) * 4 <= gemmWorkspaceBytes();
}

// The 4 channels × 4 pixels in a, b, c, d (one vector per channel) as 4 vectors of one pixel's channels, through
// the epilogue (·alpha, + bias), stored at p, p + rs, … for the first `valid` pixels; g < 4 channels lane by lane.
// @ts-ignore: decorator
@inline function storePixels4(a: v128, b: v128, c: v128, d: v128, p: usize, rs: usize, valid: i32, g: i32,
                              bias: usize, vbias: v128): void {
  const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), t1 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(a, b, 2, 6, 3, 7), t3 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  const one = f32x4.splat(1);
  for (let q = 0; q < min(valid, 4); q++) {
    const v = q == 0 ? v128.shuffle<f32>(t0, t1, 0, 1, 4, 5) : q == 1 ? v128.shuffle<f32>(t0, t1, 2, 3, 6, 7)
      : q == 2 ? v128.shuffle<f32>(t2, t3, 0, 1, 4, 5) : v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
    let r = f32x4.mul(v, one);
    if (g == 4) {
      if (bias) r = f32x4.add(r, vbias);
      v128.store(p + <usize>q * rs, r);
      continue;
    }
    const o = p + <usize>q * rs;
    store<f32>(o, bias ? f32x4.extract_lane(r, 0) + load<f32>(bias) : f32x4.extract_lane(r, 0));
    if (g > 1) store<f32>(o, bias ? f32x4.extract_lane(r, 1) + load<f32>(bias, 4) : f32x4.extract_lane(r, 1), 4);
    if (g > 2) store<f32>(o, bias ? f32x4.extract_lane(r, 2) + load<f32>(bias, 8) : f32x4.extract_lane(r, 2), 8);
  }
}

// y (+ bias) for Cin = 1, strW = dilW = 1 (isDirectCin1), output row by output row. rows: gemmWork.
function conv2dDirectCin1(x: usize, w: usize, bias: usize, y: usize, rows: usize, N: i32, H: i32, W: i32, Cout: i32,
  kh: i32, kw: i32, OH: i32, OW: i32, strH: i32, dilH: i32, padT: i32, padL: i32): void {
  const rowLen = directRowLen(OW, kw), rowBytes = <usize>rowLen * 4;
  const rs = <usize>Cout * 4; // between neighbouring output pixels
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      // rows[i][c] = x[n, oh·strH − padT + i·dilH, c − padL], 0 outside x
      for (let i = 0; i < kh; i++) {
        const ih = oh * strH - padT + i * dilH, row = rows + <usize>i * rowBytes;
        const lo = min(rowLen, max(0, padL)), hi = <u32>ih < <u32>H ? max(lo, min(rowLen, padL + W)) : lo;
        for (let c = 0; c < lo; c++) store<f32>(row + <usize>c * 4, 0);
        if (hi > lo) memory.copy(row + <usize>lo * 4, x + (<usize>(n * H + ih) * W + (lo - padL)) * 4, <usize>(hi - lo) * 4);
        for (let c = hi; c < rowLen; c++) store<f32>(row + <usize>c * 4, 0);
      }
      const yrow = y + <usize>(n * OH + oh) * OW * rs;
      for (let ow0 = 0; ow0 < OW; ow0 += 8) {
        const valid = min(8, OW - ow0);
        for (let co0 = 0; co0 < Cout; co0 += 4) {
          const g = min(4, Cout - co0);
          // weights of channels co0 … co0 + 3 at one k; a channel past Cout re-reads the last valid one
          const o1 = <usize>min(1, g - 1) * 4, o2 = <usize>min(2, g - 1) * 4, o3 = <usize>min(3, g - 1) * 4;
          let vacc0x0123 = f32x4.splat(0), vacc0x4567 = f32x4.splat(0), vacc1x0123 = f32x4.splat(0), vacc1x4567 = f32x4.splat(0);
          let vacc2x0123 = f32x4.splat(0), vacc2x4567 = f32x4.splat(0), vacc3x0123 = f32x4.splat(0), vacc3x4567 = f32x4.splat(0);
          let wp = w + <usize>co0 * 4;
          for (let i = 0; i < kh; i++) {
            let xp = rows + <usize>i * rowBytes + <usize>ow0 * 4;
            for (let j = 0; j < kw; j++) {
              const vx0123 = v128.load(xp), vx4567 = v128.load(xp, 16);
              const vw0 = v128.load32_splat(wp);
              vacc0x0123 = madd(vacc0x0123, vx0123, vw0); vacc0x4567 = madd(vacc0x4567, vx4567, vw0);
              const vw1 = v128.load32_splat(wp + o1);
              vacc1x0123 = madd(vacc1x0123, vx0123, vw1); vacc1x4567 = madd(vacc1x4567, vx4567, vw1);
              const vw2 = v128.load32_splat(wp + o2);
              vacc2x0123 = madd(vacc2x0123, vx0123, vw2); vacc2x4567 = madd(vacc2x4567, vx4567, vw2);
              const vw3 = v128.load32_splat(wp + o3);
              vacc3x0123 = madd(vacc3x0123, vx0123, vw3); vacc3x4567 = madd(vacc3x4567, vx4567, vw3);
              xp += 4; wp += rs;
            }
          }
          const b = bias != 0 ? bias + <usize>co0 * 4 : 0;
          const vbias = b != 0 && g == 4 ? v128.load(b) : f32x4.splat(0);
          const p = yrow + (<usize>ow0 * Cout + co0) * 4;
          storePixels4(vacc0x0123, vacc1x0123, vacc2x0123, vacc3x0123, p, rs, valid, g, b, vbias);
          if (valid > 4) storePixels4(vacc0x4567, vacc1x4567, vacc2x4567, vacc3x4567, p + rs * 4, rs, valid - 4, g, b, vbias);
        }
      }
    }
  }
}

/**
 * y = conv2d(x, w) (+ bias): y is overwritten. bias = 0 for none. One GEMM whose A is packed straight from x (implicit
 * im2col), the bias added in its epilogue: no col workspace. gemmWork: gemmWorkspaceBytes(). y must not overlap x, w
 * or gemmWork.
 */
export function conv2d(x: usize, w: usize, bias: usize, y: usize, gemmWork: usize,
  N: i32, H: i32, W: i32, Cin: i32, Cout: i32, kh: i32, kw: i32,
  strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padB: i32, padL: i32, padR: i32): void {
  const OH = convOutDim(H, kh, strH, dilH, padT, padB), OW = convOutDim(W, kw, strW, dilW, padL, padR);
  assert(OH > 0 && OW > 0, 'conv2d: empty output');
  if (isPointwise(kh, kw, strH, strW, padT, padB, padL, padR)) {
    gemm(0, 0, N * OH * OW, Cout, Cin, 1, x, Cin, w, Cout, 0, y, Cout, gemmWork, bias);
    return;
  }
  if (isDirectCin1(Cin, Cout, kh, kw, OW, strW, dilW)) {
    conv2dDirectCin1(x, w, bias, y, gemmWork, N, H, W, Cout, kh, kw, OH, OW, strH, dilH, padT, padL);
    return;
  }
  gemmConv(x, w, bias, y, gemmWork, N, H, W, Cin, Cout, kh, kw, OH, OW, strH, strW, dilH, dilW, padT, padL);
}

/**
 * dx = ∂L/∂x from dy = ∂L/∂y and w for the images [n0, n1) of the batch (all: 0, N; a thread's share: a range): dx of
 * those images is overwritten, every element (cells no window reads get 0). Per chunk: dcol = dy·wᵀ (GEMM, transB),
 * then col2im adds dcol into dx. The chunks are the whole batch's (multiples of P output pixels from pixel 0) cut at
 * the range's ends, so every element of dx sums the same terms in the same order for any split: the same bits.
 * Workspaces as for conv2d.
 */
export function conv2dBackpropInput(dy: usize, w: usize, dx: usize, work: usize, gemmWork: usize, n0: i32, n1: i32,
  N: i32, H: i32, W: i32, Cin: i32, Cout: i32, kh: i32, kw: i32,
  strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padB: i32, padL: i32, padR: i32): void {
  const OH = convOutDim(H, kh, strH, dilH, padT, padB), OW = convOutDim(W, kw, strW, dilW, padL, padR);
  assert(OH > 0 && OW > 0, 'conv2dBackpropInput: empty output');
  assert(0 <= n0 && n0 < n1 && n1 <= N, 'conv2dBackpropInput: bad image range');
  const NPix = N * OH * OW, K = kh * kw * Cin;
  const qa = n0 * OH * OW, qb = n1 * OH * OW;
  if (isPointwise(kh, kw, strH, strW, padT, padB, padL, padR)) {
    gemm(0, 1, qb - qa, Cin, Cout, 1, dy + <usize>qa * Cout * 4, Cout, w, Cout, 0, dx + <usize>qa * Cin * 4, Cin, gemmWork, 0);
    return;
  }
  assert((work & 15) == 0, 'conv2dBackpropInput: work must be 16-byte aligned');
  fill(dx + <usize>n0 * H * W * Cin * 4, 0, (n1 - n0) * H * W * Cin);
  const P = chunkPixels(K, NPix);
  const rowsOfPixels = Cin == 1 && strW == 1 && dilW == 1; // one channel, unit steps along a row: see col2imRowsAdd
  for (let q0 = qa; q0 < qb;) {
    const m = min(P - q0 % P, qb - q0); // to the end of the whole-batch chunk holding q0, or of the range
    if (rowsOfPixels) {
      gemm(0, 1, K, m, Cout, 1, w, Cout, dy + <usize>q0 * Cout * 4, Cout, 0, work, m, gemmWork, 0); // dcolᵀ: [K, m]
      col2imRowsAdd(work, dx, q0, m, H, W, OH, OW, kh, kw, strH, dilH, padT, padL);
    } else {
      gemm(0, 1, m, K, Cout, 1, dy + <usize>q0 * Cout * 4, Cout, w, Cout, 0, work, K, gemmWork, 0);
      col2imAdd(work, dx, q0, m, H, W, Cin, OH, OW, kh, kw, strH, strW, dilH, dilW, padT, padL);
    }
    q0 += m;
  }
}

/**
 * dw += ∂L/∂w = Σ over chunks of im2col(x)ᵀ·dy (GEMM, transA, beta = 1), and db += Σ_pixels dy when db ≠ 0
 * (column sums in reduceSum's fixed order). Both ACCUMULATE: the caller clears them once per step.
 * Workspaces as for conv2d. (Threads run these same steps, each split: src/backend/thread-splits.ts.)
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

/**
 * dw[k0:k1, :] += the same rows of conv2dBackpropFilter's product (no bias gradient): one thread's band of filter rows,
 * in the same pixel chunks and the same GEMM order, so every dw element gets the bits the whole kernel gives it. work:
 * a col chunk of (k1 − k0) columns (conv2dWorkspaceBytes is enough). Not 1×1 pointwise geometries (a plain GEMM).
 * Exported by the threaded modules only (assembly/index-threads.ts; src/backend/thread-splits.ts splits the kernel with it).
 */
export function conv2dBackpropFilterBand(x: usize, dy: usize, dw: usize, work: usize, gemmWork: usize, k0: i32, k1: i32,
  N: i32, H: i32, W: i32, Cin: i32, Cout: i32, kh: i32, kw: i32,
  strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padB: i32, padL: i32, padR: i32): void {
  const OH = convOutDim(H, kh, strH, dilH, padT, padB), OW = convOutDim(W, kw, strW, dilW, padL, padR);
  const K = kh * kw * Cin, NPix = N * OH * OW, R = k1 - k0;
  assert(OH > 0 && OW > 0 && 0 <= k0 && k0 < k1 && k1 <= K && (work & 15) == 0, 'conv2dBackpropFilterBand: bad band or geometry');
  const P = chunkPixels(K, NPix);
  for (let q0 = 0; q0 < NPix; q0 += P) {
    const m = min(P, NPix - q0);
    im2colBand(x, work, q0, m, k0, k1, H, W, Cin, OH, OW, kh, kw, strH, strW, dilH, dilW, padT, padL);
    gemm(1, 0, R, Cout, m, 1, work, R, dy + <usize>q0 * Cout * 4, Cout, 1, dw + <usize>k0 * Cout * 4, Cout, gemmWork, 0);
  }
}

/**
 * The filter gradient's products per pixel block, for threads that split its pixels without changing its bits:
 * conv2dBackpropFilter sums each chunk of pixels (chunkPixels) in GEMM K blocks of GEMM_KC, adding each block's product
 * colᵀ·dy (summed from zero) to dw in block order. This writes blocks [b0, b1) of that sequence, partials[b] =
 * col(block b)ᵀ·dy(block b), [K, Cout] each, for reduceSum(partials, dw, 1, blocks, K·Cout, 1) to add to dw in block
 * order: the same bits as the whole kernel. work: a col chunk (conv2dWorkspaceBytes). Returns the geometry's block
 * count (b0 = b1 = 0 asks only that). Not 1×1 pointwise geometries. Exported by the threaded modules only (index-threads.ts).
 */
export function conv2dBackpropFilterBlocks(x: usize, dy: usize, partials: usize, work: usize, gemmWork: usize, b0: i32, b1: i32,
  N: i32, H: i32, W: i32, Cin: i32, Cout: i32, kh: i32, kw: i32,
  strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padB: i32, padL: i32, padR: i32): i32 {
  const OH = convOutDim(H, kh, strH, dilH, padT, padB), OW = convOutDim(W, kw, strW, dilW, padL, padR);
  const K = kh * kw * Cin, NPix = N * OH * OW;
  assert(OH > 0 && OW > 0 && (work & 15) == 0, 'conv2dBackpropFilterBlocks: bad geometry');
  const P = chunkPixels(K, NPix), per = (P + GEMM_KC - 1) / GEMM_KC; // blocks in a whole chunk
  const last = NPix - ((NPix - 1) / P) * P; // pixels in the last chunk
  const blocks = ((NPix - 1) / P) * per + (last + GEMM_KC - 1) / GEMM_KC;
  assert(0 <= b0 && b0 <= b1 && b1 <= blocks, 'conv2dBackpropFilterBlocks: bad block range');
  for (let b = b0; b < b1; b++) {
    const q0 = (b / per) * P, pc = (b % per) * GEMM_KC, q = q0 + pc;
    const m = min(GEMM_KC, min(P, NPix - q0) - pc);
    im2col(x, work, q, m, H, W, Cin, OH, OW, kh, kw, strH, strW, dilH, dilW, padT, padL);
    gemm(1, 0, K, Cout, m, 1, work, K, dy + <usize>q * Cout * 4, Cout, 0, partials + <usize>b * K * Cout * 4, Cout, gemmWork, 0);
  }
  return blocks;
}
