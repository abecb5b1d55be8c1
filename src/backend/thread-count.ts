// threadCount() and releaseThreads() of the entries that start kernel threads (index.ts in Node, Deno and Bun;
// entry-browser.ts in cross-origin-isolated pages and workers).
import { liveBackend } from './module.js';

/** Threads the kernels run on: 1 unless init() started more (and releaseThreads() has not ended them). */
export function threadCount(): number {
  return liveBackend()?.threads?.count ?? 1;
}

/**
 * Ends the worker threads init() started; kernels then run on the calling thread, with the same bits. Workers never
 * keep a process alive, so calling this before exit is not needed.
 */
export async function releaseThreads(): Promise<void> {
  const b = liveBackend(), t = b?.threads;
  if (b) b.threads = undefined;
  await t?.release();
}
