// Hand-written SVG charts for the report: linear and log scales with nice ticks, line charts (axes, ticks, legend,
// point tooltips, optional ±band) and sparklines. Strings only; no plotting library, no DOM, no script.
import { esc, fmt } from './html.js';

/** Colour-blind-safe series colours (Okabe–Ito, then Tableau's). */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#d55e00', '#cc79a7', '#56b4e9', '#7f7f7f', '#8c564b', '#bcbd22', '#17becf'];

/** Coordinates rounded to 0.1 px keep the file small. */
export const r1 = (v: number): number => Math.round(v * 10) / 10;

export interface Scale { map(v: number): number; ticks: number[]; label(v: number): string; log: boolean; lo: number; hi: number }

/** Nice step for about n ticks over [lo, hi]: 1, 2 or 5 × 10^k. */
function niceStep(span: number, n: number): number {
  const raw = span / Math.max(1, n), p = 10 ** Math.floor(Math.log10(raw)), m = raw / p;
  return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

/** A linear scale from [lo, hi] (widened to nice ticks) onto [r0, r1]. integer: ticks on integers only (epochs). */
export function linear(lo: number, hi: number, r0: number, r1_: number, n = 5, integer = false, nice = true): Scale {
  if (!(hi > lo)) { const c = Number.isFinite(lo) ? lo : 0, d = Math.abs(c) * 0.1 || 1; lo = c - d; hi = c + d; }
  let step = niceStep(hi - lo, n);
  if (integer) step = Math.max(1, Math.round(step));
  if (nice) { lo = Math.floor(lo / step + 1e-9) * step; hi = Math.ceil(hi / step - 1e-9) * step; }
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const sci = Math.max(Math.abs(lo), Math.abs(hi)) >= 1e5 || step < 1e-4;
  return {
    map: (v) => r0 + ((v - lo) / (hi - lo)) * (r1_ - r0), ticks, log: false, lo, hi,
    label: (v) => (sci ? v.toExponential(1).replace('e+', 'e') : v.toFixed(decimals)),
  };
}

/** A log10 scale from [lo, hi] (positive; widened to whole decades) onto [r0, r1]; ticks at decades (and 2, 5 in short spans). */
export function logScale(lo: number, hi: number, r0: number, r1_: number): Scale {
  const room = Math.abs(r1_ - r0);
  if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1e-3;
  if (!(hi > lo)) hi = lo * 10;
  const a = Math.floor(Math.log10(lo) + 1e-9), b = Math.max(a + 1, Math.ceil(Math.log10(hi) - 1e-9));
  const ticks: number[] = [];
  const every = Math.max(1, Math.ceil((b - a) / Math.max(2, Math.floor(room / 22))));
  for (let k = a; k <= b; k += every) {
    ticks.push(10 ** k);
    if (room / (b - a) >= 70 && k < b) ticks.push(2 * 10 ** k, 5 * 10 ** k);
  }
  ticks.sort((x, y) => x - y);
  return {
    map: (v) => r0 + ((Math.log10(v) - a) / (b - a)) * (r1_ - r0), ticks, log: true, lo: 10 ** a, hi: 10 ** b,
    label: (v) => (v >= 1e-3 && v < 1e5 ? String(Number(v.toPrecision(2))) : v.toExponential(0).replace('e+', 'e')),
  };
}

/** Horizontal grid lines with the y tick labels, left of x = left. */
export function yGrid(sy: Scale, left: number, right: number): string {
  return sy.ticks.map((t) => {
    const y = r1(sy.map(t));
    return `<path class="grid" d="M${left} ${y}H${right}"/><text class="tick" x="${left - 4}" y="${y + 3.5}" text-anchor="end">${sy.label(t)}</text>`;
  }).join('');
}

/** The x axis line at y with its ticks and labels. */
export function xAxis(sx: Scale, y: number): string {
  return sx.ticks.map((t) => {
    const x = r1(sx.map(t));
    return `<path class="tk" d="M${x} ${y}v4"/><text class="tick" x="${x}" y="${y + 14}" text-anchor="middle">${sx.label(t)}</text>`;
  }).join('') + `<path class="axis" d="M${r1(sx.map(sx.lo))} ${y}H${r1(sx.map(sx.hi))}"/>`;
}

export interface Line {
  label: string;
  xs: number[];
  ys: number[];
  color: string;
  dashed?: boolean;
  /** A shaded band around the line (mean ± std). */
  band?: { lo: number[]; hi: number[] };
}

export interface ChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  log?: boolean;
  width?: number;
  height?: number;
  /** Shown as a legend (default: when more than one line), or these entries: [label, colour, dashed]. */
  legend?: boolean | [string, string, boolean][];
  /** A fixed y domain (shared axes in small multiples). */
  yDomain?: [number, number];
  /** Tooltips and markers on points (default: when a line has at most 60 points). */
  markers?: boolean;
  id?: string;
  cls?: string;
}

/** The finite (and, on a log axis, positive) values of several arrays: their range. */
export function extent(arrays: number[][], log = false): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const a of arrays) for (const v of a) if (typeof v === 'number' && Number.isFinite(v) && (!log || v > 0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return [lo, hi];
}

/** A path through the points, broken where a value is missing (NaN, or ≤ 0 on a log axis). */
function pathOf(xs: number[], ys: number[], sx: Scale, sy: Scale): { d: string; points: [number, number, number, number][] } {
  let d = '', pen = false;
  const points: [number, number, number, number][] = [];
  ys.forEach((y, i) => {
    const ok = typeof y === 'number' && Number.isFinite(y) && (!sy.log || y > 0) && Number.isFinite(xs[i]);
    if (!ok) { pen = false; return; }
    const px = r1(sx.map(xs[i])), py = r1(sy.map(y));
    d += `${pen ? 'L' : 'M'}${px} ${py}`;
    pen = true;
    points.push([px, py, xs[i], y]);
  });
  return { d, points };
}

/** A line chart: axes with ticks and labels, one path per line, a legend. Lines without finite data are skipped; no data at all gives a note. */
export function lineChart(lines: Line[], o: ChartOptions): string {
  const W = o.width ?? 460, H = o.height ?? 260;
  const all = lines.flatMap((l) => [l.ys, ...(l.band ? [l.band.lo, l.band.hi] : [])]);
  let [lo, hi] = o.yDomain ?? extent(all, o.log);
  const cap = `<figcaption>${esc(o.title)}</figcaption>`;
  const open = `<figure class="chart${o.cls ? ` ${o.cls}` : ''}"${o.id ? ` id="${esc(o.id)}"` : ''}>`;
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return `${open}${cap}<p class="empty">no finite${o.log ? ', positive' : ''} values to draw</p></figure>`;
  const drawn = lines.filter((l) => l.ys.some((v) => Number.isFinite(v) && (!o.log || v > 0)));
  if (!drawn.length) return `${open}${cap}<p class="empty">no finite${o.log ? ', positive' : ''} values to draw</p></figure>`;
  const legendItems: [string, string, boolean][] = Array.isArray(o.legend) ? o.legend
    : (o.legend ?? drawn.length > 1) ? drawn.map((l) => [l.label, l.color, !!l.dashed]) : [];
  // Legend rows laid out left to right at the top (about 6.2 px per character at 11 px).
  const legend: string[] = [];
  let lx = 52, ly = 12;
  for (const [label, color, dashed] of legendItems) {
    const w = 26 + label.length * 6.2;
    if (lx + w > W - 8 && lx > 52) { lx = 52; ly += 15; }
    const dash = dashed ? ' stroke-dasharray="5 3"' : '';
    legend.push(`<g class="key"><path d="M${lx} ${ly - 4}h18" stroke="${color}"${dash}/><text x="${lx + 22}" y="${ly}">${esc(label)}</text></g>`);
    lx += w + 8;
  }
  const top = legendItems.length ? ly + 10 : 10, left = 52, right = W - 12, bottom = H - (o.xLabel ? 34 : 22);
  const xsAll = lines.flatMap((l) => l.xs).filter(Number.isFinite);
  const x0 = Math.min(...xsAll), x1 = Math.max(...xsAll);
  const sx = linear(x0, x1 > x0 ? x1 : x0 + 1, left, right, Math.min(8, Math.max(1, x1 - x0)), true, false);
  if (o.log && !o.yDomain) { lo = Math.max(lo, hi * 1e-12); }
  const sy = o.log ? logScale(lo, hi, bottom, top) : linear(lo, hi, bottom, top, Math.max(2, Math.min(6, Math.floor((bottom - top) / 32))));
  const markers = o.markers ?? lines.every((l) => l.ys.length <= 60);
  const body = drawn.map((l) => {
    let s = '';
    if (l.band) {
      const up = pathOf(l.xs, l.band.hi, sx, sy), dn = pathOf(l.xs, l.band.lo, sx, sy);
      if (up.points.length && up.points.length === dn.points.length) {
        const pts = [...up.points, ...dn.points.reverse()];
        s += `<path class="band" d="M${pts.map((p) => `${p[0]} ${p[1]}`).join('L')}Z" fill="${l.color}"/>`;
      }
    }
    const p = pathOf(l.xs, l.ys, sx, sy);
    s += `<path class="line" data-points="${p.points.length}" d="${p.d}" stroke="${l.color}"${l.dashed ? ' stroke-dasharray="5 3"' : ''}/>`;
    if (markers || p.points.length === 1) {
      const what = `${esc(l.label)}, ${esc(o.xLabel ?? 'x')}`;
      s += p.points.map(([px, py, x, y]) => `<circle cx="${px}" cy="${py}" r="2.4" fill="${l.color}"><title>${what} ${fmt(x)}: ${fmt(y, 4)}</title></circle>`).join('');
    }
    return `<g class="series">${s}</g>`;
  }).join('');
  const labels = (o.xLabel ? `<text class="axis-label" x="${(left + right) / 2}" y="${H - 4}" text-anchor="middle">${esc(o.xLabel)}</text>` : '') +
    (o.yLabel ? `<text class="axis-label" transform="translate(11 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>` : '');
  return `${open}${cap}<svg class="plot" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}">` +
    `<g class="axes">${yGrid(sy, left, right)}${xAxis(sx, bottom)}<path class="axis" d="M${left} ${top}V${bottom}"/>${labels}</g>` +
    `<g class="data">${body}</g><g class="legend">${legend.join('')}</g></svg></figure>`;
}

/** A tiny inline line of a number array (evidence figures), with its first and last values' tooltips. */
export function sparkline(values: number[], color = PALETTE[0], log = false): string {
  const W = 120, H = 26;
  const [lo, hi] = extent([values], log);
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || values.length < 2) return '';
  const sx = linear(0, values.length - 1, 3, W - 3, 2, true, false);
  const sy = log ? logScale(lo, hi, H - 3, 3) : linear(lo, hi, H - 3, 3, 2, false, false);
  const p = pathOf(values.map((_, i) => i), values, sx, sy);
  return `<svg class="spark" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(values.map((v) => fmt(v)).join(', '))}">` +
    `<path class="line" data-points="${p.points.length}" d="${p.d}" stroke="${color}"/></svg>`;
}
