// The `simdnet` command through real child processes: help, bad input (one line, non-zero exit, no stack trace),
// train → evaluate → predict on the embedded dataset, Ctrl-C checkpoint then --resume reaching the same weights as an
// uninterrupted run, gradcheck and an experiment file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD } from '../helpers/setup.js';

const test = suite(`cli (node) [${BUILD}]`);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'simdnet-cli-'));

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const QUICK = ['--limit', '600', '--epochs', '2', '--batch-size', '50', '--hidden', '32'];

test('help for every command, with examples', () => {
  const main = cli('--help');
  assert.is(main.code, 0);
  for (const c of ['train', 'evaluate', 'predict', 'gradcheck', 'run']) {
    assert.match(main.out, new RegExp(`\\n  ${c} `));
    const h = cli(c, '--help');
    assert.is(h.code, 0, c);
    assert.match(h.out, /usage: simdnet /); assert.match(h.out, /example/);
  }
});

test('help lists every name the library registries accept, and nothing else', async () => {
  const { OPTIMIZER_NAMES } = await import('../../src/nets/optimizers.js');
  const { INITIALIZER_NAMES } = await import('../../src/nets/initializers.js');
  const { FLAG_LOSSES, HIDDEN_ACTIVATIONS } = await import('../../src/run/settings.js');
  const { datasetNames } = await import('../../src/data/node.js');
  const h = cli('train', '--help').out.replace(/\s+/g, ' ');
  const listed = (flag: string) => new RegExp(`--${flag} NAME (.*?) \\(`).exec(h)?.[1].split(', ');
  assert.equal(listed('optimizer'), [...OPTIMIZER_NAMES]);
  assert.equal(listed('init'), [...INITIALIZER_NAMES]);
  assert.equal(listed('loss'), [...FLAG_LOSSES]);
  assert.equal(listed('activation'), [...HIDDEN_ACTIVATIONS]);
  assert.equal(listed('dataset'), [...datasetNames]);
  assert.ok(FLAG_LOSSES.includes('binaryCrossEntropy'));
});

test('bad input: one clear line on stderr, exit 2, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--lr=-0.1'], /--lr must be a number > 0; got "-0.1"/],
    [['train', '--lr', '0'], /--lr must be a number > 0; got "0"/],
    [['train', '--epochs', 'ten'], /--epochs must be an integer ≥ 1; got "ten"/],
    [['train', '--optimizer', 'adamm'], /--optimizer must be one of sgd, momentum, .*; got "adamm"/],
    [['train', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['train', '--activaton', 'relu'], /Unknown option '--activaton' \(did you mean --activation\?\)/],
    [['train', '--batch-norm=yes'], /--batch-norm/],
    [['train', '--loss', 'crossEntropi'], /did you mean "crossEntropy"/],
    [['train', '--dataset', 'imagenet'], /unknown dataset "imagenet"/],
    [['train', '--model', 'nosuch.json'], /--model nosuch.json: no such file/],
    [['evaluate', 'missing.simdnet'], /cannot load model "missing.simdnet": no such file/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['train', '--model', 'cnn', '--dataset', 'fashion-small', '--hidden', '0'], /--hidden size 1 must be an integer ≥ 1; got "0"/],
    [['train', '--threads', '0'], /--threads must be 'auto' or an integer from 1 to 256; got "0"/],
    [['train', '--threads', '1.5'], /--threads must be 'auto' or an integer from 1 to 256; got "1.5"/],
    [['evaluate', 'missing.simdnet', '--threads', 'all'], /--threads must be 'auto' or an integer from 1 to 256; got "all"/],
    [['predict', 'a.simdnet', 'b.idx', '--threads', '257'], /--threads must be 'auto' or an integer from 1 to 256; got "257"/],
    [['train', '--thread', '2'], /Unknown option '--thread' \(did you mean --threads\?\)/],
    [['train', '--relaxed=yes'], /--relaxed/],
    [['sweep', 'x.json', '--threads', '2'], /Unknown option '--threads'/],
  ];
  for (const [args, re] of cases) {
    const r = cli(...args);
    assert.is(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.err}`);
    assert.match(r.err, re);
    assert.is(r.err.trim().split('\n').length, 1, `more than one line: ${r.err}`);
    assert.not.match(r.err, /\n\s+at /);
  }
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ layers: [{ kind: 'dense', config: { units: 7 } }] }));
  const shape = cli('train', '--model', 'bad.json', ...QUICK.slice(0, 6)); // --hidden does not apply to a model file
  assert.is(shape.code, 2);
  assert.match(shape.err, /the model outputs \[28, 28, 7\] but dataset fashion-small has 10 classes/);
});

test('train on the embedded dataset writes the model and history; evaluate and predict read it back', () => {
  const r = cli('train', ...QUICK, '--out', 'run1');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /epoch 1\/2 .*loss \d/);
  assert.match(r.out, /test accuracy \d+\.\d\d%/);
  assert.match(r.out, /true ↓ \/ predicted →/);
  assert.match(r.out, /weights hash [0-9a-f]{16}/);
  for (const f of ['model.simdnet', 'history.json', 'history.csv']) assert.ok(existsSync(join(dir, 'run1', f)), f);
  const hist = JSON.parse(readFileSync(join(dir, 'run1', 'history.json'), 'utf8'));
  assert.is(hist.history.loss.length, 2);
  assert.ok(hist.test.accuracy > 0.5, `test accuracy ${hist.test.accuracy}`);
  assert.is(readFileSync(join(dir, 'run1', 'history.csv'), 'utf8').split('\n')[0], 'epoch,loss,accuracy,valLoss,valAccuracy');
  const ev = cli('evaluate', 'run1/model.simdnet');
  assert.is(ev.code, 0, ev.err);
  assert.match(ev.out, new RegExp(`accuracy ${(hist.test.accuracy * 100).toFixed(2)}%`));
  const pr = cli('predict', 'run1/model.simdnet', join(root, 'data/fashion-small/t10k-images-idx3-ubyte.gz'));
  assert.is(pr.code, 0, pr.err);
  assert.is(pr.out.trim().split('\n').length, 2000);
  assert.match(pr.out.split('\n')[0], /^0\t\d\t\d:0\.\d{4}/);
});

test('Ctrl-C writes a checkpoint; --resume reaches the same weights as an uninterrupted run', async () => {
  const args = ['train', '--limit', '2000', '--epochs', '6', '--batch-size', '20', '--hidden', '64', '--seed', '3'];
  const full = cli(...args, '--out', 'full');
  assert.is(full.code, 0, full.err);
  const fullHash = JSON.parse(readFileSync(join(dir, 'full', 'history.json'), 'utf8')).weightsHash;
  const child = spawn(process.execPath, [bin, ...args, '--out', 'cut'], { cwd: dir });
  let out = '';
  let sent = false;
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (d) => { out += d; if (/epoch 2\/6/.test(out) && !sent) { sent = true; child.kill('SIGINT'); } });
    child.on('exit', (c) => resolve(c));
  });
  assert.is(code, 130, out);
  assert.match(out, /checkpoint written: .*checkpoint\.json/);
  assert.ok(existsSync(join(dir, 'cut', 'checkpoint.json')));
  const resumed = cli('train', '--resume', '--out', 'cut');
  assert.is(resumed.code, 0, resumed.err);
  assert.match(resumed.out, /resuming from epoch \d, batch \d+/);
  const h = JSON.parse(readFileSync(join(dir, 'cut', 'history.json'), 'utf8'));
  assert.is(h.weightsHash, fullHash);
  const fullHistory = JSON.parse(readFileSync(join(dir, 'full', 'history.json'), 'utf8')).history;
  assert.equal(h.history, fullHistory, 'the resumed run logs the interrupted epoch as the uninterrupted run does');
  assert.not.ok(existsSync(join(dir, 'cut', 'checkpoint.json')), 'checkpoint removed after finishing');
});

test("negative numbers reach each flag's own reader; a bad model file is refused before the dataset loads", () => {
  for (const [args, re] of [
    [['train', '--epochs', '-1'], /^simdnet: --epochs must be an integer ≥ 1; got "-1"\n$/],
    [['train', '--lr', '-1e-3'], /^simdnet: --lr must be a number > 0; got "-1e-3"\n$/],
    [['train', '--seed', '-2'], /^simdnet: --seed -2 is out of range/],
    [['train', '--validation-split', '-.5'], /^simdnet: --validation-split must be a number ≥ 0/],
  ] as [string[], RegExp][]) {
    const r = cli(...args);
    assert.is(r.code, 2, r.err);
    assert.match(r.err, re);
  }
  writeFileSync(join(dir, 'broken.json'), '{ "layers": [ { "kind": "dense", "config": { "unitz": 3 } } ] }');
  const r = cli('train', '--model', 'broken.json', '--dataset', 'fashion-mnist', '--data', join(dir, 'no-such-dir'));
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /--model broken\.json: layer 1: .*unitz/);
  assert.is(r.out, '', 'nothing printed (no banner, no dataset) before the model file is refused');
});

test('a closed pipe (simdnet train | head -1) ends the command quietly: no EPIPE stack trace', () => {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" train --epochs 2 --limit 300 --batch-size 10 | head -1`], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0);
  assert.match(r.stdout, /^simdnet train: /);
  assert.is(r.stderr, '', r.stderr);
});

test("gradcheck takes train's model flags, refuses training flags, and checks one named layer of a model file", () => {
  const bad = cli('gradcheck', '--epochs', '3');
  assert.is(bad.code, 2);
  assert.match(bad.err, /--epochs does not apply to gradcheck/);
  writeFileSync(join(dir, 'deep.json'), JSON.stringify({ layers: [
    { kind: 'flatten' },
    ...[1, 2, 3].map((i) => ({ kind: 'dense', config: { name: `h${i}`, units: 16, activation: 'sigmoid' } })),
    { kind: 'dense', config: { name: 'out', units: 10, activation: 'softmax' } },
  ] }));
  const r = cli('gradcheck', '--model', 'deep.json', '--layer', 'h2');
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, /first 3 test samples of fashion-small/);
  const rows = r.out.split('\n').filter((l) => /^(ok|FAIL)/.test(l));
  assert.ok(rows.length >= 4 && rows.every((l) => /\bh2\b|h2\//.test(l)), rows.join('\n'));
  assert.match(r.out, /ok\s+whole model\s+h2\/kernel/);
  const missing = cli('gradcheck', '--model', 'deep.json', '--layer', 'h4');
  assert.is(missing.code, 2);
  assert.match(missing.err, /--layer h4: no such layer in the model \(did you mean "h[1-3]"\?\)/);
});

test('gradcheck prints a table and exits 0 for both presets', () => {
  for (const model of ['mlp', 'cnn']) {
    const r = cli('gradcheck', '--model', model, '--activation', 'tanh');
    assert.is(r.code, 0, r.out + r.err);
    assert.match(r.out, /ok\s+whole model\s+\S+\/kernel/);
    assert.match(r.out, /all gradients agree/);
  }
});

test('--threads: the banner says how many threads ran, and 1, 2 and auto train to the same weights; --relaxed runs or says why not', () => {
  const hashes = ['1', '2', 'auto'].map((t) => {
    const r = cli('train', ...QUICK, '--threads', t, '--out', `threads-${t}`);
    assert.is(r.code, 0, r.err);
    const threads = /seed 1, (\d+) threads?$/m.exec(r.out)?.[1];
    assert.ok(threads, `banner: ${r.out.split('\n')[0]}`);
    if (t !== 'auto') assert.is(threads, t);
    // the report records the kernels: the build (which decides the bits) and the threads
    const env = JSON.parse(readFileSync(join(dir, `threads-${t}`, 'report.json'), 'utf8')).options.environment;
    assert.is(env.kernels, `standard build, ${threads} thread${threads === '1' ? '' : 's'}`);
    return /weights hash ([0-9a-f]{16})/.exec(r.out)?.[1];
  });
  assert.ok(hashes[0]);
  assert.equal(hashes, [hashes[0], hashes[0], hashes[0]]);
  const ev = cli('evaluate', 'threads-1/model.simdnet', '--threads', '2');
  assert.is(ev.code, 0, ev.err);
  assert.match(ev.out, /accuracy \d+\.\d\d%/);
  // Node 20 validates relaxed SIMD only with a flag: the standard build runs, and stderr says so in one line.
  const rx = cli('train', ...QUICK, '--relaxed', '--out', 'relaxed');
  assert.is(rx.code, 0, rx.err);
  const relaxedRan = /, relaxed SIMD$/m.test(rx.out);
  if (relaxedRan) assert.is(rx.err.trim(), '');
  else {
    assert.match(rx.err, /init\(\{ relaxed: true \}\) fell back to the standard build: /);
    assert.is(/weights hash ([0-9a-f]{16})/.exec(rx.out)?.[1], hashes[0]);
  }
  assert.is(relaxedRan, Number(process.versions.node.split('.')[0]) >= 22, `relaxed SIMD on Node ${process.versions.node}`);
  const kernels = JSON.parse(readFileSync(join(dir, 'relaxed', 'report.json'), 'utf8')).options.environment.kernels;
  assert.match(kernels, relaxedRan ? /^relaxed build, \d+ threads?$/ : /^standard build, \d+ threads?$/);
});

test('run: an experiment file trains each variant and prints a comparison', () => {
  writeFileSync(join(dir, 'exp.json'), JSON.stringify({
    name: 'acts', base: { limit: 400, epochs: 1, batchSize: 50, hidden: [16] },
    variants: [{ name: 'relu', activation: 'relu' }, { name: 'tanh', activation: 'tanh', optimizer: 'rmsprop' }],
  }));
  const r = cli('run', 'exp.json');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /=== relu ===[\s\S]*=== tanh ===/);
  assert.match(r.out, /acts: 2 variants/);
  // variant, train accuracy (evaluated after training), validation loss and accuracy, test accuracy, epochs, time
  assert.match(r.out, /relu\s+\d+\.\d\d%\s+\d+\.\d{4}\s+\d+\.\d\d%\s+\d+\.\d\d%\s+1\s+\d+\.\d s/);
  const csv = readFileSync(join(dir, 'runs/acts/results.csv'), 'utf8').trim().split('\n');
  assert.is(csv[0], 'variant,status,trainAccuracy,trainLoss,valAccuracy,valLoss,testAccuracy,testLoss,epochs,stoppedEpoch,seconds,weightsHash,reason');
  assert.is(csv.length, 3);
  const rows = JSON.parse(readFileSync(join(dir, 'runs/acts/results.json'), 'utf8'));
  assert.equal(rows.map((x: { variant: string }) => x.variant), ['relu', 'tanh']);
  for (const row of rows) {
    assert.ok(row.trainAccuracy > 0 && row.trainAccuracy <= 1 && row.testAccuracy > 0 && row.valLoss > 0, JSON.stringify(row));
    const h = JSON.parse(readFileSync(join(dir, `runs/acts/${row.variant}/history.json`), 'utf8'));
    assert.is(h.weightsHash, row.weightsHash);
    assert.is(h.train.accuracy, row.trainAccuracy);
  }
  writeFileSync(join(dir, 'bad-exp.json'), JSON.stringify({ variants: [{ name: 'x', optimizer: 'nope' }] }));
  const bad = cli('run', 'bad-exp.json');
  assert.is(bad.code, 2);
  assert.match(bad.err, /variant "x": optimizer must be one of/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
