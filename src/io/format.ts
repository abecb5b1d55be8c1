// The model file: magic "SIMDNET\0", u32 format version, u32 header length, a JSON header (architecture, compile
// settings, tensor table, optimizer and layer state), float32 little-endian tensor data at a 4-byte boundary, and a
// CRC-32 of everything before it. A truncated, corrupted or newer-version file is refused whole.
import { backend } from '../backend/module.js';
import { crc32 } from './crc32.js';
import { Model } from '../model/model.js';
import { layerFromSpec, layerSpec, type LayerSpec } from '../layers/index.js';
import type { OptimizerState } from '../optimizers.js';

const MAGIC = [0x53, 0x49, 0x4d, 0x44, 0x4e, 0x45, 0x54, 0x00]; // "SIMDNET\0"
export const FORMAT_VERSION = 1;

interface TensorEntry { name: string; shape: number[]; offset: number; size: number }

interface Header {
  format: number;
  createdBy: string;
  model: { name: string; inputShape: number[]; seed: number; layers: LayerSpec[] };
  compile?: { optimizer: Record<string, unknown>; loss: Record<string, unknown>; metrics: (string | { name: string; k: number })[] };
  params: TensorEntry[];
  optimizer?: { iterations: number; learningRate: number; scalars: Record<string, number>; slots: (TensorEntry & { param: string; slot: string })[] };
  layerState: Record<string, Record<string, number>>;
}

export interface SaveOptions {
  /** Include the optimizer's state (moments, step count) so training resumes exactly (default true). */
  includeOptimizer?: boolean;
}

const align4 = (n: number) => (n + 3) & ~3;

/** Serialises a model: architecture, weights, compile settings and (by default) optimizer state. */
export function serializeModel(model: Model, options: SaveOptions = {}): Uint8Array {
  const params = model.params();
  let offset = 0;
  const entry = (name: string, shape: readonly number[], size: number): TensorEntry => {
    const e = { name, shape: [...shape], offset, size };
    offset += size;
    return e;
  };
  const header: Header = {
    format: FORMAT_VERSION,
    createdBy: 'simdnet',
    model: { name: model.name, inputShape: [...model.inputShape], seed: model.seed, layers: model.layers.map(layerSpec) },
    params: params.map((p) => entry(p.name, p.value.shape, p.value.size)),
    layerState: {},
  };
  const walk = (ls: readonly import('../layers/layer.js').Layer[]) => ls.forEach((l) => {
    const s = l.getState();
    if (s) header.layerState[l.name] = s;
    walk(l.children());
  });
  walk(model.layers);
  let opt: OptimizerState | undefined;
  if (model.optimizer && model.loss) {
    header.compile = {
      optimizer: { name: model.optimizer.name, ...model.optimizer.config() },
      loss: { name: model.loss.name, ...model.loss.config },
      metrics: model.metrics.map((m) => (m.name === 'accuracy' ? 'accuracy' : { name: 'topKAccuracy', k: m.k })),
    };
    if (options.includeOptimizer ?? true) {
      opt = model.optimizer.getState(params);
      header.optimizer = {
        iterations: opt.iterations, learningRate: opt.learningRate, scalars: opt.scalars,
        slots: opt.slots.map((s) => ({ ...entry(`${s.param}#${s.slot}`, [s.values.length], s.values.length), param: s.param, slot: s.slot })),
      };
    }
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(16 + json.length);
  const total = dataStart + offset * 4 + 4;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, FORMAT_VERSION, true);
  dv.setUint32(12, json.length, true);
  out.set(json, 16);
  const u8 = backend().arena.u8;
  for (const [i, p] of params.entries()) {
    const e = header.params[i];
    out.set(u8.subarray(p.value.ptr, p.value.ptr + e.size * 4), dataStart + e.offset * 4); // wasm memory is little-endian
  }
  if (opt && header.optimizer) {
    opt.slots.forEach((s, i) => {
      const e = header.optimizer!.slots[i];
      out.set(new Uint8Array(s.values.buffer, s.values.byteOffset, s.values.byteLength), dataStart + e.offset * 4);
    });
  }
  dv.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

function refuse(what: string, source: string): never {
  throw new Error(`cannot load model${source}: ${what}`);
}

/** Rebuilds a model from saveModel's bytes: same architecture, bit-identical weights, compiled if it was. */
export function loadModel(bytes: Uint8Array, options: { source?: string } = {}): Model {
  const src = options.source ? ` "${options.source}"` : '';
  if (!(bytes instanceof Uint8Array)) refuse(`expected a Uint8Array, got ${Object.prototype.toString.call(bytes)}`, src);
  if (bytes.length < 20 || MAGIC.some((b, i) => bytes[i] !== b)) refuse('not a simdnet model file (bad magic bytes)', src);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version > FORMAT_VERSION) refuse(`it was written by a newer simdnet (format version ${version}; this version reads up to ${FORMAT_VERSION})`, src);
  if (version < 1) refuse(`unknown format version ${version}`, src);
  const hlen = dv.getUint32(12, true);
  if (16 + hlen + 4 > bytes.length) refuse(`truncated: the header alone needs ${16 + hlen + 4} bytes, the file has ${bytes.length}`, src);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + hlen))) as Header;
  } catch {
    refuse('the header is not valid JSON (the file is corrupted)', src);
  }
  const floats = header.params.reduce((a, e) => a + e.size, 0) + (header.optimizer?.slots.reduce((a, e) => a + e.size, 0) ?? 0);
  const dataStart = align4(16 + hlen);
  const expected = dataStart + floats * 4 + 4;
  if (bytes.length < expected) refuse(`truncated: expected ${expected} bytes, found ${bytes.length}`, src);
  if (bytes.length > expected) refuse(`${bytes.length - expected} unexpected trailing bytes (expected ${expected} bytes)`, src);
  const stored = dv.getUint32(expected - 4, true), actual = crc32(bytes.subarray(0, expected - 4));
  if (stored !== actual) refuse(`checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the file is corrupted`, src);

  const m = header.model;
  const model = new Model(m.layers.map(layerFromSpec), { inputShape: m.inputShape, seed: m.seed, name: m.name });
  const params = model.params();
  const byName = new Map(params.map((p) => [p.name, p]));
  if (params.length !== header.params.length) refuse(`the file lists ${header.params.length} parameters, the rebuilt model has ${params.length}`, src);
  const u8 = backend().arena.u8;
  for (const e of header.params) {
    const p = byName.get(e.name);
    if (!p || p.value.size !== e.size) refuse(`parameter ${e.name} [${e.shape.join(', ')}] does not match the rebuilt model`, src);
    u8.set(bytes.subarray(dataStart + e.offset * 4, dataStart + (e.offset + e.size) * 4), p.value.ptr);
  }
  const walk = (ls: readonly import('../layers/layer.js').Layer[]) => ls.forEach((l) => {
    const s = header.layerState?.[l.name];
    if (s) l.setState(s);
    walk(l.children());
  });
  walk(model.layers);
  const c = header.compile;
  if (c && !(c.loss as { custom?: boolean }).custom) {
    model.compile({ optimizer: c.optimizer as { name: string }, loss: c.loss as { name: string }, metrics: c.metrics as never });
    if (header.optimizer) {
      const slots = header.optimizer.slots.map((e) => {
        const values = new Float32Array(e.size);
        new Uint8Array(values.buffer).set(bytes.subarray(dataStart + e.offset * 4, dataStart + (e.offset + e.size) * 4));
        return { param: e.param, slot: e.slot, values };
      });
      model.optimizer!.setState(params, { iterations: header.optimizer.iterations, learningRate: header.optimizer.learningRate, scalars: header.optimizer.scalars, slots });
    }
  }
  return model;
}
