// The model file battery: a saved model (conv, batch norm, residual, dropout, dense, Adam moments) truncated at every
// length and bit-flipped at every position class (magic, version, header length, header JSON, padding, tensor data,
// CRC) is refused whole with a plain Error, and fast-check headers with valid CRCs (wrong types, huge sizes, negative
// and overlapping offsets, unknown keys, deep nesting) are refused cleanly without large allocation; memory stays flat.
// Runtime-neutral: it builds files in memory and reads them with loadModel.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ready, BUILD } from '../helpers/setup.js';
import { loadModel, memoryInUse } from '../../src/index.js';
import { loadOrRefuse, parts, peakDuring, reframe, smallModel } from './model-helpers.js';

await ready();
const test = suite(`model files: truncations, flips, hostile headers [${BUILD}]`);

const model = smallModel();
const bytes = model.save();
const { json, header, data } = parts(bytes);
const hash = model.weightsHash();
model.dispose();
const hlen = new TextEncoder().encode(json).length;
const dataStart = (16 + hlen + 3) & ~3;
/** Generous: the whole model with gradients and moments is a few KB; a hostile header must not cost more than 1 MiB. */
const SMALL = 2 ** 20;

const refused = (b: Uint8Array, what: string, pattern?: RegExp) => {
  const msg = loadOrRefuse(b, what);
  if (msg === undefined) return assert.unreachable(`${what}: loaded`);
  if (pattern) assert.match(msg, pattern, what);
  return msg;
};

test('the file loads as saved (the battery starts from a good file)', () => {
  const back = loadModel(bytes);
  assert.is(back.weightsHash(), hash);
  back.dispose();
});

test('truncated at every length: refused whole, memory flat', () => {
  const before = memoryInUse();
  for (let n = 0; n < bytes.length; n++) refused(bytes.subarray(0, n), `cut to ${n} of ${bytes.length}`);
  assert.is(memoryInUse(), before);
});

test('bit flips at every position class: magic, version, header length, header JSON, padding, data, CRC', () => {
  const classes: [string, number, number][] = [
    ['magic', 0, 8], ['version', 8, 12], ['header length', 12, 16], ['header JSON', 16, 16 + hlen],
    ['padding', 16 + hlen, dataStart], ['tensor data', dataStart, bytes.length - 4], ['CRC', bytes.length - 4, bytes.length],
  ];
  const seen: Record<string, number> = {};
  for (const [name, from, to] of classes) {
    for (let at = from; at < to; at++) {
      // every byte; the long classes with one flip per byte (alternating low and high bits), the short ones with four
      for (const xor of name === 'header JSON' || name === 'tensor data' ? [at % 2 ? 0x20 : 0x01] : [0x01, 0x10, 0x80, 0xff]) {
        const c = bytes.slice(); c[at] ^= xor;
        refused(c, `${name}: byte ${at} ^ 0x${xor.toString(16)}`);
        seen[name] = (seen[name] ?? 0) + 1;
      }
    }
  }
  assert.ok(seen['header JSON'] === hlen && seen['tensor data'] === data.length && seen.CRC === 16, JSON.stringify(seen));
});

test('a damaged frame says what is wrong: magic, newer version, header length, checksum, trailing bytes', () => {
  const c = (f: (b: Uint8Array, dv: DataView) => void) => { const b = bytes.slice(); f(b, new DataView(b.buffer)); return b; };
  refused(c((b) => { b[0] = 0x50; }), 'magic', /not a simdnet model file/);
  refused(c((_b, dv) => dv.setUint32(8, 2, true)), 'version 2', /newer simdnet \(format version 2; this version reads up to 1\)/);
  refused(c((_b, dv) => dv.setUint32(8, 0, true)), 'version 0', /unknown format version 0/);
  refused(c((_b, dv) => dv.setUint32(12, 0xffffffff, true)), 'header length', /header length 4,294,967,295 exceeds/);
  refused(c((_b, dv) => dv.setUint32(12, bytes.length, true)), 'header length', /truncated: the header alone needs/);
  refused(c((b) => { b[dataStart + 5] ^= 4; }), 'data', /checksum mismatch \(stored [0-9a-f]{8}, computed [0-9a-f]{8}\)/);
  refused(c((b) => { b[30] ^= 4; }), 'header', /checksum mismatch/);
  const longer = new Uint8Array(bytes.length + 8); longer.set(bytes);
  refused(longer, 'trailing', /8 unexpected trailing bytes \(expected \d+ bytes\)/);
  refused(bytes.subarray(0, bytes.length - 12), 'truncated', /truncated: expected \d+ bytes, found \d+/);
});

const withHeader = (f: (h: any) => unknown, d = data) => {
  const h = JSON.parse(json);
  const r = f(h);
  return reframe(r === undefined ? h : r, d);
};

test('hostile headers with valid CRCs, as the issue found them: refused by name, no TypeError', () => {
  refused(reframe('null', data), 'null', /the header must be an object .*got null/);
  refused(reframe('[]', data), '[]', /the header must be an object .*got \[\] \(an array\)/);
  refused(reframe('5', data), '5', /the header must be an object/);
  refused(reframe('{"format":1', data), 'bad JSON', /the header is not valid JSON/);
  refused(withHeader((h) => { h.params = {}; }), 'params {}', /header field params must be an array/);
  refused(withHeader((h) => { h.compile.metrics = 5; }), 'metrics 5', /header field compile.metrics must be an array/);
  refused(withHeader((h) => { delete h.model; }), 'no model', /lacks the field "model"/);
  refused(withHeader((h) => { h.parms = h.params; delete h.params; }), 'parms', /unknown field "parms"; did you mean "params"\?/);
  refused(withHeader((h) => { h.model.layers[0].config.activaton = 'relu'; }), 'activaton', /conv2d "c1": unknown option "activaton"; did you mean "activation"\?/);
  refused(withHeader((h) => { h.model.layers[6].config.units = '3'; }), 'units "3"', /dense "out": units must be a positive integer, got "3" \(a string\)/);
  refused(withHeader((h) => { h.model.layers[6].config.activation = 5; }), 'activation 5', /dense "out": activation must be .*got 5/);
  refused(withHeader((h) => { h.model.layers[1] = null; }), 'null layer', /model.layers\[1\] must be an object \{ kind, config \}, got null/);
  refused(withHeader((h) => { h.model.layers[2].config.layers = 'x'; }), 'residual layers "x"', /residual "res": layers must be a non-empty array .*got "x" \(a string\)/);
  refused(withHeader((h) => { h.compile.optimizer.learningRat = 0.1; }), 'optimizer key', /unknown (field|option) "learningRat"; did you mean "learningRate"\?/);
  refused(withHeader((h) => { h.compile.optimizer.name = 'constructor'; }), 'optimizer constructor', /unknown optimizer "constructor"/);
  refused(withHeader((h) => { h.model.layers[0].config.kernelInitializer = 'toString'; }), 'initializer toString', /kernelInitializer: unknown initializer "toString"/);
  refused(withHeader((h) => { h.layerState.nobody = { counter: 1 }; }), 'layerState', /layerState names layer "nobody"/);
  refused(withHeader((h) => { h.layerState.drop = { counter: -1 }; }), 'counter -1', /counter must be an integer ≥ 0/);
  refused(withHeader((h) => { h.layerState.bn = { x: 1 }; }), 'state of a stateless layer', /batchNorm "bn": unknown state "x"/);
  refused(withHeader((h) => { h.optimizer.scalars.b3pow = 1; }), 'scalar', /unknown field "b3pow"/);
  refused(withHeader((h) => { h.model.inputShape = [4e9, 4e9, 1]; }), 'huge input', /model.inputShape must be a sample of at most/);
});

test('the tensor table: offsets negative, past the data, overlapping, out of order, sizes not their shapes', () => {
  refused(withHeader((h) => { h.params[0].offset = -4; }), 'offset -4', /params\[0\].offset must be an integer ≥ 0, got -4/);
  refused(withHeader((h) => { h.params[3].offset = 1000; }), 'offset 1000', /params\[3\] \("bn\/beta"\) starts at float 1000; .* must start at 22/);
  refused(withHeader((h) => { h.params[3].offset = 20; }), 'overlap', /params\[3\] \("bn\/beta"\) starts at float 20; the tensors must be contiguous/);
  refused(withHeader((h) => { [h.params[2], h.params[3]] = [h.params[3], h.params[2]]; }), 'swapped', /starts at float 22; the tensors must be contiguous and in order, so it must start at 20/);
  refused(withHeader((h) => { h.params[0].size = 17; }), 'size', /size 17 is not the product 18 of its shape \[3, 3, 1, 2\]/);
  refused(withHeader((h) => { h.params[9].shape = [1e9]; h.params[9].size = 1e9; }), 'huge size', /ends at float 1000000090, past the 271 floats of data/);
  refused(withHeader((h) => { h.optimizer.slots.pop(); }), 'short table', /the tensor table covers 268 floats, but the file holds 271/);
  refused(withHeader((h) => { h.params[0].name = 'c1/kernal'; h.optimizer.slots[0].param = 'c1/kernal'; }), 'renamed', /parameter 1 is "c1\/kernel" \[3, 3, 1, 2\].*file stores "c1\/kernal"/);
});

test('residual layers nested 20,000 (or 65) deep are refused without a stack overflow; 64 levels load', () => {
  const nest = (n: number) => '{"kind":"residual","config":{"layers":['.repeat(n) + '{"kind":"activation","config":{"activation":"relu"}}' + ']}}'.repeat(n);
  // built as text: JSON.stringify itself recurses
  const frame = JSON.stringify({ format: 1, model: { inputShape: [4, 4, 1], layers: ['LAYERS'] }, params: [], layerState: {} });
  const file = (n: number) => reframe(frame.replace('"LAYERS"', nest(n)), new Uint8Array(0));
  refused(file(20000), '20,000 deep', /nest more than 64 levels deep/);
  refused(file(65), '65 deep', /nest more than 64 levels deep/);
  const m = loadModel(file(64));
  assert.is(m.layers.length, 1);
  m.dispose();
});

// fast-check: one path of the header replaced by a hostile value, removed, or given a sibling key; or the whole header
// replaced. Each file has a valid CRC and consistent lengths, so only the header's checks stand between it and a load.
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, Array.isArray(v) ? Number(k) : k], out);
  return out;
}
const allPaths = paths(header).filter((p) => p.length > 0);
const hostile = fc.oneof(
  fc.constantFrom(null, [], {}, '', '32', 'x', true, false, 0, -1, -4, 0.5, 1e308, -1e308, 5e7, 2 ** 31, 2 ** 53, 1000, 1e-300),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.array(fc.integer({ min: -5, max: 1e9 }), { maxLength: 5 }),
  fc.constantFrom('relu', 'same', 'valid', 'adam', 'dense', 'residual', '__proto__', 'constructor', 'toString'),
  fc.integer({ min: 1, max: 400 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n))), // deep values (a worker's stack is small: JSON.stringify recurses)
);
const edit = fc.record({ path: fc.constantFrom(...allPaths), value: hostile, how: fc.constantFrom('set', 'set', 'set', 'delete', 'sibling') });

function applyEdit(h: any, e: { path: (string | number)[]; value: unknown; how: string }): any {
  let o = h;
  for (const k of e.path.slice(0, -1)) { o = o?.[k]; if (!o || typeof o !== 'object') return h; } // an earlier edit moved it
  const last = e.path[e.path.length - 1];
  if (e.how === 'set') o[last] = e.value;
  else if (e.how === 'delete') { if (Array.isArray(o)) o.splice(Number(last), 1); else delete o[last]; }
  else if (!Array.isArray(o)) o[`${String(last)}x`] = e.value;
  return h;
}

test('fast-check: hostile header edits with valid CRCs load or are refused cleanly, never allocating much', () => {
  let loads = 0, refusals = 0;
  fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
    const h = JSON.parse(json);
    for (const e of edits) applyEdit(h, e);
    const file = reframe(h, data);
    let msg: string | undefined;
    const peak = peakDuring(() => { msg = loadOrRefuse(file, JSON.stringify(edits).slice(0, 300)); });
    if (msg === undefined) loads++; else refusals++;
    if (peak > SMALL) throw new Error(`${JSON.stringify(edits).slice(0, 300)}: allocated ${peak} bytes at the peak`);
  }), { seed: 13, numRuns: 400 });
  assert.ok(refusals > 250, `${refusals} refused, ${loads} loaded`);
});

test('fast-check: whole headers of random JSON, and table entries with random numbers, are refused', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (h) => { assert.ok(loadOrRefuse(reframe(h, data), 'random header')); }), { seed: 14, numRuns: 150 });
  const num = fc.oneof(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double(), fc.constantFrom(0, -4, 1000, 1e9));
  fc.assert(fc.property(fc.nat(9), fc.constantFrom('offset', 'size'), num, fc.array(num, { maxLength: 4 }), (i, k, v, shape) => {
    const h = JSON.parse(json);
    h.params[i][k] = v;
    if (shape.length) h.params[i].shape = shape;
    const file = reframe(h, data);
    let msg: string | undefined;
    const peak = peakDuring(() => { msg = loadOrRefuse(file, `params[${i}].${k} = ${v}, shape ${shape}`); });
    assert.ok(peak <= SMALL, `allocated ${peak}`);
    if (msg === undefined) assert.is(h.params[i][k], JSON.parse(json).params[i][k], 'only an unchanged table loads');
  }), { seed: 15, numRuns: 250 });
});

test.run();
