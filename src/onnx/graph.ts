// The exporter's graph under construction: nodes, initializers and unique names, and the values flowing between
// layers with their layout. simdnet keeps channels last (NHWC); ONNX's Conv, pooling and BatchNormalization want the
// channel axis at 1 (NCHW), so each value records which it is and Transpose nodes are added only where a layer needs
// the other one.
import { attribute, floatTensor, int64Tensor, onnx, type AttrValue, type NodeProto, type TensorProto } from './proto.js';

/** 'last': channels last as simdnet holds it ([N, H, W, C]); 'first': the channel axis moved to 1 ([N, C, H, W]). */
export type Layout = 'last' | 'first';

/** A tensor of the graph: its name, its layout, and the per-sample shape in simdnet's (channels-last) order. */
export interface Value { name: string; layout: Layout; shape: readonly number[] }

/** perm moving the last axis of a rank-(k+1) tensor to axis 1, and its inverse. */
export const toFirst = (k: number): number[] => [0, k, ...Array.from({ length: k - 1 }, (_, i) => i + 1)];
export const toLast = (k: number): number[] => [0, ...Array.from({ length: k - 1 }, (_, i) => i + 2), 1];

export class Graph {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();

  /** A tensor or node name not used yet: `base`, else `base_2`, `base_3`, … */
  unique(base: string): string {
    let n = base, i = 1;
    while (this.names.has(n)) n = `${base}_${++i}`;
    this.names.add(n);
    return n;
  }

  /** Adds a node; returns its output's name. */
  node(op: string, inputs: readonly string[], name: string, attrs: Record<string, AttrValue | undefined> = {}): string {
    const nodeName = this.unique(name);
    const out = this.unique(`${nodeName}:0`);
    const attribute_ = Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => attribute(k, v!));
    this.nodes.push(onnx.NodeProto.create({ opType: op, input: [...inputs], output: [out], name: nodeName, attribute: attribute_ }));
    return out;
  }

  floats(name: string, dims: readonly number[], values: Float32Array): string {
    const n = this.unique(name);
    this.initializers.push(floatTensor(n, dims, values));
    return n;
  }

  ints(name: string, values: readonly number[]): string {
    const n = this.unique(name);
    this.initializers.push(int64Tensor(n, values));
    return n;
  }

  /** v with channels last (a Transpose when it is channels first and has more than one axis per sample). */
  last(v: Value, owner: string): Value {
    if (v.layout === 'last' || v.shape.length < 2) return { ...v, layout: 'last' };
    return { ...v, layout: 'last', name: this.node('Transpose', [v.name], `${owner}/to_channels_last`, { perm: toLast(v.shape.length) }) };
  }

  /** v with channels at axis 1. */
  first(v: Value, owner: string): Value {
    if (v.layout === 'first' || v.shape.length < 2) return { ...v, layout: 'first' };
    return { ...v, layout: 'first', name: this.node('Transpose', [v.name], `${owner}/to_channels_first`, { perm: toFirst(v.shape.length) }) };
  }
}
