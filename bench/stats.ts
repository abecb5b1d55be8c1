// Training-diagnostics statistics over 1M floats: tensorStats (count, Σx, Σx², min, max, zeros, non-finite, Σ|x|),
// and histogram into 64 bins over [−1, 1), on uniform data and on data half on a bin edge (exact zeros: ReLU-like
// outputs, each decided by the exact edge test). GB/s counts x read once (the outputs are a few bytes).
// tfjs-wasm: moments + min + max + sum(abs) composed (no finite or zero counts); histogram: floor, clip, cast and
// bincount composed in float32 (not exact at edges).
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues, tf, tfTensor, tfTry } from './common.js';
import type { Figure, Spec } from './harness.js';

const N = 1 << 20, BINS = 64, LO = -1, HI = 1;
type Kind = 'tensorStats' | 'histogram' | 'histogram, half on an edge';

function statsFigure(kind: Kind): Figure {
  const xv = randomValues(N, 71);
  if (kind === 'histogram, half on an edge') for (let i = 0; i < N; i += 2) xv[i] = 0; // 0 is the edge of bin 32
  const bufs = new Buffers();
  const x = bufs.put(xv), slots = bufs.alloc(2 * kern.TENSOR_STATS_SLOTS), counts = bufs.alloc(BINS);
  const tx = tfTensor('wasm', xv, [N]);
  const run = kind === 'tensorStats' ? () => { kern.tensorStats(x, N, slots); }
    : () => kern.histogram(x, N, LO, HI, BINS, counts);
  const moments = () => tf.tidy(() => {
    const m = tf.moments(tx);
    return [m.mean, m.variance, tf.min(tx), tf.max(tx), tf.sum(tf.abs(tx))];
  });
  const bincount = () => tf.tidy(() => {
    const bin = tf.clipByValue(tf.floor(tf.mul(tf.sub(tx, LO), BINS / (HI - LO))), 0, BINS - 1);
    return tf.bincount(tf.cast(bin, 'int32') as tf.Tensor1D, [], BINS);
  });
  return {
    family: 'stats', name: kind, shape: kind === 'tensorStats' ? '1M floats' : `1M floats, ${BINS} bins`, unit: 'GB/s',
    work: 4 * N, probe: 'copy', copyBytes: 4 * N,
    contenders: [{ name: 'simdnet', run }, tfTry('wasm', kind === 'tensorStats' ? moments : bincount)],
    note: kind === 'tensorStats' ? 'tfjs: moments + min + max + sum(abs), no finite/zero counts'
      : 'tfjs: floor/clip/cast + bincount in float32 (not exact at edges)',
    dispose: () => { bufs.release(); tx.dispose(); },
  };
}

export function statsFigures(): Spec[] {
  const kinds: Kind[] = ['tensorStats', 'histogram', 'histogram, half on an edge'];
  return kinds.map((k) => ({ label: k, build: () => statsFigure(k) }));
}
