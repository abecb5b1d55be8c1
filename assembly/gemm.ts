// GEMM: C[M,N] = alpha·op(A)[M,K]·op(B)[K,N] + beta·C, all four transposes, row-major with leading dimensions.
// Packed panels (BLIS loop order jc → pc → ic → jr → ir) feeding a 4×8 f32x4 register tile; the summation
// order depends only on the shapes (K is split in fixed KC blocks), never on the host.

export const GEMM_MR: i32 = 4;   // rows of the register tile
export const GEMM_NR: i32 = 8;   // columns of the register tile (two f32x4)
export const GEMM_KC: i32 = 256; // K block: one B micro-panel (KC×NR) stays in L1
export const GEMM_MC: i32 = 128; // M block: packed A (MC×KC) stays in L2
export const GEMM_NC: i32 = 512; // N block: packed B (KC×NC)

/** Bytes of scratch the caller plans once for gemm: packed A, packed B and one edge tile. */
export function gemmWorkspaceBytes(): i32 {
  return (GEMM_MC * GEMM_KC + GEMM_KC * GEMM_NC + GEMM_MR * GEMM_NR) * 4;
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

// Epilogue modes: 0 C = α·acc (C never read), 1 C = α·acc + β·C, 2 C += α·acc (later K blocks).
// @ts-ignore: decorator
@inline function epilogue(mode: i32, p: usize, acc: v128, valpha: v128, vbeta: v128): void {
  let r = f32x4.mul(acc, valpha);
  if (mode == 1) r = f32x4.add(r, f32x4.mul(v128.load(p), vbeta));
  else if (mode == 2) r = f32x4.add(v128.load(p), r);
  v128.store(p, r);
}

// 4×8 micro-kernel: acc[r][0..8) = Σ_k ap[k][r]·bp[k][0..8), accumulators vacc{row}x{lanes}.
function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, nr: i32,
                   alpha: f32, beta: f32, mode: i32, tile: usize): void {
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
    let p = c;
    epilogue(mode, p, vacc0x0123, valpha, vbeta); epilogue(mode, p + 16, vacc0x4567, valpha, vbeta); p += rs;
    epilogue(mode, p, vacc1x0123, valpha, vbeta); epilogue(mode, p + 16, vacc1x4567, valpha, vbeta); p += rs;
    epilogue(mode, p, vacc2x0123, valpha, vbeta); epilogue(mode, p + 16, vacc2x4567, valpha, vbeta); p += rs;
    epilogue(mode, p, vacc3x0123, valpha, vbeta); epilogue(mode, p + 16, vacc3x4567, valpha, vbeta);
    return;
  }
  // Edge tile: spill the accumulators, then write only the mr×nr valid part.
  v128.store(tile, vacc0x0123); v128.store(tile, vacc0x4567, 16);
  v128.store(tile, vacc1x0123, 32); v128.store(tile, vacc1x4567, 48);
  v128.store(tile, vacc2x0123, 64); v128.store(tile, vacc2x4567, 80);
  v128.store(tile, vacc3x0123, 96); v128.store(tile, vacc3x4567, 112);
  for (let r = 0; r < mr; r++) {
    const row = c + <usize>(r * ldc) * 4;
    const t = tile + <usize>(r * GEMM_NR) * 4;
    for (let j = 0; j < nr; j++) {
      const p = row + <usize>j * 4;
      let v = load<f32>(t + <usize>j * 4) * alpha;
      if (mode == 1) v += beta * load<f32>(p);
      else if (mode == 2) v = load<f32>(p) + v;
      store<f32>(p, v);
    }
  }
}

/**
 * C = alpha·op(A)·op(B) + beta·C. op(A): [M, K] (A stored [K, M] when transA), op(B): [K, N] (B stored [N, K]
 * when transB), C: [M, N]. Leading dimensions in elements. With beta = 0, C is never read (NaN in C is ignored).
 * work: gemmWorkspaceBytes() of 16-byte aligned scratch. C must not overlap A, B or work.
 */
export function gemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                     a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize): void {
  assert((work & 15) == 0, 'gemm: work must be 16-byte aligned');
  assert(M > 0 && N > 0 && K > 0, 'gemm: M, N and K must be positive');
  const apack = work;
  const bpack = work + <usize>(GEMM_MC * GEMM_KC) * 4;
  const tile = bpack + <usize>(GEMM_KC * GEMM_NC) * 4;
  for (let jc = 0; jc < N; jc += GEMM_NC) {
    const nc = min(GEMM_NC, N - jc);
    for (let pc = 0; pc < K; pc += GEMM_KC) {
      const kc = min(GEMM_KC, K - pc);
      packB(transB, b, ldb, pc, jc, kc, nc, bpack);
      const mode = pc > 0 ? 2 : (beta == 0 ? 0 : 1);
      for (let ic = 0; ic < M; ic += GEMM_MC) {
        const mc = min(GEMM_MC, M - ic);
        packA(transA, a, lda, ic, pc, mc, kc, apack);
        for (let jr = 0; jr < nc; jr += GEMM_NR) {
          const nr = min(GEMM_NR, nc - jr);
          const bpanel = bpack + <usize>(jr * kc) * 4;
          for (let ir = 0; ir < mc; ir += GEMM_MR) {
            const mr = min(GEMM_MR, mc - ir);
            const cp = c + (<usize>(ic + ir) * ldc + jc + jr) * 4;
            kernel4x8(kc, apack + <usize>(ir * kc) * 4, bpanel, cp, ldc, mr, nr, alpha, beta, mode, tile);
          }
        }
      }
    }
  }
}
