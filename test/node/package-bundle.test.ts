// A Node app that imports 'simdnet' and 'simdnet/data', bundled into one file by esbuild (--platform=node, through the
// package's exports and its `node` condition) and run from a folder with no node_modules: it loads fashion-small from
// the checkout's data/ (dataDir), trains one epoch on 600 images and prints the test accuracy. Built against the
// unconditioned `simdnet/data` entry instead, the same app fails: that is what the `node` condition is for.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const test = suite(`esbuild Node bundle (node) [${process.env.SIMDNET_TEST_BUILD ?? 'release'}]`); // runs dist/
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'simdnet-bundle-'));
const project = join(dir, 'app'), runDir = join(dir, 'run');
mkdirSync(join(project, 'node_modules'), { recursive: true }); mkdirSync(runDir);
symlinkSync(root, join(project, 'node_modules/simdnet'), 'dir'); // resolved through package.json's exports

const APP = `import { init, tensor, sequential, layers } from 'simdnet';
import * as data from 'simdnet/data';

await init();
const ds = await data.load('fashion-small', { dataDir: process.argv[2], flatten: true, oneHot: true });
const n = 600, first = (t, rows) => tensor(t.toFloat32Array().subarray(0, rows * t.shape[1]), [rows, t.shape[1]]);
const x = first(ds.train.x, n), y = first(ds.train.y, n), tx = first(ds.test.x, n), ty = first(ds.test.y, n);
ds.dispose();
const model = sequential([layers.dense({ units: 64, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })],
  { inputShape: [784], seed: 1 });
model.compile({ optimizer: { name: 'adam', learningRate: 0.003 }, loss: 'crossEntropy', metrics: ['accuracy'] });
await model.fit(x, y, { epochs: 1, batchSize: 32 });
console.log('test accuracy', model.evaluate(tx, ty).accuracy);
`;
writeFileSync(join(project, 'app.mjs'), APP);

async function bundleAndRun(outName: string, extra: BuildOptions = {}): Promise<{ code: number | null; out: string; err: string }> {
  const outfile = join(runDir, outName);
  await build({ entryPoints: [join(project, 'app.mjs')], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent', ...extra });
  const r = spawnSync(process.execPath, [outfile, join(root, 'data/fashion-small')], { cwd: runDir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('esbuild --bundle --platform=node of an app calling data.load runs on its own and trains', async () => {
  const r = await bundleAndRun('app.mjs');
  assert.is(r.code, 0, r.err);
  const acc = Number(/test accuracy ([\d.]+)/.exec(r.out)?.[1]);
  assert.ok(acc > 0.5 && acc <= 1, `test accuracy ${acc} after one epoch on 600 images (chance is 0.1)`);
  const code = readFileSync(join(runDir, 'app.mjs'), 'utf8');
  assert.not.match(code, /import\(\s*NODE_DATA\s*\)/, 'no import() of a computed path is left in the bundle');
});

test('without the node condition (the runtime-neutral simdnet/data entry) the bundled app fails', async () => {
  const r = await bundleAndRun('neutral.mjs', { alias: { 'simdnet/data': join(root, 'dist/data/index.js') } });
  assert.is.not(r.code, 0);
  assert.match(r.err, /data\.load reads files, which needs Node, Deno or Bun/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
