// The browser sweep's own parts without a browser: the page's dataset checked field by field before any worker starts,
// sweepInBrowser's options read strictly, and the coordinator run on a stand-in executor: records reported as they
// finish, the same proposals with records of an earlier run resumed (none run again), a resumed record that does not
// match the proposal refused. The Web Workers themselves run in Chromium (scripts/test-sweep-browser.mjs).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkDatasetArrays } from '../../src/sweep/pool-web.js';
import type { DatasetArrays } from '../../src/run/dataset.js';
import { sweepInBrowser } from '../../src/sweep/browser.js';
import type { Executor } from '../../src/sweep/pool.js';
import type { TrialRecord } from '../../src/sweep/log.js';
import type { TrialSpec } from '../../src/sweep/trial.js';

const test = suite('sweep in a browser: data, options, resume');

const arrays = (over: Partial<DatasetArrays> = {}): DatasetArrays => ({
  name: 'folder', classes: ['a', 'b', 'c'], inputShape: [2],
  train: { x: new Float32Array(8), labels: new Int32Array([0, 1, 2, 1]) }, test: { x: new Float32Array(4), labels: new Int32Array([2, 0]) }, ...over,
});
const refused = (d: unknown, re: RegExp) => assert.throws(() => checkDatasetArrays('sweepInBrowser', d as DatasetArrays), (e: Error) => re.test(e.message), String(re));

test('the page dataset is checked before any worker starts, naming the field', () => {
  checkDatasetArrays('sweepInBrowser', arrays());
  refused(arrays({ name: 'mine' }), /data\.name must be the sweep's dataset setting: one of .*\("folder" for your own data\); got "mine"/);
  refused(arrays({ classes: ['a'] }), /data\.classes must list at least 2/);
  refused(arrays({ inputShape: [2, 0] }), /data\.inputShape must be one sample's shape/);
  refused(arrays({ train: { x: new Float32Array(7), labels: new Int32Array([0, 1, 2, 1]) } }), /data\.train\.x has 7 values; 4 samples of \[2\] need 8/);
  refused(arrays({ test: { x: new Float32Array(4), labels: new Int32Array([2, 3]) } }), /data\.test\.labels\[1\] is 3, not a class index in \[0, 3\)/);
  refused(arrays({ train: { x: [0, 0] as unknown as Float32Array, labels: new Int32Array(1) } }), /data\.train must be \{ x: Float32Array, labels: Int32Array \}/);
  refused(arrays({ test: { x: new Float32Array(0), labels: new Int32Array(0) } }), /data\.test has no samples/);
  refused(null, /data must be/);
});

// A stand-in executor: each trial's metric is a pure function of its params, as a deterministic trainer's would be.
function fakeExecutor(ran: number[]): Executor {
  const record = (t: TrialSpec): TrialRecord => {
    const lr = t.params.learningRate as number;
    const metric = 1 - Math.abs(Math.log10(lr) + 2) / 3;
    return { trial: t.trial, generation: t.generation, params: t.params, status: 'ok', metric, curve: [metric], epochs: 1, seconds: 0, weightsHash: `h${t.trial}` };
  };
  return {
    parallel: 2,
    async run(trials, events) { return trials.map((t) => { ran.push(t.trial); events.started?.(t, 'fake'); const r = record(t); events.done(r); return r; }); },
    async close() {},
  };
}

const SWEEP = { base: { dataset: 'folder', epochs: 1 }, space: { learningRate: { logUniform: [1e-4, 1] } }, method: 'random', budget: { trials: 6 }, batch: 2, seed: 3 };

test('records arrive as trials finish; resumed with some, only the others run and the results are the same', async () => {
  const ran: number[] = [], seen: number[] = [];
  const full = await sweepInBrowser(SWEEP, { data: arrays(), executor: fakeExecutor(ran), onRecord: (r) => seen.push(r.trial) });
  assert.equal(ran, [1, 2, 3, 4, 5, 6]);
  assert.equal(seen, [1, 2, 3, 4, 5, 6]);
  assert.is(full.trials.length, 6);
  assert.is(full.best!.metric, Math.max(...full.trials.map((r) => r.metric!)));
  assert.equal(full.settings(full.best!), { dataset: 'folder', epochs: 1, learningRate: full.best!.params.learningRate });
  const ran2: number[] = [];
  const resumed = await sweepInBrowser(SWEEP, { data: arrays(), executor: fakeExecutor(ran2), records: full.trials.slice(0, 4) });
  assert.equal(ran2, [5, 6], 'only the trials without a record ran');
  assert.equal(resumed.trials, full.trials);
  const forged = { ...full.trials[0], params: { learningRate: 0.5 } };
  try {
    await sweepInBrowser(SWEEP, { data: arrays(), executor: fakeExecutor([]), records: [forged] });
    assert.unreachable('a record that does not match its proposal must be refused');
  } catch (e) {
    assert.match((e as Error).message, /trial 1 in the records given has params \{"learningRate":0\.5\}, but this sweep proposes/);
  }
});

test('options and the sweep object are read strictly', async () => {
  const fails = async (p: Promise<unknown>, re: RegExp) => {
    try { await p; assert.unreachable(String(re)); } catch (e) { assert.match((e as Error).message, re); }
  };
  await fails(sweepInBrowser(SWEEP, { data: arrays(), executor: fakeExecutor([]), worker: 2 } as never), /sweepInBrowser: unknown option "worker"; did you mean "workers"\?/);
  await fails(sweepInBrowser({ ...SWEEP, budgte: {} }, { data: arrays(), executor: fakeExecutor([]) }), /unknown key "budgte" \(did you mean "budget"\?\)/);
  await fails(sweepInBrowser(SWEEP, { data: arrays({ name: 'fashion' }) }), /data\.name must be/);
});

test.run();
