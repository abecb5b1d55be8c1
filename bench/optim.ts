// Optimizer steps over 1M float parameters: sgdUpdate (w −= lr·g) and adamUpdate (fused Adam, step 10). GB/s counts
// every array read and written once (sgd: w, g read, w written; Adam: w, g, m, v read, w, m, v written).
// tfjs-wasm: tf.train.sgd / tf.train.adam applyGradients on a tf.variable (its own composed ops, assigned back).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, onTf, randomValues, tf, tfContender } from './common.js';
import type { Figure, Spec } from './harness.js';

const N = 1 << 20, LR = 1e-3, B1 = 0.9, B2 = 0.999, EPS = 1e-7, STEP = 10;
let names = 0;

function optimFigure(kind: 'sgd' | 'adam'): Figure {
  const wv = randomValues(N, 61), gv = randomValues(N, 62, -0.1, 0.1);
  const bufs = new Buffers();
  const w = bufs.put(wv), g = bufs.put(gv), m = bufs.alloc(N), v = bufs.alloc(N);
  const c1 = 1 / (1 - B1 ** STEP), c2 = 1 / (1 - B2 ** STEP);
  const name = `bench-optim-${names++}`;
  const tw = onTf('wasm', () => tf.tidy(() => tf.variable(tf.tensor1d(wv), true, name)));
  const tg = onTf('wasm', () => tf.tensor1d(gv));
  const opt = kind === 'sgd' ? tf.train.sgd(LR) : tf.train.adam(LR, B1, B2, EPS);
  return {
    family: 'optim', name: `${kind}Update`, shape: '1M parameters', unit: 'GB/s', work: 4 * N * (kind === 'sgd' ? 3 : 7),
    probe: 'copy', copyBytes: 4 * N,
    contenders: [
      { name: 'simdnet', run: kind === 'sgd' ? () => kern.sgdUpdate(w, g, N, LR)
        : () => kern.adamUpdate(w, g, m, v, N, LR, B1, B2, EPS, c1, c2, 0) },
      tfContender('wasm', () => { opt.applyGradients([{ name, tensor: tg }]); }),
    ],
    note: 'tfjs: optimizer.applyGradients on a variable',
    dispose: () => { bufs.release(); opt.dispose(); tw.dispose(); tg.dispose(); },
  };
}

export function optimFigures(): Spec[] {
  return (['sgd', 'adam'] as const).map((k) => ({ label: `${k}Update`, build: () => optimFigure(k) }));
}
