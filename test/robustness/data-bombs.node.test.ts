// Decompression bombs in Node (node-only): peak resident memory while a 1 GiB PNG or IDX bomb is refused stays within
// a few MiB (an unbounded inflate peaks above 3 GiB), and a bomb written by node:zlib is refused like the hand-built one.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gzipSync } from 'node:zlib';
import { ready, BUILD } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { idxFile } from '../helpers/formats.js';
import * as data from '../../src/data/index.js';
import { memoryInUse } from '../../src/index.js';
import { gzipZeros, ihdr, pngOf, zlibZeros } from './data-helpers.js';
import { record } from './tally.js';

await ready();
const test = suite(`data: decompression bombs (node) [${BUILD}]`);

const GiB = 2 ** 30, MiB = 2 ** 20;
/** Growth of resident memory allowed while a bomb is refused: the compressed file is 1 MB, the output 1 GiB. */
const PEAK = 128 * MiB;

// Runs the refused call, sampling resident memory every millisecond (inflating yields to the event loop).
async function peakOf(p: () => Promise<unknown>): Promise<{ message: string; peak: number; ms: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.memoryUsage().rss, before = memoryInUse();
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss - start); }, 1);
  const t = performance.now();
  try {
    const message = await rejection(p());
    return { message, peak: Math.max(peak, process.memoryUsage().rss - start), ms: performance.now() - t };
  } finally {
    clearInterval(timer);
    record({ cases: 1, refused: 1, leakedBytes: Math.max(0, memoryInUse() - before) });
    assert.is(memoryInUse(), before);
  }
}

test('a 1 GiB PNG bomb and a 1 GiB gzipped IDX bomb are refused within a few MiB of resident memory', async () => {
  const png = pngOf([['IHDR', ihdr(1, 1)], ['IDAT', zlibZeros(new Uint8Array(0), GiB)], ['IEND', new Uint8Array(0)]]);
  const gz = gzipZeros(idxFile(0x08, [3, 2, 4], []), GiB);
  for (const [what, run] of [['png', () => data.decodePng(png, 'bomb.png')], ['idx', () => data.idx(gz, { name: 'bomb.gz' })]] as const) {
    const r = await peakOf(run);
    assert.match(r.message, /refused after inflating [\d,]+ bytes/);
    assert.ok(r.peak < PEAK, `${what}: resident memory grew by ${(r.peak / MiB).toFixed(1)} MiB`);
  }
});

test('a bomb written by node:zlib (32 MiB of zeros behind a 40-byte IDX header) is refused the same way', async () => {
  const header = idxFile(0x08, [3, 2, 4], []);
  const body = new Uint8Array(header.length + 32 * MiB);
  body.set(header);
  const gz = gzipSync(body, { level: 1 });
  assert.ok(gz.length < 200000);
  const r = await peakOf(() => data.idx(gz, { name: 'zlib.gz' }));
  assert.match(r.message, /^idx "zlib.gz": the gzip data inflates to more than the 40 bytes its IDX header declares/);
  const ok = gzipSync(idxFile(0x08, [3, 2, 4], Array.from({ length: 24 }, (_, i) => i)));
  const x = await data.idx(ok);
  assert.equal([...x.toFloat32Array()], Array.from({ length: 24 }, (_, i) => i));
  x.dispose();
});

test.run();
