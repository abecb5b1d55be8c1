// The permanent kill battery of `simdnet train` (node-only, real child processes): kill -9 and Ctrl-C (SIGINT) at random
// points of a run (during data loading, between batches, during the end-of-run evaluate and save) and at every step
// between its writes (the CLI's SIMDNET_FAULT hook). Whatever the point, nothing is lost and --out is never half-written:
// it holds nothing of the run, or a checkpoint that --resume completes to the uninterrupted run's weights hash and
// history, or the finished run (model, history.json and history.csv agreeing with the uninterrupted run). A Ctrl-C after
// training ends finishes the save. The random points come from a seed printed with any failure (CLI_FAULT_SEED=n repeats).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD, ready } from '../helpers/setup.js';
import { loadModel } from '../../src/index.js';
import { spawn } from 'node:child_process';
import { bin, miniData, pool, runCli, type Fault, type Outcome } from './cli-helpers.js';
import { record } from './tally.js';

await ready();
const test = suite(`cli: kill -9 and Ctrl-C at any point lose nothing (node) [${BUILD}]`);
const dir = mkdtempSync(join(tmpdir(), 'simdnet-cli-faults-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const SEED = Number(process.env.CLI_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
let s = SEED >>> 0;
/** mulberry32: a uniform draw in [0, 1) from the battery's seed. */
function rand(): number {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const SIGNALS = ['SIGKILL', 'SIGINT'] as const;

const EPOCHS = 3;
const ARGS = ['train', ...miniData(dir), '--limit', '1000', '--epochs', String(EPOCHS), '--batch-size', '10', '--hidden', '16', '--seed', '5'];
const PARALLEL = 2;

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** The weights hash of a model file (the model is freed). */
function hashOf(path: string): string {
  const m = loadModel(new Uint8Array(readFileSync(path)));
  try { return m.weightsHash(); } finally { m.dispose(); }
}

let reference: { hash: string; history: Record<string, number[]> };
const timing = { firstLine: 0, epoch: 0, finish: 0 };

type State = 'nothing' | 'checkpoint' | 'finished';

/** What a killed run left in `out`, checked to be whole: every file complete, no model without its history. */
function inspect(out: string, why: string): State {
  const folder = join(dir, out);
  const files = existsSync(folder) ? readdirSync(folder) : [];
  for (const f of files) {
    if (/^\..*\.tmp$/.test(f)) continue; // a temporary file of a write cut short: never read, removed by the next save there
    assert.ok(/^(model\.simdnet|report\.json|report\.html|history\.json|history\.csv|checkpoint\.json|checkpoint(-[\w-]+)?\.simdnet)$/.test(f), `${why}: unexpected file ${f} in --out`);
    if (f.endsWith('.json')) json(join(folder, f));
    if (f.endsWith('.simdnet')) hashOf(join(folder, f));
  }
  if (files.includes('checkpoint.json')) {
    const c = json(join(folder, 'checkpoint.json'));
    const model = c.model ?? 'checkpoint.simdnet';
    assert.ok(files.includes(model), `${why}: checkpoint.json names ${model}, which is missing`);
    return 'checkpoint';
  }
  if (files.includes('history.json') || files.includes('model.simdnet')) {
    assert.ok(files.includes('model.simdnet') && files.includes('history.json') && files.includes('history.csv'), `${why}: half a finished run: ${files.join(', ')}`);
    finished(out, why);
    return 'finished';
  }
  return 'nothing';
}

/** The finished run in `out` equals the uninterrupted one: weights hash (in history.json and of the model) and history. */
function finished(out: string, why: string): void {
  const h = json(join(dir, out, 'history.json'));
  assert.is(h.weightsHash, reference.hash, `${why}: weights hash`);
  assert.is(hashOf(join(dir, out, 'model.simdnet')), reference.hash, `${why}: model.simdnet's weights`);
  assert.equal(h.history, reference.history, `${why}: history`);
  const csv = readFileSync(join(dir, out, 'history.csv'), 'utf8').trim().split('\n');
  assert.is(csv.length, EPOCHS + 1, `${why}: history.csv rows`);
  assert.not.ok(existsSync(join(dir, out, 'checkpoint.json')), `${why}: checkpoint.json left after finishing`);
  // a finished run's last saves removed the temporary files that killed writes left (io/files.ts, outdir.ts)
  for (const f of readdirSync(join(dir, out))) assert.not.match(f, /\.tmp$/, `${why}: ${f} left after finishing`);
}

let cases = 0, faults = 0, resumed = 0;

/** A faulted run's plan, drawn from the seed before any run starts (runs go two at a time). */
interface Plan {
  name: string;
  fault?: Fault & { signal: NodeJS.Signals };
  env: Record<string, string>;
  expect: { handled?: boolean; finishes?: boolean; keeps?: boolean };
  /** A fault sent into the first --resume, at this fraction of a run's time, or none. */
  again?: { signal: NodeJS.Signals; at: number };
}

function plan(name: string, fault: Plan['fault'], env: Plan['env'], expect: Plan['expect']): Plan {
  return { name, fault, env, expect, again: rand() < 0.3 ? { signal: pick(SIGNALS), at: rand() } : undefined };
}

/** Resumes `out` until it finishes (the first --resume may itself be faulted); checks the finished run. */
async function resumeToEnd(out: string, why: string, again: Plan['again']): Promise<void> {
  if (again) {
    const delay = Math.round(again.at * (timing.firstLine + timing.epoch * EPOCHS + timing.finish));
    const r = await runCli(dir, ['train', '--resume', '--out', out], { signal: again.signal, delay });
    faults++;
    const state = inspect(out, `${why}, then ${again.signal} ${delay} ms into --resume (exit ${r.code ?? r.signal}; ${r.err.trim()})`);
    assert.ok(state !== 'nothing', `${why}: a faulted --resume lost the checkpoint`);
    if (state === 'finished') { resumed++; return; }
  }
  const r = await runCli(dir, ['train', '--resume', '--out', out]);
  assert.is(r.code, 0, `${why}: --resume exit ${r.code ?? r.signal}\n${r.out}\n${r.err}`);
  assert.match(r.out, /resuming from epoch \d+, batch \d+/);
  resumed++;
  finished(out, `${why}, resumed`);
  for (const f of readdirSync(join(dir, out))) assert.not.match(f, /^(checkpoint|\.simdnet-probe)/, `${why}: ${f} left after --resume finished`);
}

/** One faulted run and its checks. */
async function trial(p: Plan): Promise<void> {
  const out = `case${cases++}`;
  const why = `seed ${SEED}, ${p.name}`;
  const r = await runCli(dir, [...ARGS, '--out', out], p.fault, p.env);
  faults++;
  const detail = `${why}: exit ${r.code ?? r.signal}\nstdout: ${r.out.slice(-600)}\nstderr: ${r.err}`;
  assert.not.match(r.err, /\n\s+at /, detail);
  const state = inspect(out, detail);
  const trained = /epoch 1\//.test(r.sentAfter), allDone = new RegExp(`epoch ${EPOCHS}/${EPOCHS}`).test(r.sentAfter);
  if (p.fault?.signal === 'SIGINT' || p.env.SIMDNET_FAULT?.startsWith('SIGINT')) {
    // Ctrl-C once training has begun ends with a checkpoint (130) or, once the last epoch ended, a finished run (0)
    // (once the run has written everything and returned, a Ctrl-C just ends the process)
    const over = /\nwrote .*history\.json\n/.test(r.out);
    if ((trained || p.expect.handled) && !over) assert.ok(r.code === 130 || r.code === 0, `Ctrl-C killed the run: ${detail}`);
    if (r.code === 130) assert.is(state, 'checkpoint', detail);
    if (r.code === 0) assert.is(state, 'finished', detail);
    if (allDone || p.expect.finishes) assert.is(state, 'finished', `Ctrl-C after training did not finish the save: ${detail}`);
  } else if (trained || p.expect.keeps) {
    assert.ok(state !== 'nothing', `kill -9 once training had begun left nothing: ${detail}`);
  }
  if (state === 'checkpoint') await resumeToEnd(out, `${p.name} → ${state}`, p.again);
}

test('an uninterrupted run: the reference weights hash, history and timings', async () => {
  const t0 = performance.now();
  const at: Record<string, number> = {};
  const r = await new Promise<Outcome>((resolve) => {
    const child = spawn(process.execPath, [bin, ...ARGS, '--out', 'reference'], { cwd: dir });
    let out = '', err = '';
    child.stdout.on('data', (d) => {
      out += d;
      for (const [k, re] of [['first', /simdnet train:/], ['e1', /epoch 1\//], ['last', new RegExp(`epoch ${EPOCHS}/`)]] as const) at[k] ??= re.test(out) ? performance.now() - t0 : undefined!;
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code, signal) => resolve({ code, signal, out, err, sentAfter: '' }));
  });
  assert.is(r.code, 0, r.err);
  const h = json(join(dir, 'reference', 'history.json'));
  reference = { hash: h.weightsHash, history: h.history };
  timing.firstLine = at.first; timing.epoch = Math.max(1, (at.last - at.e1) / (EPOCHS - 1)); timing.finish = Math.max(1, performance.now() - t0 - at.last);
  console.log(`  seed ${SEED}; reference ${reference.hash}; data loaded at ${at.first.toFixed(0)} ms, ${timing.epoch.toFixed(0)} ms per epoch, finish ${timing.finish.toFixed(0)} ms`);
});

test('kill -9 and Ctrl-C at random points: loading, between batches, evaluate and save', async () => {
  const plans = Array.from({ length: 9 }, (_, i) => {
    const signal = pick(SIGNALS);
    const phase = (['loading', 'batches', 'finish'] as const)[i % 3];
    const fault = phase === 'loading' ? { signal, delay: Math.round(rand() * timing.firstLine * 1.2) }
      : phase === 'batches' ? { signal, after: /epoch 1\//, delay: Math.round(rand() * timing.epoch * 1.5) }
        : { signal, after: new RegExp(`epoch ${EPOCHS}/`), delay: Math.round(rand() * timing.finish) };
    return plan(`${signal} in ${phase}, ${fault.delay} ms after ${fault.after?.source ?? 'the start'}`, fault, {}, {});
  });
  await pool(plans.map((p) => () => trial(p)), PARALLEL);
});

// The run's steps between writes (src/cli/train.ts): checkpoint-model and checkpoint #1 are the start's checkpoint, #2 the
// next one (between epochs or after the last); then the end-of-run evaluate and saves. A fault at each, for both signals.
const STEPS = ['loaded', 'checkpoint-model', 'checkpoint', 'epoch', 'checkpoint-model#2', 'checkpoint#2', 'evaluated',
  'model.simdnet', 'report.json', 'report.html', 'history.csv', 'history.json', 'checkpoint-removed'];
const FINISH = ['evaluated', 'model.simdnet', 'report.json', 'report.html', 'history.csv', 'history.json', 'checkpoint-removed'];

test('kill -9 and Ctrl-C at every step between the writes of a run', async () => {
  const plans = STEPS.flatMap((step) => SIGNALS.filter((signal) => signal === 'SIGKILL' || step !== 'loaded') // before training, Ctrl-C just quits
    .map((signal) => plan(`${signal} at step ${step}`, undefined, { SIMDNET_FAULT: `${signal}@${step}` },
      { handled: true, finishes: signal === 'SIGINT' && FINISH.includes(step), keeps: !['loaded', 'checkpoint-model'].includes(step) })));
  await pool(plans.map((p) => () => trial(p)), PARALLEL);
});

test('figures', () => {
  record({ cases, faults, resumed });
  console.log(`  cli fault battery: ${cases} faulted runs, ${faults} faults injected, ${resumed} runs resumed to the uninterrupted hash (seed ${SEED})`);
});

test.run();
