// data.cifar10 on batches the test writes in the real binary format: planes to NHWC, labels, several files in order,
// per-channel standardize 'fit' against float64, and a truncated record or a label of 10 refused by file and record.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { thrown } from '../helpers/errors.js';
import { cifarBatch } from '../helpers/formats.js';
import * as data from '../../src/data/index.js';
import { memoryInUse } from '../../src/index.js';

await ready();
const test = suite(`data.cifar10 [${BUILD}]`);

// A distinct byte for every (record, channel, y, x).
const pixel = (r: number, c: number, y: number, x: number): number => (r * 31 + c * 71 + y * 7 + x * 3) % 256;

test('records → x [N, 32, 32, 3] NHWC (R, G, B from the three planes) and y int32 [N]; files concatenate in order', () => {
  const a = cifarBatch([3, 9], pixel), b = cifarBatch([0], (r, c, y, x) => pixel(r + 2, c, y, x));
  const { x, y, normalization } = data.cifar10([a, b]);
  assert.equal(x.shape, [3, 32, 32, 3]);
  assert.equal([...y.toInt32Array()], [3, 9, 0]);
  assert.equal(normalization, { scale: false });
  const v = x.toFloat32Array();
  for (let r = 0; r < 3; r++) for (let yy = 0; yy < 32; yy++) for (let xx = 0; xx < 32; xx++) for (let c = 0; c < 3; c++) {
    const got = v[((r * 32 + yy) * 32 + xx) * 3 + c];
    if (got !== pixel(r, c, yy, xx)) assert.unreachable(`record ${r} (${yy}, ${xx}) channel ${c}: ${got}`);
  }
  x.dispose(); y.dispose();
});

test("standardize 'fit': per-channel mean and population std of the scaled pixels, as float64 computes them", () => {
  const labels = Array.from({ length: 7 }, (_, i) => i);
  const bytes = cifarBatch(labels, pixel);
  const { x, y, normalization } = data.cifar10(bytes, { scale: true, standardize: 'fit' });
  const s = normalization.standardize!;
  for (let c = 0; c < 3; c++) {
    let sum = 0, sq = 0, n = 0;
    for (let r = 0; r < 7; r++) for (let yy = 0; yy < 32; yy++) for (let xx = 0; xx < 32; xx++) { sum += Math.fround(pixel(r, c, yy, xx) / 255); n++; }
    const mean = sum / n;
    for (let r = 0; r < 7; r++) for (let yy = 0; yy < 32; yy++) for (let xx = 0; xx < 32; xx++) sq += (Math.fround(pixel(r, c, yy, xx) / 255) - mean) ** 2;
    assert.ok(Math.abs(s.mean[c] - mean) < 1e-6, `mean ${c}: ${s.mean[c]} vs ${mean}`);
    assert.ok(Math.abs(s.std[c] - Math.sqrt(sq / n)) < 1e-6, `std ${c}`);
  }
  // The standardized data have mean 0 and std 1 per channel; the same numbers apply to another batch.
  const v = x.toFloat32Array();
  for (let c = 0; c < 3; c++) {
    let sum = 0, sq = 0;
    for (let i = c; i < v.length; i += 3) { sum += v[i]; sq += v[i] * v[i]; }
    const n = v.length / 3;
    assert.ok(Math.abs(sum / n) < 1e-5 && Math.abs(sq / n - 1) < 1e-4, `channel ${c}`);
  }
  const again = data.cifar10(bytes, normalization);
  assert.equal(again.x.toFloat32Array(), v);
  assert.equal(again.normalization, normalization);
  [x, y, again.x, again.y].forEach((t) => t.dispose());
});

test('a truncated record, a length off by one byte and a label of 10 are refused by file and record; nothing stays allocated', () => {
  const good = cifarBatch([1, 2, 3], pixel);
  const before = memoryInUse();
  assert.is(thrown(() => data.cifar10([good, good.subarray(0, 3073 * 2 + 100)], { names: ['data_batch_1.bin', 'data_batch_2.bin'] })),
    'cifar10 "data_batch_2.bin": 6246 bytes is not a whole number of 3073-byte records (1 label + 3072 pixels): record 2 is truncated, 100 of 3073 bytes');
  assert.match(thrown(() => data.cifar10(good.subarray(0, good.length - 1))), /cifar10 "batch 1": 9218 bytes .* record 2 is truncated, 3072 of 3073 bytes/);
  const bad = good.slice(); bad[3073] = 10;
  assert.is(thrown(() => data.cifar10([good, bad], { names: ['a.bin', 'b.bin'] })), 'cifar10 "b.bin": record 1 (byte 3073) has label 10; CIFAR-10 labels are 0..9');
  assert.match(thrown(() => data.cifar10([])), /no batch files/);
  assert.match(thrown(() => data.cifar10(new Uint8Array(0))), /the file is empty/);
  assert.match(thrown(() => data.cifar10(good, { standardize: { mean: [0, 0], std: [1, 1] } })), /standardize.mean has 2 values; expected 1 or 3/);
  assert.is(memoryInUse(), before);
});

test.run();
