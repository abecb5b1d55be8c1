// The model file header's schema: checkHeader(json) checks every field's type and range, strictly (an unknown field is
// an error naming it and the nearest valid one), and the tensor table (entries contiguous, in order, inside the data,
// sizes equal to their shapes' products) before the reader uses any field. Layer configs are checked by the layer
// factories (layers/registry.ts), optimizer and loss options once built (load.ts). No allocation happens here.
import { checkKeys, given, isPlainObject, nearest, show } from '../layers/options.js';
import { LOSS_NAMES } from '../nets/losses.js';
import { OPTIMIZER_NAMES } from '../nets/optimizers.js';
import type { Header, TensorEntry } from './format.js';

/** Limits that keep a hostile header cheap to refuse: no real model comes near them. */
export const HEADER_LIMITS = {
  /** Bytes of JSON header. */
  headerBytes: 64 * 2 ** 20,
  /** Axes of a sample or a tensor. */
  rank: 8,
  /** Values one input sample may hold (a batch of one is then 1 GiB). */
  sampleValues: 2 ** 28,
  /** Characters of a name (model, layer, parameter, slot). */
  nameLength: 1000,
  /** Metrics, optimizer scalars, state entries per layer. */
  smallList: 64,
};

class HeaderError extends Error {}

function fail(path: string, expected: string, v: unknown): never {
  throw new HeaderError(`header field ${path} must be ${expected}, got ${given(v)}`);
}

function fields(path: string, v: unknown, keys: readonly string[], required: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(v)) {
    if (path) fail(path, `an object { ${keys.join(', ')} }`, v);
    throw new HeaderError(`the header must be an object { ${keys.join(', ')} }, got ${given(v)}`);
  }
  checkKeys(path ? `header field ${path}` : 'header', v, keys, 'field');
  for (const k of required) if (v[k] === undefined) throw new HeaderError(`header${path ? ` field ${path}` : ''} lacks the field "${k}"`);
  return v;
}

function str(path: string, v: unknown, max = HEADER_LIMITS.nameLength): string {
  if (typeof v !== 'string' || v.length > max) fail(path, `a string of at most ${max} characters`, v);
  return v;
}

function int(path: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(path, min === 1 ? 'a positive integer' : `an integer ≥ ${min}`, v);
  return v;
}

function finite(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'a finite number', v);
  return v;
}

function array(path: string, v: unknown, min: number, max: number): unknown[] {
  if (!Array.isArray(v) || v.length < min || v.length > max) {
    fail(path, min === max ? `an array of ${min}` : `an array of ${min} to ${max.toLocaleString('en-US')} items`, v);
  }
  return v;
}

function shape(path: string, v: unknown): number[] {
  const s = array(path, v, 1, HEADER_LIMITS.rank);
  s.forEach((d, i) => int(`${path}[${i}]`, d, 1));
  return s as number[];
}

/** A record of finite numbers (optimizer scalars, a layer's state). */
function numbers(path: string, v: unknown): Record<string, number> {
  if (!isPlainObject(v)) fail(path, 'an object of numbers', v);
  const keys = Object.keys(v);
  if (keys.length > HEADER_LIMITS.smallList) fail(path, `an object of at most ${HEADER_LIMITS.smallList} numbers`, v);
  for (const k of keys) finite(`${path}.${k}`, v[k]);
  return v as Record<string, number>;
}

function entry(path: string, v: unknown, extra: readonly string[] = []): TensorEntry {
  const keys = ['name', 'shape', 'offset', 'size', ...extra];
  const e = fields(path, v, keys, keys);
  str(`${path}.name`, e.name);
  const s = shape(`${path}.shape`, e.shape);
  int(`${path}.offset`, e.offset, 0);
  const size = int(`${path}.size`, e.size, 1);
  const product = s.reduce((a, b) => a * b, 1);
  if (size !== product) throw new HeaderError(`header ${path}: size ${size} is not the product ${product} of its shape [${s.join(', ')}]`);
  return e as unknown as TensorEntry;
}

function metric(path: string, v: unknown): void {
  if (v === 'accuracy' || v === 'binaryAccuracy' || v === 'categoricalAccuracy') return;
  if (typeof v === 'string') fail(path, `'accuracy', 'binaryAccuracy', 'categoricalAccuracy' or { name: 'topKAccuracy', k } (did you mean '${nearest(v, ['accuracy', 'binaryAccuracy', 'categoricalAccuracy', 'topKAccuracy'])}'?)`, v);
  const m = fields(path, v, ['name', 'k'], ['name', 'k']);
  if (m.name !== 'topKAccuracy') fail(`${path}.name`, "'topKAccuracy'", m.name);
  int(`${path}.k`, m.k, 1);
}

function named(path: string, v: unknown, known: readonly string[], what: string): Record<string, unknown> {
  if (!isPlainObject(v)) fail(path, `an object { name, … } naming the ${what}`, v);
  if (v.custom === true && typeof v.name === 'string') return v; // a custom loss: saved by name only, not rebuilt
  if (typeof v.name !== 'string' || !known.includes(v.name)) {
    throw new HeaderError(`header ${path}.name: unknown ${what} ${show(v.name)}` +
      `${typeof v.name === 'string' ? `; did you mean "${nearest(v.name, known)}"?` : ''} (expected one of ${known.join(', ')})`);
  }
  return v;
}

/**
 * Checks a parsed header field by field and its tensor table against the data section's length in floats (from the
 * file's length; undefined checks the table's order only). Returns it typed; throws an Error naming the first bad field.
 */
export function checkHeader(json: unknown, version: number, dataFloats?: number): Header {
  const maxEntries = dataFloats ?? Number.MAX_SAFE_INTEGER;
  const h = fields('', json, ['format', 'createdBy', 'model', 'compile', 'params', 'optimizer', 'layerState'], ['format', 'model', 'params']);
  if (h.format !== version) fail('format', `the format version ${version} of the file's frame`, h.format);
  if (h.createdBy !== undefined) str('createdBy', h.createdBy);

  const m = fields('model', h.model, ['name', 'inputShape', 'seed', 'layers'], ['inputShape', 'layers']);
  if (m.name !== undefined) str('model.name', m.name);
  const input = shape('model.inputShape', m.inputShape);
  const sample = input.reduce((a, b) => a * b, 1);
  if (sample > HEADER_LIMITS.sampleValues) fail('model.inputShape', `a sample of at most ${HEADER_LIMITS.sampleValues.toLocaleString('en-US')} values`, m.inputShape);
  if (m.seed !== undefined) int('model.seed', m.seed, 0);
  const layers = array('model.layers', m.layers, 1, 100_000);
  layers.forEach((l, i) => {
    const s = fields(`model.layers[${i}]`, l, ['kind', 'config'], ['kind']);
    str(`model.layers[${i}].kind`, s.kind, 100);
    if (s.config !== undefined && !isPlainObject(s.config)) fail(`model.layers[${i}].config`, 'an object', s.config);
  });

  if (h.compile !== undefined) {
    const c = fields('compile', h.compile, ['optimizer', 'loss', 'metrics'], ['optimizer', 'loss']);
    named('compile.optimizer', c.optimizer, OPTIMIZER_NAMES, 'optimizer');
    named('compile.loss', c.loss, LOSS_NAMES, 'loss');
    if (c.metrics !== undefined) array('compile.metrics', c.metrics, 0, HEADER_LIMITS.smallList).forEach((x, i) => metric(`compile.metrics[${i}]`, x));
  }

  const params = array('params', h.params, 0, maxEntries);
  params.forEach((e, i) => entry(`params[${i}]`, e));
  let slots: unknown[] = [];
  if (h.optimizer !== undefined) {
    if (h.compile === undefined) throw new HeaderError('header field optimizer holds optimizer state, but there is no compile field saying which optimizer');
    const o = fields('optimizer', h.optimizer, ['iterations', 'learningRate', 'scalars', 'slots'], ['iterations', 'learningRate', 'slots']);
    int('optimizer.iterations', o.iterations, 0);
    const lr = finite('optimizer.learningRate', o.learningRate);
    if (!(lr > 0)) fail('optimizer.learningRate', 'a finite number > 0', lr);
    if (o.scalars !== undefined) numbers('optimizer.scalars', o.scalars);
    slots = array('optimizer.slots', o.slots, 0, maxEntries);
    slots.forEach((e, i) => {
      const s = entry(`optimizer.slots[${i}]`, e, ['param', 'slot']) as TensorEntry & { param: unknown; slot: unknown };
      str(`optimizer.slots[${i}].param`, s.param);
      str(`optimizer.slots[${i}].slot`, s.slot, 100);
    });
  }
  if (h.layerState !== undefined) {
    if (!isPlainObject(h.layerState)) fail('layerState', 'an object { layer name: { state } }', h.layerState);
    for (const [k, v] of Object.entries(h.layerState)) numbers(`layerState.${JSON.stringify(k)}`, v);
  }

  // The tensor table: every entry follows the previous one, params then slots, and together they fill the data exactly.
  let next = 0;
  const table = [...params.map((e, i) => [`params[${i}]`, e] as const), ...slots.map((e, i) => [`optimizer.slots[${i}]`, e] as const)];
  for (const [path, e] of table as (readonly [string, TensorEntry])[]) {
    if (e.offset !== next) {
      throw new HeaderError(`header ${path} ("${e.name}") starts at float ${e.offset}; the tensors must be contiguous and in order, so it must start at ${next}`);
    }
    next += e.size;
    if (dataFloats !== undefined && next > dataFloats) throw new HeaderError(`header ${path} ("${e.name}") ends at float ${next}, past the ${dataFloats} floats of data the file holds`);
  }
  if (dataFloats !== undefined && next !== dataFloats) throw new HeaderError(`header: the tensor table covers ${next} floats, but the file holds ${dataFloats} floats of data`);
  return h as unknown as Header;
}

/** Floats the header's tensor table covers, for a header that passed checkHeader's field checks (diagnostics only). */
export function tableFloats(h: Header): number {
  return h.params.reduce((a, e) => a + e.size, 0) + (h.optimizer?.slots.reduce((a, e) => a + e.size, 0) ?? 0);
}
