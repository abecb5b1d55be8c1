// data.imageFolder and data.load on awkward file systems (node-only): links followed; FIFOs, devices, nested folders and
// broken links refused by name at once (never a hang); argument types and unknown option keys named; memory flat.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, BUILD } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { encodePng } from '../helpers/png.js';
import * as data from '../../src/data/index.js';
import { memoryInUse } from '../../src/index.js';
import { record } from './tally.js';

await ready();
const test = suite(`data: awkward files (node) [${BUILD}]`);
const tmp = mkdtempSync(join(tmpdir(), 'simdnet-files-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const png = (v: number): Promise<Uint8Array> => encodePng({ width: 2, height: 2, colorType: 0, samples: [v, v, v, v] });
let n = 0;
// A fresh folder holding a/ok.png, plus whatever `add` puts there.
async function folder(add: (dir: string) => void): Promise<string> {
  const dir = join(tmp, `set${n++}`);
  mkdirSync(join(dir, 'a'), { recursive: true });
  writeFileSync(join(dir, 'a', 'ok.png'), await png(10));
  add(dir);
  return dir;
}
/** Makes a FIFO (named pipe); false where mkfifo is missing. */
function fifo(path: string): boolean {
  try { execFileSync('mkfifo', [path]); return true; } catch { return false; }
}
/** The message p rejects with, or an error if it takes longer than 5 s (a FIFO opened for reading waits forever). */
async function refusal(p: Promise<unknown>): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('hung: no answer in 5000 ms')), 5000); });
  const message = await Promise.race([rejection(p), late]).finally(() => clearTimeout(timer));
  record({ cases: 1, refused: 1 });
  return message;
}

test('symbolic links to PNG files and to class folders are followed, not skipped', async () => {
  const elsewhere = join(tmp, 'elsewhere');
  mkdirSync(join(elsewhere, 'cls'), { recursive: true });
  writeFileSync(join(elsewhere, 'x.png'), await png(200));
  writeFileSync(join(elsewhere, 'cls', 'y.png'), await png(100));
  const dir = await folder((d) => {
    symlinkSync(join(elsewhere, 'x.png'), join(d, 'a', 'link.png'));
    symlinkSync(join(elsewhere, 'cls'), join(d, 'b'));
    writeFileSync(join(d, 'README.txt'), 'plain files beside the class folders are ignored');
  });
  const set = await data.imageFolder(dir, { channels: 1 });
  assert.equal(set.classes, ['a', 'b']);
  assert.equal(set.files, ['a/link.png', 'a/ok.png', 'b/y.png']);
  assert.equal([...set.x.toFloat32Array()].filter((_, i) => i % 4 === 0), [200, 10, 100]);
  set.x.dispose(); set.y.dispose();
});

test('a FIFO, a link to a device, a nested folder and a broken link are refused by name, not skipped or read', async () => {
  const before = memoryInUse();
  const where = (dir: string): string => `data.imageFolder("${dir}")`;
  let dir = await folder((d) => symlinkSync('/dev/zero', join(d, 'a', 'zero.png')));
  assert.is(await refusal(data.imageFolder(dir)), `${where(dir)}: "a/zero.png" is a symbolic link to a character device; only regular PNG and JPEG files are read`);
  dir = await folder((d) => mkdirSync(join(d, 'a', 'more')));
  assert.is(await refusal(data.imageFolder(dir)), `${where(dir)}: "a/more" is a folder; class folders hold PNG and JPEG files only; nested folders are not read (move its images up, or out)`);
  dir = await folder((d) => symlinkSync(join(d, 'missing.png'), join(d, 'a', 'gone.png')));
  assert.is(await refusal(data.imageFolder(dir)), `${where(dir)}: "a/gone.png" is a symbolic link whose target cannot be read (ENOENT); only regular PNG and JPEG files are read`);
  let made = false;
  dir = await folder((d) => { made = fifo(join(d, 'a', 'pipe.png')); });
  if (made) {
    assert.is(await refusal(data.imageFolder(dir)), `${where(dir)}: "a/pipe.png" is a FIFO (named pipe); only regular PNG and JPEG files are read`);
    dir = await folder((d) => { fifo(join(d, 'a', '.pipe')); symlinkSync(join(d, 'a', '.pipe'), join(d, 'a', 'p.png')); });
    assert.is(await refusal(data.imageFolder(dir)), `${where(dir)}: "a/p.png" is a symbolic link to a FIFO (named pipe); only regular PNG and JPEG files are read`);
    dir = await folder((d) => fifo(join(d, 'top')));
    assert.is(await refusal(data.imageFolder(dir)), `${where(dir)}: "top" is a FIFO (named pipe); expected one folder of PNG or JPEG images per class`);
  }
  assert.is(memoryInUse(), before);
});

test('data.load: a dataset file that is a FIFO or a folder is refused at once, not waited on', async () => {
  const dir = join(tmp, 'mnist');
  mkdirSync(dir);
  for (const f of ['train-images-idx3-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(dir, f), new Uint8Array(16));
  mkdirSync(join(dir, 'train-labels-idx1-ubyte'));
  const before = memoryInUse();
  assert.match(await refusal(data.load('mnist', { dataDir: dir })), /^data.load\('mnist'\): ".*train-labels-idx1-ubyte" is a folder, not a regular file$/);
  rmSync(join(dir, 'train-labels-idx1-ubyte'), { recursive: true });
  if (fifo(join(dir, 'train-labels-idx1-ubyte'))) {
    assert.match(await refusal(data.load('mnist', { dataDir: dir })), /^data.load\('mnist'\): ".*train-labels-idx1-ubyte" is a FIFO \(named pipe\), not a regular file$/);
  }
  assert.is(memoryInUse(), before);
});

test('data.load and data.imageFolder: argument types and unknown option keys are named', async () => {
  const failure = async (p: Promise<unknown>): Promise<string> => {
    try { await p; } catch (e) { record({ cases: 1, refused: 1 }); return `${(e as Error).constructor.name}: ${(e as Error).message}`; }
    return 'no error';
  };
  const load = data.load as (...a: unknown[]) => Promise<unknown>, folderOf = data.imageFolder as (...a: unknown[]) => Promise<unknown>;
  const cases: [Promise<unknown>, string][] = [
    [load(undefined), 'TypeError: data.load: name must be one of fashion-mnist, fashion-small, mnist, cifar10, digits, folder, got undefined'],
    [load('fashion_mnist'), 'RangeError: data.load: unknown dataset "fashion_mnist"; known: fashion-mnist, fashion-small, mnist, cifar10, digits, folder (did you mean "fashion-mnist"?)'],
    [load('mnist', { datadir: tmp }), 'Error: data.load: unknown option "datadir"; did you mean "dataDir"? (options: dataDir, download, quiet, flatten, oneHot, scale, standardize)'],
    [load('mnist', { dataDir: 5 }), 'TypeError: data.load: options.dataDir must be a string or undefined, got 5'],
    [load('mnist', { oneHot: 'yes' }), 'TypeError: data.load: options.oneHot must be true, false or undefined, got the string "yes"'],
    [load('mnist', []), 'TypeError: data.load: options must be an object { dataDir, download, quiet, flatten, oneHot, scale, standardize } or undefined, got [] (an array)'],
    [folderOf(null), 'TypeError: data.imageFolder: dir must be a string, got null'],
    [folderOf(tmp, { chanels: 1 }), 'Error: data.imageFolder: unknown option "chanels"; did you mean "channels"? (options: size, channels, background, scale, standardize)'],
    [folderOf(tmp, { size: [28] }), 'RangeError: data.imageFolder: options.size must be [height, width] of positive integers, got [28]'],
  ];
  for (const [p, want] of cases) assert.is(await failure(p), want);
});

test.run();
