// Random draws of 1M floats from simdnet's Philox4x32-10 stream: randomUniform in [-1, 1) and randomNormal (Box–Muller).
// GB/s counts the output written once. tfjs-wasm: tf.randomUniform / tf.randomNormal (drawn in JavaScript by
// tfjs-core, then uploaded to the backend).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, tf, tfContender } from './common.js';
import type { Figure, Spec } from './harness.js';

const N = 1 << 20;

function randomFigure(kind: 'uniform' | 'normal'): Figure {
  const bufs = new Buffers();
  const out = bufs.alloc(N);
  // A fresh stretch of the stream each call, as a training run would draw.
  let offset = 0;
  const draw = () => { const d = { seedLo: 1234, seedHi: 0, stream: 0, offset }; offset += N; return d; };
  return {
    family: 'random', name: kind === 'uniform' ? 'randomUniform' : 'randomNormal', shape: '1M floats', unit: 'GB/s',
    work: 4 * N, probe: 'copy', copyBytes: 4 * N,
    contenders: [
      { name: 'simdnet', run: kind === 'uniform' ? () => kern.randomUniform(out, N, draw(), -1, 1)
        : () => kern.randomNormal(out, N, draw(), 0, 1) },
      tfContender('wasm', kind === 'uniform' ? () => tf.randomUniform([N], -1, 1) : () => tf.randomNormal([N])),
    ],
    dispose: () => bufs.release(),
  };
}

export function randomFigures(): Spec[] {
  return (['uniform', 'normal'] as const).map((k) => ({ label: `random${k === 'uniform' ? 'Uniform' : 'Normal'}`, build: () => randomFigure(k) }));
}
