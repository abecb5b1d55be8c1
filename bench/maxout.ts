// Maxout over groups of k = 2 and 4 consecutive channels, x [M, C·k] = 1M floats with C = 256 → y [M, C] and the
// winner's index arg [M, C] (int32, for the backward). GB/s counts x read, y and arg written once.
// tfjs-wasm: tf.max(tf.reshape(x, [M, C, k]), 2) (no index output; tfjs's max gradient recomputes it).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Figure, Spec } from './harness.js';

const N = 1 << 20, C = 256;

function maxoutFigure(k: number): Figure {
  const M = N / (C * k);
  const xv = randomValues(N, 80 + k);
  const bufs = new Buffers();
  const x = bufs.put(xv), y = bufs.alloc(M * C), arg = bufs.alloc(M * C);
  const tx = tfTensor('wasm', xv, [M, C * k]);
  return {
    family: 'maxout', name: `maxout k=${k}`, shape: `[${M},${C * k}]→[${M},${C}]`, unit: 'GB/s', work: 4 * (N + 2 * M * C),
    probe: 'copy', copyBytes: 4 * N,
    contenders: [
      { name: 'simdnet', run: () => kern.maxout(x, y, arg, M, C, k) },
      tfContender('wasm', () => tf.tidy(() => tf.max(tf.reshape(tx, [M, C, k]), 2))),
    ],
    note: 'tfjs: reshape + max, no index output',
    dispose: () => { bufs.release(); tx.dispose(); },
  };
}

export function maxoutFigures(): Spec[] {
  return [2, 4].map((k) => ({ label: `maxout k=${k}`, build: () => maxoutFigure(k) }));
}
