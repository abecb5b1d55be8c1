// Tensors: creation from flat and nested values, shape validation, copies out, reshape sharing, dispose rules.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { tensor, memoryInUse, Tensor } from '../../src/index.js';

await ready();
const test = suite(`tensor [${BUILD}]`);

test('flat values with a shape, nested values with an inferred shape', () => {
  const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.equal(a.shape, [2, 3]); assert.is(a.size, 6); assert.is(a.dtype, 'float32');
  assert.equal(a.toArray(), [[1, 2, 3], [4, 5, 6]]);
  const b = tensor([[[1], [2]], [[3], [4]]]);
  assert.equal(b.shape, [2, 2, 1]);
  assert.equal(Array.from(b.toFloat32Array()), [1, 2, 3, 4]);
  const c = tensor(new Int32Array([3, 1, 2]));
  assert.is(c.dtype, 'int32'); assert.equal(Array.from(c.toInt32Array()), [3, 1, 2]);
  a.dispose(); b.dispose(); c.dispose();
});

test('bad shapes and sizes are refused with the shape in the message', () => {
  assert.throws(() => tensor([1, 2, 3], [2, 2]), /shape \[2, 2\] needs 4 values, got 3/);
  assert.throws(() => tensor([1, 2], [2, 0]), /\[2, 0\] is invalid/);
  assert.throws(() => tensor([1, 2], [2, 1.5]), /\[2, 1\.5\] is invalid/);
  assert.throws(() => tensor([1, 2], [-2]), /\[-2\] is invalid/);
  assert.throws(() => tensor([[1, 2], [3]]), /ragged/);
  assert.throws(() => tensor('abc' as unknown as number[]), /values must be an array/);
  assert.throws(() => tensor([1.5], [1], 'int32'), /not an integer/);
});

test('toFloat32Array is a copy', () => {
  const a = tensor([1, 2, 3], [3]);
  const v = a.toFloat32Array();
  v[0] = 99;
  assert.is(a.toFloat32Array()[0], 1);
  a.dispose();
});

test('dispose twice is harmless; use after dispose names the tensor', () => {
  const before = memoryInUse();
  const a = tensor([1, 2, 3, 4], [2, 2]);
  a.name = 'weights';
  assert.ok(memoryInUse() > before);
  a.dispose(); a.dispose();
  assert.is(memoryInUse(), before);
  assert.ok(a.disposed);
  assert.throws(() => a.toFloat32Array(), /tensor "weights" \[2, 2\] was disposed/);
});

test('reshape shares data; storage is freed when the last holder disposes', () => {
  const before = memoryInUse();
  const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = a.reshape([3, -1]);
  assert.equal(b.shape, [3, 2]);
  assert.equal(b.toArray(), [[1, 2], [3, 4], [5, 6]]);
  a.dispose();
  assert.equal(Array.from(b.toFloat32Array()), [1, 2, 3, 4, 5, 6]);
  b.dispose();
  assert.is(memoryInUse(), before);
  const c = tensor([1, 2, 3, 4], [4]);
  assert.throws(() => c.reshape([3, 2]), /cannot reshape .* size 4 to \[3, 2\]/);
  c.dispose();
});

test('Tensor is exported for instanceof checks', () => {
  const a = tensor([1], [1]);
  assert.ok(a instanceof Tensor);
  assert.match(String(a), /Tensor\(.*, \[1\], float32\)/);
  a.dispose();
});

test.run();
