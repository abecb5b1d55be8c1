// The sweep over Redis: a throwaway redis-server, the coordinator's queue executor in this process and two
// `simdnet worker` processes (dist/cli/main.js); one kills itself mid-trial (SIMDNET_FAULT=SIGKILL@epoch) and its
// trial is retried once by the other. Every trial is recorded exactly once, with the same params, metric, curve and
// weights hash as the single-machine run; enqueuing a generation again returns the stored results without rerunning.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { BUILD, ready } from '../helpers/setup.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { readSpace, applyParams } from '../../src/sweep/space.js';
import { makeProposer } from '../../src/sweep/search.js';
import { resolveConfig, type TrainConfig } from '../../src/cli/settings.js';
import { runTrial, type TrialSpec } from '../../src/sweep/trial.js';
import type { TrialRecord } from '../../src/sweep/log.js';
import { jobId, openQueue, QUEUE_NAME, readQueueUrl } from '../../src/sweep/queue.js';
import { main } from '../../src/cli/main.js';

const test = suite(`sweep over Redis: coordinator and two worker processes (node) [${BUILD}]`);
const dir = mkdtempSync(join(tmpdir(), 'simdnet-queue-'));
const SWEEP = 'queue-test';
const base = { dataset: 'fashion-small', limit: 300, hidden: [8], epochs: 1, batchSize: 32, validationSplit: 0.2, diagnostics: false };
const space = readSpace('queue-test', {
  learningRate: { logUniform: [1e-3, 1e-1] }, epochs: { int: [1, 2] }, activation: { values: ['relu', 'tanh'] },
});

/** 6 random trials in generations of 4 (4 + 2), each spec as the coordinator makes it, run folders under `out`. */
function specs(out: string): TrialSpec[][] {
  const params = makeProposer('random', space, 7, 'maximize').propose(6, []);
  const spec = (trial: number, generation: number): TrialSpec => ({
    trial, generation, params: params[trial], goal: 'maximize', metric: 'valAccuracy', earlier: [],
    config: resolveConfig({ ...applyParams(base, params[trial]), out: join(out, 'trials', String(trial)) }, { from: 'file' }) as TrainConfig,
  });
  return [[0, 1, 2, 3].map((t) => spec(t, 0)), [4, 5].map((t) => spec(t, 1))];
}

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

const same = (r: TrialRecord) => ({ trial: r.trial, generation: r.generation, params: r.params, status: r.status, metric: r.metric, curve: r.curve,
  epochs: r.epochs, weightsHash: r.weightsHash, valAccuracy: r.valAccuracy, valLoss: r.valLoss, testAccuracy: r.testAccuracy, trainAccuracy: r.trainAccuracy });

test('6 trials through Redis with two workers, one killed mid-trial: each recorded once, equal to the local run', async () => {
  // The single-machine run: the same specs with runTrial in this process.
  const local: TrialRecord[] = [];
  for (const gen of specs(join(dir, 'local'))) for (const s of gen) local.push(await runTrial(s));
  assert.is(local.length, 6);
  for (const r of local) assert.is(r.status, 'ok', `local trial ${r.trial}: ${r.reason}`);
  assert.ok(new Set(local.map((r) => r.weightsHash)).size > 1, 'the trials differ');

  const a = startWorker('a', { SIMDNET_FAULT: 'SIGKILL@epoch' }); // kills itself at its first trial's first epoch
  const b = startWorker('b');
  const exec = await openQueue(redis.url, SWEEP, { pollMs: 100 });
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
  try {
    const t0 = Date.now();
    while ((await queue.getWorkersCount()) < 2) {
      if (Date.now() - t0 > 20_000) throw new Error(`the workers did not connect:\n${a.output}\n${b.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const done: number[] = [];
    const got: TrialRecord[] = [];
    const gens = specs(join(dir, 'coordinator'));
    for (const gen of gens) got.push(...await exec.run(gen, { done: (r) => done.push(r.trial) }));
    assert.is(await a.exited, 'SIGKILL', `worker a was killed mid-trial:\n${a.output}`);
    assert.equal(done.sort((x, y) => x - y), [0, 1, 2, 3, 4, 5], 'done() once per trial');
    assert.equal(got.map(same), local.map(same), 'the queue run equals the local run');
    for (const r of got) assert.match(r.worker ?? '', /:\d+$/, 'the record names its worker');

    // The trial worker a was running went back to the queue (its lock expired) and ran once more, on worker b.
    const retried = [];
    for (const gen of gens) for (const s of gen) {
      const job = await queue.getJob(jobId(SWEEP, s));
      assert.is(await job!.getState(), 'completed');
      if (job!.stalledCounter > 0) retried.push(s.trial);
    }
    assert.is(retried.length, 1, `one trial was retried: ${retried}`);
    assert.match(b.output, new RegExp(`trial ${retried[0]} ok`));

    // Enqueuing a generation again (a restarted coordinator) finds its jobs: the same records, nothing rerun.
    b.kill('SIGTERM');
    assert.is(await b.exited, '0', b.output);
    const again = await exec.run(gens[0], { done: () => {} });
    assert.equal(again.map(same), local.slice(0, 4).map(same));
  } finally {
    await queue.close();
    await exec.close();
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
    await openQueue(url, SWEEP);
    assert.unreachable('connected to a stopped Redis');
  } catch (e) {
    assert.match((e as Error).message, /cannot reach Redis at 127\.0\.0\.1:\d+/);
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
});

test.run();
