// Node model files: saveModel writes atomically (temporary file + rename: a failure leaves the old file and no
// temporary behind), writes through symbolic links, refuses directories, devices and FIFOs (leaving them as they were),
// removes temporaries left by dead processes; loadModelFile reads regular files only, without hanging on a FIFO or
// /dev/zero, within a size limit, and its errors name the file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync, symlinkSync, lstatSync, statSync, readlinkSync,
  chmodSync, truncateSync, existsSync, openSync, closeSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
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

test('saving through a symbolic link replaces its target (in the folder of the target) and keeps the link', async () => {
  const real = join(dir, 'real'), links = join(dir, 'links');
  mkdirSync(real); mkdirSync(links);
  const target = join(real, 'm.simdnet'), link = join(links, 'm.simdnet');
  const m1 = model(6), m2 = model(7);
  await saveModel(m1, target);
  chmodSync(target, 0o640);
  symlinkSync('../real/m.simdnet', link);
  await saveModel(m2, link);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.is(readlinkSync(link), '../real/m.simdnet');
  assert.is(statSync(target).mode & 0o777, 0o640, 'the target keeps its permissions');
  const back = await loadModelFile(target);
  assert.is(back.weightsHash(), m2.weightsHash(), 'the target holds the new model');
  // a dangling link: the file is created where it points
  const dangling = join(links, 'new.simdnet');
  symlinkSync('../real/new.simdnet', dangling);
  await saveModel(m1, dangling);
  assert.ok(lstatSync(dangling).isSymbolicLink());
  assert.ok(statSync(join(real, 'new.simdnet')).isFile());
  assert.equal([...readdirSync(real), ...readdirSync(links)].filter((f) => f.endsWith('.tmp')), []);
  [m1, m2, back].forEach((m) => m.dispose());
});

test('a directory, a FIFO or a device as target is refused and left as it was', async () => {
  const m = model(8);
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  await saveModel(m, folder).then(() => assert.unreachable('saved over a directory'),
    (e) => assert.match(e.message, /cannot save model to ".*folder": it is a directory, not a regular file; it was left as it is/));
  assert.ok(statSync(folder).isDirectory());
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  await saveModel(m, fifo).then(() => assert.unreachable('replaced a FIFO'),
    (e) => assert.match(e.message, /cannot save model to ".*fifo": it is a FIFO \(named pipe\), not a regular file/));
  assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO is still there');
  // a device, through a link (so that a failing run cannot replace /dev/null itself)
  const dev = join(dir, 'null-link');
  symlinkSync('/dev/null', dev);
  await saveModel(m, dev).then(() => assert.unreachable('wrote over a device'),
    (e) => assert.match(e.message, /cannot save model to ".*null-link": it is a character device, not a regular file/));
  assert.ok(lstatSync(dev).isSymbolicLink() && statSync('/dev/null').isCharacterDevice());
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  rmSync(folder, { recursive: true }); rmSync(fifo); rmSync(dev);
  m.dispose();
});

test('temporary files of dead processes are removed by the next save to their folder; live ones stay', async () => {
  const folder = join(dir, 'stale');
  mkdirSync(folder);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // has exited
  const stale = [`.model.simdnet.${dead}.1765000000000.0.tmp`, `.history.json.${dead}.1765000000001.3.tmp`];
  const live = `.model.simdnet.${process.ppid}.1765000000002.0.tmp`;
  const other = `.notes.${dead}.tmp`; // not our pattern
  for (const f of [...stale, live, other]) writeFileSync(join(folder, f), 'partial');
  const m = model(9);
  await saveModel(m, join(folder, 'model.simdnet'));
  const left = readdirSync(folder).sort();
  assert.equal(left, [live, other, 'model.simdnet'].sort());
  m.dispose();
});

test('loadModelFile refuses non-regular files without hanging, and files over the size limit before reading', async () => {
  const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<never>((_r, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms).unref())]);
  await within(loadModelFile('/dev/zero'), 3000).then(() => assert.unreachable(), (e) => assert.match(e.message, /cannot load model "\/dev\/zero": it is a character device, not a model file/));
  const fifo = join(dir, 'in.fifo');
  execFileSync('mkfifo', [fifo]);
  await within(loadModelFile(fifo), 3000).then(() => assert.unreachable(), (e) => assert.match(e.message, /cannot load model ".*in.fifo": it is a FIFO \(named pipe\), not a model file/));
  rmSync(fifo);
  await loadModelFile(dir).then(() => assert.unreachable(), (e) => assert.match(e.message, /cannot load model ".*": it is a directory/));
  const huge = join(dir, 'huge.simdnet'); // sparse: no disk used
  closeSync(openSync(huge, 'w'));
  truncateSync(huge, 2 ** 31 + 1);
  await within(loadModelFile(huge), 3000).then(() => assert.unreachable(),
    (e) => assert.match(e.message, /cannot load model ".*huge.simdnet": it holds 2,147,483,649 bytes, more than the 2,147,483,648 a model file may hold/));
  rmSync(huge);
  assert.ok(!existsSync(huge));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
