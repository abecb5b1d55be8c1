// Batch normalisation over the last axis: x viewed as [M, C] (M = N·H·W), statistics per channel over the M rows.
// Training forward (two-pass float64 mean and biased variance; saves mean and invStd = 1/sqrt(var + eps); updates the
// running statistics), inference forward (running statistics) and backward. Vectorised across channels: groups of 16,
// then 4, then single channels, each walking its columns down the rows; every channel sums its rows in order in
// float64 with the same operations in every group, so a channel's results never depend on C or on its group.

// ---- lanes: f32x4 ↔ two f64x2 ----

// @ts-ignore: decorator
@inline function lo64(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-ignore: decorator
@inline function hi64(v: v128): v128 { return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)); }
// @ts-ignore: decorator
@inline function f32of(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}
// @ts-ignore: decorator
@inline function sq64(acc: v128, v: v128, mean: v128): v128 { const d = f64x2.sub(v, mean); return f64x2.add(acc, f64x2.mul(d, d)); }

// ---- per-channel finishing: statistics → saved mean and invStd, running statistics ----

/**
 * Four channels at byte offset off: var = q/M, invStd = 1/sqrt(var + eps), both saved as float32; running mean and
 * variance (skipped when their offset is 0) become momentum·running + (1 − momentum)·batch, with the biased batch
 * variance q/M (Keras 3 and TensorFlow.js; no M/(M − 1) correction).
 */
// @ts-ignore: decorator
@inline function finishTrain4(off: usize, mLo: v128, mHi: v128, qLo: v128, qHi: v128, fm: f64, eps: f64, mom: f64,
  saveMean: usize, saveInvStd: usize, runMean: usize, runVar: usize): void {
  const vm = f64x2.splat(fm), one = f64x2.splat(1), ve = f64x2.splat(eps);
  const varLo = f64x2.div(qLo, vm), varHi = f64x2.div(qHi, vm);
  v128.store(saveMean + off, f32of(mLo, mHi));
  v128.store(saveInvStd + off, f32of(f64x2.div(one, f64x2.sqrt(f64x2.add(varLo, ve))), f64x2.div(one, f64x2.sqrt(f64x2.add(varHi, ve)))));
  const vmom = f64x2.splat(mom), vrest = f64x2.splat(1 - mom);
  if (runMean != 0) {
    const r = v128.load(runMean + off);
    v128.store(runMean + off, f32of(f64x2.add(f64x2.mul(vmom, lo64(r)), f64x2.mul(vrest, mLo)),
      f64x2.add(f64x2.mul(vmom, hi64(r)), f64x2.mul(vrest, mHi))));
  }
  if (runVar != 0) {
    const r = v128.load(runVar + off);
    v128.store(runVar + off, f32of(f64x2.add(f64x2.mul(vmom, lo64(r)), f64x2.mul(vrest, varLo)),
      f64x2.add(f64x2.mul(vmom, hi64(r)), f64x2.mul(vrest, varHi))));
  }
}

/** One channel at byte offset off: finishTrain4's arithmetic on scalars. */
// @ts-ignore: decorator
@inline function finishTrain1(off: usize, mean: f64, q: f64, fm: f64, eps: f64, mom: f64,
  saveMean: usize, saveInvStd: usize, runMean: usize, runVar: usize): void {
  const v = q / fm;
  store<f32>(saveMean + off, <f32>mean);
  store<f32>(saveInvStd + off, <f32>(1 / sqrt<f64>(v + eps)));
  if (runMean != 0) store<f32>(runMean + off, <f32>(mom * <f64>load<f32>(runMean + off) + (1 - mom) * mean));
  if (runVar != 0) store<f32>(runVar + off, <f32>(mom * <f64>load<f32>(runVar + off) + (1 - mom) * v));
}

// ---- normalisation passes: y = (x − mean)·scale + beta down the rows ----

// @ts-ignore: decorator
@inline function normalizeV(v: v128, mean: v128, scale: v128, beta: v128): v128 {
  return f32x4.add(f32x4.mul(f32x4.sub(v, mean), scale), beta);
}

// 16 columns at xp, yp (row stride rs bytes).
// @ts-ignore: decorator
@inline function normalizeCols16(xp: usize, yp: usize, rs: usize, M: i32, mean: usize, scale0: v128, scale1: v128,
  scale2: v128, scale3: v128, beta: usize): void {
  const m0 = v128.load(mean), m1 = v128.load(mean, 16), m2 = v128.load(mean, 32), m3 = v128.load(mean, 48);
  const b0 = v128.load(beta), b1 = v128.load(beta, 16), b2 = v128.load(beta, 32), b3 = v128.load(beta, 48);
  for (let m = 0; m < M; m++) {
    v128.store(yp, normalizeV(v128.load(xp), m0, scale0, b0));
    v128.store(yp, normalizeV(v128.load(xp, 16), m1, scale1, b1), 16);
    v128.store(yp, normalizeV(v128.load(xp, 32), m2, scale2, b2), 32);
    v128.store(yp, normalizeV(v128.load(xp, 48), m3, scale3, b3), 48);
    xp += rs; yp += rs;
  }
}

// 4 columns.
// @ts-ignore: decorator
@inline function normalizeCols4(xp: usize, yp: usize, rs: usize, M: i32, mean: v128, scale: v128, beta: v128): void {
  for (let m = 0; m < M; m++) { v128.store(yp, normalizeV(v128.load(xp), mean, scale, beta)); xp += rs; yp += rs; }
}

// 1 column.
// @ts-ignore: decorator
@inline function normalizeCol1(xp: usize, yp: usize, rs: usize, M: i32, mean: f32, scale: f32, beta: f32): void {
  for (let m = 0; m < M; m++) { store<f32>(yp, (load<f32>(xp) - mean) * scale + beta); xp += rs; yp += rs; }
}

// ---- kernels ----

/**
 * Training forward. x, y: [M, C] (y may alias x); gamma, beta, saveMean, saveInvStd: [C]; runMean, runVar: [C] or 0.
 * mean = Σx/M, var = Σ(x − mean)²/M (biased) in float64; saveMean = mean, saveInvStd = 1/sqrt(var + eps);
 * y = (x − mean)·(gamma·invStd) + beta in float32; running statistics as in finishTrain4.
 */
export function batchNormTrain(x: usize, y: usize, M: i32, C: i32, gamma: usize, beta: usize, eps: f32, momentum: f32,
  saveMean: usize, saveInvStd: usize, runMean: usize, runVar: usize): void {
  const rs = <usize>C * 4;
  const fm = <f64>M, e = <f64>eps, mom = <f64>momentum;
  const vfm = f64x2.splat(fm), z = f64x2.splat(0);
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    const off = <usize>c * 4;
    let s0 = z, s1 = z, s2 = z, s3 = z, s4 = z, s5 = z, s6 = z, s7 = z;
    let p = x + off;
    for (let m = 0; m < M; m++) {
      const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
      s0 = f64x2.add(s0, lo64(v0)); s1 = f64x2.add(s1, hi64(v0));
      s2 = f64x2.add(s2, lo64(v1)); s3 = f64x2.add(s3, hi64(v1));
      s4 = f64x2.add(s4, lo64(v2)); s5 = f64x2.add(s5, hi64(v2));
      s6 = f64x2.add(s6, lo64(v3)); s7 = f64x2.add(s7, hi64(v3));
      p += rs;
    }
    const a0 = f64x2.div(s0, vfm), a1 = f64x2.div(s1, vfm), a2 = f64x2.div(s2, vfm), a3 = f64x2.div(s3, vfm);
    const a4 = f64x2.div(s4, vfm), a5 = f64x2.div(s5, vfm), a6 = f64x2.div(s6, vfm), a7 = f64x2.div(s7, vfm);
    let q0 = z, q1 = z, q2 = z, q3 = z, q4 = z, q5 = z, q6 = z, q7 = z;
    p = x + off;
    for (let m = 0; m < M; m++) {
      const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
      q0 = sq64(q0, lo64(v0), a0); q1 = sq64(q1, hi64(v0), a1);
      q2 = sq64(q2, lo64(v1), a2); q3 = sq64(q3, hi64(v1), a3);
      q4 = sq64(q4, lo64(v2), a4); q5 = sq64(q5, hi64(v2), a5);
      q6 = sq64(q6, lo64(v3), a6); q7 = sq64(q7, hi64(v3), a7);
      p += rs;
    }
    finishTrain4(off, a0, a1, q0, q1, fm, e, mom, saveMean, saveInvStd, runMean, runVar);
    finishTrain4(off + 16, a2, a3, q2, q3, fm, e, mom, saveMean, saveInvStd, runMean, runVar);
    finishTrain4(off + 32, a4, a5, q4, q5, fm, e, mom, saveMean, saveInvStd, runMean, runVar);
    finishTrain4(off + 48, a6, a7, q6, q7, fm, e, mom, saveMean, saveInvStd, runMean, runVar);
    const g = gamma + off, is = saveInvStd + off;
    normalizeCols16(x + off, y + off, rs, M, saveMean + off,
      f32x4.mul(v128.load(g), v128.load(is)), f32x4.mul(v128.load(g, 16), v128.load(is, 16)),
      f32x4.mul(v128.load(g, 32), v128.load(is, 32)), f32x4.mul(v128.load(g, 48), v128.load(is, 48)), beta + off);
  }
  for (; c + 4 <= C; c += 4) {
    const off = <usize>c * 4;
    let s0 = z, s1 = z;
    let p = x + off;
    for (let m = 0; m < M; m++) { const v = v128.load(p); s0 = f64x2.add(s0, lo64(v)); s1 = f64x2.add(s1, hi64(v)); p += rs; }
    const a0 = f64x2.div(s0, vfm), a1 = f64x2.div(s1, vfm);
    let q0 = z, q1 = z;
    p = x + off;
    for (let m = 0; m < M; m++) { const v = v128.load(p); q0 = sq64(q0, lo64(v), a0); q1 = sq64(q1, hi64(v), a1); p += rs; }
    finishTrain4(off, a0, a1, q0, q1, fm, e, mom, saveMean, saveInvStd, runMean, runVar);
    normalizeCols4(x + off, y + off, rs, M, v128.load(saveMean + off),
      f32x4.mul(v128.load(gamma + off), v128.load(saveInvStd + off)), v128.load(beta + off));
  }
  for (; c < C; c++) {
    const off = <usize>c * 4;
    let s: f64 = 0;
    let p = x + off;
    for (let m = 0; m < M; m++) { s += <f64>load<f32>(p); p += rs; }
    const a = s / fm;
    let q: f64 = 0;
    p = x + off;
    for (let m = 0; m < M; m++) { const d = <f64>load<f32>(p) - a; q += d * d; p += rs; }
    finishTrain1(off, a, q, fm, e, mom, saveMean, saveInvStd, runMean, runVar);
    normalizeCol1(x + off, y + off, rs, M, load<f32>(saveMean + off), load<f32>(gamma + off) * load<f32>(saveInvStd + off),
      load<f32>(beta + off));
  }
}

/**
 * Inference forward with running statistics. x, y: [M, C] (y may alias x); gamma, beta, runMean, runVar: [C].
 * y = (x − runMean)·(gamma·invStd) + beta with invStd = 1/sqrt(runVar + eps), all float32.
 */
export function batchNormInfer(x: usize, y: usize, M: i32, C: i32, gamma: usize, beta: usize, runMean: usize, runVar: usize,
  eps: f32): void {
  const rs = <usize>C * 4;
  const ve = f32x4.splat(eps), one = f32x4.splat(1);
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    const off = <usize>c * 4;
    const g = gamma + off, v = runVar + off;
    normalizeCols16(x + off, y + off, rs, M, runMean + off,
      f32x4.mul(v128.load(g), f32x4.div(one, f32x4.sqrt(f32x4.add(v128.load(v), ve)))),
      f32x4.mul(v128.load(g, 16), f32x4.div(one, f32x4.sqrt(f32x4.add(v128.load(v, 16), ve)))),
      f32x4.mul(v128.load(g, 32), f32x4.div(one, f32x4.sqrt(f32x4.add(v128.load(v, 32), ve)))),
      f32x4.mul(v128.load(g, 48), f32x4.div(one, f32x4.sqrt(f32x4.add(v128.load(v, 48), ve)))), beta + off);
  }
  for (; c + 4 <= C; c += 4) {
    const off = <usize>c * 4;
    normalizeCols4(x + off, y + off, rs, M, v128.load(runMean + off),
      f32x4.mul(v128.load(gamma + off), f32x4.div(one, f32x4.sqrt(f32x4.add(v128.load(runVar + off), ve)))), v128.load(beta + off));
  }
  for (; c < C; c++) {
    const off = <usize>c * 4;
    normalizeCol1(x + off, y + off, rs, M, load<f32>(runMean + off),
      load<f32>(gamma + off) * (<f32>1 / sqrt<f32>(load<f32>(runVar + off) + eps)), load<f32>(beta + off));
  }
}

// ---- backward ----

// xhat = (x − mean)·invStd for one f64x2 half, in float64.
// @ts-ignore: decorator
@inline function xhat64(v: v128, mean: v128, inv: v128): v128 { return f64x2.mul(f64x2.sub(v, mean), inv); }

/** Four channels at off, from the row sums g = Σdy and h = Σdy·xhat: dbeta += g, dgamma += h (float64 add, float32 store). */
// @ts-ignore: decorator
@inline function accumulateGrads4(off: usize, gLo: v128, gHi: v128, hLo: v128, hHi: v128, dgamma: usize, dbeta: usize): void {
  const b = v128.load(dbeta + off), g = v128.load(dgamma + off);
  v128.store(dbeta + off, f32of(f64x2.add(lo64(b), gLo), f64x2.add(hi64(b), gHi)));
  v128.store(dgamma + off, f32of(f64x2.add(lo64(g), hLo), f64x2.add(hi64(g), hHi)));
}

// dx = ((dy − mdy) − xhat·mdyx)·k with xhat = (x − mean)·inv, float32.
// @ts-ignore: decorator
@inline function gradV(xv: v128, dv: v128, mean: v128, inv: v128, mdy: v128, mdyx: v128, k: v128): v128 {
  const xh = f32x4.mul(f32x4.sub(xv, mean), inv);
  return f32x4.mul(f32x4.sub(f32x4.sub(dv, mdy), f32x4.mul(xh, mdyx)), k);
}

/**
 * Backward from the saved statistics. x, dy, dx: [M, C] (dx overwritten; may alias dy or x); gamma, saveMean,
 * saveInvStd: [C]; dgamma, dbeta: [C], accumulated (+=). With xhat = (x − mean)·invStd:
 * dbeta += Σdy, dgamma += Σdy·xhat (float64 sums), dx = gamma·invStd·(dy − Σdy/M − xhat·Σ(dy·xhat)/M).
 */
export function batchNormGrad(x: usize, dy: usize, dx: usize, M: i32, C: i32, gamma: usize, saveMean: usize,
  saveInvStd: usize, dgamma: usize, dbeta: usize): void {
  const rs = <usize>C * 4;
  const fm = <f64>M;
  const vfm = f64x2.splat(fm), z = f64x2.splat(0);
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    const off = <usize>c * 4;
    const mp = saveMean + off, ip = saveInvStd + off;
    const mf0 = v128.load(mp), mf1 = v128.load(mp, 16), mf2 = v128.load(mp, 32), mf3 = v128.load(mp, 48);
    const if0 = v128.load(ip), if1 = v128.load(ip, 16), if2 = v128.load(ip, 32), if3 = v128.load(ip, 48);
    const ma0 = lo64(mf0), ma1 = hi64(mf0), ma2 = lo64(mf1), ma3 = hi64(mf1);
    const ma4 = lo64(mf2), ma5 = hi64(mf2), ma6 = lo64(mf3), ma7 = hi64(mf3);
    const ia0 = lo64(if0), ia1 = hi64(if0), ia2 = lo64(if1), ia3 = hi64(if1);
    const ia4 = lo64(if2), ia5 = hi64(if2), ia6 = lo64(if3), ia7 = hi64(if3);
    let g0 = z, g1 = z, g2 = z, g3 = z, g4 = z, g5 = z, g6 = z, g7 = z;
    let h0 = z, h1 = z, h2 = z, h3 = z, h4 = z, h5 = z, h6 = z, h7 = z;
    let px = x + off, pd = dy + off;
    for (let m = 0; m < M; m++) {
      const x0 = v128.load(px), x1 = v128.load(px, 16), x2 = v128.load(px, 32), x3 = v128.load(px, 48);
      const d0 = v128.load(pd), d1 = v128.load(pd, 16), d2 = v128.load(pd, 32), d3 = v128.load(pd, 48);
      let d = lo64(d0); g0 = f64x2.add(g0, d); h0 = f64x2.add(h0, f64x2.mul(d, xhat64(lo64(x0), ma0, ia0)));
      d = hi64(d0); g1 = f64x2.add(g1, d); h1 = f64x2.add(h1, f64x2.mul(d, xhat64(hi64(x0), ma1, ia1)));
      d = lo64(d1); g2 = f64x2.add(g2, d); h2 = f64x2.add(h2, f64x2.mul(d, xhat64(lo64(x1), ma2, ia2)));
      d = hi64(d1); g3 = f64x2.add(g3, d); h3 = f64x2.add(h3, f64x2.mul(d, xhat64(hi64(x1), ma3, ia3)));
      d = lo64(d2); g4 = f64x2.add(g4, d); h4 = f64x2.add(h4, f64x2.mul(d, xhat64(lo64(x2), ma4, ia4)));
      d = hi64(d2); g5 = f64x2.add(g5, d); h5 = f64x2.add(h5, f64x2.mul(d, xhat64(hi64(x2), ma5, ia5)));
      d = lo64(d3); g6 = f64x2.add(g6, d); h6 = f64x2.add(h6, f64x2.mul(d, xhat64(lo64(x3), ma6, ia6)));
      d = hi64(d3); g7 = f64x2.add(g7, d); h7 = f64x2.add(h7, f64x2.mul(d, xhat64(hi64(x3), ma7, ia7)));
      px += rs; pd += rs;
    }
    accumulateGrads4(off, g0, g1, h0, h1, dgamma, dbeta);
    accumulateGrads4(off + 16, g2, g3, h2, h3, dgamma, dbeta);
    accumulateGrads4(off + 32, g4, g5, h4, h5, dgamma, dbeta);
    accumulateGrads4(off + 48, g6, g7, h6, h7, dgamma, dbeta);
    const mdy0 = f32of(f64x2.div(g0, vfm), f64x2.div(g1, vfm)), mdyx0 = f32of(f64x2.div(h0, vfm), f64x2.div(h1, vfm));
    const mdy1 = f32of(f64x2.div(g2, vfm), f64x2.div(g3, vfm)), mdyx1 = f32of(f64x2.div(h2, vfm), f64x2.div(h3, vfm));
    const mdy2 = f32of(f64x2.div(g4, vfm), f64x2.div(g5, vfm)), mdyx2 = f32of(f64x2.div(h4, vfm), f64x2.div(h5, vfm));
    const mdy3 = f32of(f64x2.div(g6, vfm), f64x2.div(g7, vfm)), mdyx3 = f32of(f64x2.div(h6, vfm), f64x2.div(h7, vfm));
    const gp = gamma + off;
    const k0 = f32x4.mul(v128.load(gp), if0), k1 = f32x4.mul(v128.load(gp, 16), if1);
    const k2 = f32x4.mul(v128.load(gp, 32), if2), k3 = f32x4.mul(v128.load(gp, 48), if3);
    px = x + off; pd = dy + off;
    let po = dx + off;
    for (let m = 0; m < M; m++) {
      v128.store(po, gradV(v128.load(px), v128.load(pd), mf0, if0, mdy0, mdyx0, k0));
      v128.store(po, gradV(v128.load(px, 16), v128.load(pd, 16), mf1, if1, mdy1, mdyx1, k1), 16);
      v128.store(po, gradV(v128.load(px, 32), v128.load(pd, 32), mf2, if2, mdy2, mdyx2, k2), 32);
      v128.store(po, gradV(v128.load(px, 48), v128.load(pd, 48), mf3, if3, mdy3, mdyx3, k3), 48);
      px += rs; pd += rs; po += rs;
    }
  }
  for (; c + 4 <= C; c += 4) {
    const off = <usize>c * 4;
    const mf = v128.load(saveMean + off), inf = v128.load(saveInvStd + off);
    const maLo = lo64(mf), maHi = hi64(mf), iaLo = lo64(inf), iaHi = hi64(inf);
    let gLo = z, gHi = z, hLo = z, hHi = z;
    let px = x + off, pd = dy + off;
    for (let m = 0; m < M; m++) {
      const xv = v128.load(px), dv = v128.load(pd);
      let d = lo64(dv); gLo = f64x2.add(gLo, d); hLo = f64x2.add(hLo, f64x2.mul(d, xhat64(lo64(xv), maLo, iaLo)));
      d = hi64(dv); gHi = f64x2.add(gHi, d); hHi = f64x2.add(hHi, f64x2.mul(d, xhat64(hi64(xv), maHi, iaHi)));
      px += rs; pd += rs;
    }
    accumulateGrads4(off, gLo, gHi, hLo, hHi, dgamma, dbeta);
    const mdy = f32of(f64x2.div(gLo, vfm), f64x2.div(gHi, vfm)), mdyx = f32of(f64x2.div(hLo, vfm), f64x2.div(hHi, vfm));
    const k = f32x4.mul(v128.load(gamma + off), inf);
    px = x + off; pd = dy + off;
    let po = dx + off;
    for (let m = 0; m < M; m++) {
      v128.store(po, gradV(v128.load(px), v128.load(pd), mf, inf, mdy, mdyx, k));
      px += rs; pd += rs; po += rs;
    }
  }
  for (; c < C; c++) {
    const off = <usize>c * 4;
    const mf = load<f32>(saveMean + off), inf = load<f32>(saveInvStd + off);
    const ma = <f64>mf, ia = <f64>inf;
    let g: f64 = 0, h: f64 = 0;
    let px = x + off, pd = dy + off;
    for (let m = 0; m < M; m++) {
      const d = <f64>load<f32>(pd);
      g += d; h += d * ((<f64>load<f32>(px) - ma) * ia);
      px += rs; pd += rs;
    }
    store<f32>(dbeta + off, <f32>(<f64>load<f32>(dbeta + off) + g));
    store<f32>(dgamma + off, <f32>(<f64>load<f32>(dgamma + off) + h));
    const mdy = <f32>(g / fm), mdyx = <f32>(h / fm);
    const k = load<f32>(gamma + off) * inf;
    px = x + off; pd = dy + off;
    let po = dx + off;
    for (let m = 0; m < M; m++) {
      store<f32>(po, ((load<f32>(pd) - mdy) - ((load<f32>(px) - mf) * inf) * mdyx) * k);
      px += rs; pd += rs; po += rs;
    }
  }
}
