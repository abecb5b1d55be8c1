// toOnnx: a simdnet model as an ONNX ModelProto (opset 17 by default) for inference elsewhere (ONNX Runtime and
// others). The graph takes simdnet's input as it is ([N, H, W, C] for images, N symbolic) unless layout 'nchw' is
// asked; each layer kind maps through EXPORTERS (export-layers.ts).
import type { Layer } from '../layers/layer.js';
import type { Model } from '../train/model.js';
import { StrictOptions } from '../ops/options.js';
import { EXPORTERS, type ExportContext } from './export-layers.js';
import { Graph, type Value } from './graph.js';
import { onnx, FLOAT } from './proto.js';
import { SIMDNET_VERSION } from './version.js';

/** Options of toOnnx(). */
export interface ToOnnxOptions {
  /** The ai.onnx opset the graph is written for: 13 to 18 (default 17). */
  opset?: number;
  /** The graph input's name (default 'input'). */
  inputName?: string;
  /** The graph output's name (default 'output'). */
  outputName?: string;
  /**
   * Image layout of the graph's input and output: 'nhwc' (default: the model's own input, [N, H, W, C]) or 'nchw'
   * ([N, C, H, W], as PyTorch-made graphs take). Only models with image inputs or outputs are affected.
   */
  layout?: 'nhwc' | 'nchw';
}

/** The opsets toOnnx writes (ReduceMax takes its axes as an input from 18 on; both forms are written). */
export const ONNX_OPSETS = { min: 13, max: 18, default: 17 } as const;

const OPTION_KEYS = ['opset', 'inputName', 'outputName', 'layout'];

function text(o: StrictOptions, key: string, dflt: string): string {
  const v = o.get(key);
  if (v === undefined) return dflt;
  if (typeof v !== 'string') o.wrongType(key, 'a string');
  if (v.length === 0 || v.length > 200) o.outOfRange(key, 'a non-empty string of at most 200 characters');
  return v;
}

/**
 * The model as the bytes of an ONNX file (a ModelProto): every layer kind maps to standard operators, the batch axis
 * is symbolic ("N"), the producer is simdnet at its version. Options are read strictly (unknown keys refused, naming
 * the nearest). Inference only: dropout is kept as Dropout (identity at inference), batchNorm uses its running
 * statistics.
 */
export function toOnnx(model: Model, options: ToOnnxOptions = {}): Uint8Array {
  const o = StrictOptions.read('toOnnx', options, OPTION_KEYS);
  const opset = o.number('opset', { integer: true, min: ONNX_OPSETS.min, max: ONNX_OPSETS.max, default: ONNX_OPSETS.default });
  const inputName = text(o, 'inputName', 'input'), outputName = text(o, 'outputName', 'output');
  if (inputName === outputName) o.outOfRange('outputName', `a name other than inputName (${JSON.stringify(inputName)})`);
  const nchw = o.oneOf('layout', ['nhwc', 'nchw'] as const, 'nhwc') === 'nchw';
  if (!model || typeof (model as { predict?: unknown }).predict !== 'function' || !Array.isArray(model.layers)) {
    throw new TypeError('toOnnx: model must be a simdnet Model (sequential(…) or loadModel(…))');
  }
  const g = new Graph();
  g.unique(inputName);
  const c: ExportContext = {
    g, opset,
    layer(l: Layer, v: Value): Value {
      const exporter = EXPORTERS[l.kind];
      if (!exporter) throw new Error(`toOnnx: layer "${l.name}" is a ${l.kind}, which has no ONNX mapping (mapped: ${Object.keys(EXPORTERS).join(', ')})`);
      return exporter(l, v, c);
    },
  };
  // 'nchw' concerns images only ([H, W, C] samples); vectors and sequences stay as simdnet holds them.
  const image = model.inputShape.length === 3, imageOut = model.outputShape.length === 3;
  let v: Value = { name: inputName, layout: nchw && image ? 'first' : 'last', shape: model.inputShape };
  for (const l of model.layers) v = c.layer(l, v);
  v = nchw && imageOut ? g.first(v, 'output') : g.last(v, 'output');
  g.unique(outputName);
  g.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [v.name], output: [outputName], name: g.unique('output') }));

  const dims = (shape: readonly number[], first: boolean) => {
    const s = first && shape.length > 1 ? [shape[shape.length - 1], ...shape.slice(0, -1)] : shape;
    return [{ dimParam: 'N' }, ...s.map((d) => ({ dimValue: d }))];
  };
  const info = (name: string, shape: readonly number[], first: boolean) => onnx.ValueInfoProto.create({
    name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims(shape, first) } } },
  });
  const graph = onnx.GraphProto.create({
    name: model.name, node: g.nodes, initializer: g.initializers,
    input: [info(inputName, model.inputShape, nchw && image)], output: [info(outputName, model.outputShape, nchw && imageOut)],
  });
  const proto = onnx.ModelProto.create({
    irVersion: 8, producerName: 'simdnet', producerVersion: SIMDNET_VERSION, graph,
    opsetImport: [{ domain: '', version: opset }],
    docString: `simdnet model "${model.name}", input ${nchw && image ? 'NCHW' : 'as simdnet takes it (channels last)'}`,
  });
  return onnx.ModelProto.encode(proto).finish();
}
