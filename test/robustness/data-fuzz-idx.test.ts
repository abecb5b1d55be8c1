// fast-check fuzzing of data.idx and data.cifar10 (truncations, byte flips, random bytes and headers, plain and gzipped):
// each input loads or is refused by a plain Error naming the file, never hangs, and leaves memory flat. Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ready, BUILD } from '../helpers/setup.js';
import { cifarBatch, compress, idxFile } from '../helpers/formats.js';
import * as data from '../../src/data/index.js';
import { flipped, loadsOrRefuses } from './data-helpers.js';

await ready();
const test = suite(`data: fuzzing idx and cifar10 [${BUILD}]`);

/** Fixed seeds: a failure prints its seed and path, and the same runs repeat on every build and runtime. */
const settings = (seed: number, numRuns = 300) => ({ seed, numRuns, plugins: [fc.timeout(5000)] });

const raw = [
  idxFile(0x08, [3, 2, 4], Array.from({ length: 24 }, (_, i) => i * 7)), // ubyte images
  idxFile(0x08, [3], [7, 0, 9]), // labels
  idxFile(0x0b, [2, 2], [-300, 2, 3, 32000]), // short
  idxFile(0x0d, [2, 3], [1.5, -2, 0, 3e30, 7, 8]), // float
  idxFile(0x0e, [2], [0.1, -1e300]), // double (-1e300 is beyond float32: refused)
];
const zipped = await Promise.all(raw.map((b) => compress(b)));
const idx = (bytes: Uint8Array): Promise<boolean> => loadsOrRefuses('idx "fuzz"', () => data.idx(bytes, { name: 'fuzz' }));

test('every truncation of small IDX files, plain and gzipped, is refused whole', async () => {
  for (const [i, file] of [...raw, ...zipped].entries()) {
    for (let n = 0; n < file.length; n++) {
      if (await idx(file.subarray(0, n))) assert.unreachable(`file ${i} cut to ${n} of ${file.length} bytes loaded`);
    }
  }
  const loads: boolean[] = [];
  for (const file of [...raw, ...zipped]) loads.push(await idx(file));
  assert.equal(loads, [true, true, true, true, false, true, true, true, true, false], 'the whole files load (but the double beyond float32)');
});

test('byte flips in IDX files, plain and gzipped: loaded or refused by name, memory flat', async () => {
  const flips = fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 6 });
  await fc.assert(fc.asyncProperty(fc.nat(raw.length * 2 - 1), flips, async (k, f) => {
    await idx(flipped([...raw, ...zipped][k], f));
  }), settings(1));
});

test('random bytes, alone or behind a gzip or IDX magic: loaded or refused by name', async () => {
  const prefixes = [[], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff], [0, 0, 8, 3], [0, 0, 0x0d, 1, 0, 0, 0, 2]];
  await fc.assert(fc.asyncProperty(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 300 }), async (p, rest) => {
    const bytes = new Uint8Array(p.length + rest.length);
    bytes.set(p); bytes.set(rest, p.length);
    await idx(bytes);
  }), settings(2, 500));
});

test('random headers: a file loads exactly when its length matches its declared dimensions', async () => {
  const sizes: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };
  const arb = fc.record({
    code: fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e),
    dims: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 }),
    extra: fc.integer({ min: -3, max: 3 }), gzip: fc.boolean(),
  });
  await fc.assert(fc.asyncProperty(arb, async ({ code, dims, extra, gzip }) => {
    const count = dims.reduce((a, b) => a * b, 1);
    const file = idxFile(code, dims, new Array<number>(count).fill(1));
    const cut = extra <= 0 ? file.subarray(0, Math.max(0, file.length + extra)) : new Uint8Array([...file, ...new Array<number>(extra).fill(0)]);
    const want = count > 0 && extra === 0;
    assert.is(await idx(gzip ? await compress(cut) : cut), want, `code ${code}, dims [${dims}], ${extra} bytes off, ${sizes[code]} bytes per value`);
  }), settings(3));
});

// CIFAR-10: two records, labels 3 and 9.
const pixel = (r: number, c: number, y: number, x: number): number => (r * 31 + c * 7 + y * 3 + x) & 255;
const batch = cifarBatch([3, 9], pixel);
const cifar = (files: Uint8Array | Uint8Array[]): Promise<boolean> => loadsOrRefuses('cifar10 "fuzz', () => data.cifar10(files, { names: Array.isArray(files) ? files.map((_, i) => `fuzz ${i}`) : ['fuzz'] }));

test('every truncation of a CIFAR-10 batch: only whole records load', async () => {
  for (let n = 0; n <= batch.length; n++) {
    assert.is(await cifar(batch.subarray(0, n)), n === 3073 || n === 6146, `${n} bytes`);
  }
  assert.is(await cifar([batch, batch.subarray(0, 3072)]), false, 'one truncated file refuses the set');
});

test('byte flips and random batches: load exactly when every label is 0..9', async () => {
  const flips = fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 });
  await fc.assert(fc.asyncProperty(flips, async (f) => {
    const b = flipped(batch, f);
    assert.is(await cifar(b), b[0] < 10 && b[3073] < 10);
  }), settings(4));
  const records = fc.integer({ min: 1, max: 2 }).chain((n) => fc.uint8Array({ minLength: n * 3073, maxLength: n * 3073 }));
  await fc.assert(fc.asyncProperty(records, fc.uint8Array({ maxLength: 4000 }), async (whole, any) => {
    const labels = Array.from({ length: whole.length / 3073 }, (_, r) => whole[r * 3073]);
    assert.is(await cifar(whole), labels.every((l) => l < 10));
    assert.is(await cifar(any), any.length === 3073 && any[0] < 10);
  }), settings(5, 100));
});

test.run();
