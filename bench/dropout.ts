// Inverted dropout on 1M floats at rate 0.5: the forward (mask drawn from the Philox stream, y = x·mask) and the
// gradient (dx = dy·mask). GB/s counts each array read or written once (forward x read, y and mask written; gradient
// dy, mask read, dx written). tfjs-wasm: tf.dropout (mask drawn in JavaScript), and tf.mul(dy, mask) for the gradient.
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Figure, Spec } from './harness.js';

const N = 1 << 20, RATE = 0.5;

function dropoutFigure(grad: boolean): Figure {
  const xv = randomValues(N, 71), dyv = randomValues(N, 72);
  const bufs = new Buffers();
  const x = bufs.put(xv), dy = bufs.put(dyv), y = bufs.alloc(N), mask = bufs.alloc(N), dx = bufs.alloc(N);
  let offset = 0; // a fresh stretch of the stream each call, as training draws
  const forward = () => { kern.dropout(x, y, mask, N, RATE, { seedLo: 99, seedHi: 0, stream: 1, offset }); offset += N; };
  forward();
  const tx = tfTensor('wasm', xv, [N]), tdy = tfTensor('wasm', dyv, [N]);
  const tmask = tfTensor('wasm', Float32Array.from(xv, (v, i) => (i & 1 ? 0 : 1 / (1 - RATE))), [N]);
  return {
    family: 'dropout', name: grad ? 'dropoutGrad' : 'dropout', shape: '1M floats, rate 0.5', unit: 'GB/s', work: 4 * 3 * N,
    probe: 'copy', copyBytes: 4 * N,
    contenders: [
      { name: 'simdnet', run: grad ? () => kern.dropoutGrad(dy, mask, dx, N) : forward },
      tfContender('wasm', grad ? () => tf.mul(tdy, tmask) : () => tf.dropout(tx, RATE)),
    ],
    dispose: () => { bufs.release(); tx.dispose(); tdy.dispose(); tmask.dispose(); },
  };
}

export function dropoutFigures(): Spec[] {
  return [false, true].map((g) => ({ label: g ? 'dropoutGrad' : 'dropout forward', build: () => dropoutFigure(g) }));
}
