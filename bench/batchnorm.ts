// Batch normalisation figures on [64,14,14,32] (statistics per channel over 64·14·14 rows): the training forward and
// the backward. GB/s counts x and y (forward) or x, dy and dx (backward) once. tfjs-wasm: moments + batchNorm forward,
// and tf.grads of that composition for the backward (its only training path).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfContender, tfTensor, tfTry } from './common.js';
import type { Contender, Figure, Spec } from './harness.js';

function bnFigure(backward: boolean): Figure {
  const M = 64 * 14 * 14, C = 32, n = M * C;
  const xv = randomValues(n, 11), dyv = randomValues(n, 12), gv = randomValues(C, 13, 0.5, 1.5), bv = randomValues(C, 14);
  const bufs = new Buffers();
  const x = bufs.put(xv), dy = bufs.put(dyv), gamma = bufs.put(gv), beta = bufs.put(bv);
  const y = bufs.alloc(n), dx = bufs.alloc(n), mean = bufs.alloc(C), invStd = bufs.alloc(C), dg = bufs.alloc(C), dbt = bufs.alloc(C);
  const runMean = bufs.alloc(C), runVar = bufs.alloc(C);
  const train = () => kern.batchNormTrain({ x, y, M, C, gamma, beta, eps: 1e-3, momentum: 0.99, saveMean: mean, saveInvStd: invStd, runMean, runVar });
  train();
  const shape = [64, 14, 14, 32];
  const tx = tfTensor('wasm', xv, shape), tdy = tfTensor('wasm', dyv, shape), tg = tfTensor('wasm', gv, [C]), tb = tfTensor('wasm', bv, [C]);
  const fwd = (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean: m, variance: v } = tf.moments(xx, [0, 1, 2]);
    return tf.batchNorm(xx, m, v, b, g, 1e-3);
  };
  let ours: Contender, peer: Contender;
  if (!backward) {
    ours = { name: 'simdnet', run: train };
    peer = tfContender('wasm', () => tf.tidy(() => fwd(tx, tg, tb)));
  } else {
    ours = { name: 'simdnet', run: () => kern.batchNormGrad(x, dy, dx, M, C, gamma, mean, invStd, dg, dbt) };
    const grads = tf.grads((xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fwd(xx, g, b), tdy)));
    peer = tfTry('wasm', () => grads([tx, tg, tb]));
  }
  return {
    family: 'batchnorm', name: `batchNorm ${backward ? 'backward' : 'train forward'}`, shape: '[64,14,14,32]', unit: 'GB/s',
    work: 4 * n * (backward ? 3 : 2), probe: 'copy', copyBytes: 4 * n, contenders: [ours, peer],
    note: backward ? 'tfjs: tf.grads of moments + batchNorm (also recomputes the forward)' : undefined,
    dispose: () => { bufs.release(); [tx, tdy, tg, tb].forEach((t) => t.dispose()); },
  };
}

export function batchnormFigures(): Spec[] {
  return [{ label: 'batchNorm train forward', build: () => bnFigure(false) }, { label: 'batchNorm backward', build: () => bnFigure(true) }];
}
