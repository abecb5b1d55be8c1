// Bench output: the readable table (one row per figure, peers as "rate (our speedup)") and the JSON record with the
// machine, runtime and date.
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import type { FigureResult } from './harness.js';

export const PEERS = ['tfjs-wasm', 'tfjs-cpu', 'jax-js'] as const;

export const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));
const ms = (v: number) => (v >= 100 ? `${v.toFixed(0)} ms` : v >= 1 ? `${v.toFixed(1)} ms` : `${(v * 1000).toFixed(0)} µs`);
const x = (v: number) => `${fmt(v)}×`;

/** One line per figure as table cells. */
export function row(r: FigureResult): string[] {
  const ours = r.contenders[0];
  const ref = r.probe
    ? r.probe.kind === 'peak' ? `${(r.probe.ratio.median * 100).toFixed(0)}% of ${fmt(r.probe.rate)}` : `${r.probe.ratio.median.toFixed(2)}× of ${fmt(r.probe.rate)}`
    : '';
  const peer = (name: string) => {
    const c = r.contenders.find((p) => p.name === name);
    if (!c) return '';
    if (c.na) return `n/a (${c.na})`;
    if (c.error) return `n/a (error: ${c.error})`;
    return `${fmt(c.rate!)} (${x(r.speedup[name].median)})`;
  };
  const targets = r.targets.map((t) => `${t.met === null ? '?' : t.met ? 'met' : 'NOT met'} ${t.value === null ? '–' : fmtTarget(t.value, t.min)}`).join('; ');
  const rounds = r.rounds < 10 ? ` (${r.rounds} rounds)` : '';
  return [`${r.name} ${r.shape}${rounds}`, r.unit, fmt(ours.rate!), ms(ours.firstMs!), ref, ...PEERS.map(peer), targets];
}

function fmtTarget(v: number, min: number): string {
  const pct = (q: number) => (q * 100).toFixed(Math.abs(v - min) < 0.01 ? 1 : 0); // a decimal when rounding would hide the miss
  return min < 1 && min > 0 ? `${pct(v)}% ≥ ${pct(min)}%` : min >= 100 && v > 1000 ? `${fmt(v)} ≥ ${min}` : `${x(v)} ≥ ${min}${min < 100 ? '×' : ''}`;
}

/** The second table: the relaxed-SIMD build and native PyTorch, for the figures that have them. */
export const EXTRA = ['simdnet relaxed', 'torch 1T', 'torch 2T'] as const;
export const EXTRA_HEADER = ['figure', 'simdnet', 'relaxed (gain ×)', 'torch 1T (simdnet ×)', 'torch 2T (simdnet ×)'];

/** A row of the second table, or null when the figure has none of EXTRA. */
export function extraRow(r: FigureResult): string[] | null {
  if (!r.contenders.some((c) => (EXTRA as readonly string[]).includes(c.name))) return null;
  const cell = (name: string, invert: boolean) => {
    const c = r.contenders.find((p) => p.name === name);
    if (!c) return '';
    if (c.na) return `n/a (${c.na})`;
    if (c.error) return `n/a (error: ${c.error})`;
    const s = r.speedup[name].median;
    return `${fmt(c.rate!)} (${x(invert ? 1 / s : s)})`;
  };
  return [`${r.name} ${r.shape}`, `${fmt(r.contenders[0].rate!)} ${r.unit}`, cell(EXTRA[0], true), cell(EXTRA[1], false), cell(EXTRA[2], false)];
}

export const HEADER = ['figure', 'unit', 'simdnet', 'first call', 'vs probe (peak | memory.copy)', ...PEERS.map((p) => `${p} (simdnet ×)`), 'targets'];

/** Pads cells into aligned columns. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i])).join(' │ ').trimEnd();
  return [line(rows[0]), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.slice(1).map(line)].join('\n');
}

/** The CPU model (from /proc/cpuinfo where there is one), cores, memory, runtime versions and the date. */
export function machine(): Record<string, unknown> {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /model name\s*:\s*(.+)/.exec(info), fam = /cpu family\s*:\s*(\d+)/.exec(info), mod = /\nmodel\s*:\s*(\d+)/.exec(info);
    if (m) model = m[1].trim() + (fam && mod ? ` (family ${fam[1]}, model ${mod[1]})` : '');
  } catch { /* not Linux */ }
  return {
    cpu: model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`, node: process.version, v8: process.versions.v8,
    date: new Date().toISOString(),
  };
}
