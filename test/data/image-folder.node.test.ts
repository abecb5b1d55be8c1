// data.imageFolder (Node-only): class sub-folders in sorted order, PNG and JPEG files (JPEGs encoded by jpeg-js here)
// decoded to grey or RGB and resized, hidden files ignored; a 16-bit or interlaced file, a file of another type, an
// empty class and hostile or broken JPEGs are refused by name; the `folder` dataset built on it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, BUILD } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { encodePng } from '../helpers/png.js';
import jpegJs from 'jpeg-js';
import * as data from '../../src/data/index.js';
import { memoryInUse } from '../../src/index.js';

await ready();
const test = suite(`data.imageFolder (node) [${BUILD}]`);
const tmp = mkdtempSync(join(tmpdir(), 'simdnet-images-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

// A 4×4 RGB image filled with one colour.
const solid = (r: number, g: number, b: number, size = 4): Promise<Uint8Array> =>
  encodePng({ width: size, height: size, colorType: 2, samples: Array.from({ length: size * size }, () => [r, g, b]).flat(), filters: [1, 4] });

async function folder(name: string, files: Record<string, Uint8Array | string>): Promise<string> {
  const dir = join(tmp, name);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

test('classes from sorted folder names; RGB and grey, resized to [h, w]; files in sample order; hidden files skipped', async () => {
  const dir = await folder('ok', {
    'zebra/1.png': await solid(10, 20, 30), 'zebra/0.PNG': await solid(40, 50, 60, 8),
    'apple/only.png': await solid(255, 0, 0, 2), 'apple/.DS_Store': 'junk', '.hidden/x.png': 'junk',
    'mango/g.png': await encodePng({ width: 2, height: 2, colorType: 0, samples: [0, 100, 200, 60] }),
  });
  const rgb = await data.imageFolder(dir, { size: [2, 2], channels: 3 });
  assert.equal(rgb.classes, ['apple', 'mango', 'zebra']);
  assert.equal(rgb.files, ['apple/only.png', 'mango/g.png', 'zebra/0.PNG', 'zebra/1.png']);
  assert.equal([...rgb.y.toInt32Array()], [0, 1, 2, 2]);
  assert.equal(rgb.x.shape, [4, 2, 2, 3]);
  const v = rgb.x.toFloat32Array();
  const pixel = (n: number, p: number): number[] => [...v.subarray((n * 4 + p) * 3, (n * 4 + p) * 3 + 3)].map((q) => Math.round(q * 1e4) / 1e4);
  assert.equal(pixel(0, 3), [255, 0, 0]);
  assert.equal(pixel(1, 1), [100, 100, 100]);
  assert.equal(pixel(2, 0), [40, 50, 60]);
  assert.equal(pixel(3, 2), [10, 20, 30]);
  const grey = await data.imageFolder(dir, { size: [1, 1], channels: 1, scale: true });
  assert.equal(grey.x.shape, [4, 1, 1, 1]);
  assert.ok(Math.abs(grey.x.toFloat32Array()[1] - 90 / 255) < 1e-6, 'grey 2×2 → 1×1 is the mean');
  [rgb, grey].forEach((s) => { s.x.dispose(); s.y.dispose(); });
});

test('16-bit and interlaced files, a non-PNG file, an empty class and a missing folder are refused by name', async () => {
  const before = memoryInUse();
  const ok = await solid(1, 2, 3);
  const deep = await folder('deep', { 'a/ok.png': ok, 'b/deep.png': await encodePng({ width: 2, height: 2, colorType: 2, depth: 16, samples: Array(12).fill(1000) }) });
  assert.is(await rejection(data.imageFolder(deep)), 'png "b/deep.png": 16-bit samples are not supported (RGB, 16 bits): save the image with 8 bits per sample');
  const laced = await folder('laced', { 'a/ok.png': ok, 'a/z.png': await encodePng({ width: 2, height: 2, colorType: 0, interlace: 1, samples: [1, 2, 3, 4] }) });
  assert.is(await rejection(data.imageFolder(laced)), 'png "a/z.png": interlaced (Adam7) PNGs are not supported: save the image without interlacing');
  const jpeg = await folder('jpeg', { 'a/ok.png': ok, 'a/photo.jpg': 'not a png' });
  assert.is(await rejection(data.imageFolder(jpeg)), 'jpeg "a/photo.jpg": not a JPEG file (it does not start with FF D8 FF)');
  const gif = await folder('gif', { 'a/ok.png': ok, 'a/anim.gif': 'GIF89a' });
  assert.match(await rejection(data.imageFolder(gif)), /data.imageFolder\(".*gif"\): "a\/anim.gif" is not a .png, .jpg or .jpeg file; only PNG and JPEG images are read/);
  const hollow = await folder('hollow', { 'a/ok.png': ok });
  mkdirSync(join(hollow, 'b'));
  assert.match(await rejection(data.imageFolder(hollow)), /class folder "b" holds no PNG or JPEG images/);
  assert.match(await rejection(data.imageFolder(join(tmp, 'nowhere'))), /data.imageFolder\(".*nowhere"\): cannot read the folder \(ENOENT\)/);
  const flat = await folder('flat', { 'x.png': ok });
  assert.match(await rejection(data.imageFolder(flat)), /no class sub-folders/);
  assert.is(memoryInUse(), before);
});

// JPEGs encoded by jpeg-js: w×h of one colour (or a horizontal grey ramp).
function jpeg(w: number, h: number, rgb: (x: number, y: number) => [number, number, number], quality = 95): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { data.set([...rgb(x, y), 255], (y * w + x) * 4); }
  return new Uint8Array(jpegJs.encode({ width: w, height: h, data }, quality).data);
}

test('JPEG beside PNG: .jpg/.jpeg decoded to RGB or grey and resized like PNGs; a PNG named .jpg is read as PNG', async () => {
  const dir = await folder('jpegs', {
    'cat/a.jpg': jpeg(16, 16, () => [200, 40, 60]), 'cat/b.JPEG': jpeg(8, 8, (x) => [x * 30, x * 30, x * 30]),
    'dog/c.png': await solid(10, 20, 30), 'dog/d.jpg': await solid(90, 90, 90),
  });
  const before = memoryInUse();
  const rgb = await data.imageFolder(dir, { size: [4, 4], channels: 3 });
  assert.equal(rgb.files, ['cat/a.jpg', 'cat/b.JPEG', 'dog/c.png', 'dog/d.jpg']);
  assert.equal([...rgb.y.toInt32Array()], [0, 0, 1, 1]);
  const v = rgb.x.toFloat32Array(), at = (n: number, p: number): number[] => [...v.subarray((n * 16 + p) * 3, (n * 16 + p) * 3 + 3)];
  for (const p of [0, 5, 15]) at(0, p).forEach((c, i) => assert.ok(Math.abs(c - [200, 40, 60][i]) <= 4, `red pixel ${p}: ${at(0, p)}`));
  assert.equal(at(2, 0).map(Math.round), [10, 20, 30]);
  assert.equal(at(3, 7).map(Math.round), [90, 90, 90]);
  const grey = await data.imageFolder(dir, { size: [1, 8], channels: 1 });
  const ramp = [...grey.x.toFloat32Array().subarray(8, 16)];
  ramp.forEach((g, x) => assert.ok(Math.abs(g - x * 30) <= 6, `ramp ${x}: ${ramp}`));
  [rgb, grey].forEach((s) => { s.x.dispose(); s.y.dispose(); });
  assert.is(memoryInUse(), before);
});

// A JPEG whose frame header (SOF0) declares width × height, with the rest of a real small JPEG after it.
function declaring(width: number, height: number): Uint8Array {
  const b = jpeg(8, 8, () => [1, 2, 3]);
  for (let i = 2; i < b.length - 8; i++) {
    if (b[i] === 0xff && b[i + 1] === 0xc0) { b[i + 5] = height >> 8; b[i + 6] = height & 255; b[i + 7] = width >> 8; b[i + 8] = width & 255; return b; }
  }
  throw new Error('no SOF0');
}

test('hostile or broken JPEGs are refused by name before decoding: huge, more blocks than bytes, truncated, lossless', async () => {
  const ok = jpeg(8, 8, () => [5, 5, 5]), noisy = jpeg(64, 64, (x, y) => [(x * 37 + y * 11) % 256, (x * y) % 256, (x + 3 * y) % 256]);
  const before = memoryInUse(), heap = process.memoryUsage().arrayBuffers;
  const cases: [string, Uint8Array, RegExp][] = [
    ['huge.jpg', declaring(65535, 65535), /^jpeg "a\/huge.jpg": declares 65535×65535 = 4,294,836,225 pixels; at most 67,108,864 \(8192×8192\) are decoded$/],
    ['big.jpg', declaring(8000, 8000), /^jpeg "a\/big.jpg": declares 8000×8000 \(3,000,000 blocks\), which \d+ bytes cannot hold: truncated or not a real image$/],
    ['cut.jpg', noisy.subarray(0, noisy.length - 40), /^jpeg "a\/cut.jpg": no end-of-image marker \(FF D9\) after the image data: the file is truncated$/],
    ['head.jpg', ok.subarray(0, 30), /^jpeg "a\/head.jpg": truncated or corrupt segment|^jpeg "a\/head.jpg": truncated before the image data/],
    ['lossless.jpg', (() => { const b = jpeg(8, 8, () => [9, 9, 9]); b[b.findIndex((v, i) => v === 0xff && b[i + 1] === 0xc0) + 1] = 0xc3; return b; })(),
      /^jpeg "a\/lossless.jpg": lossless JPEG is not supported \(baseline and progressive are\)/],
  ];
  for (const [name, bytes, expected] of cases) {
    const dir = await folder(`bad-${name}`, { 'a/ok.jpg': ok, [`a/${name}`]: bytes });
    assert.match(await rejection(data.imageFolder(dir)), expected);
  }
  assert.is(memoryInUse(), before);
  assert.ok(process.memoryUsage().arrayBuffers - heap < 64 << 20, 'no large buffers were allocated for the refused files');
});

test('the folder dataset: class folders split 80/20 per class by name, or train/ and test/; classes interleaved; grey stays one channel', async () => {
  const grey = (v: number): Promise<Uint8Array> => encodePng({ width: 3, height: 2, colorType: 0, samples: Array(6).fill(v) });
  const flat: Record<string, Uint8Array> = {};
  for (const [c, cls] of ['one', 'two'].entries()) for (let i = 0; i < 5; i++) flat[`${cls}/${i}.png`] = await grey(c * 100 + i * 10);
  const dir = await folder('dataset-flat', flat);
  const before = memoryInUse();
  const ds = await data.load('folder', { dataDir: dir });
  assert.equal([ds.name, ds.classes, ds.inputShape, ds.train.x.shape, ds.test.x.shape], ['folder', ['one', 'two'], [2, 3, 1], [8, 2, 3, 1], [2, 2, 3, 1]]);
  assert.equal([...ds.train.y.toInt32Array()], [0, 1, 0, 1, 0, 1, 0, 1]); // classes interleaved: a validation tail holds both
  assert.equal([...ds.test.x.toFloat32Array()].filter((_, i) => i % 6 === 0).map((v) => Math.round(v * 255)), [40, 140]);
  ds.dispose();
  const split = await folder('dataset-split', {
    'train/cat/a.jpg': jpeg(8, 8, () => [250, 0, 0]), 'train/dog/b.png': await solid(0, 0, 250, 8),
    'test/cat/c.jpg': jpeg(16, 16, () => [240, 10, 10]), 'test/dog/d.png': await solid(0, 10, 240, 4),
  });
  const rgb = await data.load('folder', { dataDir: split, flatten: true });
  assert.equal([rgb.inputShape, rgb.train.x.shape, rgb.test.x.shape, [...rgb.test.y.toInt32Array()]], [[192], [2, 192], [2, 192], [0, 1]]);
  assert.ok(Math.abs(rgb.test.x.toFloat32Array()[0] - 240 / 255) < 0.03);
  rgb.dispose();
  assert.is(memoryInUse(), before);
  const odd = await folder('dataset-odd', { 'train/cat/a.png': await grey(1), 'test/cow/b.png': await grey(2) });
  assert.match(await rejection(data.load('folder', { dataDir: odd })), /^data.load\('folder'\) \(\{ dataDir \} ".*dataset-odd"\): train\/ has the classes cat but test\/ has cow; both need the same class folders$/);
  assert.match(await rejection(data.load('folder')), /^data.load\('folder'\): give \{ dataDir \}, a folder with one sub-folder of PNG or JPEG images per class, or train\/ and test\/ each holding such sub-folders$/);
  const few = await folder('dataset-few', { 'a/x.png': await grey(1), 'b/y.png': await grey(2) });
  assert.match(await rejection(data.load('folder', { dataDir: few })), /too few images for a test split/);
  assert.is(memoryInUse(), before);
});

test.run();
