// Heat maps and histograms for the report, as SVG strings: the confusion matrix (cells coloured by the share of the
// true class), per-epoch histogram heat strips (epochs × bins on a common value axis), and two overlaid histograms.
import { esc, fmt } from './html.js';
import { linear, r1, xAxis, yGrid } from './svg.js';

/** White → dark blue at t in [0, 1]. */
export function blues(t: number): string {
  const c = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0));
  const lerp = (a: number, b: number) => Math.round(a + (b - a) * c);
  return `rgb(${lerp(247, 8)},${lerp(251, 48)},${lerp(255, 107)})`;
}

const short = (s: string, n = 14): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The confusion matrix counts[true][predicted] as a heat map: colour = share of the true class, the count written in each cell when it fits. */
export function confusionHeatmap(cm: number[][], names: string[]): string {
  const n = cm.length, cell = Math.max(14, Math.min(40, Math.floor(400 / Math.max(1, n))));
  const longest = Math.min(14, Math.max(...names.map((s) => s.length), 1));
  const left = 24 + longest * 6.5, top = 22 + longest * 4.8;
  const W = left + n * cell + 8 + longest * 4, H = top + n * cell + 8;
  let body = '';
  cm.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((c, j) => {
      const f = total ? c / total : 0, x = left + j * cell, y = top + i * cell;
      body += `<rect class="cell${i === j ? ' diag' : ''}" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${blues(f)}">` +
        `<title>true ${esc(names[i])}, predicted ${esc(names[j])}: ${c} (${total ? (f * 100).toFixed(1) : '0'}% of ${esc(names[i])})</title></rect>`;
      if (cell >= 18 && c > 0) body += `<text class="count${f > 0.5 ? ' hi' : ''}" x="${x + cell / 2}" y="${y + cell / 2 + 3.5}" text-anchor="middle">${c}</text>`;
    });
  });
  const rowLabels = names.map((s, i) =>
    `<text class="tick" x="${left - 5}" y="${top + i * cell + cell / 2 + 3.5}" text-anchor="end">${esc(short(s))}<title>${esc(s)}</title></text>`).join('');
  const colLabels = names.map((s, j) => {
    const x = left + j * cell + cell / 2 + 3, y = top - 5;
    return `<text class="tick" transform="translate(${x} ${y}) rotate(-50)">${esc(short(s))}<title>${esc(s)}</title></text>`;
  }).join('');
  return `<figure class="chart heat"><figcaption>Confusion matrix: rows true class, columns predicted; colour = share of the true class</figcaption>` +
    `<svg class="plot confusion" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="confusion matrix">` +
    `<text class="axis-label" x="4" y="${top - 6}">true ↓ predicted →</text>${rowLabels}${colLabels}<g class="cells">${body}</g></svg></figure>`;
}

export interface Hist { lo: number; hi: number; counts: number[] }

const LEVELS = 8;

/**
 * One heat strip: a row per epoch, each histogram's bins placed at their own value range on an axis common to all
 * rows; shade = the bin's count over the row's largest, square-rooted, in 8 levels.
 */
export function histogramStrip(rows: { epoch: number; h: Hist }[], title: string, color: string): string {
  const used = rows.filter((r) => r.h.counts.some((c) => c > 0) && Number.isFinite(r.h.lo) && Number.isFinite(r.h.hi));
  if (!used.length) return `<figure class="chart strip"><figcaption>${esc(title)}</figcaption><p class="empty">no values</p></figure>`;
  const lo = Math.min(...used.map((r) => r.h.lo)), hi = Math.max(...used.map((r) => r.h.hi));
  const W = 360, left = 34, right = W - 18, top = 6;
  const rh = Math.max(3, Math.min(24, Math.floor(160 / rows.length)));
  const bottom = top + rows.length * rh, H = bottom + 28;
  const sx = linear(lo, hi > lo ? hi : lo + 1, left, right, 4, false, false);
  const every = Math.ceil(rows.length / Math.floor((rows.length * rh) / 12 || 1));
  let body = '', labels = '';
  rows.forEach((r, k) => {
    const y = r1(top + k * rh + rh / 2), { lo: a, hi: b, counts } = r.h, w = (b - a) / Math.max(1, counts.length);
    const max = Math.max(...counts, 0);
    const byLevel: string[] = new Array(LEVELS + 1).fill('');
    let i = 0;
    while (max > 0 && i < counts.length) {
      const level = counts[i] > 0 ? Math.max(1, Math.ceil(Math.sqrt(counts[i] / max) * LEVELS)) : 0;
      let j = i + 1;
      while (j < counts.length && (counts[j] > 0 ? Math.max(1, Math.ceil(Math.sqrt(counts[j] / max) * LEVELS)) : 0) === level) j++;
      if (level) {
        const x0 = r1(sx.map(a + i * w)), x1 = r1(sx.map(a + j * w));
        byLevel[level] += `M${x0} ${y}h${r1(Math.max(0.4, x1 - x0))}`;
      }
      i = j;
    }
    body += `<g class="hrow" data-epoch="${r.epoch}"><title>epoch ${r.epoch + 1}: [${fmt(a)}, ${fmt(b)}], ${counts.reduce((s, c) => s + c, 0)} values</title>` +
      byLevel.map((d, l) => (d ? `<path d="${d}" stroke-opacity="${(l / LEVELS).toFixed(3)}"/>` : '')).join('') + '</g>';
    if (k % every === 0 || k === rows.length - 1) labels += `<text class="tick" x="${left - 4}" y="${y + 3}" text-anchor="end">${r.epoch + 1}</text>`;
  });
  return `<figure class="chart strip"><figcaption>${esc(title)}</figcaption>` +
    `<svg class="plot" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">` +
    `<rect class="bg" x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/>` +
    `<g class="rows" stroke="${color}" stroke-width="${rh}">${body}</g>${labels}${xAxis(sx, bottom)}` +
    `<text class="axis-label" x="2" y="${top + 8}">ep.</text></svg></figure>`;
}

/** Counts of values in `bins` equal bins over [lo, hi]. */
export function binCounts(values: number[], lo: number, hi: number, bins: number): number[] {
  const out = new Array<number>(bins).fill(0), w = (hi - lo) / bins;
  for (const v of values) if (Number.isFinite(v)) out[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w)))]++;
  return out;
}

/** Two histograms on one axis: `a` filled grey, `b` an outline in colour. */
export function overlaidHistograms(a: number[], b: number[], names: [string, string], title: string, color: string,
  bins = Math.max(10, Math.min(50, Math.round(2 * Math.sqrt(Math.max(a.length, b.length)))))): string {
  const fin = [...a, ...b].filter(Number.isFinite);
  if (!fin.length) return `<figure class="chart"><figcaption>${esc(title)}</figcaption><p class="empty">no values</p></figure>`;
  let lo = Math.min(...fin), hi = Math.max(...fin);
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const ca = binCounts(a, lo, hi, bins), cb = binCounts(b, lo, hi, bins);
  const W = 460, H = 250, left = 52, right = W - 12, top = 26, bottom = H - 34;
  const sx = linear(lo, hi, left, right, 5, false, false), sy = linear(0, Math.max(...ca, ...cb, 1), bottom, top, 4, true);
  const step = (c: number[]) => {
    let d = `M${r1(sx.map(lo))} ${r1(sy.map(0))}`;
    c.forEach((v, i) => {
      const x0 = r1(sx.map(lo + ((hi - lo) * i) / bins)), x1 = r1(sx.map(lo + ((hi - lo) * (i + 1)) / bins)), y = r1(sy.map(v));
      d += `L${x0} ${y}L${x1} ${y}`;
    });
    return `${d}L${r1(sx.map(hi))} ${r1(sy.map(0))}`;
  };
  const key = (x: number, label: string, fill: string, stroke: string) =>
    `<g class="key"><rect x="${x}" y="6" width="14" height="10" fill="${fill}" stroke="${stroke}"/><text x="${x + 18}" y="15">${esc(label)}</text></g>`;
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption>` +
    `<svg class="plot" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">` +
    `<g class="axes">${yGrid(sy, left, right)}${xAxis(sx, bottom)}<path class="axis" d="M${left} ${top}V${bottom}"/>` +
    `<text class="axis-label" x="${(left + right) / 2}" y="${H - 4}" text-anchor="middle">weight value</text>` +
    `<text class="axis-label" transform="translate(11 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">count</text></g>` +
    `<g class="data"><path class="hist first" data-points="${bins}" d="${step(ca)}Z" fill="#999" fill-opacity="0.45" stroke="#777"/>` +
    `<path class="hist last" data-points="${bins}" d="${step(cb)}" fill="none" stroke="${color}" stroke-width="1.8"/></g>` +
    `<g class="legend">${key(left, names[0], '#bbb', '#777')}${key(left + 30 + names[0].length * 6.2, names[1], 'none', color)}</g></svg></figure>`;
}
