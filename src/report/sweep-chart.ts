// The sweep report's parallel-coordinates chart: one vertical axis per searched parameter (numeric ones linear or log
// as their range was searched, choices evenly spaced in their listed order), the metric's axis last; one polyline per
// trial coloured by its metric, failed trials grey and dashed, trials stopped early marked on the metric axis.
import { esc, fmt } from './html.js';
import { linear, logScale, r1, type Scale } from './svg.js';
import type { SweepTrial } from './sweep-log.js';

/** How one parameter is drawn: linear, log or a list of choices (`categories`, compared by their JSON text). */
export interface Axis { key: string; kind: 'linear' | 'log' | 'category'; categories: unknown[]; lo: number; hi: number }

const jsonText = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v));
/** A value for people: strings as they are, numbers formatted, anything else as JSON. */
export const shown = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? fmt(v, 4) : jsonText(v));

/** The index of v among an axis's categories (−1: not one of them). */
export const categoryOf = (a: Axis, v: unknown): number => a.categories.findIndex((c) => jsonText(c) === jsonText(v));

const range = (d: unknown): [number, number] | undefined =>
  Array.isArray(d) && d.length === 2 && d.every((x) => typeof x === 'number' && Number.isFinite(x)) ? [d[0], d[1]] : undefined;

/**
 * The axis of a parameter from its search dimension in the sweep file ({ values }, { int }, { uniform }, { logUniform })
 * widened to the values seen; without a dimension, numeric when every value seen is a finite number, else choices.
 */
export function axisOf(key: string, dim: unknown, seen: unknown[]): Axis {
  const d = (dim && typeof dim === 'object' ? dim : {}) as Record<string, unknown>;
  const nums = seen.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const given = range(d.logUniform) ?? range(d.uniform) ?? range(d.int);
  const numeric = given !== undefined || (!Array.isArray(d.values) && seen.length > 0 && nums.length === seen.length);
  if (numeric) {
    const lo = Math.min(given?.[0] ?? Infinity, ...nums), hi = Math.max(given?.[1] ?? -Infinity, ...nums);
    return { key, kind: d.logUniform !== undefined && lo > 0 ? 'log' : 'linear', categories: [], lo, hi };
  }
  const categories: unknown[] = Array.isArray(d.values) ? [...d.values] : [];
  const extra = seen.filter((v, i) => v !== undefined && categories.every((c) => jsonText(c) !== jsonText(v)) && seen.findIndex((w) => jsonText(w) === jsonText(v)) === i);
  if (!Array.isArray(d.values) && extra.every((v) => typeof v === 'number')) extra.sort((a, b) => (a as number) - (b as number));
  return { key, kind: 'category', categories: [...categories, ...extra], lo: 0, hi: 0 };
}

/** An axis's value on [0, 1] for the importance model: numeric on its (log) scale, choices as their index. NaN/−1: missing. */
export function encode(a: Axis, v: unknown): number {
  if (a.kind === 'category') return categoryOf(a, v);
  if (typeof v !== 'number' || !Number.isFinite(v)) return NaN;
  if (a.kind === 'log') return v > 0 ? (Math.log(v) - Math.log(a.lo)) / (Math.log(a.hi) - Math.log(a.lo) || 1) : NaN;
  return (v - a.lo) / (a.hi - a.lo || 1);
}

// Viridis from the worst (light) to the best (dark) metric.
const STOPS = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'];
/** The colour of t in [0, 1] (0 worst, 1 best). */
export function colorOf(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1), i = Math.min(STOPS.length - 2, Math.floor(x)), f = x - i;
  const c = (s: string, k: number) => parseInt(s.slice(1 + 2 * k, 3 + 2 * k), 16);
  return `#${[0, 1, 2].map((k) => Math.round(c(STOPS[i], k) + (c(STOPS[i + 1], k) - c(STOPS[i], k)) * f).toString(16).padStart(2, '0')).join('')}`;
}

/** A vertical position function and tick marks for an axis between y = bottom and y = top. */
function place(a: Axis, bottom: number, top: number): { y: (v: unknown) => number | undefined; ticks: [number, string][] } {
  if (a.kind === 'category') {
    const n = a.categories.length, at = (i: number) => (n === 1 ? (top + bottom) / 2 : bottom + (i * (top - bottom)) / (n - 1));
    return { y: (v) => { const i = categoryOf(a, v); return i < 0 ? undefined : at(i); }, ticks: a.categories.map((c, i) => [at(i), shown(c)]) };
  }
  const s: Scale = a.kind === 'log' ? logScale(a.lo, a.hi, bottom, top) : linear(a.lo, a.hi, bottom, top, 5);
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && (a.kind !== 'log' || v > 0);
  return { y: (v) => (ok(v) ? s.map(v) : undefined), ticks: s.ticks.map((t) => [s.map(t), s.label(t)]) };
}

const clip = (s: string, n = 16) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The chart: `axes` for the parameters, then the metric's axis; `goal` orders the colours (the best trial darkest). */
export function parallelCoordinates(trials: SweepTrial[], axes: Axis[], metric: string, goal: 'maximize' | 'minimize'): string {
  const metrics = trials.map((t) => t.metric).filter((m): m is number => typeof m === 'number' && Number.isFinite(m));
  const mAxis: Axis = { key: metric, kind: 'linear', categories: [], lo: Math.min(...metrics), hi: Math.max(...metrics) };
  const all = [...axes, mAxis], n = all.length;
  const W = Math.max(640, Math.min(1400, 150 * n + 60)), H = 400, top = 46, bottom = H - 64, left = 80, right = W - 60;
  const xAt = (i: number) => r1(n === 1 ? (left + right) / 2 : left + (i * (right - left)) / (n - 1));
  const placed = all.map((a) => place(a, bottom, top));
  const mLo = mAxis.lo, mHi = mAxis.hi;
  const score = (m: number) => { const t = mHi > mLo ? (m - mLo) / (mHi - mLo) : 1; return goal === 'maximize' ? t : 1 - t; };
  // Failed trials first, then from the worst to the best (the best drawn last, on top).
  const order = [...trials].sort((a, b) => (a.metric === null ? -1 : 0) - (b.metric === null ? -1 : 0) ||
    (a.metric !== null && b.metric !== null ? score(a.metric) - score(b.metric) : 0) || a.trial - b.trial);
  const halo = 'paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"';
  const axesSvg = all.map((a, i) => {
    const x = xAt(i), isMetric = i === n - 1;
    const name = isMetric ? `${a.key} ${goal === 'maximize' ? '↑' : '↓'}` : a.key;
    const kind = isMetric ? 'metric' : a.kind === 'category' ? `${a.categories.length} choices` : a.kind;
    const ticks = placed[i].ticks.map(([y, t]) => `<path class="tk" d="M${x - 3} ${r1(y)}h6"/><text class="tick" x="${x - 6}" y="${r1(y) + 3.5}" text-anchor="end" ${halo}>${esc(clip(t))}<title>${esc(t)}</title></text>`).join('');
    return `<g class="pc-axis" data-key="${esc(a.key)}" data-kind="${esc(isMetric ? 'metric' : a.kind)}"><path class="axis" d="M${x} ${top}V${bottom}"/>${ticks}` +
      `<text class="axis-label" x="${x}" y="${top - 22}" text-anchor="middle" font-weight="600">${esc(clip(name, 22))}<title>${esc(name)}</title></text>` +
      `<text class="tick" x="${x}" y="${top - 9}" text-anchor="middle">${esc(kind)}</text></g>`;
  }).join('');
  const lines = order.map((t) => {
    const pts: string[] = [];
    axes.forEach((a, i) => { const y = placed[i].y(t.params[a.key]); if (y !== undefined) pts.push(`${xAt(i)},${r1(y)}`); });
    const my = t.metric === null ? undefined : placed[n - 1].y(t.metric);
    if (my !== undefined) pts.push(`${xAt(n - 1)},${r1(my)}`);
    const color = t.metric === null ? '#9aa0a6' : colorOf(score(t.metric));
    const style = t.status === 'failed' ? ' stroke-dasharray="4 3" stroke-width="1.2"' : ' stroke-width="1.6"';
    const tip = `trial ${t.trial} (${t.status}${t.reason ? `: ${t.reason}` : ''}): ${axes.map((a) => `${a.key} ${shown(t.params[a.key])}`).join(', ')}; ${metric} ${t.metric === null ? '–' : fmt(t.metric, 4)}`;
    const mark = t.status === 'stopped' && my !== undefined
      ? `<path class="stop-mark" d="M${xAt(n - 1) - 4} ${r1(my) - 4}l8 8m0 -8l-8 8" stroke="#d55e00" stroke-width="1.6"><title>trial ${t.trial} stopped early${t.reason ? `: ${esc(t.reason)}` : ''}</title></path>` : '';
    return `<polyline class="trial ${t.status}" data-trial="${t.trial}" points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-opacity="0.85"${style}><title>${esc(tip)}</title></polyline>${mark}`;
  }).join('');
  // The colour key: a gradient bar from the worst to the best metric, and the failed and stopped marks.
  const kx = left, ky = H - 26, kw = 220;
  const grad = STOPS.map((c, i) => `<stop offset="${i / (STOPS.length - 1)}" stop-color="${c}"/>`).join('');
  const [from, to] = goal === 'maximize' ? [mLo, mHi] : [mHi, mLo];
  const key = `<defs><linearGradient id="sweep-metric-colors">${grad}</linearGradient></defs>` +
    `<rect x="${kx}" y="${ky}" width="${kw}" height="10" fill="url(#sweep-metric-colors)"/>` +
    `<text class="tick" x="${kx}" y="${ky + 22}">${esc(metrics.length ? fmt(from, 4) : '–')} (worst)</text>` +
    `<text class="tick" x="${kx + kw}" y="${ky + 22}" text-anchor="end">${esc(metrics.length ? fmt(to, 4) : '–')} (best)</text>` +
    `<text class="tick" x="${kx + kw + 12}" y="${ky + 9}">${esc(metric)}</text>` +
    `<path d="M${kx + kw + 140} ${ky + 5}h26" stroke="#9aa0a6" stroke-dasharray="4 3" stroke-width="1.4"/><text class="tick" x="${kx + kw + 172}" y="${ky + 9}">failed</text>` +
    `<path d="M${kx + kw + 228} ${ky + 1}l8 8m0 -8l-8 8" stroke="#d55e00" stroke-width="1.6"/><text class="tick" x="${kx + kw + 242}" y="${ky + 9}">stopped early</text>`;
  const title = `${trials.length} trials: parameters and ${metric}`;
  return `<figure class="chart" id="parallel-coordinates"><figcaption>${esc(title)}</figcaption>` +
    `<svg class="plot pc" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">` +
    `<g class="lines">${lines}</g><g class="axes">${axesSvg}</g><g class="legend">${key}</g></svg></figure>`;
}
