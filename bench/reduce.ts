// Reductions of x [1024, 1024] (1M floats): reduceSum over the rows (axis 0 → [1024]) and over the columns (axis 1 →
// [1024]), argMax over the columns (int32 [1024]). GB/s counts x read and the output written once.
// tfjs-wasm: tf.sum(x, axis) / tf.argMax(x, 1).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Figure, Spec } from './harness.js';

const R = 1024, C = 1024;
type Kind = 'reduceSum axis 0' | 'reduceSum axis 1' | 'argMax axis 1';

function reduceFigure(kind: Kind): Figure {
  const xv = randomValues(R * C, 41);
  const bufs = new Buffers();
  const x = bufs.put(xv), out = bufs.alloc(Math.max(R, C));
  const tx = tfTensor('wasm', xv, [R, C]);
  // x viewed as [outer, n, inner], reduced along n.
  const run = kind === 'reduceSum axis 0' ? () => kern.reduceSum(x, out, 1, R, C)
    : kind === 'reduceSum axis 1' ? () => kern.reduceSum(x, out, R, C, 1) : () => kern.argMax(x, out, R, C, 1);
  const outN = kind === 'reduceSum axis 0' ? C : R;
  return {
    family: 'reduce', name: kind, shape: `[${R},${C}]`, unit: 'GB/s', work: 4 * (R * C + outN), probe: 'copy',
    copyBytes: 4 * R * C,
    contenders: [
      { name: 'simdnet', run },
      tfContender('wasm', kind === 'reduceSum axis 0' ? () => tf.sum(tx, 0)
        : kind === 'reduceSum axis 1' ? () => tf.sum(tx, 1) : () => tf.argMax(tx, 1)),
    ],
    dispose: () => { bufs.release(); tx.dispose(); },
  };
}

export function reduceFigures(): Spec[] {
  return (['reduceSum axis 0', 'reduceSum axis 1', 'argMax axis 1'] as Kind[]).map((k) => ({ label: k, build: () => reduceFigure(k) }));
}
