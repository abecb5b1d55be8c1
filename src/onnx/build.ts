// What both importers (ONNX, TensorFlow.js Layers) produce: layer drafts ({ kind, config } as model files describe
// layers, plus their weights in getWeights() order), turned into a simdnet Model. Shapes come from simdnet's own
// layers built in declare-only mode (nothing allocated), so the importers never compute a shape rule twice.
import { layerFromSpec, type LayerSpec } from '../layers/index.js';
import type { BuildContext } from '../layers/layer.js';
import { sequential, type Model } from '../train/model.js';

/** A layer to make: its saved form and its weights in the order its parameters are created. */
export interface Draft { spec: LayerSpec; weights: Float32Array[] }

/** The per-sample output shape of spec on an input of `shape` (simdnet's errors if the layer cannot take it). */
export function outputShapeOf(spec: LayerSpec, shape: readonly number[]): number[] {
  const l = layerFromSpec(spec);
  const ctx: BuildContext = { seed: 0, stream: () => 1, declareOnly: () => {} };
  l.build(shape, ctx);
  return [...l.outputShape];
}

/** The model of the drafts on samples of inputShape, weights set; nothing stays allocated when it fails. */
export function modelOf(drafts: readonly Draft[], inputShape: readonly number[], name: string): Model {
  if (drafts.length === 0) throw new Error('the graph holds no layer (simdnet models have at least one)');
  const model = sequential(drafts.map((d) => layerFromSpec(d.spec)), { inputShape, name });
  try {
    model.setWeights(drafts.flatMap((d) => d.weights));
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/**
 * The candidate when simdnet accepts it as a layer name (non-empty, at most 200 characters, no "/") and it is not
 * used yet; else `${kind}_1`, `${kind}_2`, … (the first not used). Every imported layer is named, so none collide.
 */
export function layerName(candidate: string | null | undefined, kind: string, used: Set<string>): string {
  let n = candidate && candidate.length <= 200 && !candidate.includes('/') && !used.has(candidate) ? candidate : undefined;
  for (let i = 1; n === undefined; i++) if (!used.has(`${kind}_${i}`)) n = `${kind}_${i}`;
  used.add(n);
  return n;
}
