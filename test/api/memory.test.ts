// The arena: 64-byte alignment, reuse after free, coalescing, growth that keeps data and rebuilds views,
// double-free detection, and a flat memoryInUse over many alloc/free cycles.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { backend } from '../../src/backend/module.js';
import { tensor, memoryInUse, ops } from '../../src/index.js';

await ready();
const test = suite(`memory [${BUILD}]`);

test('blocks are 64-byte aligned and padded past their end', () => {
  const a = backend().arena;
  const ptrs = [1, 3, 4, 17, 100, 4096].map((n) => a.alloc(n * 4));
  for (const p of ptrs) assert.is(p % 64, 0);
  for (let i = 1; i < ptrs.length; i++) assert.ok(ptrs[i] - ptrs[i - 1] >= [1, 3, 4, 17, 100][i - 1] * 4 + 16);
  ptrs.forEach((p) => a.release(p));
});

test('freed blocks are reused and neighbours coalesce', () => {
  const a = backend().arena;
  const base = a.inUse();
  const p1 = a.alloc(1000), p2 = a.alloc(1000), p3 = a.alloc(1000);
  a.release(p1); a.release(p2);
  const big = a.alloc(2000); // fits only in p1+p2 merged
  assert.is(big, p1);
  a.release(big); a.release(p3);
  assert.is(a.inUse(), base);
});

test('double free is refused', () => {
  const a = backend().arena;
  const p = a.alloc(64);
  a.release(p);
  assert.throws(() => a.release(p), /not an allocated block/);
});

test('growth keeps existing data and views follow the new buffer', () => {
  const a = backend().arena;
  const t = tensor([1, 2, 3, 4], [4]);
  const cap = a.capacity();
  const huge = a.alloc(cap * 2); // forces memory.grow
  assert.ok(a.capacity() > cap);
  assert.equal(Array.from(t.toFloat32Array()), [1, 2, 3, 4]);
  const y = ops.relu(t); // kernels see the grown memory
  assert.equal(Array.from(y.toFloat32Array()), [1, 2, 3, 4]);
  a.release(huge); t.dispose(); y.dispose();
});

test('memory in use is flat over many op calls', () => {
  const x = tensor(Array.from({ length: 300 }, (_, i) => (i % 7) - 3), [30, 10]);
  const w = tensor(Array.from({ length: 50 }, (_, i) => (i % 5) / 5), [10, 5]);
  const run = () => { const h = ops.matMul(x, w); const r = ops.relu(h); const s = ops.softmax(r); const m = ops.mean(s, 0); h.dispose(); r.dispose(); s.dispose(); m.dispose(); };
  for (let i = 0; i < 10; i++) run();
  const before = memoryInUse(), blocks = backend().arena.blocks();
  for (let i = 0; i < 1000; i++) run();
  assert.is(memoryInUse(), before);
  assert.is(backend().arena.blocks(), blocks);
  x.dispose(); w.dispose();
});

test.run();
