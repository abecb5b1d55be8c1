// GEMM: C[M,N] = alpha·op(A)[M,K]·op(B)[K,N] + beta·C (+ bias[N]), all four transposes, row-major with leading
// dimensions. The blocked loops take the A packer as an argument, so conv2d.ts runs them with A the implicit im2col of
// an image (im2col.ts packs it straight from x). Packed panels (BLIS loop order jc → pc → ic → jr → ir) feeding a 4×8 f32x4 register tile; the summation
// order depends only on the shapes (K is split in fixed KC blocks), never on the host.

export const GEMM_MR: i32 = 4;   // rows of the register tile
export const GEMM_NR: i32 = 8;   // columns of the register tile (two f32x4)
export const GEMM_KC: i32 = 256; // K block: one B micro-panel (KC×NR) stays in L1
export const GEMM_MC: i32 = 128; // M block: packed A (MC×KC) stays in L2
export const GEMM_NC: i32 = 512; // N block: packed B (KC×NC)

const GEO_BYTES: i32 = 64;       // a packer's context (an implicit-im2col geometry, im2col.ts), after the tile

/**
 * Packs A[ic:ic+mc, pc:pc+kc] into MR-tall micro-panels ap[panel][k][0..MR), zero-padded past mc. a, lda, transA: a
 * stored A; ctx: GEO_BYTES of the workspace, where a packer that reads A from elsewhere keeps its geometry.
 */
export type PackA = (a: usize, lda: i32, transA: i32, ctx: usize, ic: i32, pc: i32, mc: i32, kc: i32, ap: usize) => void;

/** Where gemmBlocked leaves the packer's context in a workspace of gemmWorkspaceBytes(). */
export function packContext(work: usize): usize {
  return work + <usize>(GEMM_MC * GEMM_KC + GEMM_KC * GEMM_NC + GEMM_MR * GEMM_NR) * 4;
}

/** Bytes of scratch the caller plans once for gemm: packed A, packed B, one edge tile and a packer's context. */
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
          const p = src + o, q = p + rs * 4;
          transpose4x4(p, p + rs, p + rs * 2, p + rs * 3, dst, 32);
          transpose4x4(q, q + rs, q + rs * 2, q + rs * 3, dst + 16, 32);
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

// Pack op(A)[ic:ic+mc, pc:pc+kc] of a stored A into MR-tall micro-panels (a PackA; ctx unused).
function packA(a: usize, lda: i32, transA: i32, ctx: usize, ic: i32, pc: i32, mc: i32, kc: i32, ap: usize): void {
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
        for (; k + 4 <= kc; k += 4) { const o = src + <usize>k * 4; transpose4x4(o, o + rs, o + rs * 2, o + rs * 3, dst, 16); dst += 64; }
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

// Read 4 vectors at p0..p3 and store their 4×4 transpose as 4 vectors dst, dst+step, dst+2·step, dst+3·step (the
// packers here, and im2col.ts's implicit-im2col packer).
// @ts-ignore: decorator
@inline export function transpose4x4(p0: usize, p1: usize, p2: usize, p3: usize, dst: usize, step: usize): void {
  const r0 = v128.load(p0), r1 = v128.load(p1), r2 = v128.load(p2), r3 = v128.load(p3);
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
    vacc0x0123 = madd(vacc0x0123, va0, vb0123);
    vacc0x4567 = madd(vacc0x4567, va0, vb4567);
    const va1 = v128.load32_splat(ap, 4);
    vacc1x0123 = madd(vacc1x0123, va1, vb0123);
    vacc1x4567 = madd(vacc1x4567, va1, vb4567);
    const va2 = v128.load32_splat(ap, 8);
    vacc2x0123 = madd(vacc2x0123, va2, vb0123);
    vacc2x4567 = madd(vacc2x4567, va2, vb4567);
    const va3 = v128.load32_splat(ap, 12);
    vacc3x0123 = madd(vacc3x0123, va3, vb0123);
    vacc3x4567 = madd(vacc3x4567, va3, vb4567);
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
  writeEdge(tile, GEMM_NR * 4, 4, c, ldc, mr, nr, alpha, beta, mode, bias);
}

// The valid mr×nr part of a spilled tile through the epilogue, element by element. Element (r, j) of the tile is at
// tile + r·rowBytes + j·colBytes (rows of GEMM_NR floats for the 4×8 and 4×4 tiles; columns of 16 for the 16×2).
// @ts-ignore: decorator
@inline function writeEdge(tile: usize, rowBytes: usize, colBytes: usize, c: usize, ldc: i32, mr: i32, nr: i32,
                           alpha: f32, beta: f32, mode: i32, bias: usize): void {
  for (let r = 0; r < mr; r++) {
    const row = c + <usize>(r * ldc) * 4;
    const t = tile + <usize>r * rowBytes;
    for (let j = 0; j < nr; j++) {
      const p = row + <usize>j * 4;
      let v = load<f32>(t + <usize>j * colBytes) * alpha;
      if (mode == 1) v += beta * load<f32>(p);
      else if (mode == 2) v = load<f32>(p) + v;
      if (bias) v += load<f32>(bias + <usize>j * 4);
      store<f32>(p, v);
    }
  }
}

// 4×4 micro-kernel for the last rows (8 or fewer) of a narrow last B micro-panel (N mod 8 in 1…4): half the work of
// the 4×8 tile on that panel; each element's k order is the same, so the same bits.
// @ts-ignore: decorator
@inline function kernel4x4(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, nr: i32,
                           alpha: f32, beta: f32, mode: i32, tile: usize, bias: usize): void {
  let vacc0x0123 = f32x4.splat(0), vacc1x0123 = f32x4.splat(0), vacc2x0123 = f32x4.splat(0), vacc3x0123 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const vb0123 = v128.load(bp);
    vacc0x0123 = madd(vacc0x0123, v128.load32_splat(ap), vb0123);
    vacc1x0123 = madd(vacc1x0123, v128.load32_splat(ap, 4), vb0123);
    vacc2x0123 = madd(vacc2x0123, v128.load32_splat(ap, 8), vb0123);
    vacc3x0123 = madd(vacc3x0123, v128.load32_splat(ap, 12), vb0123);
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
  writeEdge(tile, GEMM_NR * 4, 4, c, ldc, mr, nr, alpha, beta, mode, bias);
}

// 16×2 micro-kernel for a narrow last B micro-panel (N mod 8 in 1…4: two columns per call, nc of them valid, 1 or 2):
// up to four A micro-panels (mr rows valid, 9…16) times two B columns, the accumulators column vectors
// acc{panel}x{column} = Σ_k ap_panel[k][0..4)·bp[k][col]. No lanes wasted on padding columns and 8 independent chains
// (a 4×4 tile wastes half its lanes on 2 columns and is latency-bound on 4 chains). Panels past mr read the last
// valid one again (never written). a·b = b·a, and each element's k order is the 4×8 tile's: the same bits.
// @ts-ignore: decorator
@inline function kernel16x2(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, nc: i32,
                            alpha: f32, beta: f32, mode: i32, tile: usize, bias: usize): void {
  let vacc0x0 = f32x4.splat(0), vacc1x0 = f32x4.splat(0), vacc2x0 = f32x4.splat(0), vacc3x0 = f32x4.splat(0);
  let vacc0x1 = f32x4.splat(0), vacc1x1 = f32x4.splat(0), vacc2x1 = f32x4.splat(0), vacc3x1 = f32x4.splat(0);
  const ps = <usize>kc * 16; // bytes between A micro-panels
  const o1 = mr > 4 ? ps : 0, o2 = mr > 8 ? ps * 2 : o1, o3 = mr > 12 ? ps * 3 : o2;
  for (let k = 0; k < kc; k++) {
    const vb0 = v128.load32_splat(bp), vb1 = v128.load32_splat(bp, 4);
    const va0 = v128.load(ap), va1 = v128.load(ap + o1), va2 = v128.load(ap + o2), va3 = v128.load(ap + o3);
    vacc0x0 = madd(vacc0x0, va0, vb0); vacc0x1 = madd(vacc0x1, va0, vb1);
    vacc1x0 = madd(vacc1x0, va1, vb0); vacc1x1 = madd(vacc1x1, va1, vb1);
    vacc2x0 = madd(vacc2x0, va2, vb0); vacc2x1 = madd(vacc2x1, va2, vb1);
    vacc3x0 = madd(vacc3x0, va3, vb0); vacc3x1 = madd(vacc3x1, va3, vb1);
    ap += 16; bp += 32;
  }
  // Spill column by column (tile[col][row], 16 rows: as many floats as the 4×8 tile), then the epilogue.
  v128.store(tile, vacc0x0); v128.store(tile, vacc1x0, 16); v128.store(tile, vacc2x0, 32); v128.store(tile, vacc3x0, 48);
  v128.store(tile, vacc0x1, 64); v128.store(tile, vacc1x1, 80); v128.store(tile, vacc2x1, 96); v128.store(tile, vacc3x1, 112);
  writeEdge(tile, 4, 64, c, ldc, mr, nc, alpha, beta, mode, bias);
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
      let ir = 0;
      for (; mc - ir > 2 * GEMM_MR; ir += 4 * GEMM_MR) { // 16 rows, or the last 9…15
        for (let j = 0; j < nr; j += 2) {
          kernel16x2(kc, apack + <usize>(ir * kc) * 4, bpanel + <usize>j * 4, c + (<usize>ir * ldc + jr + j) * 4, ldc,
            min(4 * GEMM_MR, mc - ir), min(2, nr - j), alpha, beta, mode, tile, tb != 0 ? tb + <usize>j * 4 : 0);
        }
      }
      for (; ir < mc; ir += GEMM_MR) { // the last 8 rows or fewer
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

// The blocked loops shared by gemm and conv2d's forward: packAWith packs each A block (packA for a stored A; the
// implicit im2col for a convolution, its geometry at packContext(work)). The last K block adds the bias.
// @ts-ignore: decorator
@inline export function gemmBlocked(packAWith: PackA, transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                             a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, bias: usize, work: usize): void {
  const apack = work;
  const bpack = work + <usize>(GEMM_MC * GEMM_KC) * 4;
  const tile = bpack + <usize>(GEMM_KC * GEMM_NC) * 4;
  const ctx = packContext(work);
  for (let jc = 0; jc < N; jc += GEMM_NC) {
    const nc = min(GEMM_NC, N - jc);
    for (let pc = 0; pc < K; pc += GEMM_KC) {
      const kc = min(GEMM_KC, K - pc);
      packB(transB, b, ldb, pc, jc, kc, nc, bpack);
      const mode = pc > 0 ? 2 : (beta == 0 ? 0 : 1);
      const lastK = pc + kc == K;
      for (let ic = 0; ic < M; ic += GEMM_MC) {
        const mc = min(GEMM_MC, M - ic);
        packAWith(a, lda, transA, ctx, ic, pc, mc, kc, apack);
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
  gemmBlocked(packA, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, bias, work);
}

// acc + a·b in the micro-kernels: a separate multiply and add (two roundings) in the default build; in the relaxed
// build (asc --enable relaxed-simd: ASC_FEATURE_RELAXED_SIMD) f32x4.relaxed_madd, which the engine fuses (one rounding)
// or not depending on the CPU: deterministic on one machine, not bit-identical across machines. The constant is
// resolved at compile time, so the default build's code is exactly the multiply and add.
// @ts-ignore: decorator
@inline export function madd(acc: v128, a: v128, b: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(a, b, acc) : f32x4.add(acc, f32x4.mul(a, b));
}
