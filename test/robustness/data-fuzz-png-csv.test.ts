// fast-check fuzzing of data.decodePng, data.images and data.csv (truncations, flips, chunk mutations with fresh CRCs,
// random text and numbers): decoded consistently or refused by a plain Error naming the file; memory flat. Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ready, BUILD } from '../helpers/setup.js';
import { encodePng } from '../helpers/png.js';
import * as data from '../../src/data/index.js';
import { flipped, ihdr, loadsOrRefuses, pngChunks, pngOf } from './data-helpers.js';

await ready();
const test = suite(`data: fuzzing png and csv [${BUILD}]`);

const settings = (seed: number, numRuns = 300) => ({ seed, numRuns, plugins: [fc.timeout(5000)] });
const ramp = (n: number, max: number): number[] => Array.from({ length: n }, (_, i) => (i * 37) % (max + 1));
const bases = [
  await encodePng({ width: 3, height: 2, colorType: 0, samples: ramp(6, 255), filters: [0, 4] }),
  await encodePng({ width: 2, height: 2, colorType: 6, samples: ramp(16, 255), filters: [1, 3] }),
  await encodePng({ width: 5, height: 3, colorType: 3, depth: 1, samples: ramp(15, 1), palette: [1, 2, 3, 4, 5, 6], trns: [7] }),
  await encodePng({ width: 5, height: 2, colorType: 0, depth: 4, samples: ramp(10, 15), filters: [2] }),
  await encodePng({ width: 4, height: 3, colorType: 2, samples: ramp(36, 255), filters: [4, 1, 2], idatChunks: 3 }),
];

// Decodes; a decoded image must be self-consistent.
const png = (bytes: Uint8Array): Promise<boolean> => loadsOrRefuses('png "fuzz"', async () => {
  const img = await data.decodePng(bytes, 'fuzz');
  if (img.data.length !== img.width * img.height * img.channels) throw new Error(`inconsistent image: ${img.width}×${img.height}×${img.channels}, ${img.data.length} bytes`);
  return img;
});

test('every truncation of small PNGs is refused; the whole files decode', async () => {
  for (const [i, file] of bases.entries()) {
    for (let n = 0; n < file.length; n++) if (await png(file.subarray(0, n))) assert.unreachable(`png ${i} cut to ${n} bytes decoded`);
    assert.ok(await png(file), `png ${i} whole`);
  }
});

test('byte flips anywhere (mostly caught by the CRCs): decoded or refused by name', async () => {
  const flips = fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 });
  await fc.assert(fc.asyncProperty(fc.nat(bases.length - 1), flips, async (k, f) => { await png(flipped(bases[k], f)); }), settings(11));
});

// One chunk-level mutation, CRCs recomputed: the decoder's checks past the CRC are what is tested.
type Chunks = [string, Uint8Array][];
const mutation: fc.Arbitrary<(c: Chunks) => Chunks> = fc.oneof(
  fc.tuple(fc.nat(), fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 }))
    .map(([i, f]) => (c: Chunks) => c.map(([t, d], j) => [t, j === i % c.length && d.length > 0 ? flipped(d, f) : d] as [string, Uint8Array])),
  fc.tuple(fc.nat(), fc.nat()).map(([i, n]) => (c: Chunks) => c.map(([t, d], j) => [t, j === i % c.length ? d.subarray(0, n % (d.length + 1)) : d] as [string, Uint8Array])),
  fc.nat().map((i) => (c: Chunks) => c.filter((_, j) => j !== i % c.length)),
  fc.nat().map((i) => (c: Chunks) => { const k = i % c.length; return [...c.slice(0, k + 1), ...c.slice(k)]; }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => (c: Chunks) => { const o = c.slice(), a = i % o.length, b = j % o.length; [o[a], o[b]] = [o[b], o[a]]; return o; }),
  fc.record({
    w: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom(8192, 65535, 2 ** 31 - 1, 2 ** 32 - 1)),
    h: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom(8192, 100000, 2 ** 32 - 1)),
    depth: fc.constantFrom(0, 1, 2, 3, 4, 8, 16, 255), color: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7), interlace: fc.constantFrom(0, 0, 0, 1, 2),
  }).map((h) => (c: Chunks) => c.map(([t, d]) => [t, t === 'IHDR' ? ihdr(h.w, h.h, h.depth, h.color, h.interlace) : d] as [string, Uint8Array])),
  fc.tuple(fc.nat(), fc.constantFrom('ABCD', 'abCD', 'IDAT', 'PLTE', 'tRNS', 'IEND', 'IHDR'), fc.uint8Array({ maxLength: 40 }))
    .map(([i, type, d]) => (c: Chunks) => { const k = i % (c.length + 1); return [...c.slice(0, k), [type, d], ...c.slice(k)] as Chunks; }),
);

test('chunk mutations with fresh CRCs (flips, cuts, drops, repeats, swaps, random headers, stray chunks)', async () => {
  await fc.assert(fc.asyncProperty(fc.nat(bases.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (k, ms) => {
    await png(pngOf(ms.reduce((c, m) => m(c), pngChunks(bases[k]))));
  }), settings(12, 600));
});

test('data.images over a good and a mutated file: loaded whole or refused with nothing left allocated', async () => {
  const good = { name: 'good', bytes: bases[1], label: 0 };
  await fc.assert(fc.asyncProperty(fc.nat(bases.length - 1), mutation, async (k, m) => {
    const bytes = pngOf(m(pngChunks(bases[k])));
    await loadsOrRefuses('png "fuzz"', () => data.images([good, { name: 'fuzz', bytes, label: 1 }], { size: [2, 2], channels: 1, standardize: 'fit' }));
  }), settings(13, 150));
});

// CSV from tokens that include every kind of trouble: non-finite values, float32 overflow, stray characters.
const tokens = ['0', '1', '7', '255', '-', '+', '.', 'e', ',', ',', ',', '\n', '\n', '\r\n', ' ', '\t', ';', 'NaN', 'Infinity',
  '-inf', '1e999', '-1e999', '1e39', '3.4e38', '5e-324', 'x', '"', '#'];
const csv = (text: string, options: data.CsvOptions = {}): Promise<boolean> => loadsOrRefuses('csv "fuzz"', () => {
  const r = data.csv(text, { ...options, name: 'fuzz' });
  const bad = [...r.x.toFloat32Array()].find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new Error(`a non-finite feature ${bad} loaded`);
  if (r.columns.length !== r.x.shape[1] || r.y.shape[0] !== r.x.shape[0]) throw new Error('inconsistent shapes');
  return r;
});

test('random CSV text: loaded (all features finite) or refused naming the file', async () => {
  const text = fc.array(fc.constantFrom(...tokens), { maxLength: 60 }).map((t) => t.join(''));
  const options = fc.constantFrom<data.CsvOptions>({}, { header: true }, { delimiter: ';' }, { labelColumn: 0 }, { standardize: 'fit' }, { scale: true });
  await fc.assert(fc.asyncProperty(text, options, async (t, o) => { await csv(t, o); }), settings(21, 600));
});

test('random numbers in a grid (NaN, ±Infinity, ±1e308 included): loads exactly when every feature is finite in float32', async () => {
  const grid = fc.integer({ min: 1, max: 4 }).chain((f) => fc.array(fc.tuple(fc.array(fc.double(), { minLength: f, maxLength: f }), fc.nat(20)), { minLength: 1, maxLength: 5 }));
  await fc.assert(fc.asyncProperty(grid, async (rows) => {
    const text = rows.map(([xs, label]) => [...xs.map(String), String(label)].join(',')).join('\n');
    const finite = rows.every(([xs]) => xs.every((v) => Number.isFinite(Math.fround(v))));
    assert.is(await csv(text), finite, text);
  }), settings(22, 400));
});

test.run();
