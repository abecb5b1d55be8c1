// Argument checks of the runtime-neutral loaders and helpers in simdnet/data: wrong types are TypeErrors naming function,
// argument and expectation; unknown option keys name the nearest valid key; nothing stays allocated. Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { cifarBatch, idxFile } from '../helpers/formats.js';
import { encodePng } from '../helpers/png.js';
import * as data from '../../src/data/index.js';
import { levenshtein, nearest } from '../../src/data/checks.js';
import { memoryInUse, tensor } from '../../src/index.js';
import { record } from './tally.js';

await ready();
const test = suite(`data: argument checks [${BUILD}]`);

/** The error fn throws or rejects with: its class name and message. */
async function failure(fn: () => unknown): Promise<string> {
  try { await fn(); } catch (e) { record({ cases: 1, refused: 1 }); return `${(e as Error).constructor.name}: ${(e as Error).message}`; }
  throw new Error('expected an error, but the call succeeded');
}

// Untyped views of the loaders, to call them as JavaScript users can.
const any = data as unknown as Record<string, (...args: unknown[]) => unknown>;
const bytes = idxFile(0x08, [2, 2], [1, 2, 3, 4]);

test('levenshtein and nearest', () => {
  assert.equal([levenshtein('', 'abc'), levenshtein('flaten', 'flatten'), levenshtein('kitten', 'sitting'), levenshtein('same', 'same')], [3, 1, 3, 0]);
  assert.is(nearest('Chanels', ['size', 'channels', 'background']), 'channels');
  assert.is(nearest('fashion_mnist', ['fashion-mnist', 'fashion-small', 'mnist', 'cifar10']), 'fashion-mnist');
});

test('data.idx and data.idxHeader: bytes, options and each option type', async () => {
  const before = memoryInUse();
  const cases: [() => unknown, string][] = [
    [() => any.idx(null), "TypeError: data.idx: bytes must be a Uint8Array of the file's bytes, got null"],
    [() => any.idx(), "TypeError: data.idx: bytes must be a Uint8Array of the file's bytes, got undefined"],
    [() => any.idx(bytes.buffer), "TypeError: data.idx: bytes must be a Uint8Array of the file's bytes, got an ArrayBuffer of 16 bytes (wrap it: new Uint8Array(buffer))"],
    [() => any.idx('train.idx'), 'TypeError: data.idx: bytes must be a Uint8Array of the file\'s bytes, got the string "train.idx"'],
    [() => any.idx(Array.from(bytes)), "TypeError: data.idx: bytes must be a Uint8Array of the file's bytes, got an array of 16"],
    [() => any.idx(bytes, 5), 'TypeError: data.idx: options must be an object { name, flatten, limit, scale, standardize } or undefined, got 5'],
    [() => any.idx(bytes, null), 'TypeError: data.idx: options must be an object { name, flatten, limit, scale, standardize } or undefined, got null'],
    [() => any.idx(bytes, { flaten: true }), 'Error: data.idx: unknown option "flaten"; did you mean "flatten"? (options: name, flatten, limit, scale, standardize)'],
    [() => any.idx(bytes, { Scale: true }), 'Error: data.idx: unknown option "Scale"; did you mean "scale"? (options: name, flatten, limit, scale, standardize)'],
    [() => any.idx(bytes, { name: 3 }), 'TypeError: data.idx: options.name must be a string or undefined, got 3'],
    [() => any.idx(bytes, { flatten: 1 }), 'TypeError: data.idx: options.flatten must be true, false or undefined, got 1'],
    [() => any.idx(bytes, { limit: '2' }), 'TypeError: data.idx: options.limit must be an integer in [1, 268435456] or undefined, got the string "2"'],
    [() => any.idx(bytes, { limit: 1.5 }), 'RangeError: data.idx: options.limit must be an integer in [1, 268435456], got 1.5'],
    [() => any.idx(bytes, { scale: 'yes' }), 'TypeError: data.idx: options.scale must be true, false or undefined, got the string "yes"'],
    [() => any.idx(bytes, { standardize: 'fti' }), 'TypeError: data.idx: options.standardize must be \'fit\' or { mean: number[], std: number[] }, got the string "fti"'],
    [() => any.idx(bytes, { standardize: null }), "TypeError: data.idx: options.standardize must be 'fit' or { mean: number[], std: number[] }, got null"],
    [() => any.idx(bytes, { standardize: { mean: 0, std: 1 } }), "TypeError: data.idx: options.standardize must be 'fit' or { mean: number[], std: number[] }, got an object"],
    [() => any.idxHeader(undefined, 'x'), "TypeError: data.idxHeader: bytes must be a Uint8Array of the file's bytes, got undefined"],
    [() => any.idxHeader(bytes), 'TypeError: data.idxHeader: name must be a string, got undefined'],
  ];
  for (const [call, want] of cases) assert.is(await failure(call), want);
  assert.is(memoryInUse(), before);
});

test('data.cifar10, data.csv and data.decodePng: inputs, options and option types', async () => {
  const before = memoryInUse();
  const batch = cifarBatch([1], () => 0);
  const cases: [() => unknown, string | RegExp][] = [
    [() => any.cifar10(undefined), "TypeError: data.cifar10: files must be a Uint8Array of a batch file's bytes or an array of them, got undefined"],
    [() => any.cifar10([batch, null]), "TypeError: data.cifar10: files[1] must be a Uint8Array of the file's bytes, got null"],
    [() => any.cifar10(batch, { name: ['a'] }), 'Error: data.cifar10: unknown option "name"; did you mean "names"? (options: names, scale, standardize)'],
    [() => any.cifar10([batch, batch], { names: ['a'] }), 'TypeError: data.cifar10: options.names must be an array of 2 strings (one per file), got an array of 1'],
    [() => any.cifar10(batch, { scale: 255 }), 'TypeError: data.cifar10: options.scale must be true, false or undefined, got 255'],
    [() => any.csv(undefined), "TypeError: data.csv: text must be the file's text as a string, got undefined"],
    [() => any.csv(new Uint8Array(3)), "TypeError: data.csv: text must be the file's text as a string, got a Uint8Array of 3 bytes"],
    [() => any.csv('1,2', { labelcolumn: 0 }), 'Error: data.csv: unknown option "labelcolumn"; did you mean "labelColumn"? (options: labelColumn, header, delimiter, name, scale, standardize)'],
    [() => any.csv('1,2', { headers: true }), /^Error: data.csv: unknown option "headers"; did you mean "header"\?/],
    [() => any.csv('1,2', { header: 'yes' }), 'TypeError: data.csv: options.header must be true, false or undefined, got the string "yes"'],
    [() => any.csv('1,2', { delimiter: '' }), 'RangeError: data.csv: options.delimiter must be a non-empty string without line breaks, got ""'],
    [() => any.csv('1,2', { delimiter: 9 }), 'TypeError: data.csv: options.delimiter must be a string or undefined, got 9'],
    [() => any.csv('1,2', { labelColumn: null }), 'TypeError: data.csv: options.labelColumn must be a column index or a header name, got null'],
    [() => any.csv('1,2', { name: {} }), 'TypeError: data.csv: options.name must be a string or undefined, got an object'],
    [() => any.decodePng(null), "TypeError: data.decodePng: bytes must be a Uint8Array of the file's bytes, got null"],
    [() => any.decodePng(new Uint8Array(8), 5), 'TypeError: data.decodePng: name must be a string or undefined, got 5'],
  ];
  for (const [call, want] of cases) {
    const got = await failure(call);
    if (typeof want === 'string') assert.is(got, want); else assert.match(got, want);
  }
  assert.is(memoryInUse(), before);
});

test('data.images: the file list, each file, options and option types', async () => {
  const before = memoryInUse();
  const png = await encodePng({ width: 1, height: 1, colorType: 0, samples: [7] });
  const file = { name: 'a.png', bytes: png, label: 0 };
  const cases: [() => unknown, string][] = [
    [() => any.images(undefined), 'TypeError: data.images: files must be an array of { name, bytes, label }, got undefined'],
    [() => any.images([null]), 'TypeError: data.images: files[0] must be { name, bytes, label }, got null'],
    [() => any.images([{ ...file, name: 1 }]), 'TypeError: data.images: files[0].name must be a string, got 1'],
    [() => any.images([{ ...file, bytes: 'x' }]), 'TypeError: data.images: files[0].bytes ("a.png") must be a Uint8Array of the file\'s bytes, got the string "x"'],
    [() => any.images([{ ...file, label: '0' }]), 'TypeError: data.images: files[0].label ("a.png") must be an integer class index ≥ 0, got the string "0"'],
    [() => any.images([file], { chanels: 1 }), 'Error: data.images: unknown option "chanels"; did you mean "channels"? (options: size, channels, background, scale, standardize)'],
    [() => any.images([file], { size: 28 }), 'RangeError: data.images: options.size must be [height, width] of positive integers, got 28'],
    [() => any.images([file], { background: 'white' }), 'RangeError: data.images: options.background must be an integer grey level 0..255, got the string "white"'],
    [() => any.images([file], { size: [50000, 50000] }), 'Error: data.images: 1 images at size 50000×50000 × 3 channels are 7,500,000,000 values; one tensor holds at most 268,435,456 (1 GiB)'],
  ];
  for (const [call, want] of cases) assert.is(await failure(call), want);
  assert.is(memoryInUse(), before);
});

test('data.normalize, oneHot, split, shuffle and batches: tensors, numbers and options', async () => {
  const x = tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]), y = tensor(Int32Array.from([0, 1, 2]), [3]);
  const gone = tensor([1, 2], [2]);
  gone.name = 'gone';
  gone.dispose();
  const before = memoryInUse();
  const cases: [() => unknown, string | RegExp][] = [
    [() => any.normalize(null, {}), 'TypeError: data.normalize: x must be a Tensor, got null'],
    [() => any.normalize(gone, {}), 'Error: data.normalize: x "gone" was disposed'],
    [() => any.normalize(x, { standardise: 'fit' }), 'Error: data.normalize: unknown option "standardise"; did you mean "standardize"? (options: scale, standardize)'],
    [() => any.normalize(x, { scale: 1 }), 'TypeError: data.normalize: options.scale must be true, false or undefined, got 1'],
    [() => any.normalize(x, { standardize: { mean: ['0'], std: [1] } }), /^RangeError: data.normalize: standardize.mean\[0\] = 0 must be finite/],
    [() => any.oneHot(undefined, 3), 'TypeError: data.oneHot: labels must be a Tensor, got undefined'],
    [() => any.oneHot(y, '3'), 'TypeError: data.oneHot: numClasses must be an integer in [1, 16777216], got the string "3"'],
    [() => any.oneHot(x, 3), /^TypeError: data.oneHot: labels must be an int32 tensor \[N\], got Tensor\(.*, \[3, 2\], float32\)/],
    [() => any.split(x, y), 'TypeError: data.split: options must be { fraction, seed? } (fraction: the share of rows for test, in (0, 1)), got undefined'],
    [() => any.split(x, y, { fraction: '0.5' }), 'TypeError: data.split: options.fraction must be a number in (0, 1), got the string "0.5"'],
    [() => any.split(x, y, { fraction: 0.5, seeed: 1 }), 'Error: data.split: unknown option "seeed"; did you mean "seed"? (options: fraction, seed)'],
    [() => any.split(null, y, { fraction: 0.5 }), 'TypeError: data.split: x must be a Tensor, got null'],
    [() => any.split(x, y, { fraction: 0.5, seed: 1.5 }), 'RangeError: data.split: options.seed must be an integer in [0, 9007199254740991], got 1.5'],
    [() => any.shuffle(x, y, { epoc: 1 }), 'Error: data.shuffle: unknown option "epoc"; did you mean "epoch"? (options: seed, epoch)'],
    [() => any.shuffle(x, gone), 'Error: data.shuffle: y "gone" was disposed'],
    [() => any.shuffle(x, y, { seed: -1 }), 'RangeError: data.shuffle: options.seed must be an integer in [0, 9007199254740991], got -1'],
    [() => any.batches(x, y, '4'), /^TypeError: data.batches: batchSize must be an integer in \[1, \d+\], got the string "4"/],
    [() => any.batches(x, y, 2, { shufle: true }), 'Error: data.batches: unknown option "shufle"; did you mean "shuffle"? (options: shuffle, seed, epoch)'],
    [() => any.batches(x, y, 2, { shuffle: 'yes' }), 'TypeError: data.batches: options.shuffle must be true, false or undefined, got the string "yes"'],
    [() => any.batches(x, y, 2, { shuffle: true, epoch: 2 ** 20 }), 'RangeError: data.batches: options.epoch must be an integer in [0, 1048575], got 1048576'],
  ];
  for (const [call, want] of cases) {
    const got = await failure(call);
    if (typeof want === 'string') assert.is(got, want); else assert.match(got, want);
  }
  assert.is(memoryInUse(), before);
  x.dispose(); y.dispose();
});

test.run();
