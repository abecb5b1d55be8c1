// Activation figures on 1M floats: relu, sigmoid, tanh and their gradients. GB/s counts each array read or written once
// (forward x + y; gradient saved + dy + dx). tfjs has no fused gradient kernels: its peer runs the ops its own
// gradient functions use (relu: dy·step(x); sigmoid: dy·y·(1 − y); tanh: (1 − y²)·dy).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfContender, tfTensor } from './common.js';
import type { Contender, Figure, Spec } from './harness.js';

type Act = 'relu' | 'sigmoid' | 'tanh';
const N = 1 << 20;

function actFigure(act: Act, grad: boolean): Figure {
  const xv = randomValues(N, 8, -3, 3), dyv = randomValues(N, 9);
  const bufs = new Buffers();
  const x = bufs.put(xv), dy = bufs.put(dyv), y = bufs.alloc(N), dx = bufs.alloc(N);
  kern.unary(act, x, y, N);
  const tx = tfTensor('wasm', xv, [N]), tdy = tfTensor('wasm', dyv, [N]);
  const ty = act === 'relu' ? tf.relu(tx) : act === 'sigmoid' ? tf.sigmoid(tx) : tf.tanh(tx);
  let ours: Contender, peer: Contender;
  if (!grad) {
    ours = { name: 'simdnet', run: () => kern.unary(act, x, y, N) };
    peer = tfContender('wasm', () => (act === 'relu' ? tf.relu(tx) : act === 'sigmoid' ? tf.sigmoid(tx) : tf.tanh(tx)));
  } else {
    ours = act === 'relu'
      ? { name: 'simdnet', run: () => kern.unaryGrad('reluGrad', x, dy, dx, N) }
      : { name: 'simdnet', run: () => kern.unaryGrad(act === 'sigmoid' ? 'sigmoidGrad' : 'tanhGrad', y, dy, dx, N) };
    peer = tfContender('wasm', () => tf.tidy(() => act === 'relu' ? tf.mul(tdy, tf.step(tx))
      : act === 'sigmoid' ? tf.mul(tdy, tf.mul(ty, tf.sub(1, ty))) : tf.mul(tf.sub(1, tf.square(ty)), tdy)));
  }
  const min = act === 'relu' ? 0.8 : 0.5;
  return {
    family: 'activations', name: `${act}${grad ? 'Grad' : ''}`, shape: '1M floats', unit: 'GB/s', work: 4 * N * (grad ? 3 : 2),
    probe: 'copy', copyBytes: 4 * N, contenders: [ours, peer],
    targets: [{ kind: 'probe', min, label: `${act}${grad ? ' gradient' : ''} vs memory.copy` }],
    note: grad ? 'tfjs: composed ops of its gradient function' : undefined,
    dispose: () => { bufs.release(); tx.dispose(); tdy.dispose(); ty.dispose(); },
  };
}

export function activationsFigures(): Spec[] {
  return (['relu', 'sigmoid', 'tanh'] as Act[]).flatMap((a) => [false, true].map((g) => ({
    label: `${a}${g ? 'Grad' : ''}`, build: () => actFigure(a, g),
  })));
}
