// data.decodePng on PNGs a tiny test encoder writes: every color type and bit depth it accepts, the five row filters,
// palette with tRNS, grey and RGB color keys (ignored), split IDAT; 16-bit, interlaced, corrupt, truncated and
// inconsistent files (missing or repeated chunks) refused.
// data.images: grey/RGB conversion, alpha dropped or composited, area-averaging resize, stacking and labels.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { encodePng } from '../helpers/png.js';
import { Rng } from '../helpers/rng.js';
import * as data from '../../src/data/index.js';
import { memoryInUse } from '../../src/index.js';
import { pngChunks, pngOf } from '../robustness/data-helpers.js';

await ready();
const test = suite(`data.decodePng and data.images [${BUILD}]`);

const W = 7, H = 5; // odd sizes: sub-byte rows end mid-byte
const samplesOf = (k: number, max: number, seed: number): number[] => {
  const rng = new Rng(seed);
  return Array.from({ length: W * H * k }, () => rng.int(0, max));
};

test('8-bit grey, grey+alpha, RGB, RGBA under each filter (0–4, and all mixed) decode to the samples written', async () => {
  for (const [colorType, k] of [[0, 1], [4, 2], [2, 3], [6, 4]]) {
    const samples = samplesOf(k, 255, colorType);
    for (const filters of [[0], [1], [2], [3], [4], [0, 1, 2, 3, 4]]) {
      const img = await data.decodePng(await encodePng({ width: W, height: H, colorType, samples, filters, idatChunks: 3 }));
      assert.equal([img.width, img.height, img.channels], [W, H, k]);
      assert.equal([...img.data], samples, `color type ${colorType}, filters ${filters}`);
    }
  }
});

test('1-, 2- and 4-bit grey scale to 0..255; palettes at 1, 2, 4, 8 bits map to RGB, with tRNS to RGBA', async () => {
  for (const depth of [1, 2, 4]) {
    const max = (1 << depth) - 1, samples = samplesOf(1, max, depth);
    const img = await data.decodePng(await encodePng({ width: W, height: H, colorType: 0, depth, samples, filters: [0, 1, 2, 3, 4] }));
    assert.equal([...img.data], samples.map((v) => (v * 255) / max), `grey ${depth}-bit`);
  }
  const palette = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];
  for (const depth of [1, 2, 4, 8]) {
    const samples = samplesOf(1, Math.min(3, (1 << depth) - 1), depth + 10);
    const rgb = await data.decodePng(await encodePng({ width: W, height: H, colorType: 3, depth, samples, palette, filters: [4, 3] }));
    assert.is(rgb.channels, 3);
    assert.equal([...rgb.data], samples.flatMap((i) => palette.slice(3 * i, 3 * i + 3)), `palette ${depth}-bit`);
    const rgba = await data.decodePng(await encodePng({ width: W, height: H, colorType: 3, depth, samples, palette, trns: [0, 128] }));
    assert.is(rgba.channels, 4);
    assert.equal([...rgba.data], samples.flatMap((i) => [...palette.slice(3 * i, 3 * i + 3), [0, 128, 255, 255][i]]));
  }
});

test('a tRNS color key on grey or RGB is ignored (no alpha channel), as when alpha is dropped', async () => {
  const grey = await data.decodePng(await encodePng({ width: 3, height: 1, colorType: 0, samples: [5, 9, 5], trns: [0, 5] }));
  assert.equal([grey.channels, ...grey.data], [1, 5, 9, 5]);
  const rgb = await data.decodePng(await encodePng({ width: 2, height: 1, colorType: 2, samples: [1, 2, 3, 1, 2, 4], trns: [0, 1, 0, 2, 0, 3] }));
  assert.equal([rgb.channels, ...rgb.data], [3, 1, 2, 3, 1, 2, 4]);
});

test('16-bit, interlaced, bad signature, bad CRC, truncated, unknown filter type and missing palette are refused', async () => {
  const px = { width: 2, height: 2, samples: [1, 2, 3, 4] };
  assert.is(await rejection(data.decodePng(await encodePng({ ...px, colorType: 0, depth: 16 }), 'deep.png')),
    'png "deep.png": 16-bit samples are not supported (grey, 16 bits): save the image with 8 bits per sample');
  assert.is(await rejection(data.decodePng(await encodePng({ ...px, colorType: 0, interlace: 1 }), 'adam7.png')),
    'png "adam7.png": interlaced (Adam7) PNGs are not supported: save the image without interlacing');
  const good = await encodePng({ ...px, colorType: 0 });
  assert.match(await rejection(data.decodePng(good.subarray(1), 'x')), /png "x": not a PNG file/);
  const flipped = good.slice(); flipped[20] ^= 1; // inside IHDR's data
  assert.match(await rejection(data.decodePng(flipped, 'x')), /chunk IHDR at byte 8 fails its CRC/);
  assert.match(await rejection(data.decodePng(good.subarray(0, good.length - 20), 'x')), /png "x": (chunk \w+ at byte \d+ needs|truncated at byte)/);
  assert.match(await rejection(data.decodePng(await encodePng({ ...px, colorType: 0, filters: [5] }), 'x')), /row 0 has filter type 5; PNG defines 0 to 4/);
  assert.match(await rejection(data.decodePng(await encodePng({ ...px, colorType: 3 }), 'x')), /a palette image needs a PLTE chunk/);
  assert.match(await rejection(data.decodePng(await encodePng({ ...px, colorType: 2, depth: 4 }), 'x')), /bit depth 4 is not valid for RGB images/);
  assert.match(await rejection(data.decodePng(await encodePng({ ...px, colorType: 3, palette: [1, 2, 3] }), 'x')), /uses palette entry 1 of 1/);
});

test('images: grey as PIL (integer luma), RGB, alpha dropped or composited over a background', async () => {
  const rgba = await encodePng({ width: 2, height: 1, colorType: 6, samples: [200, 100, 50, 255, 10, 20, 30, 0] });
  const rgb = await data.images([{ name: 'a.png', bytes: rgba, label: 1 }], { channels: 3 });
  assert.equal(rgb.x.shape, [1, 1, 2, 3]);
  assert.equal([...rgb.x.toFloat32Array()], [200, 100, 50, 10, 20, 30]);
  const grey = await data.images([{ name: 'a.png', bytes: rgba, label: 1 }], { channels: 1, background: 255 });
  const luma = (r: number, g: number, b: number): number => (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
  assert.equal([...grey.x.toFloat32Array()], [luma(200, 100, 50), 255]);
  assert.equal(grey.files, ['a.png']);
  [rgb, grey].forEach((s) => { s.x.dispose(); s.y.dispose(); });
});

test('images: area-averaging resize (2× down is the 2×2 mean, up keeps a constant), mixed sizes, labels, scale', async () => {
  const four = Array.from({ length: 16 }, (_, i) => i * 10);
  const big = await encodePng({ width: 4, height: 4, colorType: 0, samples: four });
  const flat = await encodePng({ width: 3, height: 2, colorType: 2, samples: Array(18).fill(90) });
  const set = await data.images([{ name: 'big', bytes: big, label: 0 }, { name: 'flat', bytes: flat, label: 2 }], { size: [2, 2], channels: 1 });
  assert.equal(set.x.shape, [2, 2, 2, 1]);
  assert.equal([...set.y.toInt32Array()], [0, 2]);
  const v = set.x.toFloat32Array();
  assert.equal([...v.subarray(0, 4)], [25, 45, 105, 125]);
  v.subarray(4).forEach((p) => assert.ok(Math.abs(p - 90) < 1e-4));
  const up = data.resizeArea([0, 100], 1, 2, 1, 1, 3);
  assert.equal([...up].map((p) => Math.round(p * 1e4) / 1e4), [0, 50, 100]);
  const scaled = await data.images([{ name: 'big', bytes: big, label: 0 }], { channels: 1, scale: true });
  assert.equal(scaled.x.shape, [1, 4, 4, 1]);
  assert.ok(Math.abs(scaled.x.toFloat32Array()[15] - 150 / 255) < 1e-7);
  [set, scaled].forEach((s) => { s.x.dispose(); s.y.dispose(); });
});

test('images: mismatched sizes without size, bad labels and options refused; nothing stays allocated', async () => {
  const before = memoryInUse();
  const a = await encodePng({ width: 2, height: 2, colorType: 0, samples: [1, 2, 3, 4] });
  const b = await encodePng({ width: 3, height: 2, colorType: 0, samples: [1, 2, 3, 4, 5, 6] });
  assert.is(await rejection(data.images([{ name: 'a', bytes: a, label: 0 }, { name: 'b', bytes: b, label: 0 }])),
    'data.images: "b" is 2×3, the first image 2×2: give size: [h, w] to resize them all');
  assert.match(await rejection(data.images([{ name: 'a', bytes: a, label: -1 }])), /images: "a" has label -1/);
  assert.match(await rejection(data.images([{ name: 'a', bytes: a, label: 0 }], { channels: 2 as 1 })), /channels must be 1 or 3, got 2/);
  assert.match(await rejection(data.images([{ name: 'a', bytes: a, label: 0 }], { size: [0, 2] })), /size must be \[height, width\] of positive integers/);
  assert.match(await rejection(data.images([{ name: 'a', bytes: a, label: 0 }], { standardize: { mean: [0], std: [-1] } })), /standardize.std\[0\] = -1/);
  assert.is(memoryInUse(), before);
});

test('missing IHDR, IDAT or IEND, a second IHDR and too little image data are refused, naming the file', async () => {
  const chunks = pngChunks(await encodePng({ width: 3, height: 2, colorType: 0, samples: [1, 2, 3, 4, 5, 6], idatChunks: 2 }));
  const without = (type: string): Uint8Array => pngOf(chunks.filter(([t]) => t !== type));
  assert.is(await rejection(data.decodePng(without('IHDR'), 'a.png')), 'png "a.png": the first chunk is tEXt, expected IHDR');
  assert.is(await rejection(data.decodePng(without('IDAT'), 'a.png')), 'png "a.png": no image data (IDAT chunk)');
  assert.match(await rejection(data.decodePng(without('IEND'), 'a.png')), /^png "a.png": truncated at byte \d+: no IEND chunk$/);
  assert.match(await rejection(data.decodePng(pngOf([chunks[0], ...chunks]), 'a.png')), /^png "a.png": a second IHDR chunk at byte 33/);
  const first = chunks.findIndex(([t]) => t === 'IDAT');
  assert.match(await rejection(data.decodePng(pngOf(chunks.filter((_, i) => i !== first + 1)), 'a.png')), /^png "a.png" image data: the deflate data is corrupt or truncated/);
});

test.run();
