// `npm run bench -- --threads N`: the training steps (MLP, seed study 4's network, LeNet; bench/steps.ts) and GEMM
// 512³ on simdnet at 1 and N threads (one threaded backend, its pool set before each sample), at N threads with the
// relaxed-SIMD build (bench/relaxed.ts), and native PyTorch at 1 and 2 threads (bench/torch.ts), interleaved sample by
// sample by the harness; the ratios are medians of per-round ratios. Bench-only.
import { backend } from '../src/backend/module.js';
import type { Pool } from '../src/backend/threads.js';
import { spread, type Contender, type Figure, type FigureResult, type Spec, type Unit } from './harness.js';
import { relaxedSimdnet, type RelaxedSimdnet } from './relaxed.js';
import { fmt } from './report.js';
import { NAMES, NETS, SHAPES, gemmSquare, trainStep, type Workload } from './steps.js';
import { torchContenders, torchStepContenders } from './torch.js';

const GEMM_N = 512;

/** The threaded backend's pool (init({ threads: n }) ran with n ≥ 2), or why there is none. */
export function threadPool(n: number): Pool | string {
  const pool = backend().threads as Pool | undefined;
  if (!pool) return `init({ threads: ${n} }) runs on one thread here (no worker threads or shared memory)`;
  if (pool.count !== n) return `init({ threads: ${n} }) started ${pool.count} threads`;
  return pool;
}

/** One figure: `make` builds the workload on this simdnet or on the relaxed one; torch: the peer's contenders. */
async function threadsFigure(n: number, name: string, shape: string, unit: Unit, work: number,
  make: (rx?: RelaxedSimdnet) => Workload, torch: () => Promise<{ contenders: Contender[]; close: () => void }>): Promise<Figure> {
  const pool = threadPool(n) as Pool;
  const here = make();
  const loaded = await relaxedSimdnet(n);
  // Both pools are set before each of their samples: tune() also restarts the back-off to one thread (workers late on
  // a busy machine), which a pool set once would keep across samples and the other would not.
  const rxPool = typeof loaded === 'string' ? undefined : loaded.module.backend().threads as Pool | undefined;
  const rx = typeof loaded === 'string' ? loaded : rxPool?.count !== n ? `the relaxed build started ${rxPool?.count ?? 1} threads, not ${n}` : loaded;
  const relaxed = typeof rx === 'string' ? undefined : make(rx);
  const peer = await torch();
  return {
    family: 'threads', name, shape, unit, work,
    contenders: [
      { name: `simdnet ${n}T`, before: () => pool.tune(n), run: here.run },
      { name: 'simdnet 1T', before: () => pool.tune(1), run: here.run },
      relaxed ? { name: `simdnet ${n}T relaxed`, before: () => rxPool?.tune(n), run: relaxed.run } : { name: `simdnet ${n}T relaxed`, na: rx as string },
      ...peer.contenders,
    ],
    dispose: () => { pool.tune(n); here.dispose(); relaxed?.dispose(); peer.close(); },
  };
}

/** The --threads table's figures: the three training steps and GEMM 512³. */
export function threadsFigures(n: number): Spec[] {
  const steps = (['mlp', 'study4', 'cnn'] as const).map((kind): Spec => {
    const net = NETS[kind], name = `${NAMES[kind]} train step`;
    return { label: name, build: () => threadsFigure(n, name, SHAPES[kind], 'samples/s', net.batch,
      (rx) => trainStep(net, undefined, rx?.api), () => torchStepContenders(kind)) };
  });
  const gemm: Spec = { label: `gemm NN ${GEMM_N}³`, build: () => threadsFigure(n, 'gemm NN', `${GEMM_N}×${GEMM_N}×${GEMM_N}`, 'GFLOP/s', 2 * GEMM_N ** 3,
    (rx) => (rx ? gemmSquare(GEMM_N, rx.kern, rx.module.backend) : gemmSquare(GEMM_N)), () => torchContenders('gemm512', 4)) };
  return [...steps, gemm];
}

/** a's speed over b's: the median of per-round time ratios (null when either did not run). */
export function pairedRatio(r: FigureResult, a: string, b: string): number | null {
  const ta = r.contenders.find((c) => c.name === a)?.samplesMs, tb = r.contenders.find((c) => c.name === b)?.samplesMs;
  return ta && tb ? spread(ta.map((t, i) => tb[i] / t)).median : null;
}

export const threadsHeader = (n: number): string[] => ['figure', 'unit', 'simdnet 1T', `simdnet ${n}T (× 1T)`, `${n}T relaxed (× ${n}T)`,
  'torch 1T', 'torch 2T', `${n}T / torch 2T`, `${n}T relaxed / torch 2T`];

/** The figure's ratios by name (the JSON record) and its table row. */
export function threadsRow(r: FigureResult, n: number): { ratios: Record<string, number | null>; cells: string[] } {
  const N = `simdnet ${n}T`, R = `${N} relaxed`;
  const ratios = {
    [`${n}T / 1T`]: pairedRatio(r, N, 'simdnet 1T'), [`${n}T relaxed / ${n}T`]: pairedRatio(r, R, N),
    [`${n}T / torch 2T`]: pairedRatio(r, N, 'torch 2T'), [`${n}T relaxed / torch 2T`]: pairedRatio(r, R, 'torch 2T'),
    [`${n}T / torch 1T`]: pairedRatio(r, N, 'torch 1T'), ['1T / torch 1T']: pairedRatio(r, 'simdnet 1T', 'torch 1T'),
  };
  const rate = (name: string) => {
    const c = r.contenders.find((p) => p.name === name);
    return !c ? '' : c.na ? `n/a (${c.na})` : c.error ? `n/a (error: ${c.error})` : fmt(c.rate!);
  };
  const x = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)}×`);
  const withX = (name: string, v: number | null) => (v === null ? rate(name) : `${rate(name)} (${x(v)})`);
  const cells = [`${r.name} ${r.shape}${r.rounds < 10 ? ` (${r.rounds} rounds)` : ''}`, r.unit, rate('simdnet 1T'),
    withX(N, ratios[`${n}T / 1T`]), withX(R, ratios[`${n}T relaxed / ${n}T`]), rate('torch 1T'), rate('torch 2T'),
    x(ratios[`${n}T / torch 2T`]), x(ratios[`${n}T relaxed / torch 2T`])];
  return { ratios, cells };
}
