// Pooling figures: max and average 2×2 stride 2 on [64,28,28,32], forward and backward. GB/s counts each tensor read
// or written once (forward x + y; max backward x + dy + dx; average backward dy + dx).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Contender, Figure, Spec } from './harness.js';

function poolFigure(kind: 'max' | 'avg', backward: boolean): Figure {
  const N = 64, H = 28, W = 28, C = 32;
  const g: kern.PoolGeometry = { N, H, W, C, ph: 2, pw: 2, strideH: 2, strideW: 2, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 };
  const nx = N * H * W * C, ny = nx / 4;
  const xv = randomValues(nx, 6), dyv = randomValues(ny, 7);
  const bufs = new Buffers();
  const x = bufs.put(xv), dy = bufs.put(dyv), y = bufs.alloc(ny), dx = bufs.alloc(nx);
  const tx = tfTensor('wasm', xv, [N, H, W, C]) as tf.Tensor4D, tdy = tfTensor('wasm', dyv, [N, H / 2, W / 2, C]) as tf.Tensor4D;
  const ty = kind === 'max' ? tf.maxPool(tx, 2, 2, 'valid') : tf.avgPool(tx, 2, 2, 'valid');
  const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };
  let ours: Contender, peer: Contender, bytes: number;
  if (!backward) {
    ours = { name: 'simdnet', run: () => (kind === 'max' ? kern.maxPool2d(g, x, y) : kern.avgPool2d(g, x, y, false)) };
    peer = tfContender('wasm', () => (kind === 'max' ? tf.maxPool(tx, 2, 2, 'valid') : tf.avgPool(tx, 2, 2, 'valid')));
    bytes = 4 * (nx + ny);
  } else if (kind === 'max') {
    ours = { name: 'simdnet', run: () => kern.maxPool2dGrad(g, x, dy, dx) };
    peer = tfContender('wasm', () => tf.engine().runKernel('MaxPoolGrad', { dy: tdy, input: tx, output: ty }, attrs) as tf.Tensor);
    bytes = 4 * (2 * nx + ny);
  } else {
    ours = { name: 'simdnet', run: () => kern.avgPool2dGrad(g, dy, dx, false) };
    peer = tfContender('wasm', () => tf.engine().runKernel('AvgPoolGrad', { dy: tdy, input: tx }, attrs) as tf.Tensor);
    bytes = 4 * (nx + ny);
  }
  return {
    family: 'pool', name: `${kind}Pool ${backward ? 'backward' : 'forward'}`, shape: '[64,28,28,32] 2×2', unit: 'GB/s',
    work: bytes, probe: 'copy', copyBytes: 4 * nx, contenders: [ours, peer],
    targets: [{ kind: 'peer', peer: 'tfjs-wasm', min: 1.5, label: `pooling ${backward ? 'backward' : 'forward'} vs tfjs-wasm` }],
    dispose: () => { bufs.release(); tx.dispose(); tdy.dispose(); ty.dispose(); },
  };
}

export function poolFigures(): Spec[] {
  return (['max', 'avg'] as const).flatMap((k) => [false, true].map((b) => ({
    label: `${k}Pool ${b ? 'backward' : 'forward'}`, build: () => poolFigure(k, b),
  })));
}
