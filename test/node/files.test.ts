// Node model files: saveModel writes atomically (temporary file + rename: a failure leaves the old file and no
// temporary behind), loadModelFile reads it back, and its errors name the file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, BUILD } from '../helpers/setup.js';
import { sequential, layers } from '../../src/index.js';
import { saveModel, loadModelFile, writeAtomic } from '../../src/node.js';

await ready();
const test = suite(`model files (node) [${BUILD}]`);
const dir = mkdtempSync(join(tmpdir(), 'simdnet-files-'));

function model(seed: number) {
  const m = sequential([layers.dense({ units: 3, activation: 'tanh' }), layers.dense({ units: 2 })], { inputShape: [4], seed });
  m.compile({ optimizer: 'adam', loss: 'mse' });
  return m;
}

test('save then load gives the same weights; overwriting replaces the file whole', async () => {
  const path = join(dir, 'a.simdnet');
  const m1 = model(1), m2 = model(2);
  await saveModel(m1, path);
  const back = await loadModelFile(path);
  assert.is(back.weightsHash(), m1.weightsHash());
  await saveModel(m2, path);
  const back2 = await loadModelFile(path);
  assert.is(back2.weightsHash(), m2.weightsHash());
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  [m1, m2, back, back2].forEach((m) => m.dispose());
});

test('a failed save leaves the old file intact and no temporary file behind', async () => {
  const path = join(dir, 'b.simdnet');
  const m1 = model(3);
  await saveModel(m1, path);
  const old = readFileSync(path);
  // the rename fails when the target is a non-empty directory
  const blocked = join(dir, 'blocked');
  mkdirSync(blocked); writeFileSync(join(blocked, 'x'), 'x');
  await writeAtomic(blocked, new Uint8Array([1, 2, 3])).then(() => assert.unreachable('rename over a directory'), (e) => assert.match(e.message, /cannot save model to ".*blocked"/));
  // a disposed model cannot be serialised: the existing file stays as it was
  const gone = model(4); gone.dispose();
  await saveModel(gone, path).then(() => assert.unreachable(), (e) => assert.match(e.message, /was disposed/));
  assert.equal(readFileSync(path), old);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  rmSync(blocked, { recursive: true });
  m1.dispose();
});

test('loading names the file: missing, truncated, corrupted', async () => {
  await loadModelFile(join(dir, 'none.simdnet')).then(() => assert.unreachable(), (e) => assert.match(e.message, /cannot load model ".*none.simdnet": no such file/));
  const path = join(dir, 'c.simdnet');
  const m = model(5);
  await saveModel(m, path);
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length - 3));
  await loadModelFile(path).then(() => assert.unreachable(), (e) => assert.match(e.message, /cannot load model ".*c.simdnet": truncated/));
  const flipped = Buffer.from(bytes); flipped[flipped.length - 20] ^= 1;
  writeFileSync(path, flipped);
  await loadModelFile(path).then(() => assert.unreachable(), (e) => assert.match(e.message, /cannot load model ".*c.simdnet": checksum mismatch/));
  m.dispose();
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
