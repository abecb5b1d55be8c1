// oneHot, split, shuffle, batches and normalize: seeded and reproducible (same seed → same rows), rows kept whole
// and paired with their labels, batches in fit()'s order, stale batch views refused, memory flat afterwards.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import * as data from '../../src/data/index.js';
import { tensor, memoryInUse, type Tensor } from '../../src/index.js';

await ready();
const test = suite(`data helpers [${BUILD}]`);

// Row i of x holds [i, 100 + i, 200 + i]; its label is i % 4, so every row can be traced.
const N = 23;
function rows(): { x: Tensor; y: Tensor } {
  const x = tensor(Float32Array.from({ length: N * 3 }, (_, k) => 100 * (k % 3) + Math.floor(k / 3)), [N, 3]);
  const y = tensor(Int32Array.from({ length: N }, (_, i) => i % 4), [N]);
  return { x, y };
}
const ids = (x: Tensor): number[] => [...x.toFloat32Array()].filter((_, k) => k % 3 === 0);
function paired(p: { x: Tensor; y: Tensor }): void {
  const v = p.x.toFloat32Array(), l = p.y.toInt32Array();
  ids(p.x).forEach((id, r) => {
    assert.equal([v[3 * r + 1], v[3 * r + 2]], [100 + id, 200 + id], 'row kept whole');
    assert.is(l[r], id % 4, 'label follows its row');
  });
}

test('oneHot: int32 labels → float32 [N, C]; labels out of range and wrong dtypes refused', () => {
  const y = tensor(Int32Array.from([2, 0, 1]), [3]);
  const h = data.oneHot(y, 4);
  assert.equal(h.toArray(), [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]);
  y.name = 'labels';
  assert.throws(() => data.oneHot(y, 2), /oneHot: label 2 at index 0 of "labels" is outside 0..1/);
  const neg = tensor(Int32Array.from([-1]), [1]);
  assert.throws(() => data.oneHot(neg, 3), /label -1 at index 0/);
  assert.throws(() => data.oneHot(tensor([1, 2], [2]), 3), /labels must be an int32 tensor \[N\]/);
  assert.throws(() => data.oneHot(y, 0), /data.oneHot: numClasses must be an integer in \[1, \d+\], got 0/);
  [y, h, neg].forEach((t) => t.dispose());
});

test('split: same seed → same split, another seed → another; every row once, whole and with its label', () => {
  const { x, y } = rows();
  const a = data.split(x, y, { fraction: 0.3, seed: 7 }), b = data.split(x, y, { fraction: 0.3, seed: 7 });
  const c = data.split(x, y, { fraction: 0.3, seed: 8 });
  assert.equal(a.test.x.shape, [7, 3]); assert.equal(a.train.x.shape, [16, 3]); assert.equal(a.test.y.shape, [7]);
  assert.equal(ids(a.test.x), ids(b.test.x));
  assert.equal(ids(a.train.x), ids(b.train.x));
  assert.not.equal(ids(a.test.x), ids(c.test.x));
  assert.equal([...ids(a.train.x), ...ids(a.test.x)].sort((p, q) => p - q), Array.from({ length: N }, (_, i) => i));
  [a.train, a.test, c.test].forEach(paired);
  for (const s of [a, b, c]) [s.train.x, s.train.y, s.test.x, s.test.y].forEach((t) => t.dispose());
  assert.throws(() => data.split(x, y, { fraction: 0.01 }), /fraction 0.01 of 23 rows must leave at least one row on each side/);
  assert.throws(() => data.split(x, y, { fraction: 1 }), /fraction 1 of 23 rows/);
  const short = tensor(Int32Array.from([1, 2]), [2]); short.name = 'short';
  assert.throws(() => data.split(x, short, { fraction: 0.5 }), /split: x "tensor#\d+" \[23, 3\] and y "short" \[2\] must have the same number of rows/);
  [x, y, short].forEach((t) => t.dispose());
});

test('shuffle: a seeded permutation of the rows, different per epoch, one-hot targets follow', () => {
  const { x, y } = rows();
  const a = data.shuffle(x, y, { seed: 3 }), b = data.shuffle(x, y, { seed: 3 }), c = data.shuffle(x, y, { seed: 3, epoch: 1 });
  assert.equal(ids(a.x), ids(b.x));
  assert.not.equal(ids(a.x), ids(c.x));
  assert.not.equal(ids(a.x), Array.from({ length: N }, (_, i) => i));
  paired(a); paired(c);
  const h = data.oneHot(y, 4), s = data.shuffle(x, h, { seed: 3 });
  const expected = data.oneHot(a.y, 4);
  assert.equal(s.y.toArray(), expected.toArray());
  [x, y, a.x, a.y, b.x, b.y, c.x, c.y, h, s.x, s.y, expected].forEach((t) => t.dispose());
});

test("batches: sizes, order as shuffle's for the same seed and epoch, views refused once stale, buffers freed", () => {
  const { x, y } = rows();
  const before = memoryInUse();
  const plain = [...data.batches(x, y, 5)].length;
  assert.is(plain, 5);
  const seen: number[] = [], sizes: number[] = [];
  let first: Tensor | undefined;
  for (const b of data.batches(x, y, 5, { shuffle: true, seed: 11, epoch: 2 })) {
    first ??= b.x;
    sizes.push(b.x.shape[0]);
    assert.is(b.y.shape[0], b.x.shape[0]);
    paired(b);
    seen.push(...ids(b.x));
  }
  assert.equal(sizes, [5, 5, 5, 5, 3]);
  const s = data.shuffle(x, y, { seed: 11, epoch: 2 });
  assert.equal(seen, ids(s.x));
  assert.throws(() => first!.toFloat32Array(), /was disposed/);
  const inOrder: number[] = [];
  for (const b of data.batches(x, y, 100)) inOrder.push(...ids(b.x));
  assert.equal(inOrder, Array.from({ length: N }, (_, i) => i));
  for (const b of data.batches(x, y, 4, { shuffle: true })) { assert.is(b.x.shape[0], 4); break; }
  s.x.dispose(); s.y.dispose();
  assert.is(memoryInUse(), before);
  assert.throws(() => data.batches(x, y, 0), /data.batches: batchSize must be an integer in \[1, \d+\], got 0/);
  x.dispose(); y.dispose();
});

test('normalize: a copy with given or fitted numbers; the input stays as it was', () => {
  const x = tensor([[0, 10], [2, 30], [4, 20]]);
  const a = data.normalize(x, { standardize: 'fit' });
  assert.equal(a.normalization.standardize!.mean, [2, 20]);
  const b = data.normalize(x, a.normalization);
  assert.equal(b.x.toFloat32Array(), a.x.toFloat32Array());
  assert.equal(x.toArray(), [[0, 10], [2, 30], [4, 20]]);
  const c = data.normalize(x, { scale: true, standardize: { mean: [0.5], std: [0.25] } });
  assert.ok(Math.abs(c.x.toFloat32Array()[5] - (20 / 255 - 0.5) / 0.25) < 1e-6);
  assert.throws(() => data.normalize(x, { standardize: { mean: [1, 2, 3], std: [1] } }), /3 channels do not divide the last axis/);
  [x, a.x, b.x, c.x].forEach((t) => t.dispose());
});

test.run();
