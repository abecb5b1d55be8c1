// Softmax cross-entropy on logits [128, 10] with one-hot targets: per-row loss and dL/dlogits in one call (simdnet's
// fused kernel; tfjs-wasm: valueAndGrad of tf.losses.softmaxCrossEntropy). GB/s: logits, targets, loss, dlogits once.
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Figure, Spec } from './harness.js';

function softmaxCeFigure(): Figure {
  const rows = 128, cols = 10;
  const lv = randomValues(rows * cols, 10, -4, 4);
  const tv = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) tv[r * cols + ((r * 7) % cols)] = 1;
  const bufs = new Buffers();
  const logits = bufs.put(lv), target = bufs.put(tv), loss = bufs.alloc(rows), d = bufs.alloc(rows * cols);
  const tl = tfTensor('wasm', lv, [rows, cols]), tt = tfTensor('wasm', tv, [rows, cols]);
  const vg = tf.valueAndGrad((l: tf.Tensor) => tf.losses.softmaxCrossEntropy(tt, l));
  return {
    family: 'softmax', name: 'softmax cross-entropy', shape: '[128,10]', unit: 'GB/s', work: 4 * (3 * rows * cols + rows),
    probe: 'copy', copyBytes: 4 * rows * cols,
    contenders: [
      { name: 'simdnet', run: () => kern.softmaxCrossEntropy(logits, target, loss, d, rows, cols, 1 / rows, 0) },
      tfContender('wasm', () => { const r = vg(tl); return [r.value, r.grad]; }),
    ],
    note: 'tiny: the time is mostly call overhead',
    dispose: () => { bufs.release(); tl.dispose(); tt.dispose(); },
  };
}

export function softmaxFigures(): Spec[] { return [{ label: 'softmax cross-entropy', build: softmaxCeFigure }]; }
