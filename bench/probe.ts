// The machine probes every figure is paired with (makeProbes: the f32x4 multiply-add peak and memory.copy), and two
// figures of the probes themselves (GFLOP/s; GB/s of bytes read + written), each paired with its own probe: the spread
// of that ratio around 1 shows how noisy the machine is in this run. No peer runs a probe.
import * as kern from '../src/backend/kernels/index.js';
import { backend } from '../src/backend/module.js';
import type { Figure, Probes, Spec } from './harness.js';

/** The probes the harness samples beside each figure; copy buffers are allocated once per size and kept. */
export function makeProbes(): Probes {
  const copyBufs = new Map<number, [number, number]>();
  return {
    peak: (it) => { kern.peakProbe(it, 0.001); },
    peakFlops: (it) => it * kern.peakProbeFlopsPerIteration(),
    copy: (bytes, reps) => {
      let b = copyBufs.get(bytes);
      if (!b) {
        const arena = backend().arena;
        b = [arena.alloc(bytes), arena.alloc(bytes)];
        arena.u8.fill(1, b[0], b[0] + bytes);
        copyBufs.set(bytes, b);
      }
      kern.copyProbe(b[0], b[1], bytes, reps);
    },
  };
}

const na = { name: 'tfjs-wasm', na: 'a machine probe, no peer' };

function peakFigure(): Figure {
  const it = 20000;
  return {
    family: 'probe', name: 'peak probe', shape: `${it} iterations`, unit: 'GFLOP/s',
    work: it * kern.peakProbeFlopsPerIteration(), probe: 'peak',
    contenders: [{ name: 'simdnet', run: () => kern.peakProbe(it, 0.001) }, na],
  };
}

function copyFigure(): Figure {
  const bytes = 4 << 20;
  const arena = backend().arena;
  const src = arena.alloc(bytes), dst = arena.alloc(bytes);
  arena.u8.fill(1, src, src + bytes);
  return {
    family: 'probe', name: 'memory.copy', shape: '4 MB', unit: 'GB/s', work: 2 * bytes, probe: 'copy', copyBytes: bytes,
    contenders: [{ name: 'simdnet', run: () => kern.copyProbe(src, dst, bytes, 1) }, na],
    dispose: () => { arena.release(src); arena.release(dst); },
  };
}

export function probeFigures(): Spec[] {
  return [{ label: 'peak probe', build: peakFigure }, { label: 'memory.copy probe', build: copyFigure }];
}
