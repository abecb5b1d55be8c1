// simdnet's own exp and log mapped over 1M floats (mathExp on [-10, 10), mathLog on [1e-3, 10)). GB/s counts x read
// and y written once. tfjs-wasm: tf.exp / tf.log (its own math, not bit-identical to ours).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Figure, Spec } from './harness.js';

const N = 1 << 20;

function mathFigure(kind: 'mathExp' | 'mathLog'): Figure {
  const xv = kind === 'mathExp' ? randomValues(N, 31, -10, 10) : randomValues(N, 32, 1e-3, 10);
  const bufs = new Buffers();
  const x = bufs.put(xv), y = bufs.alloc(N);
  const tx = tfTensor('wasm', xv, [N]);
  return {
    family: 'math', name: kind, shape: '1M floats', unit: 'GB/s', work: 4 * 2 * N, probe: 'copy', copyBytes: 4 * N,
    contenders: [
      { name: 'simdnet', run: () => kern.mathMap(kind, x, y, N) },
      tfContender('wasm', () => (kind === 'mathExp' ? tf.exp(tx) : tf.log(tx))),
    ],
    dispose: () => { bufs.release(); tx.dispose(); },
  };
}

export function mathFigures(): Spec[] {
  return (['mathExp', 'mathLog'] as const).map((k) => ({ label: k, build: () => mathFigure(k) }));
}
