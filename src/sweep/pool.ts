// Runs trials in parallel on one machine, in any runtime: a pool of workers (each with its own module instance),
// created when first needed and ended by close(). A worker that crashes or passes a trial's time limit is ended and
// replaced, and its trial recorded failed. The workers themselves are Node worker_threads (pool-node.ts) or Web
// Workers (pool-web.ts). Also the Executor interface a sweep's generations run on (the Redis queue is another).
import { timeoutReason, type TrialSpec } from './trial.js';
import type { TrialRecord } from './log.js';

/** What runs a generation's trials: any order and parallelism; done() as each finishes; the records in the order given. */
export interface Executor {
  /** Trials run at once (for the ETA). */
  readonly parallel: number;
  /** Runs a generation's trials, telling events as each starts and finishes; resolves with the records in the order given. */
  run(trials: readonly TrialSpec[], events: RunEvents): Promise<TrialRecord[]>;
  /** Ends the workers (the sweep calls it once, at its end, also after an error). */
  close(): Promise<void>;
}
/** What an executor tells the coordinator while a generation runs. */
export interface RunEvents {
  /** A trial started on the named worker. */
  started?(t: TrialSpec, worker: string): void;
  /** A trial finished (ok, stopped or failed) with its record. */
  done(r: TrialRecord): void;
}

/** The messages a trial worker posts back: the trial it started (its time limit counts from there), or its record. */
export interface WorkerReply { started?: number; record?: TrialRecord }

/** One worker as the pool drives it: post a trial, hear its replies and its end, terminate it. */
export interface TrialWorker {
  post(message: { run: TrialSpec }): void;
  /** Listens: a reply, a crash (error), or the worker's end (exit, with its code when known). */
  listen(on: { reply(m: WorkerReply): void; crash(message: string): void; exit(code?: number): void }): void;
  terminate(): void | Promise<unknown>;
}

interface Slot { id: string; worker: TrialWorker; dead?: boolean; busy?: { spec: TrialSpec; finish(r: TrialRecord): void; startTimer?(): void; timer?: ReturnType<typeof setTimeout> } }

/** A pool of `count` workers made by spawn(), running trials one per worker at a time. */
export function workerPool(count: number, spawn: () => TrialWorker, kind = 'worker'): Executor {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`workers must be an integer ≥ 1; got ${JSON.stringify(count)}`);
  let made = 0, closed = false;
  const slots: Slot[] = [];
  const failed = (spec: TrialSpec, reason: string, worker: string, started: number): TrialRecord => ({
    trial: spec.trial, generation: spec.generation, params: spec.params, status: 'failed', reason, metric: null, curve: [], epochs: 0,
    seconds: started ? Math.round((performance.now() - started) / 10) / 100 : 0, worker,
  });
  const replace = (slot: Slot) => {
    const i = slots.indexOf(slot);
    if (i >= 0 && !closed) slots[i] = start(); // the next trial gets a fresh worker
  };
  const start = (): Slot => {
    const slot: Slot = { id: `${kind}-${++made}`, worker: spawn() };
    const lost = (why: string) => {
      const busy = slot.busy;
      slot.busy = undefined;
      if (busy) { clearTimeout(busy.timer); busy.finish(failed(busy.spec, why, slot.id, 0)); }
    };
    slot.worker.listen({
      reply: (m) => {
        const busy = slot.busy;
        if (m.started !== undefined && busy?.spec.trial === m.started) { busy.startTimer?.(); return; }
        if (!m.record || !busy) return;
        slot.busy = undefined;
        clearTimeout(busy.timer);
        busy.finish({ ...m.record, worker: slot.id });
      },
      crash: (message) => {
        if (slot.dead) return;
        slot.dead = true;
        lost(`the worker crashed: ${message}`);
        void slot.worker.terminate();
        replace(slot);
      },
      exit: (code) => {
        if (slot.dead) return;
        slot.dead = true;
        lost(`the worker exited${code === undefined ? '' : ` (code ${code})`} during the trial`);
        replace(slot);
      },
    });
    return slot;
  };
  const ensure = () => { while (slots.length < count) slots.push(start()); };

  const runOn = (slot: Slot, spec: TrialSpec, events: RunEvents): Promise<TrialRecord> => new Promise((resolve) => {
    const t0 = performance.now();
    const finish = (r: TrialRecord) => { if (r.seconds === 0 && r.status === 'failed') r.seconds = Math.round((performance.now() - t0) / 10) / 100; events.done(r); resolve(r); };
    slot.busy = { spec, finish };
    const busy = slot.busy;
    if (spec.timeoutSeconds !== undefined) busy.startTimer = () => {
      busy.timer = setTimeout(() => {
        if (slot.busy !== busy) return;
        slot.busy = undefined;
        slot.dead = true;
        busy.finish(failed(spec, timeoutReason(spec.timeoutSeconds!), slot.id, t0));
        void slot.worker.terminate();
        replace(slot);
      }, spec.timeoutSeconds! * 1000);
    };
    events.started?.(spec, slot.id);
    slot.worker.post({ run: spec });
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
      await Promise.all(slots.splice(0).map((s) => { s.dead = true; return s.worker.terminate(); }));
    },
  };
}
