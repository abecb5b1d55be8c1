// Bench harness: measures one figure's contenders (simdnet, its peers, the machine probe) interleaved sample by sample
// with tinybench (A, B, probe, A, B, probe, …), because this machine's throughput swings ~2× minute to minute: only
// ratios taken within one round are compared. Not a test: nothing here asserts a speed.
import { Bench } from 'tinybench';

export type Unit = 'GFLOP/s' | 'GB/s' | 'samples/s';

/** One implementation of a figure. `run` does one call (sync or async); `na` says why a peer cannot run it. */
export interface Contender {
  name: string;
  run?: () => unknown;
  /** Untimed, before every sample (e.g. switching the tfjs backend). */
  before?: () => void;
  na?: string;
  async?: boolean;
  /** Calls of the figure's work one run does (default 1): a child-process peer runs several per request. */
  callsPerRun?: number;
}

/** A target ratio: ours over a peer (speedup), ours over the probe (fraction of peak or of memory.copy), or absolute. */
export interface Target { kind: 'peer' | 'probe' | 'absolute'; peer?: string; min: number; label: string }

export interface Figure {
  family: string;
  name: string;
  shape: string;
  unit: Unit;
  /** Work per call in the unit's numerator: FLOPs, bytes moved (read + written) or samples. */
  work: number;
  /** The probe each round also samples: the f32x4 peak (compute-bound) or memory.copy of copyBytes (memory-bound). */
  probe?: 'peak' | 'copy';
  copyBytes?: number;
  /** contenders[0] is simdnet. */
  contenders: Contender[];
  targets?: Target[];
  note?: string;
  dispose?: () => void;
}

/** A figure to build on demand (building allocates buffers and peer tensors): its label, for --filter. */
export interface Spec { label: string; build: () => Figure | Promise<Figure> }

export interface Options {
  rounds: number; sampleMs: number; warmupMs: number;
  /** Time a figure's rounds may take before they are cut (never below 3 rounds). */
  figureBudgetMs: number;
}

export interface Probes {
  peak(iterations: number): void;
  peakFlops(iterations: number): number;
  copy(bytes: number, reps: number): void;
}

export interface ContenderResult {
  name: string;
  na?: string;
  error?: string;
  firstMs?: number;
  /** Median per-call time over the rounds, and the rate it gives in the figure's unit. */
  medianMs?: number;
  rate?: number;
  callsPerSample?: number;
  /** Per-call time of each round's sample, in ms (rounds in order: pair two contenders' rounds for a ratio). */
  samplesMs?: number[];
}

export interface Spread { median: number; p25: number; p75: number; min: number; max: number }

export interface FigureResult {
  family: string; name: string; shape: string; unit: Unit; work: number; note?: string;
  contenders: ContenderResult[];
  /** Per peer: our speedup (peer time / our time), paired within each round. */
  speedup: Record<string, Spread>;
  /** Our rate over the probe's, paired within each round (fraction of peak, or × memory.copy). */
  probe?: { kind: 'peak' | 'copy'; rate: number; unit: Unit; ratio: Spread };
  targets: { label: string; min: number; value: number | null; met: boolean | null }[];
  rounds: number;
}

const now = () => performance.now();

/** Median, quartiles and range of xs. */
export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => {
    const i = (s.length - 1) * p, lo = Math.floor(i), hi = Math.ceil(i);
    return s[lo] + (s[hi] - s[lo]) * (i - lo);
  };
  return { median: q(0.5), p25: q(0.25), p75: q(0.75), min: s[0], max: s[s.length - 1] };
}

async function timeOnce(c: Contender): Promise<number> {
  c.before?.();
  const t = now();
  const r = c.run!();
  if (c.async) await r;
  return now() - t;
}

async function repeat(c: Contender, reps: number): Promise<void> {
  if (c.async) for (let i = 0; i < reps; i++) await c.run!();
  else for (let i = 0; i < reps; i++) c.run!();
}

/** Measures one figure: first call apart, calibration, warm-up, then `rounds` interleaved samples of every contender. */
export async function measure(f: Figure, o: Options, probes: Probes): Promise<FigureResult> {
  const results: ContenderResult[] = f.contenders.map((c) => ({ name: c.name, na: c.na }));
  const live: { c: Contender; r: ContenderResult }[] = [];
  for (let i = 0; i < f.contenders.length; i++) {
    const c = f.contenders[i], r = results[i];
    if (c.na || !c.run) continue;
    try {
      r.firstMs = await timeOnce(c) / (c.callsPerRun ?? 1);
      live.push({ c, r });
    } catch (e) {
      if (i === 0) throw e;
      r.error = (e as Error).message.split('\n')[0].slice(0, 120);
    }
  }
  // The probe as one more contender, sized to about one sample.
  let probe: { c: Contender; work: number } | undefined;
  if (f.probe === 'peak') {
    const it = 20000;
    probe = { c: { name: 'probe', run: () => probes.peak(it) }, work: probes.peakFlops(it) };
  } else if (f.probe === 'copy') {
    const bytes = f.copyBytes!;
    probe = { c: { name: 'probe', run: () => probes.copy(bytes, 1) }, work: 2 * bytes };
  }
  const all = [...live.map((l) => l.c), ...(probe ? [probe.c] : [])];
  // Calibrate: calls per sample so one sample lasts about sampleMs (after warming each contender up). A contender
  // whose first call already took several samples' time (tfjs-cpu's convolution gradients: seconds) is not warmed up
  // further: one call per sample.
  const reps = new Map<Contender, number>();
  let roundMs = 0;
  for (const c of all) {
    const first = live.find((l) => l.c === c)?.r.firstMs ?? 0;
    if (first > 4 * o.sampleMs) { reps.set(c, 1); roundMs += first; continue; }
    const end = now() + o.warmupMs;
    let n = 0, t0 = now();
    do { c.before?.(); await repeat(c, 1); n++; } while (now() < end || n < 2);
    const per = (now() - t0) / n;
    reps.set(c, Math.max(1, Math.round(o.sampleMs / Math.max(per, 1e-6))));
    roundMs += reps.get(c)! * per;
  }
  if (probe) reps.set(probe.c, Math.max(1, Math.round(reps.get(probe.c)! * 0.5))); // a probe sample: half as long
  // Fewer rounds (at least 3) when a slow peer would make the figure take longer than its budget.
  const rounds = Math.max(Math.min(o.rounds, 3), Math.min(o.rounds, Math.floor(o.figureBudgetMs / Math.max(roundMs, 1e-3))));
  const bench = new Bench({ iterations: 1, time: 0, warmup: false, throws: true, retainSamples: false });
  for (const c of all) {
    const n = reps.get(c)!;
    bench.add(c.name, c.async ? () => repeat(c, n) : () => { for (let i = 0; i < n; i++) c.run!(); },
      { async: !!c.async, beforeEach: c.before ? () => { c.before!(); } : undefined });
  }
  const perCall = new Map<Contender, number[]>(all.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    bench.reset();
    await bench.run();
    for (const c of all) {
      const t = bench.getTask(c.name)!.result;
      if (t.state !== 'completed') throw new Error(`${f.name}: ${c.name} did not complete (${t.state})`);
      perCall.get(c)!.push(t.latency.mean / reps.get(c)! / (c.callsPerRun ?? 1));
    }
  }
  for (const { c, r } of live) {
    r.medianMs = spread(perCall.get(c)!).median;
    r.rate = f.work / (r.medianMs * 1e-3) / (f.unit === 'samples/s' ? 1 : 1e9);
    r.callsPerSample = reps.get(c)! * (c.callsPerRun ?? 1);
    r.samplesMs = perCall.get(c)!;
  }
  const ours = live.find((l) => l.c === f.contenders[0])!;
  const oursT = perCall.get(ours.c)!;
  const speedup: Record<string, Spread> = {};
  for (const { c } of live) {
    if (c === ours.c) continue;
    const t = perCall.get(c)!;
    speedup[c.name] = spread(t.map((x, i) => x / oursT[i]));
  }
  const res: FigureResult = {
    family: f.family, name: f.name, shape: f.shape, unit: f.unit, work: f.work, note: f.note,
    contenders: results, speedup, targets: [], rounds,
  };
  if (probe) {
    const pt = perCall.get(probe.c)!;
    const probeRate = (i: number) => probe!.work / (pt[i] * 1e-3) / 1e9;
    const oursRate = (i: number) => f.work / (oursT[i] * 1e-3) / 1e9;
    res.probe = {
      kind: f.probe!, rate: spread(pt.map((_, i) => probeRate(i))).median, unit: f.probe === 'peak' ? 'GFLOP/s' : 'GB/s',
      ratio: spread(pt.map((_, i) => oursRate(i) / probeRate(i))),
    };
  }
  for (const t of f.targets ?? []) {
    let value: number | null = null;
    if (t.kind === 'peer') value = speedup[t.peer!]?.median ?? null;
    else if (t.kind === 'probe') value = res.probe?.ratio.median ?? null;
    else value = ours.r.rate ?? null;
    res.targets.push({ label: t.label, min: t.min, value, met: value === null ? null : value >= t.min });
  }
  return res;
}
