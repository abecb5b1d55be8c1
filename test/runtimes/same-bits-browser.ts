// Runs test/runtimes/same-bits.ts in a Chromium page or worker (scripts/same-bits.mjs): globalThis.SIMDNET_THREADS,
// when set, is passed to init({ threads }) (unset: init() with no options, threads 'auto' where the page is
// cross-origin isolated); returns the report and the threads used.
import { run as sameBits, threadsUsed, type SameBitsReport } from './same-bits.js';

export async function run(): Promise<{ report: SameBitsReport; threads: number; isolated: boolean }> {
  const g = globalThis as { SIMDNET_THREADS?: number; crossOriginIsolated?: boolean };
  const report = await sameBits(g.SIMDNET_THREADS === undefined ? undefined : { threads: g.SIMDNET_THREADS });
  return { report, threads: threadsUsed(), isolated: g.crossOriginIsolated === true };
}
