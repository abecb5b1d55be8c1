// One ONNX mapping per simdnet layer kind (EXPORTERS): dense → Gemm (MatMul + Add on samples of more than one axis),
// conv2d → Conv (OIHW weights, explicit pads), pooling → MaxPool / AveragePool (count_include_pad = countPad),
// batchNorm → BatchNormalization (running statistics), flatten → Flatten of the channels-last tensor (simdnet's order),
// dropout → Dropout (identity at inference), maxout → Reshape + ReduceMax, residual → its block and shortcut + Add,
// activations → their ONNX operators. Each returns the value its layer outputs.
import type { Layer, Param } from '../layers/layer.js';
import type { Dense } from '../layers/dense.js';
import type { Conv2D } from '../layers/conv2d.js';
import type { Pool2D } from '../layers/pool.js';
import type { BatchNorm } from '../layers/batchnorm.js';
import type { Dropout } from '../layers/dropout.js';
import type { Maxout } from '../layers/maxout.js';
import type { Residual } from '../layers/residual.js';
import type { ActivationLayer } from '../layers/activation.js';
import type { Activation } from '../layers/activation-fn.js';
import type { Pair, Padding } from '../ops/conv.js';
import { convGeometry, poolGeometryOf } from '../ops/conv.js';
import { Graph, type Value } from './graph.js';
import { hwioToOihw } from './layouts.js';

/** What an exporter gets: the graph, the opset, and the way to export nested layers. */
export interface ExportContext { g: Graph; opset: number; layer(l: Layer, v: Value): Value }

export type LayerExporter = (l: Layer, v: Value, c: ExportContext) => Value;

/** The activation's ONNX node after v (none for linear). The softmax runs over the channel axis, wherever it is. */
export function activationNode(g: Graph, a: Activation, v: Value, name: string): Value {
  const one = (op: string, attrs = {}) => ({ ...v, name: g.node(op, [v.name], name, attrs) });
  switch (a.name) {
    case 'linear': return v;
    case 'relu': return one('Relu');
    case 'sigmoid': return one('Sigmoid');
    case 'tanh': return one('Tanh');
    case 'softplus': return one('Softplus');
    case 'leakyRelu': return one('LeakyRelu', { alpha: { float: a.alpha } });
    case 'elu': return one('Elu', { alpha: { float: a.alpha } });
    case 'softmax': return one('Softmax', { axis: v.layout === 'first' && v.shape.length > 1 ? 1 : -1 });
  }
}

const values = (p: Param) => p.value.toFloat32Array();

/** y = v·W (+ b): Gemm on [N, K], MatMul (+ Add) on more axes. */
function matmul(g: Graph, v: Value, kernel: Param, bias: Param | undefined, name: string): Value {
  const x = g.last(v, name);
  const [K, units] = kernel.value.shape;
  const w = g.floats(kernel.name, [K, units], values(kernel));
  const b = bias ? g.floats(bias.name, [units], values(bias)) : undefined;
  const shape = [...x.shape.slice(0, -1), units];
  if (x.shape.length === 1) return { name: g.node('Gemm', b ? [x.name, w, b] : [x.name, w], name), layout: 'last', shape };
  const y = g.node('MatMul', [x.name, w], b ? `${name}/matmul` : name);
  return { name: b ? g.node('Add', [y, b], name) : y, layout: 'last', shape };
}

/** ONNX pads [top, left, bottom, right] from simdnet's geometry. */
const onnxPads = (p: { padTop: number; padBottom: number; padLeft: number; padRight: number }) => [p.padTop, p.padLeft, p.padBottom, p.padRight];
const pairOf = (p: Pair | undefined, d: number): [number, number] => p === undefined ? [d, d] : typeof p === 'number' ? [p, p] : [p[0], p[1]];

function dense(l: Layer, v: Value, c: ExportContext): Value {
  const d = l as Dense;
  const y = matmul(c.g, v, d.kernel, d.bias, d.name);
  return activationNode(c.g, d.activation, y, `${d.name}/${d.activation.name}`);
}

function conv2d(l: Layer, v: Value, c: ExportContext): Value {
  const conv = l as Conv2D, o = conv.options;
  const [H, W, C] = conv.inputShape;
  const shape = conv.kernel.value.shape;
  const geo = convGeometry(`conv2d "${conv.name}"`, [1, H, W, C], 'input', shape, { strides: o.strides, padding: o.padding, dilations: o.dilation });
  const x = c.g.first(v, conv.name);
  const w = c.g.floats(conv.kernel.name, [shape[3], shape[2], shape[0], shape[1]], hwioToOihw(values(conv.kernel), shape));
  const inputs = conv.bias ? [x.name, w, c.g.floats(conv.bias.name, [conv.filters], values(conv.bias))] : [x.name, w];
  const y = c.g.node('Conv', inputs, conv.name, {
    kernel_shape: [shape[0], shape[1]], strides: [geo.strideH, geo.strideW], dilations: [geo.dilationH, geo.dilationW], pads: onnxPads(geo),
  });
  return activationNode(c.g, conv.activation, { name: y, layout: 'first', shape: conv.outputShape }, `${conv.name}/${conv.activation.name}`);
}

function pool(l: Layer, v: Value, c: ExportContext): Value {
  const p = l as Pool2D;
  const cfg = p.config() as { poolSize: Pair; strides: Pair; padding: Padding; countPad?: boolean };
  const geo = poolGeometryOf(`${p.kind} "${p.name}"`, [1, ...p.inputShape], 'input', { poolSize: cfg.poolSize, strides: cfg.strides, padding: cfg.padding });
  const x = c.g.first(v, p.name);
  const attrs = { kernel_shape: pairOf(cfg.poolSize, 2), strides: [geo.strideH, geo.strideW], pads: onnxPads(geo) };
  const y = p.kind === 'maxPool2d' ? c.g.node('MaxPool', [x.name], p.name, attrs)
    : c.g.node('AveragePool', [x.name], p.name, { ...attrs, count_include_pad: cfg.countPad ? 1 : 0 });
  return { name: y, layout: 'first', shape: p.outputShape };
}

function batchNorm(l: Layer, v: Value, c: ExportContext): Value {
  const bn = l as BatchNorm;
  const C = bn.inputShape[bn.inputShape.length - 1];
  const x = c.g.first(v, bn.name);
  const [gamma, beta, mean, variance] = [bn.gamma, bn.beta, bn.movingMean, bn.movingVariance].map((p) => c.g.floats(p.name, [C], values(p)));
  const y = c.g.node('BatchNormalization', [x.name, gamma, beta, mean, variance], bn.name, { epsilon: { float: bn.epsilon }, momentum: { float: bn.momentum } });
  return { ...x, name: y };
}

function flatten(l: Layer, v: Value, c: ExportContext): Value {
  const x = c.g.last(v, l.name);
  return { name: c.g.node('Flatten', [x.name], l.name, { axis: 1 }), layout: 'last', shape: l.outputShape };
}

function dropout(l: Layer, v: Value, c: ExportContext): Value {
  const ratio = c.g.floats(`${l.name}/ratio`, [], Float32Array.of((l as Dropout).rate));
  return { ...v, name: c.g.node('Dropout', [v.name, ratio], l.name) };
}

function maxout(l: Layer, v: Value, c: ExportContext): Value {
  const m = l as Maxout;
  const h = m.children()[0] ? c.layer(m.children()[0], v) : v;
  const x = c.g.last(h, m.name);
  const units = m.outputShape[m.outputShape.length - 1];
  const shape = c.g.ints(`${m.name}/shape`, [0, ...x.shape.slice(0, -1), units, m.pieces]);
  const r = c.g.node('Reshape', [x.name, shape], `${m.name}/groups`);
  const y = c.opset >= 18 ? c.g.node('ReduceMax', [r, c.g.ints(`${m.name}/axes`, [-1])], m.name, { keepdims: 0 })
    : c.g.node('ReduceMax', [r], m.name, { axes: [-1], keepdims: 0 });
  return { name: y, layout: 'last', shape: m.outputShape };
}

function residual(l: Layer, v: Value, c: ExportContext): Value {
  const r = l as Residual;
  let h = v;
  for (const b of r.block) h = c.layer(b, h);
  let s = r.projection ? c.layer(r.projection, v) : v;
  // Both summands in one layout: the block's.
  if (h.layout !== s.layout) s = h.layout === 'first' ? c.g.first(s, r.name) : c.g.last(s, r.name);
  const sum = { ...h, name: c.g.node('Add', [h.name, s.name], r.name) };
  return activationNode(c.g, r.activation, sum, `${r.name}/${r.activation.name}`);
}

function activation(l: Layer, v: Value, c: ExportContext): Value {
  const a = (l as ActivationLayer).activation;
  return a.name === 'linear' ? { ...v, name: c.g.node('Identity', [v.name], l.name) } : activationNode(c.g, a, v, l.name);
}

/** The mapping of every layer kind (test/onnx checks it covers every registered kind). */
export const EXPORTERS: Record<string, LayerExporter> = {
  dense, conv2d, maxPool2d: pool, avgPool2d: pool, batchNorm, flatten, dropout, maxout, residual, activation, leakyRelu: activation,
};
