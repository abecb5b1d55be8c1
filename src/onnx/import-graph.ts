// The importer's view of an ONNX graph: its constants (initializers, Constant nodes), who consumes each tensor, what
// simdnet knows of each tensor (layout, per-sample shape), and the strict readers of attributes and constant inputs
// whose errors name the node and its operator. The operator conversions are in import.ts.
import type { Draft } from './build.js';
import { layerName, outputShapeOf } from './build.js';
import type { Layout } from './graph.js';
import { int, ATTR, type AttributeProto, type NodeProto, type TensorProto } from './proto.js';
import { floatsOf, scalarOf } from './tensors.js';

/** A tensor of the graph as simdnet sees it: layout, per-sample shape (channels last), and a pending flatten order. */
export interface Info { layout: Layout; shape: number[]; perm?: Int32Array }

/** What converting a node gives: a layer draft (none for layout-only nodes) and the tensor it ends at. */
export interface Step { draft?: Draft; out: string }

export type AttrKind = 'int' | 'float' | 'ints' | 'string';

/** The graph's tables and the checked readers every operator conversion uses. */
export class GraphReader {
  readonly consts = new Map<string, TensorProto>();
  readonly consumers = new Map<string, NodeProto[]>();
  readonly info = new Map<string, Info>();
  readonly used = new Set<string>();
  readonly visited = new Set<NodeProto>();

  constructor(readonly nodes: NodeProto[], readonly opset: number) {}

  fail(n: NodeProto, msg: string): never {
    throw new Error(`node ${JSON.stringify(n.name || n.output?.[0] || '?')} (${n.opType}): ${msg}`);
  }

  /** The node's attributes by name, each of its declared kind; any other attribute is refused, naming the supported ones. */
  attrs(n: NodeProto, allowed: Record<string, AttrKind>): Record<string, number | number[] | string | undefined> {
    const out: Record<string, number | number[] | string | undefined> = {};
    for (const a of (n.attribute ?? []) as AttributeProto[]) {
      const kind = allowed[a.name];
      const names = Object.keys(allowed);
      if (!kind) this.fail(n, `attribute ${JSON.stringify(a.name)} is not supported (supported for ${n.opType}: ${names.length ? names.join(', ') : 'none'})`);
      const want = { int: ATTR.INT, float: ATTR.FLOAT, ints: ATTR.INTS, string: ATTR.STRING }[kind];
      if (a.type !== want) this.fail(n, `attribute ${a.name} has type ${a.type}, expected ${kind}`);
      out[a.name] = kind === 'int' ? int(a.i, a.name) : kind === 'float' ? a.f : kind === 'ints' ? (a.ints ?? []).map((v) => int(v, a.name))
        : new TextDecoder().decode(a.s ?? new Uint8Array());
    }
    return out;
  }

  /** Refuses an attribute value other than the supported ones. */
  only(n: NodeProto, name: string, v: unknown, ok: readonly unknown[], what = ok.join(' or ')): void {
    if (v !== undefined && !ok.some((o) => JSON.stringify(o) === JSON.stringify(v))) this.fail(n, `attribute ${name} = ${JSON.stringify(v)} is not supported (supported: ${what})`);
  }

  constant(n: NodeProto, i: number, what: string): TensorProto {
    const name = n.input?.[i];
    const t = name ? this.consts.get(name) : undefined;
    if (!t) this.fail(n, `input ${i + 1} (${what}) must be an initializer or a Constant`);
    return t;
  }

  floats(n: NodeProto, i: number, what: string, dims: readonly number[][]): Float32Array {
    let r;
    try { r = floatsOf(this.constant(n, i, what), `${what} ${JSON.stringify(n.input![i])}`); } catch (e) { this.fail(n, (e as Error).message); }
    if (!dims.some((d) => d.length === r.dims.length && d.every((x, j) => x === r.dims[j]))) {
      this.fail(n, `${what} has shape [${r.dims.join(', ')}], expected ${dims.map((d) => `[${d.join(', ')}]`).join(' or ')}`);
    }
    return r.values;
  }

  consumersOf(t: string): NodeProto[] { return this.consumers.get(t) ?? []; }

  /** The single consumer of t, when there is exactly one and it is one of ops. */
  next(t: string, ops: readonly string[]): NodeProto | undefined {
    const cs = this.consumersOf(t);
    return cs.length === 1 && ops.includes(cs[0].opType) && cs[0].input?.[0] === t ? cs[0] : undefined;
  }

  isJoin(n: NodeProto): boolean {
    return n.opType === 'Add' && n.input?.length === 2 && n.input.every((i) => !this.consts.has(i));
  }

  in(n: NodeProto, t: string): Info {
    const info = this.info.get(t);
    if (!info) this.fail(n, `input ${JSON.stringify(t)} is not computed from the graph input`);
    return info;
  }

  /** A draft for node n and its output's info (shapes by simdnet's own layer). */
  make(n: NodeProto, kind: string, config: Record<string, unknown>, weights: Float32Array[], x: Info, layout: Layout): { draft: Draft; info: Info } {
    const spec = { kind, config: { name: layerName(n.name, kind, this.used), ...config } };
    let shape: number[];
    try { shape = outputShapeOf(spec, x.shape); } catch (e) { this.fail(n, (e as Error).message); }
    return { draft: { spec, weights }, info: { layout, shape } };
  }

  /** A one-value constant input (a ratio, a flag). */
  scalar(n: NodeProto, i: number, what: string): number {
    try { return scalarOf(this.constant(n, i, what), what); } catch (e) { this.fail(n, (e as Error).message); }
  }
}
