// data.imageFolder (Node-only): class sub-folders in sorted order, PNG files decoded to grey or RGB and resized,
// hidden files ignored; a 16-bit or interlaced file, a non-PNG file and an empty class are refused by name.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, BUILD } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { encodePng } from '../helpers/png.js';
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
  assert.match(await rejection(data.imageFolder(jpeg)), /data.imageFolder\(".*jpeg"\): "a\/photo.jpg" is not a .png file; only PNG images are read/);
  const hollow = await folder('hollow', { 'a/ok.png': ok });
  mkdirSync(join(hollow, 'b'));
  assert.match(await rejection(data.imageFolder(hollow)), /class folder "b" holds no PNG images/);
  assert.match(await rejection(data.imageFolder(join(tmp, 'nowhere'))), /data.imageFolder\(".*nowhere"\): cannot read the folder \(ENOENT\)/);
  const flat = await folder('flat', { 'x.png': ok });
  assert.match(await rejection(data.imageFolder(flat)), /no class sub-folders/);
  assert.is(memoryInUse(), before);
});

test.run();
