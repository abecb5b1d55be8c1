// renderSweepReport: a hyperparameter sweep on one self-contained HTML page (inline SVG and CSS, nothing fetched):
// key figures, a parallel-coordinates chart of every trial, a sortable table of the trials, parameter importance and
// the best configuration as a `simdnet train` command and an experiment file. renderSweepFromJsonl reads the log.
import { StrictOptions, isPlainObject } from '../ops/options.js';
import { esc, fmt, keyValues, section, table, type Cell } from './html.js';
import { PALETTE, sparkline } from './svg.js';
import { page } from './style.js';
import { readEnvironment, str, type ReportEnvironment } from './options.js';
import { runInfoBody } from './sections.js';
import { parseSweepLog, readSweepLog, type SweepLog, type SweepTrial } from './sweep-log.js';
import { axisOf, encode, parallelCoordinates, shown, type Axis } from './sweep-chart.js';
import { knnPermutationImportance, spearman, type Feature } from './sweep-importance.js';
import { bestTrial, experimentFile, trainCommand, type SweepFlag } from './sweep-best.js';

export type { SweepLog, SweepTrial, SweepHeader } from './sweep-log.js';
export type { SweepFlag } from './sweep-best.js';

/** Options of renderSweepReport(). */
export interface SweepReportOptions {
  /** The page's title (default "simdnet sweep: <name>"). */
  title?: string;
  /** The command line that ran the sweep. */
  command?: string;
  environment?: ReportEnvironment;
  /** The CLI's flags by setting key (simdnet sweep and simdnet report pass them): without them no `simdnet train` line is shown. */
  flags?: Record<string, SweepFlag>;
}

const OPTION_KEYS = ['title', 'command', 'environment', 'flags'] as const;
const METRIC_NAMES = ['trainAccuracy', 'valAccuracy', 'valLoss', 'testAccuracy'] as const;

function readOptions(options: unknown): SweepReportOptions {
  const o: StrictOptions = StrictOptions.read('renderSweepReport', options, OPTION_KEYS);
  const flags = o.get('flags');
  if (flags !== undefined) {
    if (!isPlainObject(flags)) o.wrongType('flags', 'an object { settingKey: { flag, boolean?, default? } }');
    for (const [k, f] of Object.entries(flags)) {
      const r: StrictOptions = StrictOptions.read(`renderSweepReport: flags.${k}`, f, ['flag', 'boolean', 'default'], true);
      if (typeof r.get('flag') !== 'string') r.wrongType('flag', 'a string (the flag without dashes)');
      r.bool('boolean', false);
    }
  }
  return { title: str(o, 'title'), command: str(o, 'command'), environment: readEnvironment('renderSweepReport', o.get('environment')), flags: flags as SweepReportOptions['flags'] };
}

/** The sweep file's metric (default valAccuracy, maximized; a loss is minimized unless its goal says otherwise). */
function metricOf(config: Record<string, unknown>): { name: string; goal: 'maximize' | 'minimize' } {
  const m = isPlainObject(config.metric) ? config.metric : {};
  const name = typeof m.name === 'string' ? m.name : 'valAccuracy';
  const goal = m.goal === 'minimize' || m.goal === 'maximize' ? m.goal : /loss$/i.test(name) ? 'minimize' : 'maximize';
  return { name, goal };
}

/** The searched keys: the sweep file's space in its order, then any other key a trial's params have. */
function axesOf(config: Record<string, unknown>, trials: SweepTrial[]): Axis[] {
  const space = isPlainObject(config.space) ? config.space : {};
  const keys = [...Object.keys(space)];
  for (const t of trials) for (const k of Object.keys(t.params)) if (!keys.includes(k)) keys.push(k);
  return keys.map((k) => axisOf(k, space[k], trials.map((t) => t.params[k]).filter((v) => v !== undefined)));
}


function overviewBody(log: SweepLog, metric: string, goal: string, best?: SweepTrial): string {
  const count = (s: string) => log.trials.filter((t) => t.status === s).length;
  const seconds = log.trials.reduce((a, t) => a + t.seconds, 0);
  const c = log.header.config;
  const cards: [string, string][] = [
    ['trials', String(log.trials.length)], ['finished', String(count('ok'))], ['stopped early', String(count('stopped'))], ['failed', String(count('failed'))],
    [`best ${metric}${best ? ` (trial ${best.trial})` : ''}`, best ? fmt(best.metric, 4) : '–'],
    ['method', typeof c.method === 'string' ? c.method : '–'], ['trial time, summed', `${fmt(seconds)} s`],
  ];
  const skipped = log.skipped ? `<div class="verdict" id="skipped-line"><h3>Part of the log was skipped</h3><p>${esc(log.skipped)}</p></div>` : '';
  const desc = typeof c.description === 'string' ? `<p>${esc(c.description)}</p>` : '';
  return `${desc}<div class="cards">${cards.map(([k, v]) => `<div class="card"><b>${esc(v)}</b><span>${esc(k)}</span></div>`).join('')}</div>${skipped}` +
    `<p class="note">Metric: <code>${esc(metric)}</code>, ${esc(goal)}d. Started ${esc(log.header.started)}.</p>`;
}

function trialsBody(trials: SweepTrial[], axes: Axis[], metric: string): string {
  const extra = METRIC_NAMES.filter((k) => k !== metric && trials.some((t) => typeof t[k] === 'number'));
  const head = ['trial', 'generation', 'status', ...axes.map((a) => a.key), metric, 'curve', 'epochs run', 'seconds', ...extra, 'reason'];
  const rows = [...trials].sort((a, b) => a.trial - b.trial).map((t) => {
    const params = axes.map((a): Cell => {
      const v = t.params[a.key];
      // Numbers sort by value; other choices by their place in the space's list.
      const index = a.kind === 'category' && typeof v !== 'number' ? encode(a, v) : -1;
      return { text: v === undefined ? '–' : shown(v), sort: typeof v === 'number' ? v : index >= 0 ? index : undefined };
    });
    const curve = t.curve.map((v) => (v === null ? NaN : v));
    return [
      t.trial, t.generation, { text: t.status, cls: `status ${t.status}` }, ...params,
      { text: t.metric === null ? '–' : fmt(t.metric, 4), sort: t.metric ?? undefined },
      { text: sparkline(curve, PALETTE[0]) || esc(curve.map((v) => fmt(v, 3)).join(', ')), html: true },
      t.epochs, { text: fmt(t.seconds), sort: t.seconds },
      ...extra.map((k): Cell => ({ text: fmt(t[k], 4), sort: t[k] })),
      { text: t.reason ? `<div style="min-width:14em">${esc(t.reason)}</div>` : '', html: true },
    ];
  });
  return table(head, rows, { sortable: true, cls: 'trials' });
}

function importanceBody(trials: SweepTrial[], axes: Axis[], metric: string): string {
  const used = trials.filter((t) => typeof t.metric === 'number' && Number.isFinite(t.metric));
  const y = used.map((t) => t.metric as number);
  const features: Feature[] = axes.map((a) => ({ key: a.key, numeric: a.kind !== 'category', values: used.map((t) => encode(a, t.params[a.key])) }));
  const imp = knnPermutationImportance(features, y);
  const rho = axes.map((a) => {
    const numeric = a.kind !== 'category' || a.categories.every((c) => typeof c === 'number');
    return numeric ? spearman(used.map((t) => (typeof t.params[a.key] === 'number' ? t.params[a.key] as number : NaN)), y) : NaN;
  });
  const order = axes.map((_, i) => i).sort((a, b) => (Number.isFinite(imp.permutation[b]) ? imp.permutation[b] : -Infinity) - (Number.isFinite(imp.permutation[a]) ? imp.permutation[a] : -Infinity) ||
    (Number.isFinite(rho[b]) ? Math.abs(rho[b]) : -1) - (Number.isFinite(rho[a]) ? Math.abs(rho[a]) : -1) || a - b);
  const top = Math.max(1e-12, ...imp.permutation.filter(Number.isFinite));
  const bar = (v: number) => (Number.isFinite(v) ? `<svg class="bar" width="120" height="10" role="img" aria-label="${esc(fmt(v))}"><rect x="0" y="1" width="${Math.max(0, Math.min(120, (120 * v) / top)).toFixed(1)}" height="8" fill="${PALETTE[0]}"/></svg>` : '');
  const rows = order.map((i) => [
    { text: axes[i].key, cls: 'param' }, axes[i].kind === 'category' ? `${axes[i].categories.length} choices` : axes[i].kind,
    { text: Number.isFinite(rho[i]) ? fmt(Math.abs(rho[i]), 3) : '–', sort: Number.isFinite(rho[i]) ? Math.abs(rho[i]) : undefined },
    { text: Number.isFinite(rho[i]) ? (rho[i] >= 0 ? `+${fmt(rho[i], 3)}` : fmt(rho[i], 3)) : '–', sort: Number.isFinite(rho[i]) ? rho[i] : undefined },
    { text: Number.isFinite(imp.permutation[i]) ? fmt(imp.permutation[i], 3) : '–', sort: Number.isFinite(imp.permutation[i]) ? imp.permutation[i] : undefined, cls: 'perm' },
    { text: bar(imp.permutation[i]), html: true },
  ]);
  const explain = `<p class="note">Over the ${used.length} trials with a ${esc(metric)} (failed trials left out). ` +
    `<b>|Spearman ρ|</b>: the absolute rank correlation of a numeric parameter with the metric (1: the metric rises or falls with the parameter ` +
    `in the same order; choices that are not numbers have none). <b>Permutation importance</b>: a ${imp.k}-nearest-neighbour regressor ` +
    `predicts each trial's metric from the other trials' parameters (numbers scaled to [0, 1] on their axis, choices equal or not); shuffling ` +
    `one parameter's values (${imp.repeats} seeded shuffles) raises its squared error by this fraction of the metric's variance (0: the parameter ` +
    `does not matter to the model; below 0: noise). The regressor's own error is ${Number.isFinite(imp.baseline) ? fmt(imp.baseline, 3) : '–'} of the variance; ` +
    `both figures are estimates from few trials and say nothing about parameters that interact.</p>`;
  if (used.length < 4) return `<p class="empty">Parameter importance needs at least 4 trials with a ${esc(metric)}; this sweep has ${used.length}.</p>`;
  return table(['parameter', 'axis', '|Spearman ρ|', 'ρ', 'permutation importance', ''], rows, { sortable: true, cls: 'importance' }) + explain;
}

function bestBody(log: SweepLog, best: SweepTrial | undefined, metric: string, flags?: Record<string, SweepFlag>): string {
  if (!best) return '<p class="empty">No trial has a metric (every trial failed or was stopped before its first value).</p>';
  const base = isPlainObject(log.header.config.base) ? log.header.config.base : {};
  const params = Object.entries(best.params).map(([k, v]) => [k, shown(v)] as [string, string]);
  const cmd = flags ? trainCommand(base, best.params, flags) : { why: 'the flag table was not given (option flags; simdnet sweep and simdnet report give it)' };
  const description = `The best trial (${best.trial}, ${metric} ${fmt(best.metric, 4)}) of the sweep ${log.header.sweep}: the sweep's base settings with the trial's parameters as its one variant.`;
  const file = experimentFile(log.header.sweep, base, best.trial, best.params, description);
  const stopped = best.status === 'stopped' ? '<p class="note" id="best-stopped">No trial finished: this is the best of the trials stopped early.</p>' : '';
  return `<p>Trial ${best.trial} (generation ${best.generation}): ${esc(metric)} ${esc(fmt(best.metric, 4))} after ${best.epochs} epochs` +
    `${best.weightsHash ? `, weights hash <code class="hash">${esc(best.weightsHash)}</code>` : ''}.</p>${stopped}${keyValues(params, 'kv best-params')}` +
    `<h3>Command</h3>${cmd.command ? `<pre id="best-command"><code>${esc(cmd.command)}</code></pre>` : `<p class="note" id="best-command-none">No single <code>simdnet train</code> line: ${esc(cmd.why)}. Use the experiment file.</p>`}` +
    `<h3>Experiment file</h3><p class="note">Save as <code>best.json</code> and run <code>simdnet run best.json</code>.</p><pre id="best-experiment"><code>${esc(file)}</code></pre>`;
}

/** A sweep's report from its parsed log ({ header, trials, skipped? }: parseSweepLog's result). */
export function renderSweepReport(log: SweepLog, options: SweepReportOptions = {}): string {
  const l = readSweepLog('renderSweepReport', log), o = readOptions(options);
  const { name: metric, goal } = metricOf(l.header.config);
  const axes = axesOf(l.header.config, l.trials);
  const best = bestTrial(l.trials, goal);
  const sections: [string, string, string, string?][] = [
    ['overview', 'Overview', overviewBody(l, metric, goal, best)],
    ['chart', 'Parallel coordinates', l.trials.length ? parallelCoordinates(l.trials, axes, metric, goal) : '<p class="empty">The log has no finished trials yet.</p>',
      'One line per trial through its parameters to its metric (last axis), coloured from the worst (light) to the best (dark). Hover a line for its values.'],
    ['trials', `Trials (${l.trials.length})`, l.trials.length ? trialsBody(l.trials, axes, metric) : '<p class="empty">No trials.</p>', 'Click a column\'s heading to sort by it; again to reverse.'],
    ['importance', 'Parameter importance', importanceBody(l.trials, axes, metric)],
    ['best', 'Best configuration', bestBody(l, best, metric, o.flags)],
    ['run', 'Sweep', runInfoBody({ command: o.command, config: l.header.config, environment: o.environment })],
  ];
  const sub = [l.header.started, `${l.trials.length} trial${l.trials.length === 1 ? '' : 's'}`].map(esc).concat(o.command ? [`<code>${esc(o.command)}</code>`] : []).join(' · ');
  return page(o.title ?? `simdnet sweep: ${l.header.sweep}`, sub, sections.map(([id, label]) => [id, label]),
    sections.map(([id, label, body, intro]) => section(id, label, body, intro)));
}

/** A sweep's report from its JSONL log's text (a truncated last line is skipped and said so on the page). */
export function renderSweepFromJsonl(jsonl: string, options: SweepReportOptions = {}): string {
  return renderSweepReport(parseSweepLog(jsonl), options);
}
