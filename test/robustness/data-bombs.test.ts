// Decompression bombs (1 MB PNG or gzipped IDX files inflating to 1 GiB) refused after a few slices, and absurd declared
// sizes refused before inflating or allocating; linear memory back at its baseline after each. Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { compress, idxFile } from '../helpers/formats.js';
import { crc32 } from '../../src/io/crc32.js';
import * as data from '../../src/data/index.js';
import { memoryInUse } from '../../src/index.js';
import { crc32Zeros, gzipZeros, ihdr, pngOf, zlibZeros } from './data-helpers.js';
import { record } from './tally.js';

await ready();
const test = suite(`data: decompression bombs [${BUILD}]`);

const GiB = 2 ** 30;
/** Output the inflater may produce past a limit before it is stopped: a few slices of input at deflate's 1032:1. */
const SLACK = 64 * 2 ** 20;
/** Far below the ~16 s an unbounded 1 GiB inflate takes; only a runaway would miss it. */

async function inflateAll(bytes: Uint8Array, format: 'gzip' | 'deflate'): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new DecompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// The refusal of a bomb: message, the bytes inflated before the stop (from the message), and the time taken.
async function refused(p: () => Promise<unknown>): Promise<{ message: string; inflated: number; ms: number }> {
  const before = memoryInUse(), t = performance.now();
  const message = await rejection(p());
  const ms = performance.now() - t;
  record({ cases: 1, refused: 1, leakedBytes: Math.max(0, memoryInUse() - before) });
  assert.is(memoryInUse(), before, 'linear memory back at its baseline');
  const inflated = Number(/refused after inflating ([\d,]+) bytes/.exec(message)?.[1].replace(/,/g, '') ?? NaN);
  return { message, inflated, ms };
}

test('the bomb writer is right: the bytes, CRC-32 and Adler-32 of small bombs check out in DecompressionStream', async () => {
  for (const [prefix, zeros] of [[[], 1], [[1, 2, 3], 0], [[0, 0, 8, 1], 258], [[9], 259], [[7, 7], 258 * 9 + 100]] as [number[], number][]) {
    const want = new Uint8Array(prefix.length + zeros);
    want.set(prefix);
    assert.is(crc32Zeros(new Uint8Array(prefix), zeros), crc32(want), 'CRC-32 of the zeros by polynomial arithmetic');
    assert.equal([...await inflateAll(gzipZeros(new Uint8Array(prefix), zeros), 'gzip')], [...want]);
    assert.equal([...await inflateAll(zlibZeros(new Uint8Array(prefix), zeros), 'deflate')], [...want]);
  }
  assert.ok(gzipZeros(new Uint8Array(0), GiB).length < 1.1e6, '1 GiB of zeros in about 1 MB');
});

test('a 1 MB PNG declaring 1×1 pixels whose data inflate to 1 GiB: refused after a few slices, quickly', async () => {
  const bomb = pngOf([['IHDR', ihdr(1, 1)], ['IDAT', zlibZeros(new Uint8Array(0), GiB)], ['IEND', new Uint8Array(0)]]);
  assert.ok(bomb.length < 1.1e6);
  const r = await refused(() => data.decodePng(bomb, 'bomb.png'));
  assert.match(r.message, /^png "bomb.png": the image data inflate to more than the 2 bytes the header declares \(1×1 grey, 8-bit: 1 row of 1 filter byte \+ 1\); refused after inflating [\d,]+ bytes from 1,0\d\d,\d\d\d compressed/);
  assert.ok(r.inflated > 2 && r.inflated <= SLACK, `stopped after ${r.inflated} bytes`);
  // The same through data.images, and a plausible size (64×64 RGB, 12,352 bytes of data) is no different.
  const big = pngOf([['IHDR', ihdr(64, 64, 8, 2)], ['IDAT', zlibZeros(new Uint8Array(0), GiB)], ['IEND', new Uint8Array(0)]]);
  const r2 = await refused(() => data.images([{ name: 'ok.png', bytes: big, label: 0 }]));
  assert.match(r2.message, /^png "ok.png": the image data inflate to more than the 12,352 bytes the header declares \(64×64 RGB, 8-bit: 64 rows of 1 filter byte \+ 192\)/);
  assert.ok(r2.inflated <= SLACK);
});

test('a 1 MB gzipped IDX file whose header declares 3×2×4 bytes but inflates to 1 GiB: refused, quickly', async () => {
  const header = idxFile(0x08, [3, 2, 4], []);
  const r = await refused(() => data.idx(gzipZeros(header, GiB), { name: 'train-images.gz' }));
  assert.match(r.message, /^idx "train-images.gz": the gzip data inflates to more than the 40 bytes its IDX header declares \(16-byte header \+ \[3 × 2 × 4\] ubyte\); refused after inflating [\d,]+ bytes/);
  assert.ok(r.inflated > 40 && r.inflated <= SLACK, `stopped after ${r.inflated} bytes`);
  // A header declaring 1000 images of 28×28 (784,016 bytes) stops just past them.
  const mnist = await refused(() => data.idx(gzipZeros(idxFile(0x08, [1000, 28, 28], []), GiB), { name: 'm.gz' }));
  assert.match(mnist.message, /more than the 784,016 bytes its IDX header declares \(16-byte header \+ \[1000 × 28 × 28\] ubyte\)/);
  assert.ok(mnist.inflated <= 784016 + SLACK);
});

test('a gzip bomb of zeros only (no IDX header) is refused at its first bytes: data type 0x00', async () => {
  const r = await refused(() => data.idx(gzipZeros(new Uint8Array(0), GiB), { name: 'zeros.gz' }));
  assert.match(r.message, /^idx "zeros.gz": magic 0x00000000 names data type 0x00, which IDX does not define/);
});

test('a PNG declaring 100000×100000 pixels is refused before its data are inflated', async () => {
  const tiny = await compress(new Uint8Array(2), 'deflate');
  for (const [w, h] of [[100000, 100000], [2 ** 31 - 1, 1], [8193, 8192]]) {
    const png = pngOf([['IHDR', ihdr(w, h)], ['IDAT', tiny], ['IEND', new Uint8Array(0)]]);
    const r = await refused(() => data.decodePng(png, 'huge.png'));
    assert.match(r.message, new RegExp(`^png "huge.png": the header declares ${w}×${h} = [\\d,]+ pixels; the limit is 67,108,864 \\(8192×8192\\)`));
  }
});

test('an IDX header declaring 10^12 values is refused before anything is allocated, plain or gzipped', async () => {
  const header = idxFile(0x08, [1000000, 1000000], []);
  const message = /^idx "big": the header declares \[1000000 × 1000000\] = 1,000,000,000,000 values; the limit is 268,435,456 \(a 1 GiB float32 tensor\)/;
  assert.match((await refused(() => data.idx(header, { name: 'big' }))).message, message);
  assert.match((await refused(() => data.idx(gzipZeros(header, GiB), { name: 'big' }))).message, message);
  assert.match((await refused(() => data.idx(idxFile(0x0e, [2 ** 14, 2 ** 14, 2], []), { name: 'd' }))).message, /2 \^ 29|536,870,912 values/);
  assert.throws(() => data.idxHeader(header, 'big'), message);
});

test.run();
