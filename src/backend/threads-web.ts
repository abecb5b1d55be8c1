// Kernel threads in browsers (loaded by threads.ts only in a cross-origin-isolated page or worker): Web Workers
// started from a Blob URL of WEB_WORKER_SOURCE (no file to locate or bundle), each instantiating the threaded module
// over the shared memory and running the claim loop; and whether this thread may sleep in Atomics.wait.
import { WEB_WORKER_SOURCE, type SpawnWorkers } from './thread-worker.js';

/** False on a page's main thread, where Atomics.wait throws (before it compares values): the pool then only polls. */
export function canWait(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts n classic Web Workers at once and resolves when all are ready. A page whose Content-Security-Policy refuses
 * blob: workers (worker-src) gets none: the kernels then run on the calling thread, the same bits, with a warning.
 */
export const spawnWebWorkers: SpawnWorkers = async (n, data, broken) => {
  const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
  const workers: Worker[] = [];
  try {
    await Promise.all(Array.from({ length: n }, (_, i) => new Promise<void>((ok, fail) => {
      const w = new Worker(url, { name: `simdnet kernels ${i + 1}` });
      workers.push(w);
      w.onmessage = () => {
        w.onmessage = null;
        w.onerror = (e) => { e.preventDefault(); broken(e.message || 'a worker error'); };
        ok();
      };
      w.onerror = (e) => { e.preventDefault(); fail(new Error(e.message || 'the worker script did not load')); };
      w.postMessage({ ...data, id: i + 1 });
    })));
    return workers;
  } catch (e) {
    for (const w of workers) w.terminate();
    console.warn(`simdnet: kernel Web Workers did not start (${(e as Error).message}); running on one thread ` +
      '(a Content-Security-Policy must allow worker-src blob:)');
    return [];
  } finally {
    URL.revokeObjectURL(url);
  }
};
