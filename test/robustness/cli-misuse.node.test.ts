// The `simdnet` command misused (its main() in this process; a child process where one is needed): flags and
// experiment-file keys that do not apply, hostile and malformed experiment files (paths out of --out, duplicate names,
// null, unknown keys), damaged checkpoints, --out naming a file or an impossible place, out-of-range seeds and
// validation splits. Each is refused before training with one line naming the file, flag or key (exit 2), nothing is
// written outside --out, and no memory is left in use.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD, ready } from '../helpers/setup.js';
import { memoryInUse } from '../../src/index.js';
import { main } from '../../src/cli/main.js';
import { UsageError } from '../../src/run/settings.js';
import { cli as spawnCli, miniData } from './cli-helpers.js';
import { record } from './tally.js';

await ready();
const test = suite(`cli: misuse refused clearly (node) [${BUILD}]`);
const dir = mkdtempSync(join(tmpdir(), 'simdnet-cli-misuse-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const DATA = miniData(dir, 600, 100);

/** Runs `simdnet args` in a child process (in dir). */
const cli = (...args: string[]) => spawnCli(dir, args);

/**
 * Runs main(args) in this process (in dir), as the command would: a refusal is a UsageError (exit 2) whose message is
 * one line; checks it names what re says. In-process: refusals need no child process each (cli.test.ts checks that the
 * command prints such an error as one line on stderr with exit code 2).
 */
async function refuses(args: string[], re: RegExp): Promise<string> {
  const cwd = process.cwd();
  process.chdir(dir);
  const bytes = memoryInUse();
  let error: unknown;
  try {
    await main(args, () => {});
  } catch (e) {
    error = e;
  } finally {
    process.chdir(cwd);
  }
  const what = `simdnet ${args.join(' ')}: ${error instanceof Error ? error.message : `no error (${String(error)})`}`;
  assert.ok(error instanceof UsageError, `not refused as a usage error: ${what}`);
  assert.is(memoryInUse(), bytes, `refused, but left ${memoryInUse() - bytes} bytes in use: ${what}`);
  const message = (error as Error).message;
  assert.match(message, re, what);
  assert.not.match(message, /\n|TypeError|Cannot read properties|EEXIST|ENOTDIR/, what);
  record({ cases: 1, refused: 1 });
  return message;
}

const QUICK = [...DATA, '--limit', '200', '--epochs', '1', '--batch-size', '50'];
const LONG = ['train', ...DATA, '--limit', '600', '--epochs', '20', '--batch-size', '20', '--hidden', '16', '--seed', '4'];

/** A run in `out` stopped by Ctrl-C after its first epoch (the CLI's SIMDNET_FAULT hook): leaves a checkpoint. */
function interrupted(out: string): void {
  const r = spawnCli(dir, [...LONG, '--out', out], { SIMDNET_FAULT: 'SIGINT@epoch' });
  assert.is(r.code, 130, r.out + r.err);
  assert.ok(existsSync(join(dir, out, 'checkpoint.json')), r.out);
}

test('a flag that does not apply to the model is refused by name', async () => {
  writeFileSync(join(dir, 'net.json'), JSON.stringify({ layers: [{ kind: 'flatten', config: {} }, { kind: 'dense', config: { units: 10, activation: 'softmax' } }] }));
  await refuses(['train', '--model', 'cnn', '--hidden', '5'], /--hidden does not apply to --model cnn/);
  for (const flag of [['--l2', '0.1'], ['--l1', '0.1'], ['--init', 'heNormal'], ['--activation', 'tanh'], ['--dropout', '0.1'], ['--batch-norm'], ['--hidden', '8']]) {
    await refuses(['train', '--model', 'net.json', ...flag], new RegExp(`${flag[0]} does not apply to --model net\\.json`));
  }
  // the same settings at their default values are still settings given, and still refused
  await refuses(['train', '--model', 'net.json', '--activation', 'relu'], /--activation does not apply/);
  const ok = cli('train', '--model', 'net.json', ...QUICK, '--out', 'file-model');
  assert.is(ok.code, 0, ok.err);
});

test('--resume takes its settings from the checkpoint: a flag that would change them is refused by name', async () => {
  interrupted('cut');
  await refuses(['train', '--resume', '--out', 'cut', '--epochs', '5'], /--epochs 5 does not apply with --resume.*epochs 20/);
  await refuses(['train', '--resume', '--out', 'cut', '--lr', '0.5'], /--lr 0.5 does not apply with --resume/);
  await refuses(['train', '--resume', '--out', 'cut', '--hidden', '32'], /--hidden 32 does not apply with --resume/);
  await refuses(['train', '--out', 'cut', ...QUICK], /cut holds an unfinished run.*--resume/);
  // the checkpoint's own values (which also locate the default --out) are accepted
  const r = cli('train', '--resume', '--out', 'cut', '--seed', '4', '--epochs', '20', '--hidden', '16');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /resuming from epoch \d+, batch \d+/);
  assert.not.ok(existsSync(join(dir, 'cut', 'checkpoint.json')));
});

test('a damaged checkpoint is refused naming the file', async () => {
  interrupted('dmg');
  const path = join(dir, 'dmg', 'checkpoint.json');
  const good = readFileSync(path, 'utf8');
  for (const bad of [good.slice(0, good.length >> 1), 'null', '[]', '{}', JSON.stringify({ ...JSON.parse(good), epoch: -1 }),
    JSON.stringify({ ...JSON.parse(good), history: 5 }), JSON.stringify({ ...JSON.parse(good), config: { ...JSON.parse(good).config, epochs: 'ten' } })]) {
    writeFileSync(path, bad);
    await refuses(['train', '--resume', '--out', 'dmg'], /dmg\/checkpoint\.json/);
  }
  writeFileSync(path, good);
  const model = JSON.parse(good).model as string | undefined ?? 'checkpoint.simdnet';
  const bytes = readFileSync(join(dir, 'dmg', model));
  writeFileSync(join(dir, 'dmg', model), bytes.subarray(0, 100));
  await refuses(['train', '--resume', '--out', 'dmg'], new RegExp(`dmg/${model.replace('.', '\\.')}`));
  rmSync(join(dir, 'dmg', model));
  await refuses(['train', '--resume', '--out', 'dmg'], new RegExp(`dmg/${model.replace('.', '\\.')}`));
  await refuses(['train', '--resume', '--out', 'nowhere'], /--resume: no checkpoint in nowhere/);
});

test('--out naming a file, or a place no folder can be made, is refused before training', async () => {
  writeFileSync(join(dir, 'afile'), 'x');
  await refuses(['train', ...QUICK, '--out', 'afile'], /--out afile: .*is a file, not a folder/);
  await refuses(['train', ...QUICK, '--out', 'afile/sub'], /--out afile\/sub: .*afile is a file, not a folder/);
  if (existsSync('/proc/self')) { // in a child process: Node's own recursive mkdir never returns there
    const r = cli('train', ...QUICK, '--out', '/proc/simdnet-no/such');
    assert.is(r.code, 2, r.out + r.err);
    assert.match(r.err, /^simdnet: --out \/proc\/simdnet-no\/such: cannot create \/proc\/simdnet-no \(.*\)\n$/);
    record({ cases: 1, refused: 1 });
  }
});

test('seeds are integers in [0, 2^53), said so', async () => {
  for (const s of ['1e20', '9007199254740992', '-1']) await refuses(['train', `--seed=${s}`], new RegExp(`--seed ${s} is out of range: seeds are integers in \\[0, 2\\^53\\)`));
  for (const s of ['1.5', 'one']) await refuses(['train', '--seed', s], /--seed must be an integer in \[0, 2\^53\)/);
  const r = cli('train', ...QUICK, '--hidden', '8', '--seed', '9007199254740991', '--out', 'bigseed');
  assert.is(r.code, 0, r.err);
});

test('--validation-split 0 trains without validation, as fit does without a split; an impossible split is refused', async () => {
  const r = cli('train', ...QUICK, '--validation-split', '0', '--out', 'noval');
  assert.is(r.code, 0, r.err);
  assert.is(readFileSync(join(dir, 'noval', 'history.csv'), 'utf8').split('\n')[0], 'epoch,loss,accuracy');
  await refuses(['train', ...DATA, '--limit', '1', '--validation-split', '0.5'], /--validation-split 0.5 of 1 training sample leaves no training data/);
  await refuses(['train', ...DATA, '--limit', '3', '--validation-split', '1e-17'], /--validation-split 1e-17 of 3 training samples leaves no validation data/);
});

test('experiment files: not an object, unknown keys, bad variants: refused naming the file and the key', async () => {
  const cases: [unknown, RegExp][] = [
    [null, /expected an object \{ "name", "base", "variants" \}; got null/],
    [[1], /expected an object .*; got an array/],
    ['relu', /expected an object .*; got "relu"/],
    [{ variants: [{ name: 'a' }], varients: [] }, /unknown key "varients" \(did you mean "variants"\?\)/],
    [{ variants: [{ name: 'a' }], basee: {} }, /unknown key "basee" \(did you mean "base"\?\)/],
    [{ variants: {} }, /"variants" must be a non-empty array/],
    [{ variants: [] }, /"variants" must be a non-empty array/],
    [{ base: [1], variants: [{ name: 'a' }] }, /"base" must be an object of train settings; got \[1\]/],
    [{ base: { epochs: 1, batchsize: 5 }, variants: [{ name: 'a' }] }, /base: unknown setting "batchsize" \(did you mean "batchSize"\?\)/],
    [{ variants: ['relu'] }, /variant 1 must be an object \{ "name": …, settings \}; got "relu"/],
    [{ variants: [{ name: 'a' }, null] }, /variant 2 must be an object .*; got null/],
    [{ variants: [{ activation: 'relu' }] }, /variant 1 needs a "name"/],
    [{ variants: [{ name: 'a', batchNorm: 'yes' }] }, /variant "a": batchNorm must be true or false; got "yes"/],
    [{ variants: [{ name: 'a', epochs: '3' }] }, /variant "a": epochs must be a number; got "3"/],
    [{ variants: [{ name: 'a', hidden: '8,8' }] }, /variant "a": hidden must list layer sizes like \[128, 128\]; got "8,8"/],
    [{ variants: [{ name: 'a', model: 'cnn', hidden: [5] }] }, /variant "a": hidden does not apply to model "cnn"/],
    [{ base: { hidden: [5] }, variants: [{ name: 'a', model: 'cnn' }] }, /variant "a": hidden does not apply to model "cnn"/],
    [{ variants: [{ name: 'a', out: 'elsewhere' }] }, /variant "a": out does not apply in an experiment file/],
    [{ base: { out: 'elsewhere' }, variants: [{ name: 'a' }] }, /base: out does not apply in an experiment file/],
    [{ name: '../../up', variants: [{ name: 'a' }] }, /"name" "\.\.\/\.\.\/up" cannot name a folder/],
    [{ name: 5, variants: [{ name: 'a' }] }, /"name" must be a string/],
  ];
  for (const [i, [content, re]] of cases.entries()) {
    const file = content === null ? 'null.json' : `exp${i}.json`;
    writeFileSync(join(dir, file), JSON.stringify(content));
    await refuses(['run', file], new RegExp(`${file.replace('.', '\\.')}: ${re.source}`));
  }
});

test('experiment variants cannot write outside --out, nor over each other', async () => {
  mkdirSync(join(dir, 'exp-root', 'inner'), { recursive: true });
  const base = { limit: 200, epochs: 1, batchSize: 50, hidden: [8] };
  for (const name of ['../../escape', '../escape', 'a/b', '..', '.', '', 'a\\b', '.hidden', ' x', 'x'.repeat(101)]) {
    writeFileSync(join(dir, 'hostile.json'), JSON.stringify({ name: 'h', base, variants: [{ name: 'ok' }, { name }] }));
    await refuses(['run', 'hostile.json', '--out', 'exp-root/inner'], name === '' ? /variant 2 needs a "name"/ : /variant 2: name ".*" cannot name a folder/);
  }
  assert.not.ok(existsSync(join(dir, 'escape')), 'escaped --out');
  assert.equal(readdirSync(join(dir, 'exp-root', 'inner')), [], 'nothing trained before the refusal');
  for (const names of [['relu', 'relu'], ['Relu', 'relu']]) {
    writeFileSync(join(dir, 'dup.json'), JSON.stringify({ base, variants: names.map((name) => ({ name })) }));
    await refuses(['run', 'dup.json'], /variants 1 and 2 are both named "relu"/i);
  }
});

test.run();
