// Where splitting a kernel call over 2 threads starts to pay: square GEMMs, copy, the Adam update and tanh at growing
// sizes, each timed split (every size threshold 0, no back-off) against one thread, interleaved block by block; rounds
// during which other processes used a tenth of a core are set apart. Prints the median ratio per size and, per
// family, the smallest size from which every larger one ran faster split, beside the threshold src/backend/thread-splits.ts
// uses (MIN_MACS, MIN_ELEMENTS, the per-element costs). `tsx bench/threads-crossover.ts [--rounds R]`. Node only.
import { init } from '../src/index.js';
import { backend } from '../src/backend/module.js';
import type { Pool } from '../src/backend/threads.js';
import { MIN_ELEMENTS, MIN_MACS } from '../src/backend/thread-splits.js';
import * as kern from '../src/backend/kernels/index.js';
import { Buffers, randomValues } from './common.js';
import { timedAlone } from './machine.js';

const ROUNDS = (() => { const i = process.argv.indexOf('--rounds'); return i > 0 ? Number(process.argv[i + 1]) : 9; })();
await init({ threads: 2 });
const pool = backend().threads as Pool | undefined;
if (!pool) throw new Error('bench/threads-crossover: no threads here');
const bufs = new Buffers();

interface Family { name: string; unit: string; threshold: string; sizes: number[]; make(size: number): () => void }
const families: Family[] = [
  { name: 'GEMM n×n×n', unit: 'multiply-adds', threshold: `${2 * MIN_MACS} (2·MIN_MACS)`, sizes: [16, 24, 32, 48, 64, 96, 128],
    make: (n) => { const a = bufs.put(randomValues(n * n, 1)), b = bufs.put(randomValues(n * n, 2)), c = bufs.alloc(n * n);
      return () => kern.gemm({ transA: false, transB: false, M: n, N: n, K: n, a, lda: n, b, ldb: n, c, ldc: n }); } },
  { name: 'copy', unit: 'elements', threshold: `${MIN_ELEMENTS} (MIN_ELEMENTS)`, sizes: [4096, 8192, 16384, 32768, 65536, 131072, 262144],
    make: (n) => { const a = bufs.put(randomValues(n, 3)), b = bufs.alloc(n); return () => kern.copy(a, b, n); } },
  { name: 'adamUpdate', unit: 'elements', threshold: `${MIN_ELEMENTS / 4} (MIN_ELEMENTS / 4)`, sizes: [2048, 4096, 8192, 16384, 32768, 65536, 131072],
    make: (n) => { const [w, g, m, v] = [4, 5, 6, 7].map((s) => bufs.put(randomValues(n, s, 0, 1)));
      return () => kern.adamUpdate(w, g, m, v, n, 1e-3, 0.9, 0.999, 1e-7, 1, 1, 0); } },
  { name: 'tanh', unit: 'elements', threshold: `${MIN_ELEMENTS / 16} (MIN_ELEMENTS / 16)`, sizes: [1024, 2048, 4096, 8192, 16384, 32768],
    make: (n) => { const a = bufs.put(randomValues(n, 8)), b = bufs.alloc(n); return () => kern.unary('tanh', a, b, n); } },
];

for (const f of families) {
  const rows: string[] = [];
  let from: number | undefined;
  for (const size of f.sizes) {
    const run = f.make(size);
    const t = performance.now(); let reps = 0;
    while (performance.now() - t < 40) { run(); reps++; } // about 40 ms a block (/proc/stat counts in 10 ms ticks)
    const ratios: number[] = [];
    for (let r = 0, tries = 0; r < ROUNDS && tries < ROUNDS * 20; tries++) {
      const ms: number[] = []; let busy = false;
      for (const th of r % 2 ? [2, 1] : [1, 2]) {
        pool.tune(th, { minMacs: 0, minElements: 0, wakeWork: 0, adaptive: false });
        run();
        const b = timedAlone(() => { for (let i = 0; i < reps; i++) run(); });
        ms[th - 1] = b.ms; busy ||= (b.others ?? 0) > 0.1;
      }
      if (!busy) { ratios.push(ms[0] / ms[1]); r++; }
    }
    ratios.sort((a, b) => a - b);
    const med = ratios[ratios.length >> 1];
    const work = f.unit === 'multiply-adds' ? size ** 3 : size;
    rows.push(`${String(work).padStart(9)} ${f.unit}: ×${med?.toFixed(2) ?? '?'} (${ratios.length} clean rounds)`);
    if (med !== undefined && med > 1) from ??= work; else from = undefined;
  }
  pool.tune(1, { adaptive: false });
  console.log(`${f.name} (2 threads vs 1):\n  ${rows.join('\n  ')}\n  split pays from ${from ?? '—'} ${f.unit}; threshold in use ${f.threshold}`);
}
