// The report's sections that need no diagnostics: verdicts, run information, loss and metric curves, the confusion
// matrix with per-class precision/recall and the most confused pairs, and the misclassified images. HTML strings.
import type { History } from '../train/loop.js';
import { verdicts as findVerdicts, type Verdict, type VerdictKind } from '../train/verdicts.js';
import { THRESHOLDS } from '../train/diagnostics.js';
import { esc, fmt, keyValues, num, pct, section, table, type Cell } from './html.js';
import { lineChart, PALETTE, sparkline, type Line } from './svg.js';
import { confusionHeatmap } from './heat.js';
import { pngDataUri } from './png.js';
import type { MisclassifiedImage, ReportEnvironment, ReportTest } from './options.js';

export const KIND_LABEL: Record<VerdictKind, string> = {
  vanishingGradients: 'Vanishing gradients', explodingGradients: 'Exploding gradients', deadUnits: 'Dead units',
  saturation: 'Saturation', learningRateTooHigh: 'Learning rate too high', overfitting: 'Overfitting',
};

// What each threshold checks, for the "no problems found" table (the values come from THRESHOLDS itself).
const THRESHOLD_TEXT: Record<string, string> = {
  vanishingRatio: 'vanishing: first layer gradient RMS below this fraction of the last layer\'s',
  vanishingEpochs: 'vanishing: for at least this many consecutive epochs',
  stagnantChange: 'vanishing: training loss changing by less than this fraction per epoch…',
  stagnantEpochs: '…over this many epochs',
  explodingRms: 'exploding: some layer\'s gradient RMS above this',
  explodingGrowth: 'exploding: or growing by this factor per epoch…',
  explodingEpochs: '…for this many epochs',
  deadFraction: 'dead units: this fraction of a ReLU layer\'s units never active',
  saturatedFraction: 'saturation: this fraction of a sigmoid/tanh layer\'s activations beyond the threshold',
  lossRise: 'learning rate: the training loss rising by this fraction in an epoch',
  oscillationFlips: 'learning rate: or the loss change flipping sign this many times…',
  oscillationWindow: '…in this many epochs',
  overfitEpochs: 'overfitting: validation loss rising for this many epochs while the training loss falls',
};

/** The run's verdicts: fit's (with diagnostics), else the ones the history alone supports (loss-based). */
export function verdictsOf(h: History): { list: Verdict[]; fromDiagnostics: boolean } {
  const d = h.diagnostics;
  if (d && Array.isArray(d.verdicts)) return { list: d.verdicts, fromDiagnostics: true };
  return { list: findVerdicts(h.history, undefined), fromDiagnostics: false };
}

function evidenceValue(v: unknown): Cell {
  if (Array.isArray(v)) {
    const nums = v.map(num), shown = nums.length > 12 ? [...nums.slice(0, 6).map((x) => fmt(x)), '…', ...nums.slice(-5).map((x) => fmt(x))] : nums.map((x) => fmt(x));
    const positive = nums.every((x) => !Number.isFinite(x) || x > 0);
    const spread = Math.max(...nums.filter((x) => x > 0)) / Math.min(...nums.filter((x) => x > 0));
    return { text: `${sparkline(nums, PALETTE[3], positive && spread > 100)}<code>${esc(shown.join(', '))}</code>`, html: true };
  }
  return { text: typeof v === 'number' || v === null ? fmt(v) : String(v) };
}

/** One verdict: its kind, since when, its sentence and its evidence figures. */
export function verdictBlock(v: Verdict): string {
  const since = typeof v.since === 'number' ? v.since + 1 : undefined;
  const rows = Object.entries(v.evidence ?? {}).map(([k, x]) => [k, evidenceValue(x)] as [string, Cell]);
  const when = since !== undefined ? ` <small>since epoch ${since}</small>` : '';
  return `<div class="verdict" data-kind="${esc(v.kind)}"><h3>${esc(KIND_LABEL[v.kind] ?? v.kind)}${when}</h3>` +
    `<p>${esc(v.message)}</p>${rows.length ? keyValues(rows, 'kv evidence') : ''}</div>`;
}

/** The verdicts, or "no problems found" with the thresholds checked and what could not be checked. */
export function verdictsBody(h: History): string {
  const { list, fromDiagnostics } = verdictsOf(h);
  const notes: string[] = [];
  if (!fromDiagnostics) {
    notes.push('Diagnostics were off, so only the loss-based checks ran (stagnant loss, learning rate, overfitting); ' +
      'gradients, dead units and saturation need <code>fit(…, { diagnostics: true })</code>.');
  }
  if (!h.history.valLoss) notes.push('No validation data: the overfitting check needs <code>validationData</code> or <code>validationSplit</code>.');
  const noteHtml = notes.map((n) => `<p class="note">${n}</p>`).join('');
  if (list.length) return list.map((v) => verdictBlock(v)).join('') + noteHtml;
  const rows = Object.entries(THRESHOLDS).map(([k, v]) => [k, fmt(v), THRESHOLD_TEXT[k] ?? '']);
  return `<div class="verdict ok"><h3>No problems found</h3><p>None of the checks fired on this run. The thresholds checked:</p>` +
    `${table(['threshold', 'value', 'what it checks'], rows)}</div>${noteHtml}`;
}

/** Nested plain objects as dotted keys; arrays and other values as short text. */
export function flatten(o: Record<string, unknown>, prefix = ''): [string, string][] {
  return Object.entries(o).flatMap(([k, v]): [string, string][] => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype) return flatten(v as Record<string, unknown>, `${prefix}${k}.`);
    let s: string;
    try { s = typeof v === 'string' ? v : v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v); } catch { s = String(v); }
    return [[`${prefix}${k}`, s]];
  });
}

export function runInfoBody(o: { command?: string; config?: Record<string, unknown>; environment?: ReportEnvironment; weightsHash?: string }): string {
  let s = '';
  if (o.command) s += `<h3>Command</h3><pre><code>${esc(o.command)}</code></pre>`;
  if (o.config) s += `<h3>Configuration</h3>${keyValues(flatten(o.config))}`;
  if (o.environment) {
    const e = o.environment;
    s += `<h3>Environment</h3>${keyValues([['runtime', `${e.runtime} ${e.version}`], ['date', e.date], ...(e.cpu ? [['cpu', e.cpu] as [string, string]] : []),
      ...(e.kernels ? [['kernels', e.kernels] as [string, string]] : [])])}`;
  }
  if (o.weightsHash) s += `<h3>Weights hash</h3><p><code class="hash">${esc(o.weightsHash)}</code></p>`;
  return s || '<p class="empty">No run information was given (options command, config, environment, weightsHash).</p>';
}

/** The metric names of a history, each with its validation twin: loss/valLoss, accuracy/valAccuracy, … */
export function metricPairs(hist: Record<string, number[]>): [string, string | undefined][] {
  const keys = Object.keys(hist), out: [string, string | undefined][] = [];
  const valOf = (k: string) => `val${k[0].toUpperCase()}${k.slice(1)}`;
  for (const k of keys) if (!/^val[A-Z]/.test(k)) out.push([k, keys.includes(valOf(k)) ? valOf(k) : undefined]);
  for (const k of keys) if (/^val[A-Z]/.test(k) && !out.some(([, v]) => v === k)) out.push([k, undefined]);
  return out.sort((a, b) => (a[0] === 'loss' ? -1 : b[0] === 'loss' ? 1 : 0));
}

/** 1-based epoch numbers for n logged values. */
export function epochAxis(h: History, n: number): number[] {
  return h.epoch.length === n ? h.epoch.map((e) => e + 1) : Array.from({ length: n }, (_, i) => (h.epoch[0] ?? 0) + i + 1);
}

/** A metric key for people: valAccuracy → "validation accuracy", top5Accuracy → "top 5 accuracy". */
export const label = (k: string): string =>
  k.replace(/^val([A-Z])/, (_, c: string) => `validation ${c.toLowerCase()}`).replace(/([a-z])([A-Z0-9])/g, '$1 $2').toLowerCase();

export function curvesBody(h: History): string {
  const pairs = metricPairs(h.history);
  if (!pairs.length) return '<p class="empty">The history has no logged values.</p>';
  return `<div class="grid">${pairs.map(([k, v]) => {
    const lines: Line[] = [{ label: `training ${label(k)}`, xs: epochAxis(h, h.history[k].length), ys: h.history[k].map(num), color: PALETTE[0] }];
    if (v) lines.push({ label: label(v), xs: epochAxis(h, h.history[v].length), ys: h.history[v].map(num), color: PALETTE[1], dashed: true });
    return lineChart(lines, { title: v ? `${label(k)}: training and validation` : label(k), xLabel: 'epoch', yLabel: label(k).replace(/^training /, ''), legend: true });
  }).join('')}</div>`;
}

/** Class names for n classes: the given ones, else 0…n−1. */
export const namesFor = (n: number, given?: string[]): string[] => Array.from({ length: n }, (_, i) => given?.[i] ?? String(i));

export function confusionBody(t: ReportTest): string {
  const cm = t.confusionMatrix!, n = cm.length, names = namesFor(n, t.classNames);
  const support = cm.map((r) => r.reduce((a, b) => a + b, 0)), predicted = names.map((_, j) => cm.reduce((a, r) => a + r[j], 0));
  const total = support.reduce((a, b) => a + b, 0), right = cm.reduce((a, r, i) => a + r[i], 0);
  const rows = names.map((name, i) => {
    const p = predicted[i] ? cm[i][i] / predicted[i] : NaN, r = support[i] ? cm[i][i] / support[i] : NaN, f1 = p + r > 0 ? (2 * p * r) / (p + r) : NaN;
    return [name, support[i], predicted[i], { text: pct(p), sort: p }, { text: pct(r), sort: r }, { text: pct(f1), sort: f1 }];
  });
  const pairs: [number, number, number][] = [];
  cm.forEach((r, i) => r.forEach((c, j) => { if (i !== j && c > 0) pairs.push([i, j, c]); }));
  pairs.sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
  const top = pairs.slice(0, 8).map(([i, j, c]) => [names[i], names[j], c, { text: pct(c / support[i]), sort: c / support[i] }]);
  return `<p>Accuracy from the matrix ${pct(total ? right / total : NaN)} (${right} of ${total}).</p><div class="grid">${confusionHeatmap(cm, names)}<div>` +
    `<h3>Per class</h3>${table(['class', 'support', 'predicted', 'precision', 'recall', 'F1'], rows, { sortable: true, cls: 'classes' })}` +
    `<h3>Most confused pairs</h3>${top.length ? table(['true class', 'predicted as', 'count', 'share of true class'], top, { cls: 'pairs' })
      : '<p class="empty">No confusions.</p>'}</div></div>`;
}

export function misclassifiedBody(images: MisclassifiedImage[], classNames?: string[]): string {
  if (!images.length) return '<p class="empty">No misclassified images were given.</p>';
  const name = (c: number | string) => (typeof c === 'number' ? classNames?.[c] ?? String(c) : c);
  return `<div class="images">${images.map((img) => {
    const [h, w, c] = img.shape, t = name(img.trueClass), p = name(img.predicted);
    return `<figure><img src="${pngDataUri(img.pixels, h, w, c as 1 | 3)}" width="${w}" height="${h}" alt="${esc(`true ${t}, predicted ${p}`)}">` +
      `<figcaption><span class="t">${esc(t)}</span><br><span class="p">→ ${esc(p)}</span></figcaption></figure>`;
  }).join('')}</div>`;
}

/** Headline figures: epochs, final losses and accuracies, best validation accuracy, test results, verdict count. */
export function keyFigures(h: History, test: ReportTest | undefined, verdictCount: number): string {
  const last = (k: string) => { const a = h.history[k]; return a?.length ? num(a[a.length - 1]) : undefined; };
  const cards: [string, string][] = [['epochs', String(h.epoch.length)]];
  if (last('loss') !== undefined) cards.push(['final training loss', fmt(last('loss'), 4)]);
  if (last('valLoss') !== undefined) cards.push(['final validation loss', fmt(last('valLoss'), 4)]);
  if (last('valAccuracy') !== undefined) {
    const va = h.history.valAccuracy.map(num), best = va.indexOf(Math.max(...va.filter(Number.isFinite)));
    cards.push(['final validation accuracy', pct(last('valAccuracy'))], [`best validation accuracy (epoch ${epochAxis(h, va.length)[best] ?? '–'})`, pct(va[best])]);
  } else if (last('accuracy') !== undefined) cards.push(['final training accuracy', pct(last('accuracy'))]);
  if (test) cards.push(['test accuracy', pct(test.accuracy)], ['test loss', fmt(test.loss, 4)]);
  cards.push(['verdicts', String(verdictCount)]);
  return `<div class="cards">${cards.map(([k, v]) => `<div class="card"><b>${esc(v)}</b><span>${esc(k)}</span></div>`).join('')}</div>`;
}

export { section };
