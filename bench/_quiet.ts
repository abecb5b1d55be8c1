import { readFileSync } from 'node:fs';
const stat = () => { const l = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number); return { busy: l.reduce((a, b) => a + b, 0) - l[3] - l[4] }; };
/** Runs f and returns [ms, others' CPU share of one core during it]. */
export function clean<T>(f: () => T): [number, number] {
  const s0 = stat().busy, c0 = process.cpuUsage(), t0 = performance.now();
  f();
  const ms = performance.now() - t0, c = process.cpuUsage(c0), s1 = stat().busy;
  const others = (s1 - s0) * 10 - (c.user + c.system) / 1000;
  return [ms, Math.max(0, others) / ms];
}
