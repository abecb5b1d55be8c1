// `simdnet train` against file systems that refuse writes (node-only, real child processes): a read-only --out and one
// too small for the run are refused before training; a file system that fills up during the run costs nothing: the
// finished run, or the Ctrl-C checkpoint, goes to a named fallback folder, and --resume from there reaches the same
// weights as an uninterrupted run. Uses small tmpfs mounts where the user may mount (root); skips what it cannot set up.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD, ready } from '../helpers/setup.js';
import { loadModel } from '../../src/index.js';
import { cli as spawnCli, miniData, runCli } from './cli-helpers.js';
import { record } from './tally.js';

await ready();
const test = suite(`cli: --out that refuses writes (node) [${BUILD}]`);
const dir = mkdtempSync(join(tmpdir(), 'simdnet-cli-out-'));
const DATA = miniData(dir);
const mounts: string[] = [];
const fallbacks: string[] = [];
test.after(() => {
  for (const m of mounts) spawnSync('umount', [m]);
  for (const f of fallbacks) rmSync(f, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** Mounts a tmpfs of `size` at dir/name; undefined where this user cannot mount. */
function tmpfs(name: string, size: string, readOnly = false): string | undefined {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${readOnly ? ',ro' : ''}`, 'tmpfs', at], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  mounts.push(at);
  return at;
}

/** Fills the file system holding `folder` until it refuses a byte. */
function fill(folder: string): void {
  const fd = openSync(join(folder, 'filler'), 'w');
  const chunk = Buffer.alloc(1 << 16, 1);
  try { for (;;) writeSync(fd, chunk); } catch { /* ENOSPC */ }
  try { for (;;) writeSync(fd, chunk, 0, 512); } catch { /* ENOSPC */ }
  closeSync(fd);
}

const cli = (...args: string[]) => spawnCli(dir, args);
/** Runs the CLI; when its output first matches `when`, calls `act(child)`. */
const run = (args: string[], when: RegExp, act: (child: ChildProcess) => void) => runCli(dir, args, { after: when, delay: 0, signal: act });

/** The weights hash of a model file (the model is freed). */
function hashOf(file: string): string {
  const m = loadModel(new Uint8Array(readFileSync(file)));
  try { return m.weightsHash(); } finally { m.dispose(); }
}
const historyOf = (folder: string) => JSON.parse(readFileSync(join(folder, 'history.json'), 'utf8'));

test('a read-only --out is refused before training', () => {
  let ro = tmpfs('ro', '1m', true);
  if (!ro && process.getuid?.() !== 0) { ro = join(dir, 'ro'); chmodSync(ro, 0o555); }
  if (!ro) { console.log('  (skipped: cannot make a read-only folder here)'); return; }
  for (const out of [join(ro, 'run'), ro]) {
    const r = cli('train', ...DATA, '--limit', '200', '--epochs', '1', '--out', out);
    assert.is(r.code, 2, r.out + r.err);
    assert.match(r.err, new RegExp(`--out ${out}: cannot (create|write).*(read-only|permission)`, 'i'));
    assert.not.match(r.out, /epoch \d/);
    record({ cases: 1, refused: 1 });
  }
});

test('an --out with too little free space for the run is refused before training', () => {
  const small = tmpfs('small', '160k');
  if (!small) { console.log('  (skipped: cannot mount a tmpfs here)'); return; }
  const r = cli('train', ...DATA, '--limit', '200', '--epochs', '1', '--hidden', '64', '--out', join(small, 'run'));
  assert.is(r.code, 2, r.out + r.err);
  assert.match(r.err, /--out .*small\/run: \d+ KiB free on its file system; the run needs about \d+ KiB/);
  assert.not.match(r.out, /epoch \d/);
  record({ cases: 1, refused: 1 });
});

const ARGS = ['train', ...DATA, '--epochs', '8', '--batch-size', '10', '--hidden', '32', '--seed', '2'];

test('the disk filling up during the run: the finished run goes to a named fallback folder', async () => {
  const full = tmpfs('full', '4m');
  if (!full) { console.log('  (skipped: cannot mount a tmpfs here)'); return; }
  const ref = cli(...ARGS, '--out', 'ref');
  assert.is(ref.code, 0, ref.err);
  const r = await run([...ARGS, '--out', join(full, 'run')], /epoch 1\/8/, () => fill(full));
  record({ cases: 1, faults: 1 });
  assert.is(r.code, 1, r.out + r.err);
  const fb = /saved the model and history to (\S+) instead/.exec(r.err)?.[1];
  assert.ok(fb, r.err);
  fallbacks.push(fb);
  assert.match(r.err, /no space left on device/i);
  assert.is(historyOf(fb).weightsHash, historyOf(join(dir, 'ref')).weightsHash);
  assert.equal(historyOf(fb).history, historyOf(join(dir, 'ref')).history);
  assert.is(hashOf(join(fb, 'model.simdnet')), historyOf(fb).weightsHash);
  assert.ok(existsSync(join(fb, 'history.csv')));
  // --out keeps nothing half-written: a checkpoint from before the disk filled, or nothing
  for (const f of readdirSync(join(full, 'run'))) assert.ok(/^(checkpoint\.json|checkpoint-[\w-]+\.simdnet|\..*\.tmp)$/.test(f), `left in --out: ${f}`);
});

test('the disk filling up, then Ctrl-C: the checkpoint goes to a named fallback folder that --resume completes', async () => {
  const full = tmpfs('full2', '4m');
  if (!full) { console.log('  (skipped: cannot mount a tmpfs here)'); return; }
  const long = ['train', ...DATA, '--limit', '600', '--epochs', '30', '--batch-size', '20', '--hidden', '16', '--seed', '6'];
  const ref = cli(...long, '--out', 'ref2');
  assert.is(ref.code, 0, ref.err);
  const r = await run([...long, '--out', join(full, 'run')], /epoch 1\/30/, (child) => { fill(full); child.kill('SIGINT'); });
  record({ cases: 1, faults: 2 });
  assert.is(r.code, 130, r.out + r.err);
  const fb = /wrote the checkpoint to (\S+) instead/.exec(r.err)?.[1];
  assert.ok(fb, r.err);
  fallbacks.push(fb);
  const resumed = cli('train', '--resume', '--out', fb);
  assert.is(resumed.code, 0, resumed.err);
  record({ resumed: 1 });
  assert.is(historyOf(fb).weightsHash, historyOf(join(dir, 'ref2')).weightsHash);
  assert.equal(historyOf(fb).history, historyOf(join(dir, 'ref2')).history);
});

test.run();
