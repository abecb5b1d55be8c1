// Layers by kind: rebuilds a layer from { kind, config } (model files, JSON model presets). Kinds register here.
import type { Layer } from './layer.js';

export interface LayerSpec { kind: string; config: Record<string, unknown> }

const factories = new Map<string, (config: Record<string, unknown>) => Layer>();

export function registerLayer(kind: string, make: (config: Record<string, unknown>) => Layer): void { factories.set(kind, make); }

/** The saved form of a layer. */
export function layerSpec(l: Layer): LayerSpec { return { kind: l.kind, config: l.config() }; }

/** A layer from its saved form; unknown kinds are refused by name. */
export function layerFromSpec(spec: LayerSpec): Layer {
  const make = spec && typeof spec === 'object' ? factories.get(spec.kind) : undefined;
  if (!make) throw new RangeError(`unknown layer kind "${spec?.kind}" (known: ${[...factories.keys()].join(', ')})`);
  return make(spec.config ?? {});
}
