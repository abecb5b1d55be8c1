// `simdnet report DIR` on a sweep folder (DIR/trials.jsonl): the sweep's page with the best trial's `simdnet train`
// line from the CLI's flag table; a damaged log is refused naming the file and the line, and nothing is written.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCommand, settingFlags } from '../../src/cli/commands.js';
import { SETTINGS } from '../../src/run/settings.js';

const test = suite('sweep report (node)');

const header = { sweep: 'cli', started: '2026-01-01T00:00:00.000Z',
  config: { base: { dataset: 'fashion-small', diagnostics: false }, space: { learningRate: { logUniform: [1e-3, 1e-1] }, batchNorm: { values: [true, false] } } } };
const trial = (i: number, lr: number, bn: boolean, metric: number) => ({
  trial: i, generation: 0, params: { learningRate: lr, batchNorm: bn }, status: 'ok', metric, curve: [metric], epochs: 1, seconds: 0.5 });
const jsonl = [header, trial(0, 0.01, true, 0.7), trial(1, 0.002, false, 0.8), trial(2, 0.05, true, 0.6)].map((x) => JSON.stringify(x)).join('\n') + '\n';

test('the flag table is every flagged setting, booleans marked', () => {
  const f = settingFlags();
  assert.equal(Object.keys(f), SETTINGS.filter((s) => s.flag).map((s) => s.key));
  assert.equal(f.batchNorm, { flag: 'batch-norm', boolean: true, default: false });
  assert.equal(f.diagnostics, { flag: 'no-diagnostics', boolean: true, default: true });
  assert.is(f.learningRate.flag, 'lr');
});

test('simdnet report DIR writes the sweep page; the best trial as flags (booleans as the flags mean them)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdnet-sweep-cli-'));
  try {
    writeFileSync(join(dir, 'trials.jsonl'), jsonl);
    const said: string[] = [];
    const path = await reportCommand(dir, (s) => said.push(s));
    assert.is(path, join(dir, 'report.html'));
    assert.match(said.join('\n'), /the sweep's report/);
    const html = readFileSync(path, 'utf8');
    assert.match(html, /<pre id="best-command"><code>simdnet train --dataset fashion-small --lr 0\.002 --no-diagnostics<\/code><\/pre>/);
    assert.is((html.match(/<polyline/g) ?? []).length, 3);
    // Trial 0 best: --batch-norm given.
    writeFileSync(join(dir, 'trials.jsonl'), jsonl.replace('"metric":0.7', '"metric":0.9'));
    await reportCommand(dir, () => {});
    assert.match(readFileSync(path, 'utf8'), /simdnet train --dataset fashion-small --batch-norm --lr 0\.01 --no-diagnostics</);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged log is refused naming the file and the line; no page is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdnet-sweep-cli-'));
  try {
    const lines = jsonl.split('\n');
    writeFileSync(join(dir, 'trials.jsonl'), [lines[0], '{"trial": 0,', lines[2], ''].join('\n'));
    await reportCommand(dir, () => {}).then(() => assert.unreachable('should refuse'), (e: Error) => {
      assert.match(e.message, /trials\.jsonl: sweep log line 2: not valid JSON/);
    });
    assert.not.ok(existsSync(join(dir, 'report.html')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
