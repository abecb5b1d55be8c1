// GEMM: C[M,N] = alpha·op(A)[M,K]·op(B)[K,N] + beta·C (+ bias[N]), all four transposes, row-major with leading
// dimensions; and the same GEMM with A the implicit im2col of an NHWC image (conv2d forward, packed straight from x).
// Packed panels (BLIS loop order jc → pc → ic → jr → ir) feeding a 4×8 f32x4 register tile; the summation
// order depends only on the shapes (K is split in fixed KC blocks), never on the host.

export const GEMM_MR: i32 = 4;   // rows of the register tile
export const GEMM_NR: i32 = 8;   // columns of the register tile (two f32x4)
export const GEMM_KC: i32 = 256; // K block: one B micro-panel (KC×NR) stays in L1
export const GEMM_MC: i32 = 128; // M block: packed A (MC×KC) stays in L2
export const GEMM_NC: i32 = 512; // N block: packed B (KC×NC)

const GEO_BYTES: i32 = 64;       // the convolution geometry of an implicit-im2col A (gemmConv), after the tile

/** Bytes of scratch the caller plans once for gemm: packed A, packed B, one edge tile and a convolution geometry. */
export function gemmWorkspaceBytes(): i32 {
  return (GEMM_MC * GEMM_KC + GEMM_KC * GEMM_NC + GEMM_MR * GEMM_NR) * 4 + GEO_BYTES;
}

// Pack op(B)[pc:pc+kc, jc:jc+nc] into NR-wide micro-panels: bp[panel][k][0..NR), zero-padded past nc.
function packB(transB: i32, b: usize, ldb: i32, pc: i32, jc: i32, kc: i32, nc: i32, bp: usize): void {
  for (let jr = 0; jr < nc; jr += GEMM_NR) {
    const nr = min(GEMM_NR, nc - jr);
    let dst = bp + <usize>(jr * kc) * 4;
    if (!transB) {
      // op(B)(k, j) = b[k·ldb + j]
      let src = b + (<usize>pc * ldb + jc + jr) * 4;
      if (nr == GEMM_NR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += <usize>ldb * 4; dst += 32;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, i32x4.splat(0)); v128.store(dst, i32x4.splat(0), 16);
          for (let j = 0; j < nr; j++) store<f32>(dst + j * 4, load<f32>(src + j * 4));
          src += <usize>ldb * 4; dst += 32;
        }
      }
    } else {
      // op(B)(k, j) = b[j·ldb + k]: read NR rows of b, 4 k at a time, transposed 4×4 in registers
      const src = b + (<usize>(jc + jr) * ldb + pc) * 4;
      if (nr == GEMM_NR) {
        const rs = <usize>ldb * 4;
        let k = 0;
        for (; k + 4 <= kc; k += 4) {
          const o = <usize>k * 4;
          transpose4x4Store(src + o, rs, dst, 32);
          transpose4x4Store(src + o + rs * 4, rs, dst + 16, 32);
          dst += 128;
        }
        for (; k < kc; k++) {
          for (let j = 0; j < GEMM_NR; j++) store<f32>(dst + j * 4, load<f32>(src + <usize>j * rs + <usize>k * 4));
          dst += 32;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, i32x4.splat(0)); v128.store(dst, i32x4.splat(0), 16);
          for (let j = 0; j < nr; j++) store<f32>(dst + j * 4, load<f32>(src + (<usize>j * ldb + k) * 4));
          dst += 32;
        }
      }
    }
  }
}

// Pack op(A)[ic:ic+mc, pc:pc+kc] into MR-tall micro-panels: ap[panel][k][0..MR), zero-padded past mc.
function packA(transA: i32, a: usize, lda: i32, ic: i32, pc: i32, mc: i32, kc: i32, ap: usize): void {
  for (let ir = 0; ir < mc; ir += GEMM_MR) {
    const mr = min(GEMM_MR, mc - ir);
    let dst = ap + <usize>(ir * kc) * 4;
    if (transA) {
      // op(A)(i, k) = a[k·lda + i]: one vector per k
      let src = a + (<usize>pc * lda + ic + ir) * 4;
      if (mr == GEMM_MR) {
        for (let k = 0; k < kc; k++) { v128.store(dst, v128.load(src)); src += <usize>lda * 4; dst += 16; }
      } else {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, i32x4.splat(0));
          for (let r = 0; r < mr; r++) store<f32>(dst + r * 4, load<f32>(src + r * 4));
          src += <usize>lda * 4; dst += 16;
        }
      }
    } else {
      // op(A)(i, k) = a[i·lda + k]: 4 rows × 4 k transposed in registers
      const src = a + (<usize>(ic + ir) * lda + pc) * 4;
      const rs = <usize>lda * 4;
      if (mr == GEMM_MR) {
        let k = 0;
        for (; k + 4 <= kc; k += 4) { transpose4x4Store(src + <usize>k * 4, rs, dst, 16); dst += 64; }
        for (; k < kc; k++) {
          for (let r = 0; r < GEMM_MR; r++) store<f32>(dst + r * 4, load<f32>(src + <usize>r * rs + <usize>k * 4));
          dst += 16;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, i32x4.splat(0));
          for (let r = 0; r < mr; r++) store<f32>(dst + r * 4, load<f32>(src + <usize>r * rs + <usize>k * 4));
          dst += 16;
        }
      }
    }
  }
}

// Read a 4×4 block (rows src, src+rs, …) and store its transpose as 4 vectors dst, dst+step, dst+2·step, dst+3·step.
// @ts-ignore: decorator
@inline function transpose4x4Store(src: usize, rs: usize, dst: usize, step: usize): void {
  const r0 = v128.load(src), r1 = v128.load(src + rs), r2 = v128.load(src + rs * 2), r3 = v128.load(src + rs * 3);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5); // r0[0] r1[0] r0[1] r1[1]
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + step, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + step * 2, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + step * 3, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

// Epilogue modes: 0 C = α·acc (C never read), 1 C = α·acc + β·C, 2 C += α·acc (later K blocks); then, in the last K
// block only, + bias (the same two roundings as a separate bias add after the GEMM).
// @ts-ignore: decorator
@inline function epilogue(mode: i32, p: usize, acc: v128, valpha: v128, vbeta: v128, hasBias: bool, vbias: v128): void {
  let r = f32x4.mul(acc, valpha);
  if (mode == 1) r = f32x4.add(r, f32x4.mul(v128.load(p), vbeta));
  else if (mode == 2) r = f32x4.add(v128.load(p), r);
  if (hasBias) r = f32x4.add(r, vbias);
  v128.store(p, r);
}

// 4×8 micro-kernel: acc[r][0..8) = Σ_k ap[k][r]·bp[k][0..8), accumulators vacc{row}x{lanes}. bias: this tile's first
// bias column, or 0.
// @ts-ignore: decorator
@inline function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, nr: i32,
                   alpha: f32, beta: f32, mode: i32, tile: usize, bias: usize): void {
  let vacc0x0123 = f32x4.splat(0), vacc0x4567 = f32x4.splat(0);
  let vacc1x0123 = f32x4.splat(0), vacc1x4567 = f32x4.splat(0);
  let vacc2x0123 = f32x4.splat(0), vacc2x4567 = f32x4.splat(0);
  let vacc3x0123 = f32x4.splat(0), vacc3x4567 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const vb0123 = v128.load(bp), vb4567 = v128.load(bp, 16);
    const va0 = v128.load32_splat(ap);
    vacc0x0123 = f32x4.add(vacc0x0123, f32x4.mul(va0, vb0123));
    vacc0x4567 = f32x4.add(vacc0x4567, f32x4.mul(va0, vb4567));
    const va1 = v128.load32_splat(ap, 4);
    vacc1x0123 = f32x4.add(vacc1x0123, f32x4.mul(va1, vb0123));
    vacc1x4567 = f32x4.add(vacc1x4567, f32x4.mul(va1, vb4567));
    const va2 = v128.load32_splat(ap, 8);
    vacc2x0123 = f32x4.add(vacc2x0123, f32x4.mul(va2, vb0123));
    vacc2x4567 = f32x4.add(vacc2x4567, f32x4.mul(va2, vb4567));
    const va3 = v128.load32_splat(ap, 12);
    vacc3x0123 = f32x4.add(vacc3x0123, f32x4.mul(va3, vb0123));
    vacc3x4567 = f32x4.add(vacc3x4567, f32x4.mul(va3, vb4567));
    ap += 16; bp += 32;
  }
  const valpha = f32x4.splat(alpha), vbeta = f32x4.splat(beta);
  if (mr == GEMM_MR && nr == GEMM_NR) {
    const rs = <usize>ldc * 4;
    const hb = bias != 0;
    const vb0123 = hb ? v128.load(bias) : f32x4.splat(0), vb4567 = hb ? v128.load(bias, 16) : f32x4.splat(0);
    let p = c;
    epilogue(mode, p, vacc0x0123, valpha, vbeta, hb, vb0123); epilogue(mode, p + 16, vacc0x4567, valpha, vbeta, hb, vb4567);
    p += rs;
    epilogue(mode, p, vacc1x0123, valpha, vbeta, hb, vb0123); epilogue(mode, p + 16, vacc1x4567, valpha, vbeta, hb, vb4567);
    p += rs;
    epilogue(mode, p, vacc2x0123, valpha, vbeta, hb, vb0123); epilogue(mode, p + 16, vacc2x4567, valpha, vbeta, hb, vb4567);
    p += rs;
    epilogue(mode, p, vacc3x0123, valpha, vbeta, hb, vb0123); epilogue(mode, p + 16, vacc3x4567, valpha, vbeta, hb, vb4567);
    return;
  }
  // Edge tile: spill the accumulators, then write only the mr×nr valid part.
  v128.store(tile, vacc0x0123); v128.store(tile, vacc0x4567, 16);
  v128.store(tile, vacc1x0123, 32); v128.store(tile, vacc1x4567, 48);
  v128.store(tile, vacc2x0123, 64); v128.store(tile, vacc2x4567, 80);
  v128.store(tile, vacc3x0123, 96); v128.store(tile, vacc3x4567, 112);
  writeEdge(tile, c, ldc, mr, nr, alpha, beta, mode, bias);
}

// The valid mr×nr part of a spilled tile (rows of GEMM_NR floats) through the epilogue, element by element.
// @ts-ignore: decorator
@inline function writeEdge(tile: usize, c: usize, ldc: i32, mr: i32, nr: i32, alpha: f32, beta: f32, mode: i32,
                           bias: usize): void {
  for (let r = 0; r < mr; r++) {
    const row = c + <usize>(r * ldc) * 4;
    const t = tile + <usize>(r * GEMM_NR) * 4;
    for (let j = 0; j < nr; j++) {
      const p = row + <usize>j * 4;
      let v = load<f32>(t + <usize>j * 4) * alpha;
      if (mode == 1) v += beta * load<f32>(p);
      else if (mode == 2) v = load<f32>(p) + v;
      if (bias) v += load<f32>(bias + <usize>j * 4);
      store<f32>(p, v);
    }
  }
}

// 4×4 micro-kernel for a last B micro-panel with at most 4 valid columns (N mod 8 in 1…4): half the work of the 4×8
// tile on that panel; each element's k order is the same, so the same bits.
// @ts-ignore: decorator
@inline function kernel4x4(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, nr: i32,
                           alpha: f32, beta: f32, mode: i32, tile: usize, bias: usize): void {
  let vacc0x0123 = f32x4.splat(0), vacc1x0123 = f32x4.splat(0), vacc2x0123 = f32x4.splat(0), vacc3x0123 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const vb0123 = v128.load(bp);
    vacc0x0123 = f32x4.add(vacc0x0123, f32x4.mul(v128.load32_splat(ap), vb0123));
    vacc1x0123 = f32x4.add(vacc1x0123, f32x4.mul(v128.load32_splat(ap, 4), vb0123));
    vacc2x0123 = f32x4.add(vacc2x0123, f32x4.mul(v128.load32_splat(ap, 8), vb0123));
    vacc3x0123 = f32x4.add(vacc3x0123, f32x4.mul(v128.load32_splat(ap, 12), vb0123));
    ap += 16; bp += 32;
  }
  const valpha = f32x4.splat(alpha), vbeta = f32x4.splat(beta);
  if (mr == GEMM_MR && nr == 4) {
    const rs = <usize>ldc * 4;
    const hb = bias != 0;
    const vb0123 = hb ? v128.load(bias) : f32x4.splat(0);
    epilogue(mode, c, vacc0x0123, valpha, vbeta, hb, vb0123);
    epilogue(mode, c + rs, vacc1x0123, valpha, vbeta, hb, vb0123);
    epilogue(mode, c + rs * 2, vacc2x0123, valpha, vbeta, hb, vb0123);
    epilogue(mode, c + rs * 3, vacc3x0123, valpha, vbeta, hb, vb0123);
    return;
  }
  v128.store(tile, vacc0x0123); v128.store(tile, vacc1x0123, 32);
  v128.store(tile, vacc2x0123, 64); v128.store(tile, vacc3x0123, 96);
  writeEdge(tile, c, ldc, mr, nr, alpha, beta, mode, bias);
}

// C[0:mc, 0:nc] (+)= packed A block · packed B block: every micro-panel pair through the register tile (jr outer, so
// one B micro-panel stays in L1 while the A micro-panels stream). One call per (K block, M block).
function macroKernel(kc: i32, mc: i32, nc: i32, apack: usize, bpack: usize, c: usize, ldc: i32, alpha: f32, beta: f32,
                     mode: i32, tile: usize, bias: usize): void {
  for (let jr = 0; jr < nc; jr += GEMM_NR) {
    const nr = min(GEMM_NR, nc - jr);
    const bpanel = bpack + <usize>(jr * kc) * 4;
    const tb: usize = bias != 0 ? bias + <usize>jr * 4 : 0;
    if (nr <= 4) {
      for (let ir = 0; ir < mc; ir += GEMM_MR) {
        const mr = min(GEMM_MR, mc - ir);
        kernel4x4(kc, apack + <usize>(ir * kc) * 4, bpanel, c + (<usize>ir * ldc + jr) * 4, ldc, mr, nr, alpha, beta, mode, tile, tb);
      }
      continue;
    }
    for (let ir = 0; ir < mc; ir += GEMM_MR) {
      const mr = min(GEMM_MR, mc - ir);
      kernel4x8(kc, apack + <usize>(ir * kc) * 4, bpanel, c + (<usize>ir * ldc + jr) * 4, ldc, mr, nr, alpha, beta, mode, tile, tb);
    }
  }
}

// The blocked loops shared by gemm and gemmConv; aConv selects packAConv (A = im2col of the image at a, geometry in
// the workspace) over packA. The last K block adds the bias.
// @ts-ignore: decorator
@inline function gemmBlocked(aConv: bool, transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                             a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, bias: usize, work: usize): void {
  const apack = work;
  const bpack = work + <usize>(GEMM_MC * GEMM_KC) * 4;
  const tile = bpack + <usize>(GEMM_KC * GEMM_NC) * 4;
  const geo = tile + <usize>(GEMM_MR * GEMM_NR) * 4;
  for (let jc = 0; jc < N; jc += GEMM_NC) {
    const nc = min(GEMM_NC, N - jc);
    for (let pc = 0; pc < K; pc += GEMM_KC) {
      const kc = min(GEMM_KC, K - pc);
      packB(transB, b, ldb, pc, jc, kc, nc, bpack);
      const mode = pc > 0 ? 2 : (beta == 0 ? 0 : 1);
      const lastK = pc + kc == K;
      for (let ic = 0; ic < M; ic += GEMM_MC) {
        const mc = min(GEMM_MC, M - ic);
        if (aConv) packAConv(a, geo, ic, pc, mc, kc, apack);
        else packA(transA, a, lda, ic, pc, mc, kc, apack);
        macroKernel(kc, mc, nc, apack, bpack, c + (<usize>ic * ldc + jc) * 4, ldc, alpha, beta, mode, tile,
          bias != 0 && lastK ? bias + <usize>jc * 4 : 0);
      }
    }
  }
}

/**
 * C = alpha·op(A)·op(B) + beta·C (+ bias). op(A): [M, K] (A stored [K, M] when transA), op(B): [K, N] (B stored [N, K]
 * when transB), C: [M, N], bias: [N] or 0 for none. Leading dimensions in elements. With beta = 0, C is never read (NaN
 * in C is ignored). work: gemmWorkspaceBytes() of 16-byte aligned scratch. C must not overlap A, B, bias or work.
 */
export function gemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                     a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize, bias: usize): void {
  assert((work & 15) == 0, 'gemm: work must be 16-byte aligned');
  assert(M > 0 && N > 0 && K > 0, 'gemm: M, N and K must be positive');
  gemmBlocked(false, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, bias, work);
}

// ---- implicit im2col: A[q, k] = x[n, oh·strH − padT + i·dilH, ow·strW − padL + j·dilW, ci] (0 outside x) for output
// pixel q = (n·OH + oh)·OW + ow and k = (i·kw + j)·Cin + ci; x: [N, H, W, Cin] ----

// The geometry gemmConv stores in the workspace for packAConv (i32 slots).
const G_H = 0, G_W = 4, G_CIN = 8, G_OH = 12, G_OW = 16, G_KH = 20, G_KW = 24, G_STRH = 28, G_STRW = 32, G_DILH = 36,
  G_DILW = 40, G_PADT = 44, G_PADL = 48;

// Read 4 vectors at p0..p3 and store their 4×4 transpose as 4 vectors dst, dst+16, dst+32, dst+48.
// @ts-ignore: decorator
@inline function transpose4Ptrs(p0: usize, p1: usize, p2: usize, p3: usize, dst: usize): void {
  const r0 = v128.load(p0), r1 = v128.load(p1), r2 = v128.load(p2), r3 = v128.load(p3);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
  v128.store(dst, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
  v128.store(dst, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
}

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
function packAConv(x: usize, geo: usize, ic: i32, pc: i32, mc: i32, kc: i32, ap: usize): void {
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
          transpose4Ptrs(o, o + pstep, o + pstep * 2, o + pstep * 3, dst);
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
            transpose4Ptrs(o, o + pstep, o + pstep * 2, o + pstep * 3, dst);
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

/**
 * y = conv2d(x, w) (+ bias) as one GEMM: y[q, co] = Σ_k im2col(x)[q, k]·w[k, co], A packed straight from x (no col
 * buffer). x: [N, H, W, Cin], w: [kh·kw·Cin, Cout], y: [N·OH·OW, Cout] overwritten, bias: [Cout] or 0. The same
 * summation order, hence the same bits, as gemm over an explicit im2col followed by a bias add.
 */
export function gemmConv(x: usize, w: usize, bias: usize, y: usize, work: usize, N: i32, H: i32, W: i32, Cin: i32,
  Cout: i32, kh: i32, kw: i32, OH: i32, OW: i32, strH: i32, strW: i32, dilH: i32, dilW: i32, padT: i32, padL: i32): void {
  assert((work & 15) == 0, 'gemmConv: work must be 16-byte aligned');
  const geo = work + <usize>(GEMM_MC * GEMM_KC + GEMM_KC * GEMM_NC + GEMM_MR * GEMM_NR) * 4;
  store<i32>(geo, H, G_H); store<i32>(geo, W, G_W); store<i32>(geo, Cin, G_CIN); store<i32>(geo, OH, G_OH);
  store<i32>(geo, OW, G_OW); store<i32>(geo, kh, G_KH); store<i32>(geo, kw, G_KW); store<i32>(geo, strH, G_STRH);
  store<i32>(geo, strW, G_STRW); store<i32>(geo, dilH, G_DILH); store<i32>(geo, dilW, G_DILW);
  store<i32>(geo, padT, G_PADT); store<i32>(geo, padL, G_PADL);
  const K = kh * kw * Cin;
  gemmBlocked(true, 0, 0, N * OH * OW, Cout, K, 1, x, K, w, Cout, 0, y, Cout, bias, work);
}
