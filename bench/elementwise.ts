// Elementwise figures on 1M floats: add, mul, axpy (y += α·x, in place) and biasAdd ([8192,128] + bias [128]). GB/s
// counts every array read or written once (bias once). tfjs-wasm: tf.add / tf.mul; axpy as tf.add(tf.mul(x, α), y)
// into a new tensor (tfjs has no in-place update); biasAdd as a broadcasting tf.add.
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Contender, Figure, Spec } from './harness.js';

type Op = 'add' | 'mul' | 'axpy' | 'biasAdd';
const N = 1 << 20, COLS = 128, ROWS = N / COLS;

function elementwiseFigure(op: Op): Figure {
  const av = randomValues(N, 21), bv = randomValues(N, 22), biasv = randomValues(COLS, 23);
  const bufs = new Buffers();
  const a = bufs.put(av), b = bufs.put(bv), bias = bufs.put(biasv), out = bufs.alloc(N);
  const ta = tfTensor('wasm', av, [ROWS, COLS]), tb = tfTensor('wasm', bv, [ROWS, COLS]), tbias = tfTensor('wasm', biasv, [COLS]);
  // axpy alternates the sign of α so y stays where it started.
  let sign = 1;
  const ours: Contender = { name: 'simdnet', run:
    op === 'add' || op === 'mul' ? () => kern.binary(op, a, b, out, N)
    : op === 'axpy' ? () => { kern.axpy(1e-3 * (sign = -sign), a, b, N); }
    : () => kern.biasAdd(a, bias, out, ROWS, COLS) };
  const peer = tfContender('wasm', op === 'add' ? () => tf.add(ta, tb) : op === 'mul' ? () => tf.mul(ta, tb)
    : op === 'axpy' ? () => tf.tidy(() => tf.add(tf.mul(ta, 1e-3), tb)) : () => tf.add(ta, tbias));
  return {
    family: 'elementwise', name: op, shape: op === 'biasAdd' ? `[${ROWS},${COLS}] + [${COLS}]` : '1M floats', unit: 'GB/s',
    work: op === 'biasAdd' ? 4 * (2 * N + COLS) : 4 * 3 * N, probe: 'copy', copyBytes: 4 * N, contenders: [ours, peer],
    note: op === 'axpy' ? 'tfjs: mul then add into a new tensor' : undefined,
    dispose: () => { bufs.release(); ta.dispose(); tb.dispose(); tbias.dispose(); },
  };
}

export function elementwiseFigures(): Spec[] {
  return (['add', 'mul', 'axpy', 'biasAdd'] as Op[]).map((op) => ({ label: op, build: () => elementwiseFigure(op) }));
}
