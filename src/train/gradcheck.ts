// gradCheck: central finite differences against backpropagation for a layer, a loss or a whole model. The scalar
// checked is L = Σ r·y with a fixed random r (layers) or the loss itself, summed in float64 on the host; indices
// are sampled for big tensors, and points where a kink lies inside ±h (ReLU at 0, max ties) are skipped and counted.
import * as kern from '../backend/kernels/index.js';
import { backend } from '../backend/module.js';
import { empty, sizeOf, Tensor } from '../ops/tensor.js';
import { Layer, type Param } from '../layers/layer.js';
import { Model } from './model.js';
import type { Loss } from '../nets/losses.js';
import { regularizerFactors } from '../nets/regularizers.js';
import { nearest as nearestName } from '../ops/options.js';

/** Options of gradCheck(): the step, the tolerance and how many indices to sample. */
export interface GradCheckOptions {
  /**
   * Relative step: h = epsilon·max(rms of the tensor, 1). Default 5e-3 (near float32's cube-root optimum) for layers and
   * losses, 1e-3 for whole models, whose many ReLU and max-pool kinks a smaller step crosses less often.
   */
  epsilon?: number;
  /** Largest relative error that passes (default 1e-2). */
  threshold?: number;
  /** Indices checked per tensor; smaller tensors are checked whole (default 64). */
  maxChecksPerTensor?: number;
  /** Seeds the projection r and the sampled indices (default 1). */
  seed?: number;
  /** Check the input gradient too (default true for layers and models). */
  checkInput?: boolean;
  /**
   * Check only these parameters of a model or layer: full names ('dense_2/kernel') or layer names ('dense_2': all its
   * parameters). Each must match; the input is checked only when 'input' is listed. Default: every parameter.
   */
  only?: readonly string[];
  /** Run layers in training mode (default true: batch statistics, fixed dropout masks). */
  training?: boolean;
  /** Losses only: treat yPred as the logits of a fused softmax (default: for sparse and weighted cross-entropy). */
  logits?: boolean;
}

/** One checked tensor: its worst relative error, where it is, and the points skipped at kinks. */
export interface GradCheckEntry {
  /** The parameter (`dense_1/kernel`) or `input` / `yPred`. */
  name: string;
  /** Worst |analytic − numeric| / max(|analytic| + |numeric|, floor) over the checked indices. */
  maxRelError: number;
  /** Flat index of the worst element, with both values there. */
  index: number;
  analytic: number;
  numeric: number;
  checked: number;
  /** Indices skipped because a kink lay within ±h. */
  skipped: number;
  passed: boolean;
}

/** What gradCheck() returns: pass or fail, the worst entry, every tensor's entry and a printable report. */
export interface GradCheckResult {
  passed: boolean;
  /** The worst entry. */
  worst: GradCheckEntry | undefined;
  checks: GradCheckEntry[];
  /** One line per tensor, for printing. */
  report: string;
}

export type GradCheckInputs = { x: Tensor; y?: Tensor } | { yTrue: Tensor; yPred: Tensor };

// A small deterministic generator for the projection and the sampling (host-side, not for training).
function lcg(seed: number): () => number {
  let s = (seed >>> 0) || 1;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

interface Target {
  /** The scalar L at the current values (float64). */
  value(): number;
  /** √Σ terms² of L at the current values: float32 rounding moves L by a few ulps of this. */
  scale(): number;
  /** Runs backward at the current values; returns analytic gradients per checked tensor. */
  gradients(): Map<Tensor, Float32Array>;
  tensors: { name: string; t: Tensor }[];
  dispose(): void;
}

const f32 = () => backend().arena.f32;

/** The spacing of float32 values at |x| (x normal). */
function ulp32(x: number): number {
  const e = Math.floor(Math.log2(Math.abs(x)));
  return 2 ** (Math.max(e, -126) - 23);
}

// Σ r·a, or with rms the root of Σ (r·a)²: independent float32 roundings of the terms add up like a random walk.
function dot64(a: Tensor, count: number, r: Float64Array, rms = false): number {
  const v = f32(), o = a.ptr >>> 2;
  let s = 0;
  for (let i = 0; i < count; i++) { const t = r[i] * v[o + i]; s += rms ? t * t : t; }
  return rms ? Math.sqrt(s) : s;
}

function sum64(a: Tensor, count: number, rms = false): number {
  const v = f32(), o = a.ptr >>> 2;
  let s = 0;
  for (let i = 0; i < count; i++) s += rms ? v[o + i] * v[o + i] : v[o + i];
  return rms ? Math.sqrt(s) : s;
}

function layerTarget(layer: Layer, x: Tensor, o: GradCheckOptions, rand: () => number): Target {
  const n = x.shape[0];
  if (layer.batch === 0 && layer.params.length === 0 && layer.outputShape.length === 0) {
    layer.build(x.shape.slice(1), { seed: 1, stream: (() => { let s = 1; return () => s++; })() });
    layer.params.forEach((p, i) => p.initializer.fill(p.value, p.fanIn, p.fanOut, o.seed ?? 1, 500 + i));
  }
  const want = [n, ...layer.inputShape];
  if (x.rank !== want.length || x.shape.some((d, i) => d !== want[i])) {
    throw new RangeError(`gradCheck: x is [${x.shape.join(', ')}], layer "${layer.name}" takes [${want.join(', ')}]`);
  }
  layer.plan(n, true);
  layer.noiseFrozen = false;
  const training = o.training ?? true;
  const outCount = n * sizeOf(layer.outputShape);
  const r = Float64Array.from({ length: outCount }, () => rand() * 2 - 1);
  const dy = empty([n, ...layer.outputShape], 'float32', 'gradCheck.dy');
  f32().set(Float32Array.from(r), dy.ptr >>> 2);
  // Draw the noise (dropout masks) once, then keep it fixed for every evaluation.
  layer.forward(x, n, training);
  layer.noiseFrozen = true;
  const tensors = [...layer.params.filter((p) => p.trainable).map((p) => ({ name: p.name, t: p.value }))];
  if (o.checkInput ?? true) tensors.push({ name: 'input', t: x });
  return {
    tensors,
    value: () => dot64(layer.forward(x, n, training), outCount, r),
    scale: () => dot64(layer.forward(x, n, training), outCount, r, true),
    gradients: () => {
      for (const p of layer.params) if (p.grad) kern.fill(p.grad.ptr, 0, p.grad.size);
      layer.forward(x, n, training);
      const dx = layer.backward(dy, n);
      const m = new Map<Tensor, Float32Array>();
      for (const p of layer.params) if (p.grad) m.set(p.value, p.grad.toFloat32Array());
      if (dx) m.set(x, f32().slice(dx.ptr >>> 2, (dx.ptr >>> 2) + x.size));
      return m;
    },
    dispose: () => { layer.noiseFrozen = false; dy.dispose(); layer.release(); },
  };
}

function lossTarget(loss: Loss, yTrue: Tensor, yPred: Tensor, o: GradCheckOptions): Target {
  const cols = yPred.shape[yPred.rank - 1], rows = yPred.size / cols;
  const lossBuf = empty([rows], 'float32', 'gradCheck.loss'), d = empty(yPred.shape, 'float32', 'gradCheck.dPred');
  const scratch = empty([cols], 'float32', 'gradCheck.scratch');
  // Losses that must follow a softmax (sparse, weighted) take logits; others take yPred unless asked.
  const asLogits = o.logits ?? (!!loss.fusesSoftmax && loss.name !== 'crossEntropy' && loss.name !== 'clipped');
  const logits = asLogits ? yPred : undefined;
  const run = (grad: boolean) => loss.compute(yTrue, yPred, rows, cols, lossBuf, grad ? d : null, 1, { logits, scratch });
  return {
    tensors: [{ name: 'yPred', t: yPred }],
    value: () => { run(false); return sum64(lossBuf, rows); },
    scale: () => { run(false); return sum64(lossBuf, rows, true); },
    gradients: () => { run(true); return new Map([[yPred, d.toFloat32Array()]]); },
    dispose: () => { lossBuf.dispose(); d.dispose(); scratch.dispose(); },
  };
}

function modelTarget(model: Model, x: Tensor, y: Tensor, o: GradCheckOptions): Target {
  const loss = model.loss;
  if (!loss) throw new Error('gradCheck: compile the model first (the loss defines the scalar checked)');
  const n = model.checkData('gradCheck', x, y, loss);
  model.plan(n);
  model.layers[0].plan(n, true); // the first layer's input gradient too
  const training = o.training ?? true;
  const cols = model.outputShape[model.outputShape.length - 1], rows = (n * sizeOf(model.outputShape)) / cols;
  const params = model.params().filter((p) => p.trainable);
  const tensors = params.map((p) => ({ name: p.name, t: p.value }));
  if (o.checkInput ?? true) tensors.push({ name: 'input', t: x });
  model.forward(x, n, training);
  model.layers.forEach((l) => { l.noiseFrozen = true; });
  const value = (abs = false) => {
    const losses = model.lossOf(y, model.forward(x, n, training), n, null);
    return abs ? sum64(losses, rows, true) / n : sum64(losses, rows) / n + model.penalty(n);
  };
  return {
    tensors, value: () => value(), scale: () => value(true),
    gradients: () => {
      for (const p of model.params()) if (p.grad) kern.fill(p.grad.ptr, 0, p.grad.size);
      model.lossOf(y, model.forward(x, n, training), n, 1 / n);
      const dx = model.backwardFromLoss(n);
      const m = new Map<Tensor, Float32Array>();
      for (const p of params) {
        const g = p.grad!.toFloat32Array();
        if (p.regularizer) {
          // add the penalty's gradient l1·sign(w) + 2·l2·w the way training does, on a copy
          const gt = empty(p.value.shape, 'float32', 'gradCheck.g');
          f32().set(g, gt.ptr >>> 2);
          regularizeInto(p, gt, n);
          m.set(p.value, gt.toFloat32Array());
          gt.dispose();
        } else m.set(p.value, g);
      }
      if (dx) m.set(x, f32().slice(dx.ptr >>> 2, (dx.ptr >>> 2) + x.size));
      return m;
    },
    dispose: () => { model.layers.forEach((l) => { l.noiseFrozen = false; }); model.layers[0].plan(n, false); },
  };
}

function regularizeInto(p: Param, g: Tensor, samples: number): void {
  const f = regularizerFactors(p.regularizer!, samples);
  kern.regularize(p.value.ptr, g.ptr, p.value.size, f.l1, f.l2);
}

/**
 * Checks backprop against central finite differences. target: a Layer (inputs { x }; built from x's shape if not
 * yet built), a Loss (inputs { yTrue, yPred }) or a compiled Model (inputs { x, y }).
 */
export function gradCheck(target: Layer | Loss | Model, inputs: GradCheckInputs, options: GradCheckOptions = {}): GradCheckResult {
  const rand = lcg(options.seed ?? 1);
  const threshold = options.threshold ?? 1e-2, rel = options.epsilon ?? (target instanceof Model ? 1e-3 : 5e-3), maxChecks = options.maxChecksPerTensor ?? 64;
  let t: Target;
  if (target instanceof Model) {
    const i = inputs as { x: Tensor; y?: Tensor };
    if (!i.x || !i.y) throw new TypeError('gradCheck(model, { x, y }): give inputs x and targets y');
    t = modelTarget(target, i.x, i.y, options);
  } else if (target instanceof Layer) {
    const i = inputs as { x: Tensor };
    if (!(i.x instanceof Tensor)) throw new TypeError('gradCheck(layer, { x }): give an input batch x');
    t = layerTarget(target, i.x, options, rand);
  } else if (target && typeof (target as Loss).compute === 'function') {
    const i = inputs as { yTrue: Tensor; yPred: Tensor };
    if (!(i.yTrue instanceof Tensor) || !(i.yPred instanceof Tensor)) throw new TypeError('gradCheck(loss, { yTrue, yPred }): give both tensors');
    t = lossTarget(target as Loss, i.yTrue, i.yPred, options);
  } else {
    throw new TypeError('gradCheck: target must be a layer, a loss or a model');
  }
  if (options.only) t = { ...t, tensors: pickTensors(t.tensors, options.only) };
  const checks: GradCheckEntry[] = [];
  try {
    const grads = t.gradients();
    for (const { name, t: tensor } of t.tensors) {
      const analytic = grads.get(tensor);
      if (!analytic) throw new Error(`gradCheck: no gradient was produced for ${name}`);
      const size = tensor.size, base = tensor.ptr >>> 2;
      const values = f32().slice(base, base + size);
      let ss = 0;
      for (const v of values) ss += v * v;
      const h = rel * Math.max(Math.sqrt(ss / size), 1);
      const idx = size <= maxChecks ? Array.from({ length: size }, (_, i) => i)
        : Array.from(new Set(Array.from({ length: maxChecks }, () => Math.floor(rand() * size)))).sort((a, b) => a - b);
      let maxA = 0;
      for (const i of idx) maxA = Math.max(maxA, Math.abs(analytic[i]));
      // √Σ terms² of L: each float32 term is off by up to half an ulp, so L by a few times 6e-8 of this.
      const minScale = t.scale();
      const floor = Math.max(1e-6, 1e-3 * maxA);
      const l0 = t.value();
      const e: GradCheckEntry = { name, maxRelError: 0, index: -1, analytic: 0, numeric: 0, checked: 0, skipped: 0, passed: true };
      for (const i of idx) {
        const v = values[i];
        const at = (x: number) => { f32()[base + i] = x; const l = t.value(); f32()[base + i] = v; return l; };
        // The rounding jitter of L near v, measured: second differences over a few float32 ulps are pure noise, except
        // where they straddle a kink, so take the median of five of them (a kink spoils at most two).
        const tiny = 16 * ulp32(Math.max(Math.abs(v), 1e-3));
        const ls = [-3, -2, -1, 0, 1, 2, 3].map((k) => (k === 0 ? l0 : at(Math.fround(v + k * tiny))));
        const sd = [1, 2, 3, 4, 5].map((k) => Math.abs(ls[k + 1] + ls[k - 1] - 2 * ls[k]) / 2).sort((a, b) => a - b);
        const jitter = Math.max(sd[2], 4 * 6e-8 * minScale);
        // Steps h and h/2 must give the same central difference and the same curvature: a kink inside ±h (ReLU at 0,
        // a max changing hands) breaks one or the other. Shrink the step until both agree; if never, skip the point.
        let numeric = NaN, used = h;
        for (let step = h, tries = 0; tries < 4; tries++, step /= 4) {
          const half = step / 2;
          const up = Math.fround(v + step), dn = Math.fround(v - step), up2 = Math.fround(v + half), dn2 = Math.fround(v - half);
          const lp = at(up), lm = at(dn), lp2 = at(up2), lm2 = at(dn2);
          const n1 = (lp - lm) / (up - dn), n2 = (lp2 - lm2) / (up2 - dn2);
          const c1 = (lp + lm - 2 * l0) / (step * step), c2 = (lp2 + lm2 - 2 * l0) / (half * half);
          const slopeOk = Math.abs(n1 - n2) <= 0.1 * threshold * (Math.abs(n1) + Math.abs(n2)) + (3 * jitter) / half;
          const curveOk = Math.abs(c1 - c2) <= 0.3 * Math.max(Math.abs(c1), Math.abs(c2)) + (8 * jitter) / (half * half);
          if (slopeOk && curveOk) { numeric = n2; used = half; break; }
          // A smaller step only helps while the noise is small against the slope; past that, give up (skip the point).
          const noise = (3 * jitter) / half;
          if (noise > 0.5 * threshold * Math.max(Math.abs(n1) + Math.abs(n2), floor)) break;
        }
        const noiseAt = (3 * jitter) / used;
        if (Number.isNaN(numeric)) { e.skipped++; continue; }
        const err = Math.abs(analytic[i] - numeric) / Math.max(Math.abs(analytic[i]) + Math.abs(numeric), floor, noiseAt / threshold);
        e.checked++;
        if (err > e.maxRelError || e.index < 0) { e.maxRelError = err; e.index = i; e.analytic = analytic[i]; e.numeric = numeric; }
      }
      e.passed = e.maxRelError <= threshold && e.checked > 0;
      checks.push(e);
    }
  } finally {
    t.dispose();
  }
  const worst = checks.reduce<GradCheckEntry | undefined>((w, c) => (!w || c.maxRelError > w.maxRelError || !c.passed ? c : w), undefined);
  const passed = checks.every((c) => c.passed);
  const report = checks.map((c) => `${c.passed ? 'ok  ' : 'FAIL'} ${c.name.padEnd(28)} max rel err ${c.maxRelError.toExponential(2)} at [${c.index}] ` +
    `(analytic ${c.analytic.toPrecision(6)}, numeric ${c.numeric.toPrecision(6)}), ${c.checked} checked` + (c.skipped ? `, ${c.skipped} skipped at kinks` : '')).join('\n');
  return { passed, worst, checks, report };
}

/** The tensors `only` names (full names or layer names), each name required to match. */
function pickTensors(tensors: { name: string; t: Tensor }[], only: readonly string[]): { name: string; t: Tensor }[] {
  if (!Array.isArray(only) || only.length === 0 || only.some((n) => typeof n !== 'string')) {
    throw new TypeError(`gradCheck: only must be a non-empty array of parameter or layer names, got ${JSON.stringify(only)}`);
  }
  const layerOf = (n: string) => n.slice(0, Math.max(0, n.lastIndexOf('/')));
  for (const n of only) {
    if (tensors.some((x) => x.name === n || layerOf(x.name) === n)) continue;
    const known = [...new Set(tensors.flatMap((x) => [x.name, layerOf(x.name)]).filter(Boolean))];
    const near = nearestName(n, known);
    throw new RangeError(`gradCheck: nothing named "${n}" to check${near ? ` (did you mean "${near}"?)` : ''}; known: ${known.join(', ')}`);
  }
  return tensors.filter((x) => only.includes(x.name) || only.includes(layerOf(x.name)));
}
