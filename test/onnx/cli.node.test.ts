// `simdnet export … --onnx` and `simdnet import` through real child processes (dist/cli/main.js): train → export → the
// ONNX file in ONNX Runtime agrees with the model; import of that file evaluates to the same accuracy; a TensorFlow.js
// model.json with its weight file imports and predicts as tfjs does; bad input is one line and exit 2. Node only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor } from '../../src/index.js';
import { loadModelFile } from '../../src/io/files.js';
import { readyBoth, tf, tfl } from '../conformance/helpers.js';
import { BUILD } from '../helpers/setup.js';
import { compare, randomInput, runOnnx, values } from './helpers.js';

const test = suite(`simdnet export and import commands [${BUILD}]`);
test.before(readyBoth);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'simdnet-onnx-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('help lists export and import', () => {
  const main = cli('--help');
  for (const c of ['export', 'import']) {
    assert.match(main.out, new RegExp(`\\n  ${c} `));
    const h = cli(c, '--help');
    assert.is(h.code, 0);
    assert.match(h.out, new RegExp(`usage: simdnet ${c} `));
  }
});

test('train, export to ONNX, run it in ONNX Runtime, import it back: same accuracy', async () => {
  const trained = cli('train', '--limit', '600', '--epochs', '1', '--hidden', '32', '--out', 'run');
  assert.is(trained.code, 0, trained.err);
  const e = cli('export', 'run/model.simdnet', '--onnx', 'model.onnx');
  assert.is(e.code, 0, e.err);
  assert.match(e.out, /^wrote model\.onnx \([\d,]+ bytes, ONNX opset 17\): input "input" \[N, 28, 28, 1\], output "output" \[N, 10\]/);
  const model = await loadModelFile(join(dir, 'run/model.simdnet'));
  const x = randomInput([5, 28, 28, 1], 3, 0, 1);
  try {
    const got = await runOnnx(readFileSync(join(dir, 'model.onnx')), x.toFloat32Array(), [5, 28, 28, 1]);
    compare('exported model', got.data, values(model.predict(x)));
  } finally {
    x.dispose(); model.dispose();
  }
  const i = cli('import', 'model.onnx', '--out', 'back.simdnet');
  assert.is(i.code, 0, i.err);
  assert.match(i.out, /^wrote back\.simdnet: ONNX model, \d+ layers .*compiled with adam and crossEntropy/);
  const a = cli('evaluate', 'run/model.simdnet'), b = cli('evaluate', 'back.simdnet');
  assert.is(a.code, 0, a.err); assert.is(b.code, 0, b.err);
  const acc = (s: string) => /accuracy ([\d.]+)%/.exec(s)?.[1];
  assert.ok(acc(a.out), a.out);
  assert.is(acc(b.out), acc(a.out));
  const again = cli('import', 'model.onnx', '--out', 'back.simdnet');
  assert.is(again.code, 2);
  assert.match(again.err, /back\.simdnet exists; choose another --out or remove it first/);
});

test('a TensorFlow.js model.json and its weight file import and predict as tfjs does', async () => {
  const m = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu' }), tfl.layers.flatten(),
    tfl.layers.dense({ units: 3, activation: 'softmax' })] });
  let art: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => { art = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
  mkdirSync(join(dir, 'web_model'));
  writeFileSync(join(dir, 'web_model/model.json'), JSON.stringify({ format: 'layers-model', modelTopology: art!.modelTopology,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: art!.weightSpecs }] }));
  writeFileSync(join(dir, 'web_model/group1-shard1of1.bin'), new Uint8Array(art!.weightData as ArrayBuffer));
  const r = cli('import', 'web_model/model.json');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^wrote web_model\/model\.simdnet: TensorFlow\.js Layers model, 3 layers \(conv2d, flatten, dense\)/);
  const sm = await loadModelFile(join(dir, 'web_model/model.simdnet'));
  const xs = Float32Array.from({ length: 2 * 36 }, (_, i) => Math.cos(i * 0.7));
  const x = tensor(xs, [2, 6, 6, 1]);
  try {
    compare('imported tfjs model', values(sm.predict(x)), (m.predict(tf.tensor(xs, [2, 6, 6, 1])) as tf.Tensor).dataSync());
  } finally {
    x.dispose(); sm.dispose(); m.dispose();
  }
  writeFileSync(join(dir, 'web_model/evil.json'), JSON.stringify({ modelTopology: art!.modelTopology, weightsManifest: [{ paths: ['../secret.bin'], weights: [] }] }));
  const evil = cli('import', 'web_model/evil.json');
  assert.is(evil.code, 2);
  assert.match(evil.err, /weight path "\.\.\/secret\.bin" must be a file name relative to the model\.json/);
});

test('bad input: one line, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['export', 'nothing.simdnet', '--onnx', 'x.onnx'], /cannot load model "nothing\.simdnet": no such file/],
    [['export', 'run/model.simdnet'], /export needs --onnx OUT\.onnx/],
    [['export', 'run/model.simdnet', '--onx', 'x.onnx'], /Unknown option '--onx' \(did you mean --onnx\?\)/],
    [['export', 'run/model.simdnet', '--onnx', 'x.onnx', '--opset', '12'], /--opset must be an integer ≥ 13 and ≤ 18, got 12/],
    [['export', 'run/model.simdnet', '--onnx', 'x.onnx', '--layout', 'hwc'], /--layout "hwc": expected nhwc or nchw/],
    [['import', 'model.txt'], /model\.txt: expected a TensorFlow\.js model\.json or an \.onnx file/],
    [['import', 'missing.onnx'], /missing\.onnx: no such ONNX file/],
  ];
  for (const [args, pattern] of cases) {
    const r = cli(...args);
    assert.is(r.code, 2, `${args.join(' ')}: exit ${r.code} ${r.err}`);
    assert.match(r.err, pattern);
    assert.is(r.err.trim().split('\n').length, 1, r.err);
  }
  assert.not.ok(existsSync(join(dir, 'x.onnx')));
});

test.run();
