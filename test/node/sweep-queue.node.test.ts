// The sweep over Redis: a throwaway redis-server, sweep() with the queue executor in this process and two
// `simdnet worker` processes (dist/cli/main.js); one kills itself mid-trial (SIMDNET_FAULT=SIGKILL@epoch) and its
// trial is retried once by the other. Every trial is recorded exactly once, with the same params, metric, curve and
// weights hash as the single-machine run (worker threads); a coordinator killed before it recorded finished trials
// resumes and takes their results from Redis without running them again.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { BUILD, ready, wasmBytes } from '../helpers/setup.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { sweep } from '../../src/sweep/run.js';
import type { TrialRecord } from '../../src/sweep/log.js';
import { openQueue, QUEUE_NAME, readQueueUrl, startQueueWorker, VERSION } from '../../src/sweep/queue.js';
import type { TrialSpec } from '../../src/sweep/trial.js';
import { sweepQueueExecutor } from '../../src/cli/worker-command.js';
import { main } from '../../src/cli/main.js';

const test = suite(`sweep over Redis: coordinator and two worker processes (node) [${BUILD}]`);
const dir = mkdtempSync(join(tmpdir(), 'simdnet-queue-'));
const SWEEP = {
  name: 'queue-test', method: 'random', seed: 7, budget: { trials: 6 }, batch: 4,
  base: { dataset: 'fashion-small', limit: 300, hidden: [8], epochs: 1, batchSize: 32, validationSplit: 0.2, diagnostics: false },
  space: { learningRate: { logUniform: [1e-3, 1e-1] }, epochs: { int: [1, 2] }, activation: { values: ['relu', 'tanh'] } },
};

let redis: RedisServer;
const workers: ChildProcess[] = [];
test.before(async () => { await ready(); redis = await startRedis(); });
test.after(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startWorker(name: string, env: Record<string, string> = {}): ChildProcess & { output: string; exited: Promise<string> } {
  const w = spawn(process.execPath, ['dist/cli/main.js', 'worker', '--queue', redis.url, '--out', join(dir, name), '--lock-seconds', '2'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcess & { output: string; exited: Promise<string> };
  w.output = '';
  w.stdout!.on('data', (b) => { w.output += b; });
  w.stderr!.on('data', (b) => { w.output += b; });
  w.exited = new Promise((r) => w.once('exit', (code, sig) => r(sig ?? String(code))));
  workers.push(w);
  return w;
}

/** Waits until `ready()` holds, polling; throws `why()` after 20 s. */
async function until(ready: () => Promise<boolean>, why: () => string): Promise<void> {
  const t0 = Date.now();
  while (!(await ready())) {
    if (Date.now() - t0 > 20_000) throw new Error(why());
    await new Promise((r) => setTimeout(r, 50));
  }
}

// What must agree between machines (not the seconds, nor which worker ran it).
const same = (r: TrialRecord) => ({ trial: r.trial, generation: r.generation, params: r.params, status: r.status, metric: r.metric, curve: r.curve,
  epochs: r.epochs, weightsHash: r.weightsHash, valAccuracy: r.valAccuracy, valLoss: r.valLoss, testAccuracy: r.testAccuracy, trainAccuracy: r.trainAccuracy });
const logLines = (out: string) => readFileSync(join(out, 'trials.jsonl'), 'utf8').split('\n').filter((l) => l !== '');

test('6 trials through Redis with two workers, one killed mid-trial: each recorded once, equal to the local run; resume takes results from Redis', async () => {
  const local = await sweep(SWEEP, { out: join(dir, 'local'), workers: 1, init: { bytes: wasmBytes('release') } });
  assert.is(local.trials.length, 6);
  for (const r of local.trials) assert.is(r.status, 'ok', `local trial ${r.trial}: ${r.reason}`);
  assert.ok(new Set(local.trials.map((r) => r.weightsHash)).size > 1, 'the trials differ');

  const a = startWorker('a', { SIMDNET_FAULT: 'SIGKILL@epoch' }); // kills itself at its first trial's first epoch
  const b = startWorker('b');
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
  try {
    await until(async () => (await queue.getWorkersCount()) === 2, () => `the workers did not connect:\n${a.output}\n${b.output}`);
    const out = join(dir, 'queue');
    const done: number[] = [];
    const file = join(dir, 'queue-test.json');
    writeFileSync(file, JSON.stringify(SWEEP));
    // The coordinator as the command line runs it: simdnet sweep SWEEP.json --queue URL
    assert.is(await main(['sweep', file, '--queue', redis.url, '--out', out], (l) => { const t = /^trial (\d+)/.exec(l); if (t) done.push(Number(t[1])); }), 0);
    const remote = { trials: logLines(out).slice(1).map((l) => JSON.parse(l) as TrialRecord).sort((x, y) => x.trial - y.trial) };
    assert.is(await a.exited, 'SIGKILL', `worker a was killed mid-trial:\n${a.output}`);
    assert.equal(done.sort((x, y) => x - y), [1, 2, 3, 4, 5, 6], 'each trial finished once');
    assert.equal(remote.trials.map(same), local.trials.map(same), 'the queue run equals the local run');
    const lines = logLines(out);
    assert.is(lines.length, 7, 'the log: its header and one line per trial');
    assert.equal(lines.slice(1).map((l) => JSON.parse(l).trial).sort((x: number, y: number) => x - y), [1, 2, 3, 4, 5, 6]);
    for (const r of remote.trials) assert.match(r.worker ?? '', /:\d+$/, 'the record names its worker');

    // The trial worker a was running went back to the queue (its lock expired) and ran once more, on worker b.
    const jobs = await queue.getJobs(['completed', 'failed', 'active', 'wait', 'delayed']);
    assert.is(jobs.length, 6, 'one job per trial');
    const retried = jobs.filter((j) => j.stalledCounter > 0).map((j) => j.data.spec.trial);
    assert.is(retried.length, 1, `one trial was retried: ${retried}`);
    assert.match(b.output, new RegExp(`trial ${retried[0]} ok`));
    assert.is(remote.trials.find((r) => r.trial === retried[0])!.worker, jobs.find((j) => j.data.spec.trial === retried[0])!.processedBy);

    // The coordinator killed after its workers finished generation 1 but before it logged it: with no worker left,
    // --resume re-enqueues trials 5 and 6 under the same job ids and takes their stored results.
    b.kill('SIGTERM');
    assert.is(await b.exited, '0', b.output);
    writeFileSync(join(out, 'trials.jsonl'), `${lines.slice(0, 5).join('\n')}\n`);
    const resumed = await sweep(file, { out, resume: true, executor: sweepQueueExecutor(redis.url) });
    assert.equal(resumed.trials.map(same), local.trials.map(same));
    assert.is(logLines(out).length, 7);
    assert.is((await queue.getJobs(['completed', 'failed', 'active', 'wait', 'delayed'])).length, 6, 'nothing enqueued twice');
  } finally {
    await queue.close();
  }
});

test('simdnet worker --concurrency 2: two worker processes, both ended by one SIGTERM', async () => {
  const w = spawn(process.execPath, ['dist/cli/main.js', 'worker', '--queue', redis.url, '--out', join(dir, 'c'), '--concurrency', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(w);
  let output = '';
  w.stdout!.on('data', (b) => { output += b; });
  w.stderr!.on('data', (b) => { output += b; });
  const exited = new Promise((r) => w.once('exit', (code, sig) => r(sig ?? String(code))));
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
  try {
    await until(async () => (await queue.getWorkersCount()) === 2 && output.match(/waiting for trials/g)?.length === 2, () => `the workers did not connect:\n${output}`);
    assert.is((await queue.getWorkers()).length, 2);
    w.kill('SIGTERM');
    assert.is(await exited, '0', output);
    assert.is(output.match(/: ended/g)?.length, 2, output);
    assert.is(await queue.getWorkersCount(), 0);
  } finally {
    await queue.close();
  }
});

test('a trial whose worker is lost twice is recorded failed, saying so, and the sweep goes on', async () => {
  const out = join(dir, 'lost');
  const result = sweep({ ...SWEEP, name: 'lost-twice', budget: { trials: 1 } }, { out, executor: sweepQueueExecutor(redis.url) });
  const a = startWorker('la', { SIMDNET_FAULT: 'SIGKILL@epoch' });
  assert.is(await a.exited, 'SIGKILL', a.output);
  const b = startWorker('lb', { SIMDNET_FAULT: 'SIGKILL@epoch' }); // takes the trial back once a's lock expired, dies too
  assert.is(await b.exited, 'SIGKILL', b.output);
  const c = startWorker('lc'); // finds it stalled a second time: failed
  const r = await result;
  assert.is(r.trials.length, 1);
  assert.is(r.trials[0].status, 'failed');
  assert.match(r.trials[0].reason!, /its worker was lost twice mid-trial/);
  assert.is(logLines(out).length, 2);
  c.kill('SIGTERM');
  assert.is(await c.exited, '0', c.output);
});

test('simdnet worker ends a trial at its time limit mid-epoch (a hard limit), records it failed, and takes the next', async () => {
  const out = join(dir, 'timeout');
  // One epoch of this network takes well over 10 s here; the limit is 2 s: the record must come at about 2 s.
  const slow = { ...SWEEP, name: 'hard-limit', method: 'grid', budget: { trials: 2 }, trialTimeoutSeconds: 2,
    base: { ...SWEEP.base, limit: 4000, epochs: 1 }, space: { hidden: { values: [[2048, 2048, 2048], [8]] } } };
  const w = startWorker('t');
  const r = await sweep(slow, { out, executor: sweepQueueExecutor(redis.url) });
  const [big, small] = r.trials;
  assert.is(big.status, 'failed', JSON.stringify(big));
  assert.is(big.reason, 'timeout after 2 s');
  assert.is(big.epochs, 0, 'ended inside its first epoch');
  assert.ok(big.seconds < 6, `recorded ${big.seconds} s after it started: the limit ended it mid-epoch`);
  assert.is(small.status, 'ok', `the worker went on with the next trial: ${small.reason}`);
  w.kill('SIGTERM');
  assert.is(await w.exited, '0', w.output);
});

test('a worker that throws has its trial retried once, then recorded failed with the reason; a wrong record is refused', async () => {
  const calls = new Map<number, number>();
  const w = await startQueueWorker(redis.url, async (spec) => {
    calls.set(spec.trial, (calls.get(spec.trial) ?? 0) + 1);
    if (spec.trial === 1) throw new Error('boom');
    const r: TrialRecord = { trial: spec.trial === 2 ? 99 : spec.trial, generation: 0, params: {}, status: 'ok', metric: 0.5, curve: [0.5], epochs: 1, seconds: 0 };
    return r;
  }, { lockSeconds: 2, name: 'in-test' });
  const exec = await openQueue(redis.url, 'throw-test', { pollMs: 50 });
  try {
    const spec = (trial: number) => ({ trial, generation: 0, params: { x: trial }, config: {}, goal: 'maximize', metric: 'valAccuracy', earlier: [] }) as unknown as TrialSpec;
    const done: TrialRecord[] = [];
    const started: number[] = [];
    const [r1, r2, r3] = await exec.run([spec(1), spec(2), spec(3)], { started: (t) => started.push(t.trial), done: (r) => { assert.ok(started.includes(r.trial), 'started before done'); done.push(r); } });
    assert.equal(started.sort(), [1, 2, 3], 'started() once per trial');
    assert.equal([...calls.entries()].sort(), [[1, 2], [2, 1], [3, 1]], 'the thrown trial ran twice, the others once');
    assert.is(r1.status, 'failed');
    assert.is(r1.reason, 'boom (after 2 attempts)');
    assert.is(r2.status, 'failed');
    assert.match(r2.reason!, /returned no record of trial 2/);
    assert.equal({ ...r3, seconds: 0 }, { trial: 3, generation: 0, params: { x: 3 }, status: 'ok', metric: 0.5, curve: [0.5], epochs: 1, seconds: 0, worker: 'in-test' });
    assert.equal(done.map((r) => r.trial).sort(), [1, 2, 3], 'done() once per trial');
  } finally {
    await exec.close();
    await w.close();
  }
});

test('a worker refuses a trial from another simdnet version, naming both (no retry)', async () => {
  let ran = 0;
  const w = await startQueueWorker(redis.url, async () => { ran++; throw new Error('ran'); }, { lockSeconds: 2, name: 'in-test' });
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
  try {
    const job = await queue.add('old', { sweep: 'v', version: '0.0.1', spec: { trial: 1 } }, { jobId: 'v:1:x', attempts: 2 });
    await until(async () => (await job.getState()) === 'failed', () => 'the job did not fail');
    const failed = (await queue.getJob('v:1:x'))!;
    assert.match(failed.failedReason, new RegExp(`runs simdnet ${VERSION.replace(/\./g, '\\.')} but the sweep's coordinator runs 0\\.0\\.1`));
    assert.is(failed.attemptsMade, 1);
    assert.is(ran, 0);
  } finally {
    await queue.close();
    await w.close();
  }
});

test('without redis-server the queue tests fail, saying what to install', async () => {
  try {
    await startRedis({ bin: join(dir, 'no-such-redis-server') });
    assert.unreachable('started');
  } catch (e) {
    assert.match((e as Error).message, /redis-server is not installed: the queue tests need it \(Debian: apt-get install redis-server/);
  }
});

test('a coordinator with no worker connected says so once, and goes on when one comes', async () => {
  const warned: string[] = [];
  const exec = await openQueue(redis.url, 'idle', { pollMs: 50, idleWarnMs: 300, warn: (w) => warned.push(w) });
  let w: Awaited<ReturnType<typeof startQueueWorker>> | undefined;
  try {
    const spec = { trial: 1, generation: 0, params: {}, config: {}, goal: 'maximize', metric: 'valAccuracy', earlier: [] } as unknown as TrialSpec;
    const pending = exec.run([spec], { done: () => {} });
    await until(async () => warned.length > 0, () => 'no warning');
    assert.match(warned[0], /no simdnet worker is connected to 127\.0\.0\.1:\d+: the trials wait there/);
    w = await startQueueWorker(redis.url, async (t) => ({ trial: t.trial, generation: 0, params: {}, status: 'ok', metric: 1, curve: [1], epochs: 1, seconds: 0 }), { name: 'late' });
    const [r] = await pending;
    assert.is(r.worker, 'late');
    assert.is(warned.length, 1);
  } finally {
    await exec.close();
    await w?.close();
  }
});

test('--queue URLs are read strictly', () => {
  assert.is(readQueueUrl('--queue', 'redis://10.0.0.5:6379').port, '6379');
  assert.is(readQueueUrl('--queue', 'rediss://u:p@host:1/2').hostname, 'host');
  const refused = (url: string, re: RegExp) => assert.throws(() => readQueueUrl('--queue', url), (e: Error) => re.test(e.message));
  refused('localhost:6379', /expected redis:\/\/HOST:PORT/);
  refused('http://host:6379', /got a http: URL/);
  refused('redis://host:6379/queue', /database number/);
  refused('redis://host:6379?db=1', /not read/);
  refused('not a url', /not a URL/);
});

test('an unreachable Redis is one clear error, not an endless retry', async () => {
  const r = await startRedis();
  const url = r.url;
  await r.stop();
  const t0 = Date.now();
  try {
    await openQueue(url, SWEEP.name);
    assert.unreachable('connected to a stopped Redis');
  } catch (e) {
    assert.match((e as Error).message, /cannot reach Redis at 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  }
  assert.ok(Date.now() - t0 < 15_000);
});

test('simdnet worker: its flags are checked', async () => {
  const refused = async (args: string[], re: RegExp) => {
    try { await main(['worker', ...args], () => {}); assert.unreachable(args.join(' ')); } catch (e) { assert.match((e as Error).message, re); }
  };
  await refused([], /worker needs --queue/);
  await refused(['--queue', redis.url, '--concurrency', '0'], /--concurrency "0": expected a whole number from 1/);
  await refused(['--queue', redis.url, '--lock-seconds', '1.5'], /--lock-seconds "1.5"/);
  await refused(['--queue', redis.url, '--concurency', '2'], /did you mean --concurrency/);
  await refused(['--queue', 'ftp://x'], /got a ftp: URL/);
  const file = join(dir, 'flags.json');
  writeFileSync(file, JSON.stringify(SWEEP));
  const sweepRefused = async (args: string[], re: RegExp) => {
    try { await main(['sweep', file, ...args], () => {}); assert.unreachable(args.join(' ')); } catch (e) { assert.match((e as Error).message, re); }
  };
  await sweepRefused(['--queue', redis.url, '--workers', '2'], /--workers does not apply with --queue/);
  await sweepRefused(['--queue', 'redis//host:1'], /--queue "redis\/\/host:1": not a URL/);
});

test.run();
