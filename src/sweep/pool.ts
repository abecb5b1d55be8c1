// Runs trials in parallel on one machine: a pool of Node worker_threads (one per core by default), each with its own
// module instance, created once per sweep and ended by close(). A worker that crashes or passes a trial's time limit
// is ended and replaced, and its trial recorded failed. Also the Executor interface a sweep's generations run on
// (the Redis queue is another Executor).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { InitOptions } from '../index.js';
import { timeoutReason, type TrialSpec } from './trial.js';
import type { TrialRecord } from './log.js';

/** What runs a generation's trials: any order and parallelism; done() as each finishes; the records in the order given. */
export interface Executor {
  /** Trials run at once (for the ETA). */
  readonly parallel: number;
  run(trials: readonly TrialSpec[], events: RunEvents): Promise<TrialRecord[]>;
  /** Ends the workers (the sweep calls it once, at its end, also after an error). */
  close(): Promise<void>;
}
export interface RunEvents { started?(t: TrialSpec, worker: string): void; done(r: TrialRecord): void }

export interface PoolOptions {
  /** Worker threads (default: os.availableParallelism()). */
  workers?: number;
  /** The module each worker instantiates (default: the embedded release build). */
  init?: InitOptions;
}

// Running from src/ under tsx (the tests): a worker thread does not inherit the loader, so it registers it first.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_JS = new URL('./worker.js', import.meta.url);
const WORKER_URL = FROM_SOURCE ? new URL(WORKER_JS.href.replace(/\.js$/, '.ts')) : WORKER_JS;

function startWorker(init: InitOptions | undefined): Worker {
  const workerData = { init };
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`,
    { eval: true, workerData });
}

interface Slot { id: string; worker: Worker; dead?: boolean; busy?: { spec: TrialSpec; finish(r: TrialRecord): void; startTimer?(): void; timer?: ReturnType<typeof setTimeout> } }

/** A pool of worker threads running trials. */
export function localPool(options: PoolOptions = {}): Executor {
  const count = options.workers ?? availableParallelism();
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`workers must be an integer ≥ 1; got ${JSON.stringify(options.workers)}`);
  let made = 0, closed = false;
  const slots: Slot[] = [];
  const failed = (spec: TrialSpec, reason: string, worker: string, started: number): TrialRecord => ({
    trial: spec.trial, generation: spec.generation, params: spec.params, status: 'failed', reason, metric: null, curve: [], epochs: 0,
    seconds: Math.round((performance.now() - started) / 10) / 100, worker,
  });
  const spawn = (): Slot => {
    const slot: Slot = { id: `thread-${++made}`, worker: startWorker(options.init) };
    const lost = (why: string) => {
      const busy = slot.busy;
      slot.busy = undefined;
      if (busy) { clearTimeout(busy.timer); busy.finish(failed(busy.spec, why, slot.id, 0)); }
    };
    slot.worker.on('message', (m: { record?: TrialRecord; started?: number }) => {
      const busy = slot.busy;
      if (m.started !== undefined && busy?.spec.trial === m.started) { busy.startTimer?.(); return; }
      if (!m.record || !busy) return;
      slot.busy = undefined;
      clearTimeout(busy.timer);
      busy.finish({ ...m.record, worker: slot.id });
    });
    slot.worker.on('error', (e) => { slot.dead = true; lost(`the worker crashed: ${e.message}`); });
    slot.worker.on('exit', (code) => {
      slot.dead = true;
      lost(`the worker exited (code ${code}) during the trial`);
      const i = slots.indexOf(slot);
      if (i >= 0 && !closed) slots[i] = spawn(); // replaced: the next trial gets a fresh worker
    });
    return slot;
  };
  const ensure = () => { while (slots.length < count) slots.push(spawn()); };

  const runOn = (slot: Slot, spec: TrialSpec, events: RunEvents): Promise<TrialRecord> => new Promise((resolve) => {
    const t0 = performance.now();
    const finish = (r: TrialRecord) => { if (r.seconds === 0 && r.status === 'failed') r.seconds = Math.round((performance.now() - t0) / 10) / 100; events.done(r); resolve(r); };
    slot.busy = { spec, finish };
    const busy = slot.busy;
    if (spec.timeoutSeconds !== undefined) busy.startTimer = () => {
      busy.timer = setTimeout(() => {
        const busy = slot.busy;
        if (!busy || busy.spec !== spec) return;
        slot.busy = undefined;
        slot.dead = true;
        busy.finish(failed(spec, timeoutReason(spec.timeoutSeconds!), slot.id, t0));
        void slot.worker.terminate(); // its exit spawns the replacement
      }, spec.timeoutSeconds! * 1000);
    };
    events.started?.(spec, slot.id);
    slot.worker.postMessage({ run: spec });
  });

  return {
    parallel: count,
    async run(trials, events) {
      if (closed) throw new Error('the sweep\'s worker pool is closed');
      ensure();
      const records = new Array<TrialRecord>(trials.length);
      let next = 0;
      // Each lane takes the next trial when its previous one is done, on whichever worker is free.
      const lane = async () => {
        while (next < trials.length) {
          const i = next++;
          const free = () => slots.find((s) => !s.busy && !s.dead);
          let slot = free();
          while (!slot) { await new Promise((r) => setTimeout(r, 5)); slot = free(); }
          records[i] = await runOn(slot, trials[i], events);
        }
      };
      await Promise.all(Array.from({ length: Math.min(count, trials.length) }, lane));
      return records;
    },
    async close() {
      closed = true;
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
    },
  };
}
