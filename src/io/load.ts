// The model file's reader: checks magic, version, length and CRC before anything is built, then rebuilds the model
// (architecture, weights bit for bit, compile settings, optimizer state) from the layout of format.ts.
import { backend } from '../backend/module.js';
import { crc32 } from './crc32.js';
import { align4, FORMAT_VERSION, MAGIC, type Header } from './format.js';
import { layerFromSpec } from '../layers/index.js';
import type { Layer } from '../layers/layer.js';
import { Model } from '../train/model.js';

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
  const walk = (ls: readonly Layer[]) => ls.forEach((l) => {
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
