// The experiment merge without Node: a variant's (or a sweep trial's) settings over base's. Plain objects merge key by
// key, anything else is replaced; a model's layers merge by layer name. Browser-usable (src/cli/experiment.ts's
// readExperiment reads files; this is only the merge, so sweeps can propose and apply params in a page).
import { nearest } from '../ops/options.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown) => (Array.isArray(v) && v.length > 3 ? 'an array' : JSON.stringify(v));

/**
 * A variant's settings over base's: plain objects merge key by key (an optimizer's or loss's options, early stopping),
 * anything else is replaced. A model's layers merge by name: { "model": { "layers": { "conv1": { "config": { … } } } } }
 * changes the base model's layer named conv1 (its spec merged the same way; a spec of another "kind" replaces it) and
 * keeps the others.
 */
export function mergeSettings(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  return merge(base, over, '') as Record<string, unknown>;
}

function merge(base: unknown, over: unknown, path: string): unknown {
  if (path === 'model.layers' && Array.isArray(base) && isObject(over)) return mergeLayers(base, over);
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v, path ? `${path}.${k}` : k) : v;
  return out;
}

function mergeLayers(layers: unknown[], byName: Record<string, unknown>): unknown[] {
  const nameOf = (l: unknown) => (isObject(l) && isObject(l.config) && typeof l.config.name === 'string' ? l.config.name : undefined);
  const names = layers.map(nameOf).filter((n): n is string => n !== undefined);
  const out = [...layers];
  for (const [name, change] of Object.entries(byName)) {
    const i = layers.findIndex((l) => nameOf(l) === name);
    if (i < 0) {
      const near = names.length ? nearest(name, names) : '';
      throw new Error(`model.layers: no layer named "${name}" in base's model${near ? ` (did you mean "${near}"?)` : ''}; ` +
        (names.length ? `named layers: ${names.join(', ')}` : 'give base\'s layers a "name" in their config to change them by name'));
    }
    if (!isObject(change)) throw new Error(`model.layers.${name} must be an object { "config": { … } } merged into the layer; got ${shown(change)}`);
    // A different kind replaces the layer (its spec given whole); the same kind merges into it.
    const base = layers[i] as Record<string, unknown>;
    out[i] = change.kind !== undefined && change.kind !== base.kind ? change : merge(base, change, `model.layers.${name}`);
  }
  return out;
}
