// The model file's reader. Nothing in a file is trusted before it is checked: magic, version, lengths and the CRC over
// the whole file come first, then the header's schema (header.ts), then the parameters the architecture would create
// are matched against the file's tensor table without allocating anything; only then is the model built, and a load
// that fails after that frees it. Every refusal is an Error "cannot load model: …" saying what is wrong.
import { backend } from '../backend/module.js';
import { crc32 } from './crc32.js';
import { align4, FORMAT_VERSION, MAGIC, MAX_FILE_BYTES, type Header } from './format.js';
import { checkHeader, HEADER_LIMITS, tableFloats } from './header.js';
import { layerFromSpec, type LayerSpec } from '../layers/index.js';
import type { BuildContext, Layer } from '../layers/layer.js';
import { checkKeys, show } from '../layers/options.js';
import { Model } from '../train/model.js';

const refusals = new WeakSet<Error>();

/** The error every refusal is: a plain Error naming the source and what is wrong. */
function refusal(what: string, src: string, cause?: unknown): Error {
  const e = new Error(`cannot load model${src}: ${what}`, cause === undefined ? undefined : { cause });
  refusals.add(e);
  return e;
}

function refuse(what: string, src: string): never { throw refusal(what, src); }

const size = (n: number) => n.toLocaleString('en-US');

/** Checks the frame (magic, version, lengths, CRC) and the header; returns the checked header and where data starts. */
function readHeader(bytes: Uint8Array, src: string): { header: Header; dataStart: number } {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) refuse('not a simdnet model file (bad magic bytes)', src);
  if (bytes.length < 20) refuse(`truncated: ${bytes.length} bytes, less than the 20 bytes of an empty model file`, src);
  if (bytes.length > MAX_FILE_BYTES) refuse(`${size(bytes.length)} bytes, more than the ${size(MAX_FILE_BYTES)} a model file may hold`, src);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version > FORMAT_VERSION) refuse(`it was written by a newer simdnet (format version ${version}; this version reads up to ${FORMAT_VERSION})`, src);
  if (version < 1) refuse(`unknown format version ${version}`, src);
  const hlen = dv.getUint32(12, true);
  if (hlen > HEADER_LIMITS.headerBytes) refuse(`the header length ${size(hlen)} exceeds the ${size(HEADER_LIMITS.headerBytes)}-byte limit (the file is corrupted)`, src);
  if (16 + hlen + 4 > bytes.length) refuse(`truncated: the header alone needs ${16 + hlen + 4} bytes, the file has ${bytes.length}`, src);
  const dataStart = align4(16 + hlen);
  const stored = dv.getUint32(bytes.length - 4, true), actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) refuse(diagnose(bytes, hlen, version, dataStart) ?? `checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)}): the file is corrupted`, src);
  if (dataStart + 4 > bytes.length || (bytes.length - 4 - dataStart) % 4 !== 0) {
    refuse(`the data section (${bytes.length - 4 - dataStart} bytes after the header) is not whole float32 values`, src);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + hlen)));
  } catch {
    refuse('the header is not valid JSON', src);
  }
  try {
    return { header: checkHeader(json, version, (bytes.length - 4 - dataStart) / 4), dataStart };
  } catch (e) {
    throw refusal((e as Error).message, src);
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/**
 * After a checksum mismatch only, to say more than "corrupted": when the header is intact (valid JSON that passes the
 * schema), a file whose length differs from what its tensor table needs was truncated or extended. Nothing is built.
 */
function diagnose(bytes: Uint8Array, hlen: number, version: number, dataStart: number): string | undefined {
  try {
    const h = checkHeader(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + hlen))), version);
    const expected = dataStart + tableFloats(h) * 4 + 4;
    if (bytes.length < expected) return `truncated: expected ${expected} bytes, found ${bytes.length}`;
    if (bytes.length > expected) return `${bytes.length - expected} unexpected trailing bytes (expected ${expected} bytes)`;
  } catch {
    // the header itself is damaged: the plain checksum message says so
  }
  return undefined;
}

/**
 * The parameters (name and shape, in build order) the architecture would create, found by building throwaway layers
 * in declare-only mode: nothing is allocated, so a header declaring 5e7 units costs nothing.
 */
function declaredParams(layers: readonly LayerSpec[], inputShape: readonly number[]): { name: string; shape: readonly number[] }[] {
  const out: { name: string; shape: readonly number[] }[] = [];
  let streams = 1;
  const ctx: BuildContext = { seed: 0, stream: () => streams++, declareOnly: (name, shape) => { out.push({ name, shape: [...shape] }); } };
  let s: readonly number[] = inputShape;
  layers.forEach((spec, i) => {
    const l = layerAt(spec, i);
    try {
      l.build(s, ctx);
    } catch (e) {
      throw new Error(`layer "${l.name}" (${l.kind}) cannot take input shape [${s.join(', ')}]: ${(e as Error).message}`);
    }
    s = l.outputShape;
  });
  return out;
}

function layerAt(spec: LayerSpec, i: number): Layer {
  try {
    return layerFromSpec(spec);
  } catch (e) {
    throw new Error(`model.layers[${i}]: ${(e as Error).message}`);
  }
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Refuses unless the architecture's parameters are the file's tensor table, entry for entry (names and shapes). */
function matchTable(declared: { name: string; shape: readonly number[] }[], header: Header): void {
  const table = header.params;
  const n = Math.max(declared.length, table.length);
  for (let i = 0; i < n; i++) {
    const d = declared[i], e = table[i];
    if (!d) throw new Error(`the file stores parameter ${show(e.name)} ${fmt(e.shape)}, which the architecture does not have (it has ${declared.length} parameters)`);
    if (!e) throw new Error(`the architecture has parameter "${d.name}" ${fmt(d.shape)}, which the file does not store (it stores ${table.length} parameters)`);
    if (d.name !== e.name || d.shape.length !== e.shape.length || d.shape.some((x, j) => x !== e.shape[j])) {
      throw new Error(`the architecture's parameter ${i + 1} is "${d.name}" ${fmt(d.shape)} (${size(d.shape.reduce((a, b) => a * b, 1))} values), ` +
        `but the file stores ${show(e.name)} ${fmt(e.shape)} (${size(e.size)} values)`);
    }
  }
}

/** Every layer of the model by name, nested ones included. */
function layersByName(model: Model): Map<string, Layer> {
  const m = new Map<string, Layer>();
  const walk = (l: Layer) => { m.set(l.name, l); l.children().forEach(walk); };
  model.layers.forEach(walk);
  return m;
}

/** Fills a built model from the checked header and data: weights, layer state, compile settings, optimizer state. */
function fill(model: Model, header: Header, bytes: Uint8Array, dataStart: number): void {
  const params = model.params();
  const u8 = backend().arena.u8;
  header.params.forEach((e, i) => {
    const p = params[i];
    if (!p || p.name !== e.name || p.value.size !== e.size) throw new Error(`parameter ${show(e.name)} ${fmt(e.shape)} does not match the rebuilt model`);
    u8.set(bytes.subarray(dataStart + e.offset * 4, dataStart + (e.offset + e.size) * 4), p.value.ptr);
  });
  const byName = layersByName(model);
  for (const [name, state] of Object.entries(header.layerState ?? {})) {
    const l = byName.get(name);
    if (!l) throw new Error(`layerState names layer ${show(name)}, which the model does not have`);
    l.setState(state);
  }
  const c = header.compile;
  if (!c || (c.loss as { custom?: boolean }).custom) return;
  model.compile({ optimizer: c.optimizer as never, loss: c.loss as never, metrics: (c.metrics ?? []) as never }); // checked at run time by compile
  // Options are checked once built: the saved form of an optimizer or loss is { name, ...config() }.
  const opt = model.optimizer!, loss = model.loss!;
  checkKeys(`header field compile.optimizer (${opt.name})`, c.optimizer, ['name', ...Object.keys(opt.config())], 'field');
  checkKeys(`header field compile.loss (${loss.name})`, c.loss, ['name', ...Object.keys(loss.config)], 'field');
  const lr = (c.optimizer as { learningRate?: unknown }).learningRate;
  if (opt.schedule && lr && typeof lr === 'object') {
    checkKeys(`header field compile.optimizer.learningRate (${opt.schedule.name})`, lr, ['name', ...Object.keys(opt.schedule.config)], 'field');
  }
  const saved = header.optimizer;
  if (!saved) return;
  const scalars = saved.scalars ?? {};
  checkKeys(`header field optimizer.scalars (${opt.name})`, scalars, Object.keys(opt.getState([]).scalars), 'field');
  const slots = saved.slots.map((e) => {
    const values = new Float32Array(e.size);
    new Uint8Array(values.buffer).set(bytes.subarray(dataStart + e.offset * 4, dataStart + (e.offset + e.size) * 4));
    return { param: e.param, slot: e.slot, values };
  });
  opt.setState(params, { iterations: saved.iterations, learningRate: saved.learningRate, scalars, slots });
}

/**
 * Rebuilds a model from saveModel's bytes: same architecture, bit-identical weights, compiled if it was. A file that is
 * not exactly what the writer makes is refused whole with an Error saying why, and nothing stays allocated.
 */
export function loadModel(bytes: Uint8Array, options: { source?: string } = {}): Model {
  const src = typeof options?.source === 'string' ? ` "${options.source}"` : '';
  if (!(bytes instanceof Uint8Array)) refuse(`expected a Uint8Array of the file's bytes, got ${Object.prototype.toString.call(bytes)}`, src);
  let model: Model | undefined;
  try {
    const { header, dataStart } = readHeader(bytes, src);
    const m = header.model;
    matchTable(declaredParams(m.layers, m.inputShape), header); // before anything is allocated
    model = new Model(m.layers.map(layerAt), { inputShape: m.inputShape, seed: m.seed ?? 0, name: m.name ?? 'model' });
    fill(model, header, bytes, dataStart);
    const done = model;
    model = undefined;
    return done;
  } catch (e) {
    if (e instanceof Error && refusals.has(e)) throw e;
    throw refusal(e instanceof Error ? e.message : String(e), src, e);
  } finally {
    model?.dispose(); // a load that fails after building frees what it built
  }
}
