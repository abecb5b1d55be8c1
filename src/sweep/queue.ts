// The sweep across many machines: a generation's trials become BullMQ jobs in Redis (openQueue, the coordinator's
// executor); `simdnet worker` processes pull them, run each with runTrial and return its record (startQueueWorker).
// Only the CLI imports this file (dynamically): BullMQ and ioredis stay out of the library and browser bundles.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { TrialSpec } from './trial.js';
import type { TrialRecord } from './log.js';
import type { Executor } from './pool.js';
import { readQueueUrl } from './queue-url.js';

export { readQueueUrl };

/** One BullMQ queue serves every sweep on a Redis: a worker needs only the address. */
export const QUEUE_NAME = 'simdnet-sweep';
/** A job runs at most twice: a thrown error, or a worker lost mid-trial (its lock expired), is retried once. */
export const ATTEMPTS = 2;

/**
 * Finished jobs stay in Redis a week (so a coordinator restarted within it takes their results rather than running
 * them again), then BullMQ drops them as later jobs finish.
 */
export const KEEP_SECONDS = 7 * 24 * 3600;

/** What a worker needs to run one trial (runTrial's argument, as JSON) and what it returns. */
export type QueueTrial = TrialSpec;
export type QueueRecord = TrialRecord;
/** The job: the sweep's name, the trial, and the simdnet version that made it (a worker of another version refuses it). */
interface JobData { sweep: string; version: string; spec: QueueTrial }

/** This simdnet's version (package.json beside dist/ and src/). */
export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/** An ioredis client as BullMQ needs it, after one PING within `seconds` (ioredis alone would retry forever). */
async function connect(url: URL, seconds = 10): Promise<Redis> {
  const client = new Redis(url.href, { maxRetriesPerRequest: null, lazyConnect: true });
  let last: Error | undefined; // the socket's own error (ECONNREFUSED, …) says more than the rejected connect()
  const onError = (e: Error) => { last = e; };
  client.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${seconds} s`)), seconds * 1000); }),
    ]);
  } catch (e) {
    client.disconnect();
    throw new Error(`cannot reach Redis at ${url.host}: ${last?.message ?? (e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  client.off('error', onError);
  client.on('error', () => { /* ioredis reconnects; the calls waiting on it go on then */ });
  return client;
}

/**
 * A trial's job id: the sweep, the trial number and a hash of everything the trial runs with. Enqueuing the same trial
 * again (a restarted coordinator) finds the same job and its result; a changed sweep under the same name never picks up
 * an old result. BullMQ allows a ":" in a custom id only as exactly three parts, so the name's own ":" become "_".
 */
export function jobId(sweep: string, spec: QueueTrial): string {
  const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
  return `${sweep.replace(/:/g, '_')}:${spec.trial}:${hash}`;
}

/** A failed job's record: BullMQ gave up on it (thrown twice, or its worker lost twice: "job stalled more than allowable limit"). */
function failedRecord(spec: QueueTrial, reason: string, worker?: string): QueueRecord {
  return { trial: spec.trial, generation: spec.generation, params: spec.params, status: 'failed', reason, metric: null, curve: [], epochs: 0, seconds: 0, ...(worker ? { worker } : {}) };
}

/**
 * The coordinator's side (`simdnet sweep SWEEP.json --queue redis://HOST:PORT`): an Executor (pool.ts) whose run()
 * enqueues a generation's trials (idempotently), waits until every one has finished, and calls events.done once per
 * trial as it finishes; started() when a worker takes it. `parallel` is the number of workers connected.
 */
export async function openQueue(urlText: string, sweep: string, opts: { pollMs?: number; warn?: (s: string) => void; idleWarnMs?: number } = {}): Promise<Executor> {
  const warn = opts.warn ?? ((s: string) => process.stderr.write(`simdnet: ${s}\n`));
  const client = await connect(readQueueUrl('--queue', urlText));
  const queue = new Queue<JobData, QueueRecord>(QUEUE_NAME, { connection: client });
  const pollMs = opts.pollMs ?? 250;
  let parallel = Math.max(1, await queue.getWorkersCount());
  return {
    get parallel() { return parallel; },
    async run(specs, events) {
      const seen = new Set<number>();
      for (const s of specs) {
        if (seen.has(s.trial)) throw new Error(`queue: trial ${s.trial} is twice in one generation`);
        seen.add(s.trial);
      }
      const ids = specs.map((s) => jobId(sweep, s));
      await queue.addBulk(specs.map((spec, i) => ({
        name: `${sweep} trial ${spec.trial}`, data: { sweep, version: VERSION, spec },
        opts: { jobId: ids[i], attempts: ATTEMPTS, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } },
      })));
      const records = new Map<number, QueueRecord>();
      const running = new Set<number>();
      const since = Date.now();
      let told = false;
      while (records.size < specs.length) {
        const workers = await queue.getWorkersCount();
        parallel = Math.max(1, workers);
        if (workers === 0 && !told && Date.now() - since > (opts.idleWarnMs ?? 10_000)) {
          told = true; // once per generation: the trials wait in Redis until a worker comes
          warn(`no simdnet worker is connected to ${readQueueUrl('--queue', urlText).host}: the trials wait there; start one with simdnet worker --queue redis://HOST:PORT`);
        }
        for (let i = 0; i < specs.length; i++) {
          const spec = specs[i];
          if (records.has(spec.trial)) continue;
          // The state first, then the job: a job read before it completed would carry no return value yet.
          const state = await queue.getJobState(ids[i]);
          const job = await queue.getJob(ids[i]) as Job<JobData, QueueRecord> | undefined;
          if (state === 'unknown' || !job) throw new Error(`queue: job ${ids[i]} (trial ${spec.trial}) disappeared from Redis; was the queue emptied?`);
          let r: QueueRecord | undefined;
          if (state === 'completed') r = checkRecord(job.returnvalue, spec);
          else if (state === 'failed') r = failedRecord(spec, failedReason(job), job.processedBy);
          else if (state === 'active' && job.processedBy && !running.has(spec.trial)) {
            running.add(spec.trial); // once per trial, as the local pool does (a retry elsewhere is not a new start)
            events.started?.(spec, job.processedBy);
          }
          if (!r) continue;
          // A trial that began and ended between two polls is reported started before done, as every trial is.
          if (!running.has(spec.trial)) { running.add(spec.trial); events.started?.(spec, r.worker ?? job.processedBy ?? 'queue'); }
          records.set(spec.trial, r); // recorded once: a trial leaves the loop when its job has finished
          events.done(r);
        }
        if (records.size < specs.length) await new Promise((res) => setTimeout(res, pollMs));
      }
      return specs.map((s) => records.get(s.trial)!);
    },
    async close() { await queue.close(); client.disconnect(); },
  };
}

/** Why BullMQ gave up on a job, in the log's words. */
function failedReason(job: Job<JobData, QueueRecord>): string {
  const why = job.failedReason || 'failed';
  if (/stalled/i.test(why)) return `its worker was lost twice mid-trial (killed or cut off from Redis): ${why}`;
  return `${why} (after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'})`;
}

/** A worker's result as the coordinator takes it: the record of that trial and no other, with its params. */
function checkRecord(v: unknown, spec: QueueTrial): QueueRecord {
  const r = v as QueueRecord | null;
  if (!r || typeof r !== 'object' || r.trial !== spec.trial || !['ok', 'stopped', 'failed'].includes(r.status)) {
    return failedRecord(spec, `the worker returned no record of trial ${spec.trial}: ${JSON.stringify(v)?.slice(0, 200)}`);
  }
  return { ...r, params: spec.params, generation: spec.generation };
}

export interface QueueWorkerOptions {
  /** Trials run at the same time by this process (default 1). */
  concurrency?: number;
  /** Seconds a trial's lock lasts without renewal: a killed worker's trial goes back to the queue after about this long (default 30). */
  lockSeconds?: number;
  /** This worker's name in the records (default host:pid). */
  name?: string;
  log?: (s: string) => void;
}

/** The worker's side: pulls trials and runs each with `run` (runTrial with this worker's output folder). */
export async function startQueueWorker(urlText: string, run: (spec: QueueTrial, sweep: string) => Promise<QueueRecord>, opts: QueueWorkerOptions = {}): Promise<{ name: string; close(): Promise<void> }> {
  const client = await connect(readQueueUrl('--queue', urlText));
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  const lockMs = Math.round((opts.lockSeconds ?? 30) * 1000);
  const log = opts.log ?? (() => {});
  const worker = new Worker<JobData, QueueRecord>(QUEUE_NAME, async (job) => {
    const { sweep, version, spec } = job.data;
    // Another version may train to other weights: the trial fails at once, saying so, rather than differ silently.
    if (version !== VERSION) throw new UnrecoverableError(`worker ${name} runs simdnet ${VERSION} but the sweep's coordinator runs ${version}: install the same version on every machine`);
    log(`${sweep}: trial ${spec.trial} (generation ${spec.generation}${job.attemptsStarted > 1 ? `, attempt ${job.attemptsStarted}` : ''})`);
    const r = await run(spec, sweep);
    log(`${sweep}: trial ${spec.trial} ${r.status}${r.metric === null ? '' : `, ${spec.metric} ${r.metric}`}${r.reason ? ` (${r.reason})` : ''}`);
    return { ...r, worker: name };
  }, {
    connection: client, name, concurrency: opts.concurrency ?? 1, autorun: true,
    lockDuration: lockMs, stalledInterval: Math.max(500, Math.round(lockMs / 2)), maxStalledCount: 1,
  });
  worker.on('error', (e) => log(`queue: ${e.message}`));
  await worker.waitUntilReady();
  return { name, async close() { await worker.close(); client.disconnect(); } };
}
