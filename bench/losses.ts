// Loss figures, per-row loss and its gradient in one call: mseLoss on [128,784] (an autoencoder's output) and sparse
// softmax cross-entropy (int32 labels) on [128,10] and [128,1000]. GB/s counts every input read and output written once.
// tfjs-wasm: valueAndGrad of tf.losses.meanSquaredError, and of tf.losses.softmaxCrossEntropy over tf.oneHot(labels).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, onTf, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Figure, Spec } from './harness.js';

function mseFigure(): Figure {
  const rows = 128, cols = 784, n = rows * cols;
  const tv = randomValues(n, 51, 0, 1), pv = randomValues(n, 52, 0, 1);
  const bufs = new Buffers();
  const t = bufs.put(tv), p = bufs.put(pv), loss = bufs.alloc(rows), d = bufs.alloc(n);
  const tt = tfTensor('wasm', tv, [rows, cols]), tp = tfTensor('wasm', pv, [rows, cols]);
  const vg = tf.valueAndGrad((q: tf.Tensor) => tf.losses.meanSquaredError(tt, q));
  return {
    family: 'losses', name: 'mseLoss + gradient', shape: `[${rows},${cols}]`, unit: 'GB/s', work: 4 * (3 * n + rows),
    probe: 'copy', copyBytes: 4 * n,
    contenders: [
      { name: 'simdnet', run: () => kern.mseLoss(t, p, loss, d, rows, cols, 1 / rows) },
      tfContender('wasm', () => tf.tidy(() => { const r = vg(tp); return [r.value, r.grad]; })),
    ],
    note: 'tfjs returns the mean loss only, simdnet the loss of every row',
    dispose: () => { bufs.release(); tt.dispose(); tp.dispose(); },
  };
}

function sparseCeFigure(rows: number, cols: number): Figure {
  const n = rows * cols;
  const xv = randomValues(n, 53, -4, 4);
  const lv = Int32Array.from({ length: rows }, (_, r) => (r * 7) % cols);
  const bufs = new Buffers();
  const x = bufs.put(xv), labels = bufs.put(lv), loss = bufs.alloc(rows), d = bufs.alloc(n), scratch = bufs.alloc(cols);
  const tx = tfTensor('wasm', xv, [rows, cols]), tl = onTf('wasm', () => tf.tensor1d(lv, 'int32'));
  const vg = tf.valueAndGrad((l: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(tl, cols), l));
  return {
    family: 'losses', name: 'sparse softmax cross-entropy + gradient', shape: `[${rows},${cols}]`, unit: 'GB/s',
    work: 4 * (2 * n + 2 * rows), probe: 'copy', copyBytes: 4 * n,
    contenders: [
      { name: 'simdnet', run: () => kern.sparseSoftmaxCrossEntropy(x, labels, loss, d, rows, cols, 1 / rows, scratch) },
      tfContender('wasm', () => tf.tidy(() => { const r = vg(tx); return [r.value, r.grad]; })),
    ],
    note: cols <= 10 ? 'tiny: the time is mostly call overhead' : undefined,
    dispose: () => { bufs.release(); tx.dispose(); tl.dispose(); },
  };
}

export function lossesFigures(): Spec[] {
  return [
    { label: 'mseLoss', build: mseFigure },
    { label: 'sparse softmax cross-entropy [128,10]', build: () => sparseCeFigure(128, 10) },
    { label: 'sparse softmax cross-entropy [128,1000]', build: () => sparseCeFigure(128, 1000) },
  ];
}
