// Training diagnostics, the data: what fit(…, { diagnostics }) measures (per parameter the weights' and gradients'
// statistics and histograms and the update-to-weight ratio; per layer its output's statistics, dead ReLU units and
// saturated sigmoid/tanh units; the first layer's weights at the start and the end), its options and the verdicts'
// thresholds. Plain, JSON-serialisable. collector.ts measures (loaded only when asked), verdicts.ts judges.
import type { TensorStats } from '../backend/kernels/stats.js';
import { StrictOptions } from '../ops/options.js';

/** Options of fit's diagnostics: how many batches to sample, histogram bins, and how often to record gradient norms. */
export interface DiagnosticsOptions {
  /** Batches sampled per epoch for gradients, outputs, dead and saturated units (evenly spaced, the last included; default 4). */
  samplesPerEpoch?: number;
  /** Also record every parameter's gradient norm every this many batches (default 0: off). */
  everyBatches?: number;
  /** Bins of the weight and gradient histograms (default 64). */
  bins?: number;
  /** |pre-activation| beyond which a sigmoid unit counts as saturated (default 5: σ' < 0.007). */
  sigmoidSaturation?: number;
  /** |pre-activation| beyond which a tanh unit counts as saturated (default 3: tanh' < 0.01). */
  tanhSaturation?: number;
  /** Values kept of the first layer's weights at the start and the end (evenly strided when larger; default 16384). */
  firstLayerValues?: number;
}

const OPTION_KEYS = ['samplesPerEpoch', 'everyBatches', 'bins', 'sigmoidSaturation', 'tanhSaturation', 'firstLayerValues'] as const;

export type ResolvedDiagnosticsOptions = Required<DiagnosticsOptions>;

export type { TensorStats };

/** Counts per equal-width bin over [lo, hi]. */
export interface Histogram { lo: number; hi: number; counts: number[] }

/** One parameter's statistics over an epoch: weights, gradients, update ratio and histograms. */
export interface ParamDiagnostics {
  name: string;
  layer: string;
  size: number;
  /** The weights at the end of the epoch. */
  weights: TensorStats;
  /** The gradients over the epoch's sampled batches (pooled). */
  gradient: TensorStats;
  /** Mean over the sampled batches of ‖Δw‖/‖w‖ for one step (NaN when not trainable, or ‖w‖ was 0 at every sample). */
  updateRatio: number;
  weightHistogram: Histogram;
  /** Of the epoch's last batch's gradient. */
  gradientHistogram: Histogram;
}

/** One layer's output statistics over an epoch: dead and saturated units, histograms. */
export interface LayerDiagnostics {
  name: string;
  kind: string;
  activation?: string;
  /** The layer's output over the sampled batches (pooled). */
  output: TensorStats;
  /** Units (the output's last axis: neurons, or channels of a convolution). */
  units: number;
  /** ReLU-family units never positive over the sampled batches. */
  deadUnits?: number;
  /** Sigmoid/tanh: the fraction of unit activations whose |pre-activation| exceeds the threshold, and the threshold. */
  saturatedFraction?: number;
  saturationThreshold?: number;
}

/** One epoch's diagnostics: per parameter and per layer. */
export interface EpochDiagnostics {
  epoch: number;
  batchesSampled: number;
  params: ParamDiagnostics[];
  layers: LayerDiagnostics[];
}

/** Every parameter's gradient L2 norm at one batch. */
export interface BatchGradients { epoch: number; batch: number; gradientNorms: Record<string, number> }

/** What fit(…, { diagnostics }) measured: per-epoch statistics, sampled gradient norms and the verdicts. */
export interface Diagnostics {
  options: ResolvedDiagnosticsOptions;
  epochs: EpochDiagnostics[];
  /** Every options.everyBatches batches: each trainable parameter's gradient L2 norm. */
  batches: BatchGradients[];
  /** The first layer's first weight tensor when training started and after its last epoch (strided sample). */
  firstLayer?: { param: string; shape: number[]; stride: number; first: number[]; last: number[] };
}

/** Reads fit's diagnostics option strictly: true for the defaults, or an options object. */
export function resolveDiagnostics(spec: boolean | DiagnosticsOptions | undefined): ResolvedDiagnosticsOptions | undefined {
  if (spec === undefined || spec === false) return undefined;
  const o = StrictOptions.read('fit: diagnostics', spec === true ? {} : spec, OPTION_KEYS);
  return {
    samplesPerEpoch: o.number('samplesPerEpoch', { integer: true, min: 1, max: 1000, default: 4 }),
    everyBatches: o.number('everyBatches', { integer: true, min: 0, default: 0 }),
    bins: o.number('bins', { integer: true, min: 1, max: 4096, default: 64 }),
    sigmoidSaturation: o.number('sigmoidSaturation', { min: 0, minExclusive: true, default: 5 }),
    tanhSaturation: o.number('tanhSaturation', { min: 0, minExclusive: true, default: 3 }),
    firstLayerValues: o.number('firstLayerValues', { integer: true, min: 0, default: 16384 }),
  };
}

/** The verdicts' thresholds (verdicts.ts applies them), in one place. */
export const THRESHOLDS = {
  /** Vanishing: the first layer's gradient RMS below this fraction of the last layer's… */
  vanishingRatio: 1e-2,
  /** …for at least this many consecutive epochs (or all of them, when fewer). */
  vanishingEpochs: 2,
  /** Vanishing also when the loss is stagnant: relative change per epoch below this over stagnantEpochs epochs. */
  stagnantChange: 1e-3,
  stagnantEpochs: 3,
  /** Exploding: some layer's gradient RMS above this, or growing by this factor per epoch for explodingEpochs epochs. */
  explodingRms: 1e3,
  explodingGrowth: 10,
  explodingEpochs: 2,
  /** Dead units: a ReLU layer with at least this fraction of its units never positive over the sampled batches. */
  deadFraction: 0.5,
  /** Saturation: a sigmoid/tanh layer with at least this fraction of activations beyond the threshold. */
  saturatedFraction: 0.5,
  /** Learning rate too high: the training loss rises by this fraction over an epoch… */
  lossRise: 0.1,
  /** …or the epoch-to-epoch change flips sign this many times in the last oscillationWindow epochs. */
  oscillationFlips: 3,
  oscillationWindow: 6,
  /** Overfitting: the best validation loss at least this many epochs ago… */
  overfitEpochs: 2,
  /** …the validation loss now above it by this fraction, and the training loss lower than at that epoch. */
  overfitRise: 0.1,
} as const;

const rms = (l2: number, count: number): number => (count > 0 ? l2 / Math.sqrt(count) : NaN);

/** One epoch's gradient RMS per layer with trainable parameters (its parameters pooled), in layer order. */
export function layerGradientRms(e: EpochDiagnostics): { layer: string; rms: number }[] {
  const by = new Map<string, { ss: number; n: number }>();
  for (const p of e.params) {
    if (!(p.gradient.count > 0)) continue;
    const a = by.get(p.layer) ?? { ss: 0, n: 0 };
    a.ss += p.gradient.l2 * p.gradient.l2; a.n += p.gradient.count;
    by.set(p.layer, a);
  }
  return [...by].map(([layer, a]) => ({ layer, rms: rms(Math.sqrt(a.ss), a.n) }));
}
