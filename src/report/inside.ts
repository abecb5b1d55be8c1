// The report's diagnostics sections, from history.diagnostics: per-layer statistics over epochs as small multiples,
// the weight and gradient histograms per epoch as heat strips, and the first layer's weights first versus last.
import type { Diagnostics, EpochDiagnostics, ParamDiagnostics, LayerDiagnostics } from '../train/diagnostics.js';
import { esc, fmt, Ids, keyValues, num } from './html.js';
import { extent, lineChart, PALETTE } from './svg.js';
import { histogramStrip, overlaidHistograms } from './heat.js';

const rms = (l2: unknown, count: unknown): number => (num(count) > 0 ? num(l2) / Math.sqrt(num(count)) : NaN);

/** Per epoch, each layer's gradient RMS over its trainable parameters (pooled), in parameter order. */
export function layerGradientRms(epochs: EpochDiagnostics[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  epochs.forEach((e, k) => {
    const by = new Map<string, { ss: number; n: number }>();
    for (const p of e.params) {
      if (!(num(p.gradient?.count) > 0)) continue;
      const a = by.get(p.layer) ?? { ss: 0, n: 0 };
      a.ss += num(p.gradient.l2) ** 2; a.n += num(p.gradient.count);
      by.set(p.layer, a);
    }
    for (const [layer, a] of by) {
      if (!out.has(layer)) out.set(layer, new Array<number>(epochs.length).fill(NaN));
      out.get(layer)![k] = rms(Math.sqrt(a.ss), a.n);
    }
  });
  return out;
}

const SMALL = { width: 250, height: 150 };

/** Per-layer statistics: an overview of gradient RMS per layer, then one block per layer of small multiples with shared log axes. */
export function layersBody(d: Diagnostics): string {
  const E = d.epochs, xs = E.map((e) => num(e.epoch) + 1), markers = E.length <= 15;
  const byLayer = layerGradientRms(E);
  let s = `<div class="grid">${lineChart([...byLayer].map(([layer, ys], i) => ({ label: layer, xs, ys, color: PALETTE[i % PALETTE.length] })),
    { title: 'Gradient RMS per layer (log scale)', xLabel: 'epoch', yLabel: 'gradient RMS', log: true, legend: true, width: 560, height: 300, markers })}`;
  if (d.batches?.length) {
    const names = Object.keys(d.batches[0].gradientNorms ?? {});
    const xsB = d.batches.map((_, k) => k + 1);
    s += lineChart(names.map((n, i) => ({ label: n, xs: xsB, ys: d.batches.map((b) => num(b.gradientNorms?.[n])), color: PALETTE[i % PALETTE.length] })),
      { title: `Gradient norm every ${d.options?.everyBatches ?? '?'} batches (log scale)`, xLabel: 'record', yLabel: '‖g‖', log: true,
        legend: names.length <= 12, width: 560, height: 300, markers: false });
  }
  s += '</div>';
  const paramSeries = (name: string) => E.map((e) => e.params.find((p) => p.name === name));
  const paramNames = [...new Set(E.flatMap((e) => e.params.map((p) => p.name)))];
  const gradRms = (ps: (ParamDiagnostics | undefined)[]) => ps.map((p) => rms(p?.gradient?.l2, p?.gradient?.count));
  const ratio = (ps: (ParamDiagnostics | undefined)[]) => ps.map((p) => num(p?.updateRatio));
  const gDom = extent(paramNames.map((n) => gradRms(paramSeries(n))), true), rDom = extent(paramNames.map((n) => ratio(paramSeries(n))), true);
  const shared = (dom: [number, number]): [number, number] | undefined => (Number.isFinite(dom[0]) ? dom : undefined);
  const meanStd = (title: string, stats: ({ mean: number; std: number } | undefined)[], color: string): string => {
    const m = stats.map((t) => num(t?.mean)), sd = stats.map((t) => num(t?.std));
    return lineChart([{ label: 'mean', xs, ys: m, color, band: { lo: m.map((v, i) => v - sd[i]), hi: m.map((v, i) => v + sd[i]) } }],
      { title, xLabel: 'epoch', ...SMALL, markers, cls: 'small' });
  };
  const paramCharts = (name: string): string => {
    const ps = paramSeries(name);
    return '<div class="grid">' + meanStd(`${name}: weights mean ± std`, ps.map((p) => p?.weights), PALETTE[0]) +
      lineChart([{ label: 'gradient RMS', xs, ys: gradRms(ps), color: PALETTE[3] }],
        { title: `${name}: gradient RMS (log)`, xLabel: 'epoch', log: true, yDomain: shared(gDom), ...SMALL, markers, cls: 'small' }) +
      lineChart([{ label: '‖Δw‖/‖w‖', xs, ys: ratio(ps), color: PALETTE[2] }],
        { title: `${name}: update ratio ‖Δw‖/‖w‖ (log)`, xLabel: 'epoch', log: true, yDomain: shared(rDom), ...SMALL, markers, cls: 'small' }) + '</div>';
  };
  const layerNames = [...new Set([...E.flatMap((e) => e.layers.map((l) => l.name)), ...E.flatMap((e) => e.params.map((p) => p.layer))])];
  const ids = new Ids('layer-');
  for (const name of layerNames) {
    const ls = E.map((e) => e.layers.find((l) => l.name === name));
    const info = ls.find((l): l is LayerDiagnostics => !!l);
    const params = paramNames.filter((n) => E.some((e) => e.params.some((p) => p.name === n && p.layer === name)));
    let charts = params.map(paramCharts).join(''), activity = '';
    if (info) {
      activity += meanStd(`${name}: output mean ± std`, ls.map((l) => l?.output), PALETTE[4]);
      if (ls.some((l) => l?.deadUnits !== undefined)) {
        const dead = ls.map((l) => (l && l.deadUnits !== undefined && num(l.units) > 0 ? num(l.deadUnits) / num(l.units) : NaN));
        activity += lineChart([{ label: 'dead units', xs, ys: dead, color: PALETTE[3] }],
          { title: `${name}: dead units (fraction of ${info.units})`, xLabel: 'epoch', yDomain: [0, 1], ...SMALL, markers, cls: 'small' });
      }
      if (ls.some((l) => l?.saturatedFraction !== undefined)) {
        activity += lineChart([{ label: 'saturated', xs, ys: ls.map((l) => num(l?.saturatedFraction)), color: PALETTE[1] }],
          { title: `${name}: saturated activations (|z| > ${fmt(info.saturationThreshold)})`, xLabel: 'epoch', yDomain: [0, 1], ...SMALL, markers, cls: 'small' });
      }
      charts += `<div class="grid">${activity}</div>`;
    }
    const what = info ? `${info.kind}${info.activation ? `, ${info.activation}` : ''}, ${info.units} units` : 'parameters';
    s += `<div class="layer" id="${ids.make(name)}"><h3>${esc(name)} <small>${esc(what)}</small></h3>${charts}</div>`;
  }
  return s;
}

/** One heat strip per parameter for its weights and one for its gradients: rows = epochs, columns = values. */
export function histogramsBody(d: Diagnostics): string {
  const names = [...new Set(d.epochs.flatMap((e) => e.params.map((p) => p.name)))];
  return names.map((name) => {
    const rows = (pick: (p: ParamDiagnostics) => ParamDiagnostics['weightHistogram']) => d.epochs.flatMap((e) => {
      const p = e.params.find((q) => q.name === name);
      return p ? [{ epoch: num(e.epoch), h: { lo: num(pick(p)?.lo), hi: num(pick(p)?.hi), counts: (pick(p)?.counts ?? []).map(num) } }] : [];
    });
    const g = rows((p) => p.gradientHistogram);
    const hasGrad = g.some((r) => r.h.counts.length);
    return `<div class="grid param-strips" data-param="${esc(name)}">${histogramStrip(rows((p) => p.weightHistogram), `${name}: weights, per epoch`, PALETTE[0])}` +
      `${hasGrad ? histogramStrip(g, `${name}: gradients (last batch of each epoch)`, PALETTE[3]) : ''}</div>`;
  }).join('');
}

/** Summary numbers of the first layer's weights first versus last (equal-length strided samples). */
export function compareWeights(a: number[], b: number[]) {
  const n = Math.min(a.length, b.length);
  let sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0, dAbs = 0, dMax = 0, d2 = 0, aAbs = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i], y = b[i], dd = y - x;
    sa += x; sb += y; sab += x * y; saa += x * x; sbb += y * y; dAbs += Math.abs(dd); d2 += dd * dd; aAbs += Math.abs(x); dMax = Math.max(dMax, Math.abs(dd));
  }
  const ma = sa / n, mb = sb / n, va = saa / n - ma * ma, vb = sbb / n - mb * mb;
  return {
    n, meanAbsDelta: dAbs / n, maxAbsDelta: dMax, meanAbsFirst: aAbs / n, relativeChange: Math.sqrt(d2 / saa),
    correlation: va > 0 && vb > 0 ? (sab / n - ma * mb) / Math.sqrt(va * vb) : NaN,
    meanFirst: ma, meanLast: mb, stdFirst: Math.sqrt(Math.max(0, va)), stdLast: Math.sqrt(Math.max(0, vb)),
  };
}

export function firstLayerBody(d: Diagnostics): string {
  const f = d.firstLayer;
  if (!f) return '<p class="empty">No first-layer weights were kept (diagnostics firstLayerValues was 0, or the model has no trainable layer).</p>';
  const a = (f.first ?? []).map(num), b = (f.last ?? []).map(num);
  if (!b.length) return '<p class="empty">The first layer\'s last weights were not recorded (training did not finish).</p>';
  const c = compareWeights(a, b);
  const rows: [string, string][] = [
    ['parameter', `${f.param} [${(f.shape ?? []).join(', ')}]`],
    ['values compared', `${c.n}${num(f.stride) > 1 ? ` (every ${f.stride}th)` : ' (all)'}`],
    ['mean |Δ|', fmt(c.meanAbsDelta)], ['max |Δ|', fmt(c.maxAbsDelta)], ['mean |w| at the start', fmt(c.meanAbsFirst)],
    ['relative change ‖Δ‖/‖w₀‖', fmt(c.relativeChange)], ['correlation first ↔ last', fmt(c.correlation, 4)],
    ['mean first → last', `${fmt(c.meanFirst)} → ${fmt(c.meanLast)}`], ['std first → last', `${fmt(c.stdFirst)} → ${fmt(c.stdLast)}`],
  ];
  const chart = overlaidHistograms(a, b, ['at the start', 'after the last epoch'], `${f.param}: weights at the start and after the last epoch`, PALETTE[0]);
  return `<div class="grid">${chart}<div><h3>First versus last</h3>${keyValues(rows)}` +
    '<p class="note">A correlation near 1 with a tiny relative change means the first layer barely learned (a vanishing-gradient sign).</p></div></div>';
}

