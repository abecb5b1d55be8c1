// Sweeps on one machine: a tiny random sweep's records and JSONL log, the same params and weights hashes with 1 and 2
// worker threads, failed trials (a thrown error, a timeout) recorded while the sweep goes on, a CLI sweep killed
// mid-way and resumed (nothing rerun or lost, the same records as uninterrupted), an existing log refused without
// --resume, the seconds budget, and strict reading.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD, ready, wasmBytes } from '../helpers/setup.js';
import { sweep } from '../../src/sweep/run.js';
import type { SweepResult } from '../../src/sweep/coordinate.js';
import type { TrialRecord } from '../../src/sweep/log.js';
import { readExperiment } from '../../src/cli/experiment.js';

const test = suite(`sweeps on one machine (node) [${BUILD}]`);
const dir = mkdtempSync(join(tmpdir(), 'simdnet-sweep-'));
const init = { bytes: wasmBytes(BUILD) };
const TINY = {
  name: 'tiny', base: { dataset: 'fashion-small', limit: 600, hidden: [8], seed: 2 },
  space: { learningRate: { logUniform: [0.001, 0.1] }, epochs: { int: [1, 2] }, activation: { values: ['relu', 'tanh'] } },
  method: 'random', budget: { trials: 6 }, batch: 3, seed: 5,
};
const lines = (out: string) => readFileSync(join(out, 'trials.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const key = (r: TrialRecord) => JSON.stringify([r.trial, r.generation, r.params, r.status, r.metric, r.weightsHash]);
let two: SweepResult;

test.before(async () => { await ready(); });

test('a random sweep of 6 trials on 2 workers: records, the JSONL log, run folders', async () => {
  const out = join(dir, 'two');
  two = await sweep(TINY, { out, workers: 2, init });
  assert.is(two.trials.length, 6);
  for (const r of two.trials) {
    assert.is(r.status, 'ok', `trial ${r.trial}: ${r.reason}`);
    assert.ok(r.metric! >= 0 && r.metric! <= 1);
    assert.is(r.metric, r.valAccuracy);
    assert.is(r.curve.length, r.params.epochs);
    assert.is(r.generation, Math.floor((r.trial - 1) / 3));
    assert.match(r.weightsHash!, /^[0-9a-f]{16}$/);
    assert.ok(existsSync(join(out, 'trials', String(r.trial), 'history.json')));
  }
  const [header, ...recs] = lines(out);
  assert.is(header.sweep, 'tiny');
  assert.equal(header.config, TINY);
  assert.equal(recs.sort((a, b) => a.trial - b.trial), two.trials);
  assert.is(two.best!.metric, Math.max(...two.trials.map((r) => r.metric!)));
  assert.is(new Set(two.trials.map((r) => r.weightsHash)).size, 6, 'different params train different weights');
});

test('1 worker: the same trials, params and weights hashes as 2 workers', async () => {
  const one = await sweep(TINY, { out: join(dir, 'one'), workers: 1, init });
  assert.equal(one.trials.map(key), two.trials.map(key));
});

test('a trial that throws and one over its time limit are recorded failed; the sweep goes on', async () => {
  const r = await sweep({
    name: 'failing', base: { limit: 2000, epochs: 5 },
    space: { dataset: { values: ['fashion-small', 'folder'] }, hidden: { values: [[8], [1024, 1024, 1024]] } },
    method: 'grid', trialTimeoutSeconds: 4, batch: 4,
  }, { out: join(dir, 'failing'), workers: 1, init });
  const [fast, slow, thrown, thrown2] = r.trials;
  assert.is(fast.status, 'ok', fast.reason);
  assert.is.not(thrown.worker, fast.worker, 'the worker over the time limit was ended and replaced');
  for (const t of [thrown, thrown2]) { assert.is(t.status, 'failed'); assert.match(t.reason!, /folder|--data/); assert.is(t.metric, null); }
  assert.is(slow.status, 'failed');
  assert.is(slow.reason, 'timeout after 4 s');
  assert.is(lines(join(dir, 'failing')).length, 5);
});

test('a trial whose params make invalid settings together is recorded failed without running; the others run', async () => {
  const r = await sweep({
    name: 'joint', base: { limit: 100, epochs: 1 }, space: { model: { values: ['mlp', 'cnn'] }, hidden: { values: [[8]] } },
    method: 'grid',
  }, { out: join(dir, 'joint'), workers: 1, init });
  assert.equal(r.trials.map((t) => t.status), ['ok', 'failed']);
  assert.match(r.trials[1].reason!, /^invalid settings: hidden does not apply to model "cnn"/);
  assert.not.ok(existsSync(join(dir, 'joint', 'trials', '2', 'history.json')));
});

test('a folder with a log: refused without resume; resume with another sweep file or without a log refused', async () => {
  const out = join(dir, 'two'), before = readFileSync(join(out, 'trials.jsonl'), 'utf8');
  await sweep(TINY, { out, init }).then(() => assert.unreachable('ran over a log'), (e: Error) => assert.match(e.message, /trials\.jsonl exists: continue that sweep with --resume/));
  await sweep({ ...TINY, seed: 6 }, { out, init, resume: true }).then(() => assert.unreachable('resumed another sweep'),
    (e: Error) => assert.match(e.message, /is the log of another sweep file/));
  await sweep(TINY, { out: join(dir, 'nothing'), init, resume: true }).then(() => assert.unreachable('resumed nothing'),
    (e: Error) => assert.match(e.message, /trials\.jsonl does not exist/));
  assert.is(readFileSync(join(out, 'trials.jsonl'), 'utf8'), before, 'the log is untouched');
  const again = await sweep(TINY, { out, init, resume: true, workers: 1 });
  assert.equal(again.trials.map(key), two.trials.map(key), 'a finished sweep resumed runs nothing and returns its records');
  assert.is(readFileSync(join(out, 'trials.jsonl'), 'utf8'), before);
});

test('budget.seconds: no generation starts once they have passed (the one in flight finishes)', async () => {
  const r = await sweep({ ...TINY, budget: { trials: 6, seconds: 0.001 } }, { out: join(dir, 'seconds'), workers: 1, init });
  assert.equal(r.trials.map((t) => t.trial), [1, 2, 3]);
});

test('simdnet sweep killed mid-way, then --resume: nothing rerun, nothing lost, the same records as uninterrupted', async () => {
  const file = join(dir, 'tiny.json'), out = join(dir, 'killed');
  writeFileSync(file, JSON.stringify(TINY));
  const cli = ['--import', 'tsx', 'src/cli/main.ts', 'sweep', file, '--out', out, '--workers', '1'];
  const child = spawn(process.execPath, cli, { stdio: 'ignore', env: { ...process.env } });
  const log = join(out, 'trials.jsonl');
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (existsSync(log) && lines(out).length >= 3) { clearInterval(t); child.kill('SIGKILL'); resolve(); }
    }, 10);
    child.on('exit', () => { clearInterval(t); if (child.signalCode !== 'SIGKILL') reject(new Error('the sweep finished before it was killed')); });
  });
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  const before = readFileSync(log, 'utf8');
  const done = before.split('\n').filter((l) => l).slice(1).map((l) => JSON.parse(l).trial as number);
  assert.ok(done.length >= 2 && done.length < 6, `killed after ${done.length} trials`);
  appendFileSync(log, '{"trial": 99, "generat'); // as if killed while writing a line
  const stdout = execFileSync(process.execPath, [...cli, '--resume'], { encoding: 'utf8' });
  assert.match(stdout, /last line was cut short/);
  const ran = [...stdout.matchAll(/^trial (\d+) /gm)].map((m) => Number(m[1]));
  assert.equal(ran.sort(), [1, 2, 3, 4, 5, 6].filter((t) => !done.includes(t)), 'only the trials missing from the log ran');
  const after = readFileSync(log, 'utf8');
  assert.ok(after.startsWith(before), 'the records written before the kill are kept as they were');
  const recs = lines(out).slice(1) as TrialRecord[];
  assert.is(recs.length, 6);
  assert.equal(recs.sort((a, b) => a.trial - b.trial).map(key), two.trials.map(key));
  assert.match(stdout, /best 6 by valAccuracy/);
  assert.match(stdout, /\n  simdnet train --dataset fashion-small --hidden 8 .*--seed 2 .*--limit 600/);
  assert.ok(existsSync(join(out, "report.html")), "the sweep writes its report");
  const best = readExperiment(join(out, 'best.json'));
  assert.is(best.variants.length, 1);
  assert.is(best.variants[0].config.learningRate, two.best!.params.learningRate);
});

test('sweep files are read strictly: unknown keys name the nearest; bad values name the key; nothing runs', async () => {
  const refused = async (c: Record<string, unknown>, re: RegExp, opts: Record<string, unknown> = {}) => {
    const out = join(dir, `bad${Math.random()}`);
    try { await sweep(c, { out, init, ...opts }); } catch (e) { assert.match((e as Error).message, re); assert.not.ok(existsSync(join(out, 'trials.jsonl'))); return; }
    assert.unreachable(`accepted: ${JSON.stringify(c)}`);
  };
  await refused({ ...TINY, budgett: {} }, /unknown key "budgett" \(did you mean "budget"\?\)/);
  await refused({ ...TINY, space: { activation: { values: ['relu', 'tanhh'] } } }, /space\.activation = "tanhh".*did you mean "tanh"/);
  await refused({ ...TINY, space: { hiddn: { values: [[8]] } } }, /space\.hiddn.*unknown setting "hiddn" \(did you mean "hidden"\?\)/);
  await refused({ ...TINY, budget: {} }, /budget\.trials is required for method "random"/);
  await refused({ ...TINY, metric: { name: 'valAccurcy' } }, /metric\.name .*did you mean "valAccuracy"/);
  await refused({ ...TINY, earlyTermination: { kind: 'median', minEpoch: 2 } }, /earlyTermination: unknown key "minEpoch" \(did you mean "minEpochs"\?\)/);
  await refused({ ...TINY, space: { learningRate: { logUniform: [0, 1] } } }, /logUniform must have lo > 0/);
  await refused({ ...TINY, base: { ...TINY.base, out: 'x' } }, /base: out does not apply/);
  await refused(TINY, /unknown option "worker" \(did you mean "workers"\?\)/, { worker: 2 });
});

test.run();
