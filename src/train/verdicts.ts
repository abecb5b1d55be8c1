// Verdicts on a training run from its history and diagnostics: vanishing or exploding gradients, dead units,
// saturation, a learning rate too high, overfitting. Each comes with a plain sentence and the figures behind it. The
// thresholds are THRESHOLDS in diagnostics.ts, and nowhere else (the README's "Seeing inside training" lists them).
import { layerGradientRms, THRESHOLDS, type Diagnostics } from './diagnostics.js';

/** The problems the diagnostics recognise. */
export type VerdictKind = 'vanishingGradients' | 'explodingGradients' | 'deadUnits' | 'saturation' | 'learningRateTooHigh' | 'overfitting';

/** A finding about a training run: its kind, a sentence, and the evidence. */
export interface Verdict {
  kind: VerdictKind;
  /** One plain-language sentence. */
  message: string;
  /** The figures behind it. */
  evidence: Record<string, number | string | number[]>;
  /** The first epoch (0-based) the condition held in the stretch that triggered it. */
  since: number;
}



const fmt = (v: number): string => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(3) : v.toExponential(2));

/** The verdicts for a run so far: history.history (loss, valLoss, …) and its diagnostics. */
export function verdicts(history: Record<string, number[]>, d: Diagnostics | undefined): Verdict[] {
  const out: Verdict[] = [];
  const T = THRESHOLDS;
  const loss = history.loss ?? [], val = history.valLoss ?? [];
  if (d && d.epochs.length) {
    // Vanishing gradients: first vs last layer gradient RMS, epoch by epoch.
    const ratios = d.epochs.map((e) => {
      const g = layerGradientRms(e);
      return g.length >= 2 ? { first: g[0], last: g[g.length - 1], ratio: g[0].rms / g[g.length - 1].rms } : undefined;
    });
    const need = Math.min(T.vanishingEpochs, ratios.length);
    const tail = ratios.slice(-need);
    if (tail.length && tail.every((r) => r && r.ratio < T.vanishingRatio)) {
      const r = tail[tail.length - 1]!;
      out.push({
        kind: 'vanishingGradients', since: ratios.length - need,
        message: `Vanishing gradients: the first layer "${r.first.layer}" gets gradients ${fmt(r.ratio)}× as large as the last layer "${r.last.layer}" ` +
          `(RMS ${fmt(r.first.rms)} vs ${fmt(r.last.rms)}) over the last ${need} epoch${need > 1 ? 's' : ''}: its weights barely move. ` +
          'Try ReLU-family activations, He/Xavier initialization or batch normalization.',
        evidence: { firstLayer: r.first.layer, lastLayer: r.last.layer, ratio: r.ratio, ratios: ratios.map((x) => x?.ratio ?? NaN), threshold: T.vanishingRatio },
      });
    }
    // Exploding gradients: an RMS above the limit, or steady growth.
    const series = d.epochs.map((e) => Math.max(...layerGradientRms(e).map((g) => g.rms), 0));
    const worst = Math.max(...series);
    const growthTail = series.slice(-(T.explodingEpochs + 1));
    const growing = growthTail.length === T.explodingEpochs + 1 && growthTail.every((v, i) => i === 0 || v > growthTail[i - 1] * T.explodingGrowth);
    const nonFinite = d.epochs.some((e) => e.params.some((p) => p.gradient.nonFinite > 0 || p.weights.nonFinite > 0));
    if (worst > T.explodingRms || growing || nonFinite) {
      out.push({
        kind: 'explodingGradients', since: Math.max(0, series.findIndex((v) => v > T.explodingRms)),
        message: `Exploding gradients: the largest layer gradient RMS reached ${fmt(worst)}${growing ? `, growing more than ${T.explodingGrowth}× per epoch` : ''}` +
          `${nonFinite ? ', and non-finite values appeared' : ''}. Lower the learning rate, clip gradients (clipNorm) or use smaller initial weights.`,
        evidence: { maxGradientRms: worst, perEpoch: series, threshold: T.explodingRms },
      });
    }
    // Dead and saturated units, in the last epoch.
    const last = d.epochs[d.epochs.length - 1];
    for (const l of last.layers) {
      if (l.deadUnits !== undefined && l.units > 0 && l.deadUnits / l.units >= T.deadFraction) {
        out.push({
          kind: 'deadUnits', since: last.epoch,
          message: `Dead units: ${l.deadUnits} of the ${l.units} ReLU units of layer "${l.name}" were never active over the sampled batches of the last epoch; ` +
            'they pass no gradient. Try LeakyReLU, a smaller learning rate or He initialization.',
          evidence: { layer: l.name, dead: l.deadUnits, units: l.units, fraction: l.deadUnits / l.units, threshold: T.deadFraction },
        });
      }
      if (l.saturatedFraction !== undefined && l.saturatedFraction >= T.saturatedFraction) {
        out.push({
          kind: 'saturation', since: last.epoch,
          message: `Saturation: ${(l.saturatedFraction * 100).toFixed(1)}% of the ${l.activation} activations of layer "${l.name}" have |pre-activation| > ` +
            `${l.saturationThreshold}, where the derivative is nearly 0. Use smaller initial weights, normalize the inputs or add batch normalization.`,
          evidence: { layer: l.name, fraction: l.saturatedFraction, threshold: l.saturationThreshold ?? NaN, limit: T.saturatedFraction },
        });
      }
    }
  }
  // Stagnant loss (a vanishing-gradient sign even without diagnostics).
  if (!out.some((v) => v.kind === 'vanishingGradients') && loss.length >= T.stagnantEpochs + 1) {
    const tail = loss.slice(-(T.stagnantEpochs + 1));
    const changes = tail.slice(1).map((v, i) => Math.abs(v - tail[i]) / Math.max(Math.abs(tail[i]), 1e-12));
    if (changes.every((c) => c < T.stagnantChange)) {
      out.push({
        kind: 'vanishingGradients', since: loss.length - T.stagnantEpochs - 1,
        message: `The training loss is stagnant: it changed by less than ${T.stagnantChange * 100}% per epoch over the last ${T.stagnantEpochs} epochs ` +
          `(${tail.map(fmt).join(' → ')}). The gradients reaching the weights may be vanishing, or the learning rate is too small.`,
        evidence: { loss: tail, threshold: T.stagnantChange },
      });
    }
  }
  // Learning rate too high: a rising or oscillating training loss.
  const rises = loss.slice(1).map((v, i) => (v - loss[i]) / Math.max(Math.abs(loss[i]), 1e-12));
  const bigRise = rises.findIndex((r) => r > T.lossRise);
  const window = rises.slice(-T.oscillationWindow);
  const flips = window.slice(1).filter((r, i) => Math.sign(r) !== Math.sign(window[i]) && Math.sign(r) !== 0).length;
  if (bigRise >= 0 || flips >= T.oscillationFlips || loss.some((v) => !Number.isFinite(v))) {
    out.push({
      kind: 'learningRateTooHigh', since: bigRise >= 0 ? bigRise + 1 : Math.max(0, loss.length - T.oscillationWindow),
      message: bigRise >= 0
        ? `The learning rate looks too high: the training loss rose by ${(rises[bigRise] * 100).toFixed(1)}% in epoch ${bigRise + 2} (${fmt(loss[bigRise])} → ${fmt(loss[bigRise + 1])}).`
        : `The learning rate looks too high: the training loss oscillates (${flips} reversals in the last ${window.length + 1} epochs).`,
      evidence: { loss, riseThreshold: T.lossRise, reversals: flips },
    });
  }
  // Overfitting: the validation loss has risen well above its best while the training loss kept falling.
  if (val.length > T.overfitEpochs && loss.length === val.length) {
    const best = val.indexOf(Math.min(...val)), end = val.length - 1;
    if (end - best >= T.overfitEpochs && val[end] > val[best] * (1 + T.overfitRise) && loss[end] < loss[best]) {
      out.push({
        kind: 'overfitting', since: best + 1,
        message: `Overfitting: the validation loss was lowest at epoch ${best + 1} (${fmt(val[best])}) and has risen to ${fmt(val[end])} since, ` +
          `while the training loss fell from ${fmt(loss[best])} to ${fmt(loss[end])}. Use earlyStopping({ restoreBestWeights: true }), ` +
          'regularization, dropout or more data.',
        evidence: { bestEpoch: best, bestValLoss: val[best], valLoss: val[end], loss: loss[end], lossAtBest: loss[best], rise: val[end] / val[best] - 1 },
      });
    }
  }
  return out;
}
