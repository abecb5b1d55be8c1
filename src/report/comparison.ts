// renderComparison: an experiment's variants on one self-contained page: a results table, overlaid curves (one colour
// per variant, validation dashed), each variant's verdicts, and per-variant detail sections with anchors and links.
import { esc, fmt, Ids, num, pct, section, table, type Cell } from './html.js';
import { lineChart, PALETTE, type Line } from './svg.js';
import { page } from './style.js';
import { readComparisonOptions, readRuns, type ComparisonOptions, type ComparisonRun } from './options.js';
import { confusionBody, curvesBody, epochAxis, keyFigures, label, metricPairs, runInfoBody, verdictBlock, verdictsBody, verdictsOf } from './sections.js';

interface Row { run: ComparisonRun; id: string; color: string; finalVal?: number; bestVal?: number; bestEpoch?: number; verdicts: string[] }

const lastOf = (a: number[] | undefined): number | undefined => (a?.length ? num(a[a.length - 1]) : undefined);

/** Compares several runs of one experiment. Each run: { name, history, test?, timeSeconds?, samplesPerSecond?, reportHref? }. */
export function renderComparison(runs: ComparisonRun[], options: ComparisonOptions = {}): string {
  const rs = readRuns(runs), o = readComparisonOptions(options);
  const title = o.title ?? 'simdnet experiment';
  const ids = new Ids('variant-');
  const rows: Row[] = rs.map((run, i) => {
    const va = run.history.history.valAccuracy?.map(num), fin = va?.filter(Number.isFinite) ?? [];
    const best = fin.length ? va!.indexOf(Math.max(...fin)) : -1;
    return {
      run, id: ids.make(run.name), color: PALETTE[i % PALETTE.length], finalVal: lastOf(va),
      bestVal: best >= 0 ? va![best] : undefined, bestEpoch: best >= 0 ? epochAxis(run.history, va!.length)[best] : undefined,
      verdicts: verdictsOf(run.history).list.map((v) => v.kind),
    };
  });
  const best = (f: (r: Row) => number | undefined) => Math.max(...rows.map(f).map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : -Infinity)));
  const bestTest = best((r) => r.run.test?.accuracy), bestVal = best((r) => r.bestVal);
  const cellOf = (v: number | undefined, text: string, isBest = false): Cell => ({ text, sort: v, cls: isBest ? 'best' : undefined });
  const resultRows = rows.map((r) => [
    { text: `<span class="swatch" style="background:${r.color}"></span><a href="#${r.id}">${esc(r.run.name)}</a>`, html: true },
    r.run.history.epoch.length,
    cellOf(r.finalVal, pct(r.finalVal)),
    cellOf(r.bestVal, r.bestVal === undefined ? '–' : `${pct(r.bestVal)} (epoch ${r.bestEpoch})`, r.bestVal === bestVal),
    cellOf(r.run.test?.accuracy, pct(r.run.test?.accuracy), r.run.test?.accuracy === bestTest),
    cellOf(r.run.test?.loss, fmt(r.run.test?.loss, 4)),
    cellOf(lastOf(r.run.history.history.loss), fmt(lastOf(r.run.history.history.loss), 4)),
    cellOf(lastOf(r.run.history.history.valLoss), fmt(lastOf(r.run.history.history.valLoss), 4)),
    cellOf(r.run.timeSeconds, r.run.timeSeconds === undefined ? '–' : `${fmt(r.run.timeSeconds)} s`),
    cellOf(r.run.samplesPerSecond, r.run.samplesPerSecond === undefined ? '–' : fmt(Math.round(r.run.samplesPerSecond))),
    r.verdicts.length ? r.verdicts.join(', ') : 'none',
  ]);
  const results = table(['variant', 'epochs', 'final val. accuracy', 'best val. accuracy', 'test accuracy', 'test loss', 'final train loss',
    'final val. loss', 'time', 'samples/s', 'verdicts'], resultRows, { sortable: true, cls: 'results' });

  // Overlaid curves: every metric any run logged, training solid and validation dashed.
  const bases = [...new Set(rows.flatMap((r) => metricPairs(r.run.history.history).map(([k]) => k)))];
  const legend: [string, string, boolean][] = [...rows.map((r): [string, string, boolean] => [r.run.name, r.color, false]),
    ['training', '#444', false], ['validation', '#444', true]];
  const curves = `<div class="grid">${bases.map((k) => {
    const lines: Line[] = rows.flatMap((r) => {
      const h = r.run.history, val = `val${k[0].toUpperCase()}${k.slice(1)}`, out: Line[] = [];
      const line = (key: string, what: string, dashed: boolean): Line =>
        ({ label: `${r.run.name} ${what}`, xs: epochAxis(h, h.history[key].length), ys: h.history[key].map(num), color: r.color, dashed });
      if (h.history[k]) out.push(line(k, 'training', false));
      if (!/^val[A-Z]/.test(k) && h.history[val]) out.push(line(val, 'validation', true));
      return out;
    });
    return lineChart(lines, { title: `${label(k)} per variant`, xLabel: 'epoch', yLabel: label(k), legend, width: 560, height: 320, markers: false });
  }).join('')}</div>`;

  const verdictList = rows.map((r) => {
    const v = verdictsOf(r.run.history).list;
    return `<h3><a href="#${r.id}">${esc(r.run.name)}</a></h3>${v.length ? v.map((x) => verdictBlock(x)).join('') : '<p class="muted">No problems found.</p>'}`;
  }).join('');

  const details = rows.map((r) => {
    const link = r.run.reportHref ? `<p><a class="full" href="${esc(r.run.reportHref)}">Full report of ${esc(r.run.name)}</a></p>` : '';
    const cm = r.run.test?.confusionMatrix ? `<h3>Confusion matrix</h3>${confusionBody(r.run.test)}` : '';
    return section(r.id, `Variant: ${r.run.name}`, `${link}${keyFigures(r.run.history, r.run.test, verdictsOf(r.run.history).list.length)}` +
      `<h3>Verdicts</h3>${verdictsBody(r.run.history)}<h3>Curves</h3>${curvesBody(r.run.history)}${cm}`);
  });

  const sections: [string, string, string, string?][] = [
    ['results', 'Results', results, 'Click a column header to sort. Best validation and test accuracy in bold.'],
    ['curves', 'Curves', curves, 'Colour = variant; training solid, validation dashed.'],
    ['verdicts', 'Verdicts per variant', verdictList],
    ['run', 'Experiment', runInfoBody(o)],
  ];
  const sub = [o.environment?.date, `${rows.length} variant${rows.length === 1 ? '' : 's'}`].filter(Boolean).map(esc)
    .concat(o.command ? [`<code>${esc(o.command)}</code>`] : []).join(' · ');
  return page(title, sub, [...sections.map(([id, l]): [string, string] => [id, l]), ...rows.map((r): [string, string] => [r.id, r.run.name])],
    [...sections.map(([id, l, body, intro]) => section(id, l, body, intro)), ...details]);
}
