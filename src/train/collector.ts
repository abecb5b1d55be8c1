// The diagnostics collector: fit() loads it (a dynamic import, so the core bundle does not carry it) when asked for
// diagnostics, and calls it around sampled batches. It measures on the kernels (stats family) into the plain data of
// diagnostics.ts; sampled batches only, so the cost stays small.
import * as kern from '../backend/kernels/index.js';
import { empty, type Tensor } from '../ops/tensor.js';
import type { Layer, Param } from '../layers/layer.js';
import type { Trainable } from './trainable.js';
import type {
  Diagnostics, EpochDiagnostics, LayerDiagnostics, ParamDiagnostics, ResolvedDiagnosticsOptions, TensorStats, Histogram,
} from './diagnostics.js';

// Pooled raw sums of several tensorStats results, so sampled batches combine exactly as one tensor would.
class Pool {
  n = 0; count = 0; sum = 0; sumSquares = 0; sumAbs = 0; min = Infinity; max = -Infinity; zeros = 0; nonFinite = 0;
  add(s: TensorStats): void {
    this.n += s.n; this.count += s.count; this.sum += s.sum; this.sumSquares += s.sumSquares; this.sumAbs += s.sumAbs;
    this.min = Math.min(this.min, s.min); this.max = Math.max(this.max, s.max); this.zeros += s.zeros; this.nonFinite += s.nonFinite;
  }
  stats(): TensorStats {
    const slots = [this.count, this.sum, this.sumSquares, this.min, this.max, this.zeros, this.nonFinite, this.sumAbs];
    return kern.statsFromSlots(slots, this.n);
  }
}

// What a layer's activation is, read structurally (dense, conv2d and activation layers carry one).
function activationOf(l: Layer): string | undefined {
  const a = (l as unknown as { activation?: { name?: string } | string }).activation;
  return typeof a === 'string' ? a : a?.name;
}

const DEAD_FAMILY = new Set(['relu']);

interface LayerWatch { layer: Layer; activation?: string; output: Pool; positives?: Tensor; beyond?: Tensor; beyondRows: number; threshold?: number }

/** Collects one fit's diagnostics. fit calls start, then around sampled batches beforeStep/afterStep, then endEpoch. */
export class DiagnosticsCollector {
  readonly data: Diagnostics;
  private readonly params: Param[];
  private readonly trainable: Param[];
  private before?: Tensor;
  private grads: Pool[] = [];
  private ratios: number[][] = [];
  private watches: LayerWatch[] = [];
  private sampled = 0;
  private readonly owned: Tensor[] = [];
  // tensorStats' eight float64 slots, planned once (without it each call borrows and returns an arena block)
  private readonly slots = this.own(empty([16], 'float32', 'diagnostics.statsSlots'));
  private stats(ptr: number, n: number): TensorStats { return kern.tensorStats(ptr, n, this.slots.ptr); }

  constructor(private readonly model: Trainable & { readonly layers: readonly Layer[]; params(): Param[] }, readonly options: ResolvedDiagnosticsOptions) {
    this.params = model.params();
    this.trainable = this.params.filter((p) => p.trainable && p.grad);
    this.data = { options, epochs: [], batches: [] };
    const total = this.trainable.reduce((a, p) => a + p.value.size, 0);
    if (total) this.before = this.own(empty([total], 'float32', 'diagnostics.before'));
    const first = model.layers.find((l) => l.params.some((p) => p.trainable));
    const p = first?.params.find((q) => q.trainable);
    if (p) {
      const stride = options.firstLayerValues ? Math.max(1, Math.ceil(p.value.size / options.firstLayerValues)) : 0;
      if (stride) this.data.firstLayer = { param: p.name, shape: [...p.value.shape], stride, first: strided(p.value, stride), last: [] };
    }
    this.resetEpoch();
  }

  private own(t: Tensor): Tensor { this.owned.push(t); return t; }

  /** Whether batch b of an epoch of `batches` batches is sampled (evenly spaced, the last one included). */
  isSampled(b: number, batches: number): boolean {
    const s = Math.min(this.options.samplesPerEpoch, batches);
    for (let k = 1; k <= s; k++) if (Math.floor((k * batches) / s) - 1 === b) return true;
    return false;
  }

  private resetEpoch(): void {
    this.grads = this.trainable.map(() => new Pool());
    this.ratios = this.trainable.map(() => []);
    for (const w of this.watches) { w.positives?.dispose(); w.beyond?.dispose(); }
    this.watches = this.model.layers.map((layer) => ({ layer, activation: activationOf(layer), output: new Pool(), beyondRows: 0 }));
    this.sampled = 0;
  }

  /** Before a sampled step: keeps the weights, for the update ratio. */
  beforeStep(): void {
    if (!this.before) return;
    let at = this.before.ptr;
    for (const p of this.trainable) { kern.copy(p.value.ptr, at, p.value.size); at += p.value.size * 4; }
  }

  /** After a sampled step of n samples: gradients, update ratios, outputs, dead and saturated units. */
  afterStep(n: number): void {
    this.sampled++;
    let at = this.before?.ptr ?? 0;
    this.trainable.forEach((p, i) => {
      this.grads[i].add(this.stats(p.grad!.ptr, p.grad!.size));
      const w = this.stats(at, p.value.size).l2;
      if (w > 0) this.ratios[i].push(Math.sqrt(kern.diffSquares(p.value.ptr, at, p.value.size)) / w); // all-zero weights (a fresh bias) have no ratio
      at += p.value.size * 4;
    });
    for (const w of this.watches) {
      const out = w.layer.outputs();
      const y = out.output;
      if (!y) continue;
      const per = y.size / y.shape[0], units = y.shape[y.shape.length - 1], rows = (n * per) / units;
      w.output.add(this.stats(y.ptr, n * per));
      if (w.activation && DEAD_FAMILY.has(w.activation)) {
        w.positives ??= this.unitCounts(units, `${w.layer.name}.positives`);
        kern.columnsPositive(y.ptr, rows, units, w.positives.ptr);
      }
      const z = out.preActivation;
      if (z && (w.activation === 'sigmoid' || w.activation === 'tanh')) {
        w.threshold = w.activation === 'sigmoid' ? this.options.sigmoidSaturation : this.options.tanhSaturation;
        w.beyond ??= this.unitCounts(units, `${w.layer.name}.saturated`);
        kern.columnsBeyond(z.ptr, rows, units, w.threshold, w.beyond.ptr);
        w.beyondRows += rows;
      }
    }
  }

  private unitCounts(units: number, label: string): Tensor {
    const t = empty([units], 'int32', `diagnostics.${label}`);
    kern.fill(t.ptr, 0, units);
    return t;
  }

  /** Every options.everyBatches batches (after the step): each trainable parameter's gradient norm. */
  recordBatch(epoch: number, batch: number): void {
    const gradientNorms: Record<string, number> = {};
    for (const p of this.trainable) gradientNorms[p.name] = this.stats(p.grad!.ptr, p.grad!.size).l2;
    this.data.batches.push({ epoch, batch, gradientNorms });
  }

  /** At the end of an epoch: weights and their histograms, the last gradients' histograms, the pooled samples. */
  endEpoch(epoch: number): EpochDiagnostics {
    const bins = this.options.bins;
    const params: ParamDiagnostics[] = this.params.map((p) => {
      const i = this.trainable.indexOf(p);
      const weights = this.stats(p.value.ptr, p.value.size);
      const r = i >= 0 ? this.ratios[i] : [];
      return {
        name: p.name, layer: p.name.slice(0, p.name.lastIndexOf('/')), size: p.value.size, weights,
        gradient: i >= 0 ? this.grads[i].stats() : new Pool().stats(),
        updateRatio: r.length ? r.reduce((a, b) => a + b, 0) / r.length : NaN,
        weightHistogram: this.histogram(p.value, weights, bins),
        gradientHistogram: i >= 0 && p.grad ? this.histogram(p.grad, this.stats(p.grad.ptr, p.grad.size), bins) : { lo: 0, hi: 0, counts: [] },
      };
    });
    const layers: LayerDiagnostics[] = this.watches.map((w) => {
      const y = w.layer.outputShape, units = y[y.length - 1] ?? 1;
      const d: LayerDiagnostics = { name: w.layer.name, kind: w.layer.kind, activation: w.activation, output: w.output.stats(), units };
      if (w.positives) d.deadUnits = Array.from(w.positives.toInt32Array()).filter((c) => c === 0).length;
      if (w.beyond && w.beyondRows) {
        d.saturatedFraction = Array.from(w.beyond.toInt32Array()).reduce((a, c) => a + c, 0) / (w.beyondRows * units);
        d.saturationThreshold = w.threshold;
      }
      return d;
    });
    const e: EpochDiagnostics = { epoch, batchesSampled: this.sampled, params, layers };
    this.data.epochs.push(e);
    this.resetEpoch();
    return e;
  }

  /** When training ends: the first layer's weights as they are now. */
  finish(): void {
    const f = this.data.firstLayer;
    if (!f) return;
    const p = this.params.find((q) => q.name === f.param)!;
    f.last = strided(p.value, f.stride);
  }

  private histogram(t: Tensor, s: TensorStats, bins: number): Histogram {
    if (!(s.count > 0)) return { lo: 0, hi: 0, counts: new Array<number>(bins).fill(0) };
    let lo = s.min, hi = s.max;
    if (!(Math.fround(lo) < Math.fround(hi))) { // all equal: a range centred on the value, wide enough for float32
      const d = Math.max(0.5, Math.abs(lo) * 2 ** -20);
      lo -= d; hi += d;
    }
    const counts = this.own(empty([bins], 'int32', 'diagnostics.histogram'));
    kern.histogram(t.ptr, t.size, lo, hi, bins, counts.ptr, false);
    const out = Array.from(counts.toInt32Array());
    counts.dispose(); this.owned.pop();
    return { lo, hi, counts: out };
  }

  /** Frees the collector's buffers (the data stays). */
  dispose(): void {
    for (const w of this.watches) { w.positives?.dispose(); w.beyond?.dispose(); }
    this.watches = [];
    for (const t of this.owned) t.dispose();
    this.owned.length = 0;
  }
}

// Every stride-th value of t, as plain numbers.
function strided(t: Tensor, stride: number): number[] {
  const v = t.toFloat32Array(), out: number[] = [];
  for (let i = 0; i < v.length; i += stride) out.push(v[i]);
  return out;
}
