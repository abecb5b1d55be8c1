// simdnet/report's sweep report: every section on one well-formed page, one polyline per trial through one axis per
// parameter and the metric's, a sortable table row per trial, importance that ranks first the parameter that decides
// the metric, the best trial as a train command and an experiment file; the JSONL log read strictly (a truncated last
// line skipped and said so). Runtime-neutral; no kernels needed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { renderSweepReport, renderSweepFromJsonl, parseSweepLog, type SweepTrial, type SweepFlag } from '../../src/report/index.js';
import { parseHtml, all, byId, hasClass, text, type El } from './html-check.js';

const test = suite('sweep report');

const SPACE = {
  learningRate: { logUniform: [1e-4, 1e-1] }, batchSize: { values: [32, 64, 128, 256] },
  activation: { values: ['sigmoid', 'tanh', 'relu'] }, dropout: { uniform: [0, 0.5] }, hidden: { values: [[128], [128, 128]] },
};
const KEYS = Object.keys(SPACE);
const FLAGS: Record<string, SweepFlag> = {
  dataset: { flag: 'dataset' }, hidden: { flag: 'hidden' }, activation: { flag: 'activation' }, dropout: { flag: 'dropout' },
  batchNorm: { flag: 'batch-norm', boolean: true, default: false }, learningRate: { flag: 'lr' }, epochs: { flag: 'epochs' },
  batchSize: { flag: 'batch-size' }, seed: { flag: 'seed' }, diagnostics: { flag: 'no-diagnostics', boolean: true, default: true },
};

/** A small seeded generator for the synthetic trials. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

/** n trials over SPACE whose metric is decided by `decider` (its value's rank), the other parameters random. */
function syntheticLog(n: number, decider: (p: Record<string, unknown>) => number, seed = 7, space: Record<string, unknown> = SPACE) {
  const r = lcg(seed), pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const trials: SweepTrial[] = Array.from({ length: n }, (_, i) => {
    const params = {
      learningRate: 10 ** (-4 + 3 * r()), batchSize: pick([32, 64, 128, 256]), activation: pick(['sigmoid', 'tanh', 'relu']),
      dropout: 0.5 * r(), hidden: pick([[128], [128, 128]]),
    };
    const metric = decider(params), status: SweepTrial['status'] = i % 9 === 4 ? 'failed' : i % 7 === 3 ? 'stopped' : 'ok';
    return {
      trial: i, generation: Math.floor(i / 4), params, status, metric: status === 'failed' ? null : metric,
      curve: status === 'failed' ? [0.1] : [metric * 0.8, metric], epochs: status === 'ok' ? 3 : 2, seconds: 1.5 + i / 10,
      ...(status === 'failed' ? { reason: 'loss became NaN at epoch 2' } : status === 'stopped' ? { reason: 'median rule at epoch 2' } : {}),
      ...(status !== 'failed' ? { valAccuracy: metric, valLoss: 1 - metric, weightsHash: `h${i}` } : {}),
    };
  });
  const header = { sweep: 'synthetic', started: '2026-01-02T03:04:05.000Z',
    config: { name: 'synthetic', base: { dataset: 'fashion-small', epochs: 3, seed: 1 }, space, method: 'random', metric: { name: 'valAccuracy', goal: 'maximize' }, budget: { trials: n } } };
  return { header, trials };
}

const byLr = (p: Record<string, unknown>) => 0.5 + 0.1 * Math.log10(p.learningRate as number); // in [0.1, 0.4]
const byActivation = (p: Record<string, unknown>) => ({ sigmoid: 0.2, tanh: 0.5, relu: 0.8 })[p.activation as string]! + 0.001 * (p.dropout as number);
const section = (doc: El, id: string) => { const s = byId(doc, id); assert.ok(s, `section #${id}`); return s!; };

/** The importance table's parameter names in row order, and their permutation importances. */
function importanceRows(doc: El): { keys: string[]; perm: number[]; rho: Record<string, string> } {
  const rows = all(section(doc, 'importance'), (x) => x.tag === 'tr').filter((tr) => all(tr, (x) => x.tag === 'td').length);
  const cells = rows.map((tr) => all(tr, (x) => x.tag === 'td'));
  return { keys: cells.map((c) => text(c[0])), perm: cells.map((c) => Number(c[4].attrs['data-v'] ?? NaN)), rho: Object.fromEntries(cells.map((c) => [text(c[0]), text(c[2])])) };
}

test('every section, in order, linked from the contents; the page is well formed and fetches nothing', () => {
  const html = renderSweepReport(syntheticLog(30, byLr), { title: 'Sweep <x> & "y"', command: 'simdnet sweep s.json' });
  const doc = parseHtml(html);
  const ids = all(doc, (x) => x.tag === 'section').map((s) => s.attrs.id);
  assert.equal(ids, ['overview', 'chart', 'trials', 'importance', 'best', 'run']);
  assert.equal(all(doc, (x) => x.tag === 'nav')[0].children.map((a) => a.attrs.href), ids.map((i) => `#${i}`));
  assert.ok(html.includes('Sweep &lt;x&gt; &amp; &quot;y&quot;'));
  assert.not.match(html, /https?:\/\/(?!www\.w3\.org)/);
  assert.not.match(html, /url\((?!#)/);
});

test('the chart: one polyline per trial, one axis per parameter then the metric, log and choice axes, failed dashed, stopped marked', () => {
  const log = syntheticLog(30, byLr), doc = parseHtml(renderSweepReport(log));
  const chart = section(doc, 'chart');
  const lines = all(chart, (x) => x.tag === 'polyline');
  assert.is(lines.length, 30);
  assert.equal(lines.map((l) => Number(l.attrs['data-trial'])).sort((a, b) => a - b), log.trials.map((t) => t.trial));
  const axes = all(chart, (x) => hasClass(x, 'pc-axis'));
  assert.equal(axes.map((a) => a.attrs['data-key']), [...KEYS, 'valAccuracy']);
  assert.equal(axes.map((a) => a.attrs['data-kind']), ['log', 'category', 'category', 'linear', 'category', 'metric']);
  for (const l of lines) {
    const t = log.trials.find((x) => x.trial === Number(l.attrs['data-trial']))!;
    const points = l.attrs.points.split(' ').length;
    assert.is(points, t.status === 'failed' ? KEYS.length : KEYS.length + 1, `trial ${t.trial}'s points`);
    assert.is(hasClass(l, t.status), true);
    assert.is('stroke-dasharray' in l.attrs, t.status === 'failed');
    if (t.status === 'failed') assert.is(l.attrs.stroke, '#9aa0a6');
  }
  assert.is(all(chart, (x) => hasClass(x, 'stop-mark')).length, log.trials.filter((t) => t.status === 'stopped').length);
  // The activation axis: 3 labels evenly spaced, in the space's order from the bottom.
  const act = axes.find((a) => a.attrs['data-key'] === 'activation')!;
  const ys = all(act, (x) => x.tag === 'text' && hasClass(x, 'tick') && x.attrs['text-anchor'] === 'end').map((t) => [Number(t.attrs.y), text(t).replace(/(sigmoid|tanh|relu).*/, '$1')] as [number, string]);
  assert.equal(ys.map((y) => y[1]), ['sigmoid', 'tanh', 'relu']);
  assert.ok(Math.abs((ys[0][0] - ys[1][0]) - (ys[1][0] - ys[2][0])) < 0.2 && ys[0][0] > ys[2][0]);
  // The best trial is drawn last (on top), in the darkest colour.
  const best = log.trials.filter((t) => t.metric !== null).sort((a, b) => b.metric! - a.metric!)[0];
  assert.is(Number(lines[lines.length - 1].attrs['data-trial']), best.trial);
  assert.is(lines[lines.length - 1].attrs.stroke, '#440154');
});

test('the table: one sortable row per trial with every parameter, the metric and the status', () => {
  const log = syntheticLog(30, byLr), doc = parseHtml(renderSweepReport(log));
  const t = all(section(doc, 'trials'), (x) => x.tag === 'table')[0];
  assert.ok(hasClass(t, 'sortable'));
  const head = all(t, (x) => x.tag === 'th').map(text);
  for (const k of ['trial', 'status', ...KEYS, 'valAccuracy', 'epochs run', 'seconds', 'reason']) assert.ok(head.includes(k), k);
  const rows = all(all(t, (x) => x.tag === 'tbody')[0], (x) => x.tag === 'tr');
  assert.is(rows.length, 30);
  const m = head.indexOf('valAccuracy'), lr = head.indexOf('learningRate'), st = head.indexOf('status'), act = head.indexOf('activation');
  rows.forEach((r, i) => {
    const c = all(r, (x) => x.tag === 'td'), tr = log.trials[i];
    assert.is(Number(c[lr].attrs['data-v']), tr.params.learningRate);
    assert.is(text(c[st]), tr.status);
    assert.is(Number(c[act].attrs['data-v']), ['sigmoid', 'tanh', 'relu'].indexOf(tr.params.activation as string));
    if (tr.metric === null) assert.is(c[m].attrs['data-v'], undefined); else assert.is(Number(c[m].attrs['data-v']), tr.metric);
  });
});

test('importance: the parameter that decides the metric ranks first (numeric: |ρ| = 1; a choice: by permutation)', () => {
  const a = importanceRows(parseHtml(renderSweepReport(syntheticLog(30, byLr))));
  assert.is(a.keys[0], 'learningRate');
  assert.is(a.rho.learningRate, '1');
  assert.ok(a.perm[0] > 0.5 && a.perm.slice(1).every((v) => !(v > a.perm[0] / 4)), `permutation importances ${a.perm}`);
  const b = importanceRows(parseHtml(renderSweepReport(syntheticLog(30, byActivation, 11))));
  assert.is(b.keys[0], 'activation');
  assert.is(b.rho.activation, '–');
  assert.ok(b.perm[0] > 0.5 && b.perm.slice(1).every((v) => !(v > b.perm[0] / 4)), `permutation importances ${b.perm}`);
  // A noise-only metric: no parameter stands out like that.
  const noise = lcg(5);
  const c = importanceRows(parseHtml(renderSweepReport(syntheticLog(30, () => 0.5 + 0.3 * noise(), 3))));
  assert.ok(c.perm.every((v) => !(v > 0.5)), `noise: ${c.perm}`);
  const few = parseHtml(renderSweepReport(syntheticLog(3, byLr)));
  assert.match(text(section(few, 'importance')), /needs at least 4 trials/);
});

test('the best configuration: the best finished trial as a train command and an experiment file', () => {
  const log = syntheticLog(30, byLr);
  const stopped = log.trials.find((t) => t.status === 'stopped')!;
  stopped.metric = 0.99; // higher, but stopped early: not a candidate
  const best = log.trials.filter((t) => t.status === 'ok').sort((a, b) => b.metric! - a.metric!)[0];
  const doc = parseHtml(renderSweepReport(log, { flags: FLAGS }));
  const s = section(doc, 'best');
  const cmd = text(byId(s, 'best-command')!);
  const p = best.params;
  assert.is(cmd, `simdnet train --dataset fashion-small --hidden ${(p.hidden as number[]).join(',')} --activation ${p.activation} --dropout ${p.dropout} ` +
    `--lr ${p.learningRate} --epochs 3 --batch-size ${p.batchSize} --seed 1`);
  const file = JSON.parse(text(byId(s, 'best-experiment')!));
  assert.equal(file.base, log.header.config.base);
  assert.equal(file.variants, [{ name: `trial-${best.trial}`, ...p }]);
  assert.is(file.name, 'synthetic-best');
  // Without the flag table, or with a dotted key, no command line (the experiment file still).
  assert.ok(byId(parseHtml(renderSweepReport(log)), 'best-command-none'));
  const dotted = syntheticLog(8, byLr);
  for (const t of dotted.trials) t.params = { 'optimizer.name': 'sgd', 'optimizer.learningRate': t.params.learningRate };
  const d = section(parseHtml(renderSweepReport(dotted, { flags: FLAGS })), 'best');
  assert.match(text(byId(d, 'best-command-none')!), /optimizer\.name/);
  const f2 = JSON.parse(text(byId(d, 'best-experiment')!));
  assert.is(f2.variants[0].optimizer.name, 'sgd');
  assert.is(typeof f2.variants[0].optimizer.learningRate, 'number');
  // Ties go to the lower trial number, whatever the log's order; stopped trials only when none finished.
  const tie = syntheticLog(8, () => 0.5);
  tie.trials.reverse();
  const tieBest = all(section(parseHtml(renderSweepReport(tie)), 'best'), (x) => x.tag === 'p')[0];
  assert.match(text(tieBest), new RegExp(`^Trial ${Math.min(...tie.trials.filter((t) => t.status === 'ok').map((t) => t.trial))} `));
  const onlyStopped = syntheticLog(8, byLr);
  for (const t of onlyStopped.trials) if (t.status === 'ok') t.status = 'stopped';
  const sBest = section(parseHtml(renderSweepReport(onlyStopped)), 'best');
  assert.ok(byId(sBest, 'best-stopped'));
  const top = onlyStopped.trials.filter((t) => t.metric !== null).sort((a, b) => b.metric! - a.metric!)[0];
  assert.match(text(all(sBest, (x) => x.tag === 'p')[0]), new RegExp(`^Trial ${top.trial} `));
  // A minimized metric picks the smallest.
  const min = syntheticLog(12, byLr);
  (min.header.config as Record<string, unknown>).metric = { name: 'valLoss', goal: 'minimize' };
  for (const t of min.trials) if (t.metric !== null) t.metric = 1 - t.metric;
  const lo = min.trials.filter((t) => t.status === 'ok').sort((a, b) => a.metric! - b.metric!)[0];
  const first = all(section(parseHtml(renderSweepReport(min)), 'best'), (x) => x.tag === 'p')[0];
  assert.match(text(first), new RegExp(`^Trial ${lo.trial} `));
});

test('the JSONL log: read strictly, a truncated last line skipped and reported, the same page twice', () => {
  const log = syntheticLog(6, byLr);
  const jsonl = [log.header, ...log.trials].map((x) => JSON.stringify(x)).join('\n') + '\n';
  const html = renderSweepFromJsonl(jsonl);
  assert.is(html, renderSweepReport(log));
  assert.is(renderSweepFromJsonl(jsonl), html);
  const cut = jsonl + JSON.stringify({ ...log.trials[0], trial: 99 }).slice(0, 40);
  const parsed = parseSweepLog(cut);
  assert.is(parsed.trials.length, 6);
  assert.match(parsed.skipped!, /line 8 .*not complete JSON/);
  assert.match(text(byId(parseHtml(renderSweepFromJsonl(cut)), 'skipped-line')!), /line 8/);
  // A damaged last line ending in a newline is skipped too; a bad line before the last is an error naming the line.
  assert.match(parseSweepLog(cut + '\n').skipped!, /^line 8 \(40 characters\) is not complete JSON/);
  const lines = jsonl.split('\n');
  assert.throws(() => parseSweepLog(cut + '\n' + lines[1] + '\n'), /sweep log line 8: not valid JSON/);
  assert.throws(() => parseSweepLog([...lines.slice(0, 3), '{"trial": 1', ...lines.slice(3)].join('\n')), /line 4: not valid JSON/);
  const withLine2 = (l: string) => [lines[0], l, ...lines.slice(2)].join('\n');
  assert.throws(() => parseSweepLog(withLine2(lines[1].replace('"metric"', '"metrik"'))), /line 2: unknown key "metrik"; did you mean "metric"/);
  assert.throws(() => parseSweepLog(jsonl.replace('"started"', '"startd"')), /line 1 \(the header\): unknown key "startd"; did you mean "started"/);
  assert.throws(() => parseSweepLog(jsonl.replace('"status":"ok"', '"status":"done"')), /status must be one of ok, stopped, failed/);
  assert.throws(() => parseSweepLog(jsonl + lines[1] + '\n'), /lines 2 and 8 both record trial 0/);
  assert.throws(() => parseSweepLog(''), /empty/);
  assert.throws(() => parseSweepLog(lines[0] + '\n\n' + lines[1] + '\n'), /line 2: empty line/);
});

test('edge cases: no trials, every trial failed, a stopped trial without a value, a parameter named __proto__', () => {
  const log = syntheticLog(4, byLr);
  const none = parseHtml(renderSweepReport({ header: log.header, trials: [] }));
  assert.match(text(section(none, 'chart')), /no finished trials/);
  assert.match(text(section(none, 'best')), /No trial has a metric/);
  const failed = syntheticLog(3, byLr);
  for (const t of failed.trials) { t.status = 'failed'; t.metric = null; }
  const f = parseHtml(renderSweepReport(failed));
  assert.is(all(section(f, 'chart'), (x) => x.tag === 'polyline' && hasClass(x, 'failed')).length, 3);
  assert.match(text(section(f, 'importance')), /needs at least 4 trials/);
  const stopped = syntheticLog(4, byLr);
  stopped.trials[1].status = 'stopped'; stopped.trials[1].metric = null;
  assert.is(all(section(parseHtml(renderSweepReport(stopped)), 'chart'), (x) => x.tag === 'polyline').length, 4);
  const proto = syntheticLog(5, byLr);
  for (const t of proto.trials) t.params = JSON.parse(`{"__proto__": {"polluted": 1}, "learningRate": ${t.params.learningRate}}`);
  const best = section(parseHtml(renderSweepReport(proto, { flags: FLAGS })), 'best');
  assert.equal(Object.keys(JSON.parse(text(byId(best, 'best-experiment')!)).variants[0]), ['name', '__proto__', 'learningRate']);
  assert.match(text(byId(best, 'best-command-none')!), /"__proto__" has no flag/);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test('options and the parsed log are read strictly; every user string escaped', () => {
  const log = syntheticLog(5, byLr);
  assert.throws(() => renderSweepReport(log, { titel: 'x' } as never), /unknown option "titel"; did you mean "title"/);
  assert.throws(() => renderSweepReport(log, { flags: { lr: { flg: 'lr' } } } as never), /flags\.lr: unknown option "flg"; did you mean "flag"/);
  assert.throws(() => renderSweepReport({ ...log, trial: [] } as never), /unknown key "trial"; did you mean "trials"/);
  const evil = syntheticLog(5, byLr);
  evil.header.sweep = '<script>alert(1)</script>';
  evil.trials[0].params.activation = '<img src=x onerror=alert(1)>';
  const html = renderSweepReport(evil, { flags: FLAGS });
  parseHtml(html);
  assert.not.ok(html.includes('<img src=x') || html.includes('<script>alert'));
});

test.run();
