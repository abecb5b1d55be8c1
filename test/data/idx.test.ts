// data.idx on IDX files the test writes in the real format: images and labels, gzipped and plain, every IDX data
// type, flatten, limit, scale and standardize; truncated, too long, wrong magic, unknown type and mislabelled dims
// refused with the file, the expected and the found byte counts; non-finite floats refused; nothing left allocated.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { rejection } from '../helpers/errors.js';
import { compress, idxFile } from '../helpers/formats.js';
import * as data from '../../src/data/index.js';
import { memoryInUse } from '../../src/index.js';

await ready();
const test = suite(`data.idx [${BUILD}]`);

// 3 images of 2×4, pixel value = 10·image + position.
const pixels = Array.from({ length: 24 }, (_, i) => 10 * Math.floor(i / 8) + (i % 8));
const images = idxFile(0x08, [3, 2, 4], pixels);
const labels = idxFile(0x08, [3], [7, 0, 9]);

test('ubyte images → float32 [N, H, W, 1], labels → int32 [N]; magic 0x803 and 0x801 as written', async () => {
  assert.equal([...images.subarray(0, 4)], [0, 0, 8, 3]);
  assert.equal([...labels.subarray(0, 4)], [0, 0, 8, 1]);
  const x = await data.idx(images, { name: 'imgs' });
  assert.equal(x.shape, [3, 2, 4, 1]);
  assert.is(x.dtype, 'float32');
  assert.equal([...x.toFloat32Array()], pixels);
  const y = await data.idx(labels);
  assert.is(y.dtype, 'int32');
  assert.equal([...y.toInt32Array()], [7, 0, 9]);
  x.dispose(); y.dispose();
});

test('gzipped files are detected (1f 8b) and read the same', async () => {
  const gz = await compress(images);
  assert.equal([gz[0], gz[1]], [0x1f, 0x8b]);
  const x = await data.idx(gz), y = await data.idx(await compress(labels));
  assert.equal([...x.toFloat32Array()], pixels);
  assert.equal([...y.toInt32Array()], [7, 0, 9]);
  x.dispose(); y.dispose();
});

test('flatten gives [N, H·W]; limit keeps the first records', async () => {
  const x = await data.idx(images, { flatten: true, limit: 2 });
  assert.equal(x.shape, [2, 8]);
  assert.equal([...x.toFloat32Array()], pixels.slice(0, 16));
  x.dispose();
  assert.match(await rejection(data.idx(images, { limit: 4, name: 'imgs' })), /idx "imgs": limit 4 must be an integer in \[1, 3\]/);
});

test('every IDX data type, big-endian: byte, short, int, float, double', async () => {
  const cases: [number, number[], 'int32' | 'float32'][] = [
    [0x09, [-128, -1, 0, 127], 'int32'], [0x0b, [-32768, -2, 300, 32767], 'int32'],
    [0x0c, [-2147483648, -5, 70000, 2147483647], 'int32'], [0x0d, [-1.5, 0.25, 3e10, 7], 'float32'], [0x0e, [-1.5, 0.1, 1e-3, 2], 'float32'],
  ];
  for (const [code, values, dtype] of cases) {
    const v = await data.idx(idxFile(code, [4], values));
    assert.is(v.dtype, dtype, `type 0x${code.toString(16)}`);
    assert.equal([...(dtype === 'int32' ? v.toInt32Array() : v.toFloat32Array())], dtype === 'int32' ? values : values.map(Math.fround));
    v.dispose();
    const m = await data.idx(idxFile(code, [2, 2], values));
    assert.equal(m.shape, [2, 2]);
    assert.is(m.dtype, 'float32');
    m.dispose();
  }
});

test('truncated by one byte and one byte too long: the file, expected and found byte counts', async () => {
  assert.is(await rejection(data.idx(images.subarray(0, images.length - 1), { name: 'train-images' })),
    'idx "train-images": 39 bytes, expected 40 (16-byte header + [3 × 2 × 4] ubyte): truncated, 1 byte missing');
  const long = new Uint8Array(images.length + 1); long.set(images);
  assert.is(await rejection(data.idx(long, { name: 'train-images' })),
    'idx "train-images": 41 bytes, expected 40 (16-byte header + [3 × 2 × 4] ubyte): 1 byte too long');
  assert.match(await rejection(data.idx(await compress(images.subarray(0, 30)), { name: 'gz' })), /idx "gz": 30 bytes, expected 40 .*truncated, 10 bytes missing/);
  assert.match(await rejection(data.idx(images.subarray(0, 10), { name: 'h' })), /idx "h": truncated header: 10 bytes, the 3 dimensions need 16/);
});

test('wrong magic, unknown type code, no dimensions, zero records, corrupt gzip: refused by name', async () => {
  const bad = images.slice(); bad[0] = 0x50; bad[1] = 0x4b;
  assert.match(await rejection(data.idx(bad, { name: 'f.zip' })), /idx "f.zip": not an IDX file: magic 0x504b0803, expected 0x0000TTDD .*0x00000801 for labels, 0x00000803 for images/);
  const t = images.slice(); t[2] = 0x0a;
  assert.match(await rejection(data.idx(t, { name: 'x' })), /idx "x": magic 0x00000a03 names data type 0x0a, which IDX does not define \(known: 0x08 ubyte, 0x09 byte, 0x0b short, 0x0c int, 0x0d float, 0x0e double\)/);
  assert.match(await rejection(data.idx(new Uint8Array([0, 0, 8, 0]))), /gives 0 dimensions/);
  assert.match(await rejection(data.idx(idxFile(0x08, [0, 28, 28], []))), /dimension 0 of \[0, 28, 28\] is 0/);
  const gz = await compress(images); gz[20] ^= 0xff;
  assert.match(await rejection(data.idx(gz, { name: 'z.gz' })), /idx "z.gz": the gzip data is corrupt or truncated/);
});

test('mislabelled dims: a header whose dimensions do not match the data is refused with both counts', async () => {
  // Images written as 3 × 2 × 4 but labelled 3 × 3 × 4, and labels labelled as images.
  const lying = images.slice(); new DataView(lying.buffer).setUint32(8, 3);
  assert.match(await rejection(data.idx(lying, { name: 'lying' })), /idx "lying": 40 bytes, expected 52 \(16-byte header \+ \[3 × 3 × 4\] ubyte\): truncated, 12 bytes missing/);
  const asImages = idxFile(0x08, [3, 1, 1], [1, 2, 3]); asImages[3] = 1; // claims one dimension, has three
  assert.match(await rejection(data.idx(asImages, { name: 'l' })), /idx "l": 19 bytes, expected 11 .*8 bytes too long/);
});

test('scale multiplies by float32(1/255) on the kernels: every byte within 1 ulp of float32(b/255), 255 → 1', async () => {
  const all = Array.from({ length: 256 }, (_, b) => b);
  const x = await data.idx(idxFile(0x08, [1, 16, 16], all), { scale: true });
  const v = x.toFloat32Array();
  all.forEach((b) => {
    const rounded = Math.fround(b / 255), ulp = 2 ** (Math.floor(Math.log2(Math.max(rounded, 2 ** -126))) - 23);
    if (Math.abs(v[b] - rounded) > ulp) assert.unreachable(`byte ${b}: ${v[b]} vs ${rounded}`);
  });
  assert.is(v[0], 0); assert.is(v[255], 1);
  x.dispose();
});

test('standardize with given numbers after scaling; labels refuse normalisation; errors leave nothing allocated', async () => {
  const x = await data.idx(images, { scale: true, standardize: { mean: [0.1], std: [0.05] } });
  const v = x.toFloat32Array();
  pixels.forEach((p, i) => assert.ok(Math.abs(v[i] - (p / 255 - 0.1) / 0.05) < 1e-5, `pixel ${i}`));
  x.dispose();
  const before = memoryInUse();
  assert.match(await rejection(data.idx(labels, { name: 'lbl', scale: true })), /idx "lbl": holds integer labels \[3\]; scale and standardize apply to images/);
  assert.match(await rejection(data.idx(images, { standardize: { mean: [0, 1], std: [1] } })), /standardize.mean has 2 values; expected 1 \(one per channel\)/);
  assert.match(await rejection(data.idx(images, { standardize: { mean: [0], std: [0] } })), /standardize.std\[0\] = 0 must be a positive finite number/);
  assert.is(memoryInUse(), before);
});

test('float and double files: NaN, ±Infinity and doubles beyond float32 are refused by value and record', async () => {
  const before = memoryInUse();
  assert.is(await rejection(data.idx(idxFile(0x0d, [2, 2], [1, 2, NaN, 4]), { name: 'f' })), 'idx "f": value 2 (record 1) is NaN; float values must be finite');
  assert.is(await rejection(data.idx(idxFile(0x0d, [3], [1, -Infinity, 0]), { name: 'f' })), 'idx "f": value 1 (record 1) is -Infinity; float values must be finite');
  assert.is(await rejection(data.idx(idxFile(0x0e, [1, 2], [0, 1e300]), { name: 'd' })), 'idx "d": value 1 (record 0) is 1e+300; double values must be finite and within float32 range (±3.4e38)');
  assert.is(memoryInUse(), before);
});

test.run();
