// fromOnnx: an ONNX graph of the operators toOnnx writes (and the same operators from other producers: PyTorch's NCHW
// graphs included) back into a simdnet Model that trains further. The graph is walked from its input as a chain of
// layers; a tensor feeding two nodes that meet again at one Add is a residual block. Transposes between channels
// last and channels first only change the recorded layout; a flatten of a channels-first tensor is absorbed by
// permuting the rows of the next Gemm/MatMul. Anything else is refused naming the node, its operator and what is
// supported.
import type { Activation } from '../layers/activation-fn.js';
import { modelOf, type Draft } from './build.js';
import { toFirst, toLast, type Layout } from './graph.js';
import { decodeModel, int, type AttributeProto, type NodeProto, type TensorProto } from './proto.js';
import { intsOf } from './tensors.js';
import { GraphReader, type Info, type Step } from './import-graph.js';
import { channelsFirstOrder, oihwToHwio, rowsPermuted, transposed } from './layouts.js';
import type { Model } from '../train/model.js';

/** The operators fromOnnx reads (and toOnnx writes). */
export const ONNX_IMPORT_OPS = ['Gemm', 'MatMul', 'Add', 'Conv', 'MaxPool', 'AveragePool', 'BatchNormalization', 'Flatten', 'Dropout',
  'Reshape + ReduceMax (maxout)', 'Relu', 'LeakyRelu', 'Elu', 'Sigmoid', 'Tanh', 'Softplus', 'Softmax', 'Transpose', 'Identity', 'Constant'];

const ACTIVATION_OPS = ['Relu', 'LeakyRelu', 'Elu', 'Sigmoid', 'Tanh', 'Softplus', 'Softmax'];

/** The operator conversions: each node of the chain from the graph input to a layer draft (or a layout change). */
class Reader extends GraphReader {
  /** The activation node n computes on a tensor of `x`, or undefined when n is no activation. */
  activation(n: NodeProto, x: Info): Activation | undefined {
    if (!ACTIVATION_OPS.includes(n.opType)) return undefined;
    const a = this.attrs(n, n.opType === 'Softmax' ? { axis: 'int' } : n.opType === 'LeakyRelu' || n.opType === 'Elu' ? { alpha: 'float' } : {});
    switch (n.opType) {
      case 'Relu': return { name: 'relu', alpha: 0 };
      case 'Sigmoid': return { name: 'sigmoid', alpha: 0 };
      case 'Tanh': return { name: 'tanh', alpha: 0 };
      case 'Softplus': return { name: 'softplus', alpha: 0 };
      case 'LeakyRelu': return { name: 'leakyRelu', alpha: (a.alpha as number | undefined) ?? 0.01 };
      case 'Elu': return { name: 'elu', alpha: (a.alpha as number | undefined) ?? 1 };
    }
    const k = x.shape.length + 1, axis = (a.axis as number | undefined) ?? (this.opset >= 13 ? -1 : 1);
    const channel = x.layout === 'first' && k > 2 ? 1 : k - 1;
    if ((axis + k) % k !== channel || (this.opset < 13 && k > 2)) this.fail(n, `softmax over axis ${axis} of a rank-${k} tensor is not supported (simdnet's softmax runs over the channel axis, ${channel})`);
    return { name: 'softmax', alpha: 0 };
  }

  /** Folds an activation node that follows a dense, conv2d or residual layer (and is named as part of it) into it. */
  fold(step: { draft: Draft; info: Info }, out: string): Step {
    const n = this.next(out, ACTIVATION_OPS);
    const cfg = step.draft.spec.config as { activation?: Activation | 'linear' };
    this.info.set(out, step.info);
    if (!n || cfg.activation !== 'linear' || (n.name && !n.name.includes('/'))) return { draft: step.draft, out };
    cfg.activation = this.activation(n, step.info);
    this.visited.add(n);
    this.info.set(n.output![0], step.info);
    return { draft: step.draft, out: n.output![0] };
  }

  /** A bias Add right after a layer made without one (of shape `dims`: [units] after a matrix product, [M, 1, 1] after Conv). */
  bias(out: string, dims: readonly number[][]): { values: Float32Array; out: string } | undefined {
    const add = this.next(out, ['Add']);
    if (!add || add.input?.length !== 2 || !this.consts.has(add.input[1])) return undefined;
    const values = this.floats(add, 1, 'bias', dims);
    this.visited.add(add);
    return { values, out: add.output![0] };
  }

  /** Converts one node whose data input is t; layout-only nodes make no draft. */
  convert(n: NodeProto, t: string): Step {
    this.visited.add(n);
    if ((n.domain ?? '') !== '' && n.domain !== 'ai.onnx') this.fail(n, `operator domain ${JSON.stringify(n.domain)} is not supported (ai.onnx only)`);
    if (n.input?.[0] !== t) this.fail(n, `its data input must be its first input`);
    const x = this.in(n, t), out = n.output?.[0];
    if (!out) this.fail(n, 'it has no output');
    const k = x.shape.length;
    const keep = (info: Info = x): Step => { this.info.set(out, info); return { out }; };
    if (x.perm && !['Gemm', 'MatMul', 'Dropout', 'Identity', 'Relu', 'LeakyRelu', 'Elu', 'Sigmoid', 'Tanh', 'Softplus'].includes(n.opType)) {
      this.fail(n, 'its input is a flattened channels-first tensor, whose element order simdnet only absorbs into the next Gemm or MatMul (or through elementwise activations and Dropout)');
    }
    switch (n.opType) {
      case 'Identity': this.attrs(n, {}); return keep();
      case 'Transpose': {
        const perm = this.attrs(n, { perm: 'ints' }).perm as number[] | undefined;
        if (k < 2) { this.only(n, 'perm', perm, [[0, 1]]); return keep(); }
        const want = x.layout === 'last' ? toFirst(k) : toLast(k);
        this.only(n, 'perm', perm, [want], `[${want.join(', ')}] (channels ${x.layout === 'last' ? 'last to first' : 'first to last'}; other transposes have no simdnet layer)`);
        return keep({ ...x, layout: x.layout === 'last' ? 'first' : 'last' });
      }
      case 'Gemm': case 'MatMul': return this.dense(n, x, out);
      case 'Conv': return this.conv(n, x, out);
      case 'MaxPool': case 'AveragePool': return this.pool(n, x, out);
      case 'BatchNormalization': return this.batchNorm(n, x, out);
      case 'Flatten': {
        this.only(n, 'axis', this.attrs(n, { axis: 'int' }).axis, [1]);
        const s = this.make(n, 'flatten', {}, [], x, 'last');
        if (x.layout === 'first' && k > 1) s.info.perm = channelsFirstOrder(x.shape);
        this.info.set(out, s.info);
        return { draft: s.draft, out };
      }
      case 'Dropout': {
        const a = this.attrs(n, this.opset < 12 ? { ratio: 'float', seed: 'float' } : { seed: 'int' });
        const ratio = this.opset < 12 ? (a.ratio as number | undefined) ?? 0.5 : n.input!.length > 1 && n.input![1] ? this.scalar(n, 1, 'ratio') : 0.5;
        if (n.input!.length > 2 && n.input![2] && this.scalar(n, 2, 'training_mode') !== 0) this.fail(n, 'training_mode must be false (inference graphs only)');
        if (n.output!.length > 1 && n.output![1] && this.consumersOf(n.output![1]).length) this.fail(n, 'its mask output is used; only the data output is supported');
        const s = this.make(n, 'dropout', { rate: ratio }, [], x, x.layout);
        this.info.set(out, { ...s.info, perm: x.perm });
        return { draft: s.draft, out };
      }
      case 'Reshape': return this.maxout(n, x, out);
      case 'Add': this.fail(n, 'an Add of a constant is supported only as the bias right after Gemm, MatMul or Conv; an Add of two tensors only as the end of a residual block (a tensor feeding two branches)');
    }
    const act = this.activation(n, x);
    if (!act) this.fail(n, `operator ${n.opType} is not supported (supported: ${ONNX_IMPORT_OPS.join(', ')})`);
    const s = act.name === 'leakyRelu' ? this.make(n, 'leakyRelu', { alpha: act.alpha }, [], x, x.layout) : this.make(n, 'activation', { activation: act }, [], x, x.layout);
    this.info.set(out, { ...s.info, perm: x.perm });
    return { draft: s.draft, out };
  }

  dense(n: NodeProto, x: Info, out: string): Step {
    let transB = 0;
    if (n.opType === 'Gemm') {
      const a = this.attrs(n, { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' });
      this.only(n, 'alpha', a.alpha, [1]); this.only(n, 'beta', a.beta, [1]); this.only(n, 'transA', a.transA, [0]);
      this.only(n, 'transB', a.transB, [0, 1]);
      transB = (a.transB as number | undefined) ?? 0;
      if (x.shape.length !== 1) this.fail(n, `Gemm takes [N, K]; its input has samples of shape [${x.shape.join(', ')}]`);
    } else this.attrs(n, {});
    if (x.layout === 'first' && x.shape.length > 1) this.fail(n, 'a matrix product over a channels-first tensor contracts its last spatial axis, which no simdnet layer does');
    const K = x.shape[x.shape.length - 1];
    const B = this.constant(n, 1, 'weights');
    const units = int((B.dims ?? [])[transB ? 0 : 1], 'units');
    let w = this.floats(n, 1, 'weights', [transB ? [units, K] : [K, units]]);
    if (transB) w = transposed(w, units, K);
    if (x.perm) w = rowsPermuted(w, x.perm, units);
    let b: Float32Array | undefined;
    if (n.opType === 'Gemm' && n.input!.length > 2 && n.input![2]) b = this.floats(n, 2, 'bias', [[units], [1, units]]);
    let end = out;
    if (!b) {
      const info = { layout: 'last' as Layout, shape: [...x.shape.slice(0, -1), units] };
      this.info.set(out, info);
      const found = this.bias(out, [[units], [1, units]]);
      if (found) ({ values: b, out: end } = found);
    }
    const s = this.make(n, 'dense', { units, useBias: !!b, activation: 'linear' }, b ? [w, b] : [w], { ...x, perm: undefined }, 'last');
    return this.fold(s, end);
  }

  /** [top, bottom, left, right] from ONNX pads or auto_pad; 'same' and 'valid' when they are those. */
  padding(n: NodeProto, a: Record<string, unknown>): 'same' | 'valid' | number[] {
    const auto = a.auto_pad as string | undefined;
    this.only(n, 'auto_pad', auto, ['NOTSET', 'VALID', 'SAME_UPPER']);
    if (auto === 'SAME_UPPER') { if (a.pads) this.fail(n, 'pads and auto_pad SAME_UPPER together'); return 'same'; }
    const p = (a.pads as number[] | undefined) ?? [0, 0, 0, 0];
    if (p.length !== 4 || p.some((v) => v < 0)) this.fail(n, `pads ${JSON.stringify(p)} must be 4 non-negative integers [top, left, bottom, right]`);
    return p.every((v) => v === 0) ? 'valid' : [p[0], p[2], p[1], p[3]];
  }

  image(n: NodeProto, x: Info): void {
    if (x.shape.length !== 3) this.fail(n, `takes images [N, C, H, W]; its input has samples of shape [${x.shape.join(', ')}]`);
    if (x.layout !== 'first') this.fail(n, 'its input is channels last; ONNX convolution and pooling take channels first (a Transpose with perm [0, 3, 1, 2] before it is missing)');
  }

  conv(n: NodeProto, x: Info, out: string): Step {
    const a = this.attrs(n, { kernel_shape: 'ints', strides: 'ints', dilations: 'ints', pads: 'ints', group: 'int', auto_pad: 'string' });
    this.only(n, 'group', a.group, [1], '1 (grouped and depthwise convolutions have no simdnet layer)');
    this.image(n, x);
    const C = x.shape[2];
    const W = this.constant(n, 1, 'weights');
    const dims = (W.dims ?? []).map((d) => int(d, 'weights dims'));
    if (dims.length !== 4) this.fail(n, `weights must be 4-D [M, C, kh, kw], got [${dims.join(', ')}]`);
    const [M, , kh, kw] = dims;
    const w = oihwToHwio(this.floats(n, 1, 'weights', [[M, C, kh, kw]]), [M, C, kh, kw]);
    this.only(n, 'kernel_shape', a.kernel_shape, [[kh, kw]], `[${kh}, ${kw}] (the weights' shape)`);
    let b = n.input!.length > 2 && n.input![2] ? this.floats(n, 2, 'bias', [[M]]) : undefined;
    const config = { filters: M, kernelSize: [kh, kw], strides: pairAttr(a.strides), dilation: pairAttr(a.dilations), padding: this.padding(n, a), activation: 'linear' };
    let end = out;
    if (!b) {
      this.info.set(out, { layout: 'first', shape: x.shape });
      const found = this.bias(out, [[M, 1, 1], [1, M, 1, 1]]);
      if (found) ({ values: b, out: end } = found);
    }
    const s = this.make(n, 'conv2d', { ...config, useBias: !!b }, b ? [w, b] : [w], x, 'first');
    return this.fold(s, end);
  }

  pool(n: NodeProto, x: Info, out: string): Step {
    const max = n.opType === 'MaxPool';
    const a = this.attrs(n, { kernel_shape: 'ints', strides: 'ints', pads: 'ints', auto_pad: 'string', ceil_mode: 'int',
      ...(max ? { storage_order: 'int', dilations: 'ints' } : { count_include_pad: 'int' }) });
    this.image(n, x);
    this.only(n, 'ceil_mode', a.ceil_mode, [0]);
    this.only(n, 'storage_order', a.storage_order, [0]);
    this.only(n, 'dilations', a.dilations, [[1, 1]]);
    const ks = a.kernel_shape as number[] | undefined;
    if (!ks || ks.length !== 2) this.fail(n, 'kernel_shape must be given as [kh, kw]');
    const config = { poolSize: [ks[0], ks[1]], strides: pairAttr(a.strides), padding: this.padding(n, a), ...(max ? {} : { countPad: a.count_include_pad === 1 }) };
    const s = this.make(n, max ? 'maxPool2d' : 'avgPool2d', config, [], x, 'first');
    this.info.set(out, s.info);
    return { draft: s.draft, out };
  }

  batchNorm(n: NodeProto, x: Info, out: string): Step {
    const a = this.attrs(n, { epsilon: 'float', momentum: 'float', spatial: 'int', training_mode: 'int' });
    this.only(n, 'spatial', a.spatial, [1]);
    this.only(n, 'training_mode', a.training_mode, [0], '0 (inference graphs only)');
    if (n.output!.length > 1) this.fail(n, 'only the inference form (one output) is supported');
    if (x.layout !== 'first' && x.shape.length > 1) this.fail(n, 'its input is channels last; BatchNormalization normalizes axis 1 (channels first)');
    const C = x.shape[x.shape.length - 1];
    const w = ['scale', 'bias', 'mean', 'variance'].map((what, i) => this.floats(n, i + 1, what, [[C]]));
    const s = this.make(n, 'batchNorm', { epsilon: (a.epsilon as number | undefined) ?? 1e-5, momentum: (a.momentum as number | undefined) ?? 0.9 }, w, x, x.layout);
    this.info.set(out, s.info);
    return { draft: s.draft, out };
  }

  /** Reshape [..., C·k] → [..., C, k] then ReduceMax over the last axis without keepdims: maxout of k pieces. */
  maxout(n: NodeProto, x: Info, out: string): Step {
    this.only(n, 'allowzero', this.attrs(n, { allowzero: 'int' }).allowzero, [0]);
    if (x.layout === 'first' && x.shape.length > 1) this.fail(n, 'a reshape of a channels-first tensor has no simdnet layer');
    let shape: number[];
    try { shape = intsOf(this.constant(n, 1, 'shape'), 'shape'); } catch (e) { this.fail(n, (e as Error).message); }
    const r = this.next(out, ['ReduceMax']);
    const last = x.shape[x.shape.length - 1];
    const [C, pieces] = shape.slice(-2);
    const lead = shape.slice(1, -2);
    if (!r || shape.length !== x.shape.length + 2 || ![0, -1].includes(shape[0]) || lead.some((d, i) => d !== x.shape[i]) || C * pieces !== last || pieces < 1) {
      this.fail(n, 'Reshape is supported only as the first half of a maxout: [N, …, C·k] → [N, …, C, k] followed by ReduceMax over the last axis (keepdims 0)');
    }
    this.visited.add(r);
    const a = this.attrs(r, this.opset >= 18 ? { keepdims: 'int', noop_with_empty_axes: 'int' } : { keepdims: 'int', axes: 'ints' });
    let axes = a.axes as number[] | undefined;
    if (this.opset >= 18) { try { axes = intsOf(this.constant(r, 1, 'axes'), 'axes'); } catch (e) { this.fail(r, (e as Error).message); } }
    const k = shape.length;
    if (a.keepdims !== 0 || !axes || axes.length !== 1 || (axes[0] + k) % k !== k - 1) this.fail(r, 'maxout needs ReduceMax over the last axis with keepdims 0');
    const s = this.make(n, 'maxout', { pieces }, [], x, 'last');
    this.info.set(r.output![0], s.info);
    return { draft: s.draft, out: r.output![0] };
  }

  /** Converts nodes from tensor t on while they form a chain: to the end, or to the Add that joins a residual block. */
  chain(t: string): { drafts: Draft[]; end: string; join?: NodeProto } {
    const drafts: Draft[] = [];
    for (;;) {
      const cs = this.consumersOf(t);
      if (cs.length === 0) return { drafts, end: t };
      if (cs.length === 1 && this.isJoin(cs[0])) return { drafts, end: t, join: cs[0] };
      if (cs.length > 2) this.fail(cs[0], `its input ${JSON.stringify(t)} feeds ${cs.length} nodes; simdnet models are chains with residual blocks (one tensor feeding two branches that one Add joins)`);
      const step = cs.length === 1 ? this.convert(cs[0], t) : this.residual(t, cs);
      if (step.draft) drafts.push(step.draft);
      t = step.out;
    }
  }

  /** A residual block: t feeds two branches joined by one Add; one branch is the identity or a projection. */
  residual(t: string, cs: NodeProto[]): Step {
    const x = this.info.get(t)!;
    const branches = cs.map((n) => {
      if (this.isJoin(n)) return { drafts: [] as Draft[], end: t, join: n as NodeProto | undefined };
      const first = this.convert(n, t);
      const rest = this.chain(first.out);
      return { ...rest, drafts: first.draft ? [first.draft, ...rest.drafts] : rest.drafts };
    });
    const add = branches[0].join;
    if (!add || branches[1].join !== add) this.fail(cs[0], `the two branches from ${JSON.stringify(t)} do not meet at one Add (a residual block)`);
    this.visited.add(add);
    this.attrs(add, {});
    // The shortcut: an empty branch (identity), else the branch Add takes second when it is one projection layer.
    let [block, shortcut] = branches[0].end === add.input![0] ? branches : [branches[1], branches[0]];
    if (block.drafts.length === 0) [block, shortcut] = [shortcut, block];
    const hi = this.in(add, add.input![0]), si = this.in(add, add.input![1]);
    if (hi.shape.join() !== si.shape.join() || (hi.layout !== si.layout && hi.shape.length > 1)) {
      this.fail(add, `its inputs differ: [${hi.shape.join(', ')}] ${hi.layout} and [${si.shape.join(', ')}] ${si.layout}`);
    }
    if (block.drafts.length === 0) this.fail(add, 'both summands are the block input; a residual block needs layers on one branch');
    const sc = shortcut.drafts;
    const projection = sc.length === 1 ? sc[0] : undefined;
    const pc = projection?.spec.config as { useBias?: boolean; activation?: Activation | string; kernelSize?: number[]; dilation?: unknown; padding?: unknown } | undefined;
    if (sc.length > 1 || (projection && (!['dense', 'conv2d'].includes(projection.spec.kind) || pc!.useBias || (pc!.activation !== 'linear' && (pc!.activation as Activation)?.name !== 'linear')
      || (projection.spec.kind === 'conv2d' && (pc!.kernelSize!.join() !== '1,1' || pc!.padding !== 'valid' || JSON.stringify(pc!.dilation) !== '[1,1]'))))) {
      this.fail(add, 'a residual shortcut must be the identity or one projection: a 1×1 convolution or a matrix product, without bias or activation');
    }
    const s = this.make(add, 'residual', { layers: block.drafts.map((d) => d.spec), shortcut: projection ? 'projection' : 'identity', activation: 'linear' },
      [...block.drafts.flatMap((d) => d.weights), ...(projection?.weights ?? [])], x, hi.layout);
    if (projection) {
      // simdnet makes the projection itself (1×1, stride ⌈in/out⌉): it must be the one the graph holds.
      const want = x.shape.length === 3 ? [Math.ceil(x.shape[0] / s.info.shape[0]), Math.ceil(x.shape[1] / s.info.shape[1])].join() : '';
      if (want && JSON.stringify(pc && (projection.spec.config as { strides?: unknown }).strides) !== `[${want}]`) {
        this.fail(add, `the projection's strides must be [${want}] (⌈input / output⌉, as simdnet's residual makes it)`);
      }
    }
    return this.fold(s, add.output![0]);
  }
}

function pairAttr(v: unknown): [number, number] {
  const p = (v as number[] | undefined) ?? [1, 1];
  if (p.length !== 2) throw new RangeError(`expected 2 values, got [${p.join(', ')}]`);
  return [p[0], p[1]];
}


/** Whether the rank-4 graph input is channels first: its first layout-sensitive consumer wants channels at axis 1. */
function inputIsChannelsFirst(r: Reader, input: string): boolean {
  let t = input;
  for (let i = 0; i < 64; i++) {
    const cs = r.consumersOf(t);
    if (cs.length !== 1) return false;
    const op = cs[0].opType;
    if (['Conv', 'MaxPool', 'AveragePool', 'BatchNormalization'].includes(op)) return true;
    if (!['Identity', 'Dropout', 'Relu', 'LeakyRelu', 'Elu', 'Sigmoid', 'Tanh', 'Softplus'].includes(op)) return false;
    t = cs[0].output?.[0] ?? '';
  }
  return false;
}

/**
 * A simdnet Model from the bytes of an ONNX file of the operators toOnnx writes (ONNX_IMPORT_OPS), ready to compile
 * and train. It takes images channels last ([N, H, W, C]) even when the graph takes them channels first. An
 * unsupported operator or attribute is refused naming the node, the operator and what is supported; a truncated or
 * corrupted file is refused whole. The model is not compiled: call compile() before fit().
 */
export function fromOnnx(bytes: Uint8Array): Model {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`fromOnnx: expected the file's bytes as a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
  try {
    return read(bytes);
  } catch (e) {
    throw new Error(`fromOnnx: cannot import the ONNX model: ${(e as Error).message}`, { cause: e });
  }
}

function read(bytes: Uint8Array): Model {
  const m = decodeModel(bytes);
  const g = m.graph;
  if (!g) throw new Error('the file holds no graph');
  const imports = (m.opsetImport ?? []).filter((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  if (imports.length !== 1) throw new Error('the model must import the default (ai.onnx) opset once');
  const opset = int(imports[0].version, 'opset version');
  if (opset < 9 || opset > 21) throw new RangeError(`opset ${opset} is not supported (9 to 21)`);
  const r = new Reader((g.node ?? []) as NodeProto[], opset);
  for (const t of (g.initializer ?? []) as TensorProto[]) r.consts.set(t.name ?? '', t);
  for (const n of r.nodes) {
    if (n.opType === 'Constant') {
      const a = (n.attribute ?? []) as AttributeProto[];
      if (a.length !== 1 || a[0].name !== 'value' || !a[0].t) r.fail(n, 'only a Constant with a tensor value is supported');
      r.consts.set(n.output?.[0] ?? '', a[0].t as TensorProto);
      r.visited.add(n);
      continue;
    }
    for (const i of n.input ?? []) if (i && !r.consts.has(i)) r.consumers.set(i, [...r.consumersOf(i), n]);
  }
  const inputs = (g.input ?? []).filter((v) => !r.consts.has(v.name ?? ''));
  if (inputs.length !== 1) throw new Error(`the graph has ${inputs.length} inputs (not initializers); simdnet models take one`);
  if ((g.output ?? []).length !== 1) throw new Error(`the graph has ${(g.output ?? []).length} outputs; simdnet models give one`);
  const input = inputs[0], tt = input.type?.tensorType;
  if (!tt || tt.elemType !== 1) throw new Error(`the input ${JSON.stringify(input.name)} must be a float32 tensor`);
  const dims = (tt.shape?.dim ?? []).map((d, i) => (i === 0 ? 0 : int(d.dimValue, `input dim ${i}`)));
  if (dims.length < 2 || dims.slice(1).some((d) => d < 1)) throw new Error(`the input ${JSON.stringify(input.name)} must have a batch axis and fixed sample dimensions, got [${(tt.shape?.dim ?? []).map((d) => d.dimParam || String(d.dimValue)).join(', ')}]`);
  const name = input.name ?? '';
  const first = dims.length === 4 && inputIsChannelsFirst(r, name);
  const shape = first ? [dims[2], dims[3], dims[1]] : dims.slice(1);
  r.info.set(name, { layout: first ? 'first' : 'last', shape });
  const { drafts, end, join } = r.chain(name);
  if (join) r.fail(join, 'an Add of two tensors that is not the end of a residual block');
  const outName = g.output![0].name;
  if (end !== outName) throw new Error(`the chain from the input ends at ${JSON.stringify(end)}, not at the graph output ${JSON.stringify(outName)}`);
  if (r.info.get(end)?.perm) throw new Error('the graph output is a flattened channels-first tensor, whose element order differs from simdnet\'s');
  const left = r.nodes.find((n) => !r.visited.has(n));
  if (left) r.fail(left, 'it is not on the path from the graph input to its output');
  // A graph that computes the identity (Identity, Transposes there and back) is one linear activation layer.
  if (drafts.length === 0) drafts.push({ spec: { kind: 'activation', config: { name: 'identity', activation: 'linear' } }, weights: [] });
  return modelOf(drafts, shape, g.name || 'model');
}
