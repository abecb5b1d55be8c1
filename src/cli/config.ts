// JSON model files for the CLI: read from disk and checked (before any dataset loads), then built by the library's
// configuration builder (src/run/model.ts) like presets and inline models.
import { readFileSync } from 'node:fs';
import type { Model } from '../index.js';
import type { Layer } from '../layers/layer.js';
import { nearest, UsageError, type ModelSpec, type TrainConfig } from '../run/settings.js';
import { buildModel as buildFromConfig, specLayers } from '../run/model.js';

const MODEL_FILE_KEYS = ['layers', 'description'];

function fileLayers(path: string): Layer[] {
  let spec: unknown;
  try {
    spec = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--model ${path}: ${code === 'ENOENT' ? 'no such file (presets: mlp, cnn)' : `not a JSON model file (${(e as Error).message})`}`);
  }
  const shape = 'expected { "layers": [{ "kind": "dense", "config": { "units": 10 } }, …] }';
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new UsageError(`--model ${path}: ${shape}; got ${Array.isArray(spec) ? 'an array' : JSON.stringify(spec)}`);
  for (const k of Object.keys(spec)) {
    if (MODEL_FILE_KEYS.includes(k)) continue;
    const near = nearest(k, MODEL_FILE_KEYS);
    throw new UsageError(`--model ${path}: unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${MODEL_FILE_KEYS.join(', ')}`);
  }
  const list = (spec as { layers?: unknown }).layers;
  if (!Array.isArray(list) || list.length === 0) throw new UsageError(`--model ${path}: ${shape}`);
  return specLayers(`--model ${path}`, spec as ModelSpec);
}

/** Reads a JSON model file's layers to check it (before any dataset is loaded); nothing is built. */
export function checkModelFile(c: TrainConfig): void {
  if (typeof c.model === 'string' && modelIsFile(c.model)) fileLayers(c.model);
}
const modelIsFile = (m: string) => m !== 'mlp' && m !== 'cnn';

/** Builds and compiles the model a configuration describes for the given data (a model file is read from disk). */
export function buildModel(c: TrainConfig, inputShape: readonly number[], classes: number): Model {
  return buildFromConfig(c, inputShape, classes, fileLayers);
}
