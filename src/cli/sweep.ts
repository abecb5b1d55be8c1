// `simdnet sweep SWEEP.json`: runs a sweep (src/sweep/run.ts) with a live status line, then prints the best 10
// trials, the best configuration as a `simdnet train` command line (when every setting it uses has a flag), writes
// <out>/best.json, an experiment file with one variant (`simdnet run <out>/best.json`), and <out>/report.html.
import { join } from 'node:path';
import { writeAtomic } from '../io/files.js';
import { sweep, type ExecutorFactory } from '../sweep/run.js';
import type { SweepResult, SweepStatus } from '../sweep/coordinate.js';
import type { TrialRecord } from '../sweep/log.js';
import { settingFlags, sweepReport } from './commands.js';
import { trainCommand } from '../report/sweep-best.js';
import { fitFields, formatDuration } from '../train/status-line.js';

export interface SweepCommandOptions {
  out?: string; workers?: number; resume?: boolean;
  /** Where trials run instead of this machine's worker threads (the --queue flag gives one). */
  executor?: ExecutorFactory;
}

const shown = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(3)).toString() : typeof v === 'string' ? v : JSON.stringify(v));

/** The best `n` trials as a table: rank, trial, status, metric, epochs run, seconds, then one column per searched key. */
export function bestTable(r: SweepResult, n = 10): string {
  const goal = r.metric.goal;
  const ranked = r.trials.filter((t) => t.metric !== null)
    .sort((a, b) => (goal === 'maximize' ? b.metric! - a.metric! : a.metric! - b.metric!) || a.trial - b.trial).slice(0, n);
  const keys = [...new Set(r.trials.flatMap((t) => Object.keys(t.params)))];
  const rows = [['#', 'trial', 'status', r.metric.name, 'ran', 'seconds', ...keys],
    ...ranked.map((t: TrialRecord, i) => [String(i + 1), String(t.trial), t.status, t.metric!.toFixed(4), String(t.epochs), t.seconds.toFixed(1), ...keys.map((k) => shown(t.params[k]))])];
  const w = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => cell.padEnd(w[c])).join('  ').trimEnd()).join('\n');
}

/** Runs the command: progress on stdout (a redrawn line on a terminal, plain lines otherwise), then the results. */
export async function sweepCommand(file: string, o: SweepCommandOptions, log: (s: string) => void): Promise<SweepResult> {
  const tty = process.stdout.isTTY === true;
  let drawn = false;
  const draw = (st: SweepStatus) => {
    const line = fitFields([
      { full: `trials ${st.done}/${st.total} done`, short: `${st.done}/${st.total}`, rank: 5 },
      { full: `${st.running} running`, short: `${st.running} run`, rank: 2 },
      { full: `${st.failed} failed`, short: `${st.failed} fail`, rank: 3 },
      { full: `best ${st.metric} ${st.best ? `${st.best.metric.toFixed(4)} (trial ${st.best.trial})` : '-'}`, short: `best ${st.best ? st.best.metric.toFixed(4) : '-'}`, rank: 4 },
      { full: `ETA ${formatDuration(st.etaSeconds)}`, rank: 1 },
    ], Math.max(1, (process.stdout.columns || 80) - 1));
    process.stdout.write(`\r\x1b[2K${line}`);
    drawn = true;
  };
  const say = (s: string) => { if (drawn) { process.stdout.write('\n'); drawn = false; } log(s); };
  let result: SweepResult;
  try {
    result = await sweep(file, {
      ...(o.out !== undefined ? { out: o.out } : {}), ...(o.workers !== undefined ? { workers: o.workers } : {}), resume: o.resume === true,
      ...(o.executor ? { executor: o.executor } : {}),
      log: tty ? () => {} : say, ...(tty ? { status: draw } : {}), warn: (s) => say(`simdnet: ${s}`),
    });
  } finally {
    if (drawn) process.stdout.write('\n');
  }
  const failed = result.trials.filter((t) => t.status === 'failed');
  log(`\n${result.name}: ${result.trials.length} trials (${failed.length} failed, ${result.trials.filter((t) => t.status === 'stopped').length} stopped early) in ${result.out}`);
  for (const t of failed) log(`  trial ${t.trial} failed: ${t.reason}`);
  log(`\nbest ${Math.min(10, result.trials.filter((t) => t.metric !== null).length)} by ${result.metric.name} (${result.metric.goal}):\n${bestTable(result)}`);
  const best = result.best;
  if (!best) { log('\nno trial finished: no best configuration'); return result; }
  const settings = result.settings(best);
  const experiment = { name: `${result.name}-best`, description: `The best trial (${best.trial}) of sweep ${result.name}: ${result.metric.name} ${best.metric}`, base: settings, variants: [{ name: 'best' }] };
  const path = join(result.out, 'best.json');
  await writeAtomic(path, new TextEncoder().encode(`${JSON.stringify(experiment, null, 1)}\n`));
  const cmd = trainCommand(settings, {}, settingFlags());
  log(`\nbest: trial ${best.trial}, ${result.metric.name} ${best.metric!.toFixed(4)}, weights hash ${best.weightsHash}`);
  log(cmd.command ? `  ${cmd.command}` : `  (no simdnet train line: ${cmd.why}; use the experiment file below)`);
  log(`  simdnet run ${path}`);
  await sweepReport(result.out, log);
  return result;
}
