// The model file's writer: architecture, weights, compile settings and optimizer state into the layout of format.ts.
// It reads a model through SavableModel (what Model offers), so it never imports the Model class.
import { backend } from '../backend/module.js';
import { crc32 } from './crc32.js';
import { align4, FORMAT_VERSION, MAGIC, type Header, type SaveOptions, type TensorEntry } from './format.js';
import { layerSpec } from '../layers/index.js';
import type { Layer, Param } from '../layers/layer.js';
import type { Loss } from '../nets/losses.js';
import type { Optimizer, OptimizerState } from '../nets/optimizers.js';
import type { Metric } from '../train/metrics.js';

/** What the writer reads of a model. */
export interface SavableModel {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly seed: number;
  readonly layers: readonly Layer[];
  readonly optimizer?: Optimizer;
  readonly loss?: Loss;
  readonly metrics: readonly Metric[];
  params(): Param[];
}

/** Serialises a model: architecture, weights, compile settings and (by default) optimizer state. */
export function serializeModel(model: SavableModel, options: SaveOptions = {}): Uint8Array {
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
  const walk = (ls: readonly Layer[]) => ls.forEach((l) => {
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
      metrics: model.metrics.map((m) => m.config),
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
