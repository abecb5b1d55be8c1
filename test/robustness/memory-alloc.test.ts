// A refused allocation leaves the arena exactly as it was (free list, top, capacity, memoryInUse()), says what was asked,
// what is in use and the limit, and a later reasonable allocation succeeds: the reproduction (800 MB freed,
// then 8 GB asked six times), a request just past the 4 GiB limit, a runtime that refuses to grow, bad sizes.
// Runtime-neutral: the 800 MB are reserved, never written.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { thrown } from '../helpers/errors.js';
import { backend } from '../../src/backend/module.js';
import { Arena } from '../../src/backend/memory.js';
import { empty } from '../../src/ops/tensor.js';
import { ops, memoryInUse } from '../../src/index.js';
import { record } from './tally.js';

await ready();
const test = suite(`memory: refused allocations change nothing [${BUILD}]`);

const LIMIT = 4294967296;

test('the issue: 800 MB allocated and freed, then 8 GB asked six times: refused, nothing lost, 800 MB fit again', () => {
  const a = backend().arena;
  const baseline = memoryInUse();
  const big = empty([2e8], 'float32', 'big'); // 800,000,000 bytes
  const where = big.ptr;
  big.dispose();
  const before = a.state();
  let refused = 0;
  for (let i = 0; i < 6; i++) {
    const asks: [string, number, () => unknown][] = [
      ['arena.alloc', 8e9, () => a.alloc(8e9)],
      ['empty', 8e9, () => empty([2e9])],
      // ops refuse more than 2^30 values up front; 2^30 float32 values are exactly the 4 GiB limit, plus padding.
      ['ops.randomUniform', LIMIT, () => ops.randomUniform([2 ** 30], { seed: 1 })],
    ];
    for (const [what, bytes, ask] of asks) {
      const m = thrown(ask);
      assert.ok(m.includes(`arena: out of memory: asked for ${bytes} bytes`), `${what}: ${m}`);
      assert.ok(m.includes(`${before.inUse} bytes in use in ${before.blocks} blocks`), `${what}: in use stated: ${m}`);
      assert.ok(m.includes(`the limit is ${LIMIT} bytes`), `${what}: limit stated: ${m}`);
      assert.equal(a.state(), before, `${what}: arena unchanged after refusal ${i + 1}`);
      assert.is(memoryInUse(), baseline);
      refused++;
    }
  }
  // The top free block is still there: the same 800 MB land where they were, without growing memory.
  const again = empty([2e8], 'float32', 'big again');
  assert.is(again.ptr, where);
  assert.is(a.capacity(), before.capacity);
  again.dispose();
  assert.is(memoryInUse(), baseline);
  record({ cases: refused + 2, refused });
});

test('a request that would end past the 4 GiB limit is refused before growing, and a small one then fits', () => {
  const a = backend().arena;
  const before = a.state();
  const last = before.free[before.free.length - 1];
  const start = last && last.ptr + last.size === before.top ? last.ptr : before.top;
  // The block is bytes + 16 rounded up to 64: this one would end at LIMIT + 64.
  const m = thrown(() => a.alloc(LIMIT - start - 15));
  assert.match(m, /out of memory: asked for \d+ bytes .* the limit is 4294967296 bytes \(65536 pages of 64 KiB\) and the arena would end past the limit/);
  assert.equal(a.state(), before);
  const small = a.alloc(1024, 'after a refusal');
  assert.ok(small > 0);
  a.release(small);
  assert.is(memoryInUse(), before.inUse);
  record({ cases: 2, refused: 1 });
});

test('invalid sizes are refused with the size named, and change nothing', () => {
  const a = backend().arena;
  const before = a.state();
  const bad: unknown[] = [-1, 1.5, NaN, Infinity, -Infinity, '64', null, undefined, 2 ** 53 + 2];
  for (const n of bad) {
    const m = thrown(() => a.alloc(n as number));
    assert.match(m, /^arena: (cannot allocate|out of memory)/, String(n));
    assert.equal(a.state(), before, String(n));
  }
  record({ cases: bad.length, refused: bad.length });
});

test('a runtime that refuses to grow memory: refused with its reason, the free block at the top kept, smaller sizes fit', () => {
  // A memory of its own with a declared maximum of 8 pages (512 KiB): growth past it throws in the engine.
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 8 });
  const a = new Arena(memory, 1024);
  const p1 = a.alloc(100_000), p2 = a.alloc(100_000);
  a.release(p2); // a free block that ends at the top, as in the issue
  const before = a.state();
  assert.is(before.free.length, 1);
  let refused = 0;
  for (let i = 0; i < 3; i++) {
    const m = thrown(() => a.alloc(1_000_000));
    assert.match(m, /^arena: out of memory: asked for 1000000 bytes \(1000064 with padding\), 100032 bytes in use in 1 blocks, \d+ bytes of linear memory, largest free block 100032 bytes/);
    assert.match(m, /the runtime refused to grow memory from \d+ to \d+ bytes \(.+\)/);
    assert.equal(a.state(), before);
    refused++;
  }
  // What fits in the kept free block plus the remaining pages still works, starting where p2 was.
  const p3 = a.alloc(300_000);
  assert.is(p3, before.free[0].ptr);
  a.release(p3); a.release(p1);
  assert.is(a.inUse(), 0);
  record({ cases: refused + 1, refused });
});

test('a lower limit (maxPages) is honoured and named in the message', () => {
  const a = new Arena(new WebAssembly.Memory({ initial: 1 }), 0, { maxPages: 4 });
  const before = a.state();
  const m = thrown(() => a.alloc(300_000));
  assert.match(m, /the limit is 262144 bytes \(4 pages of 64 KiB\)/);
  assert.equal(a.state(), before);
  const p = a.alloc(200_000);
  assert.ok(a.capacity() <= 262144);
  a.release(p);
  assert.throws(() => new Arena(new WebAssembly.Memory({ initial: 1 }), 0, { maxPages: 65537 }), /maxPages 65537/);
  record({ cases: 3, refused: 2 });
});

test.run();
