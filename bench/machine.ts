// What else the machine ran while a benchmark block ran: the CPU time of other processes (from /proc/stat, less this
// process's own), as a share of one core. Blocks timed while other jobs held a core are set apart by the thread
// benchmarks, since 2 threads against 1 only means something on free cores. Linux only (elsewhere: unknown, null).
import { readFileSync } from 'node:fs';

function busyJiffies(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    return f.reduce((a, b) => a + b, 0) - f[3] - f[4]; // all but idle and iowait
  } catch {
    return null;
  }
}

/** Runs f; returns its milliseconds and the other processes' CPU meanwhile in cores (0: none; null: unknown). */
export function timedAlone(f: () => void): { ms: number; others: number | null } {
  const j0 = busyJiffies(), c0 = process.cpuUsage(), t0 = performance.now();
  f();
  const ms = performance.now() - t0, c = process.cpuUsage(c0), j1 = busyJiffies();
  if (j0 === null || j1 === null) return { ms, others: null };
  // /proc/stat counts in USER_HZ ticks (100 per second on Linux): 10 ms each, so short blocks read coarsely.
  const othersMs = (j1 - j0) * 10 - (c.user + c.system) / 1000;
  return { ms, others: Math.max(0, othersMs) / ms };
}
