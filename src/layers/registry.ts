// Layers by kind: rebuilds a layer from { kind, config } (model files, JSON model files). Kinds register here with a
// factory that reads its config strictly; nesting (residual blocks) is bounded by MAX_NESTING before recursing.
import { MAX_NESTING, type Layer } from './layer.js';
import { checkKeys, given, isPlainObject } from './options.js';
import { unknownName } from '../ops/options.js';

/** A layer as model files and JSON model specs list it: its kind and its options. */
export interface LayerSpec { kind: string; config: Record<string, unknown> }

/** Makes a layer from its config; `nested` rebuilds a spec one level deeper (for layers that hold layers). */
export type LayerFactory = (config: Record<string, unknown>, nested: (spec: LayerSpec) => Layer) => Layer;

const factories = new Map<string, LayerFactory>();

export function registerLayer(kind: string, make: LayerFactory): void { factories.set(kind, make); }

/** Every registered layer kind, in registration order (model interchange checks it maps each one). */
export function layerKinds(): string[] { return [...factories.keys()]; }

/** The saved form of a layer. */
export function layerSpec(l: Layer): LayerSpec { return { kind: l.kind, config: l.config() }; }

/**
 * A layer from its saved form { kind, config } (config may be left out). Strict: another shape, an unknown kind or
 * key (the nearest is suggested), a wrong option type or nesting deeper than MAX_NESTING is refused with a message
 * saying which.
 */
export function layerFromSpec(spec: LayerSpec): Layer { return fromSpec(spec, 0); }

function fromSpec(spec: unknown, depth: number): Layer {
  if (depth > MAX_NESTING) throw new RangeError(`layers nest more than ${MAX_NESTING} levels deep`);
  const kinds = [...factories.keys()];
  const { kind, config } = checkKeys('layer spec', spec, ['kind', 'config'], 'key');
  if (typeof kind !== 'string') throw new TypeError(`a layer spec's kind must be a string (${kinds.join(', ')}), got ${given(kind)}`);
  const make = factories.get(kind);
  if (!make) unknownName('layer spec', 'layer kind', kind, kinds);
  if (config !== undefined && !isPlainObject(config)) throw new TypeError(`${kind}: config must be an object, got ${given(config)}`);
  return make(config ?? {}, (s) => fromSpec(s, depth + 1));
}
