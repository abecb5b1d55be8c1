// The lab's sweeps: a sweep object (the one `simdnet sweep` reads) run on the page's data by simdnet/sweep's
// sweepInBrowser in Web Workers, then its report (parallel coordinates, trials, importance) shown in a frame and offered
// as a download. Status on #sweep-status (data-trials once finished), the report in #sweep-frame and #sweep-download.
import { sweepInBrowser, statusText } from '../../dist/sweep/index.js';
import { renderSweepReport } from '../../dist/report/index.js';
import { datasetNames } from '../../dist/data/sources.js';

const $ = (id) => document.getElementById(id);

/** Runs a sweep object (the same as `simdnet sweep` reads) on the page's data in Web Workers; shows its report. */
export async function sweepOnPage(sweep, data, cores) {
  if (!datasetNames.includes(data.name)) { $('sweep-status').textContent = `Sweeps train on a named dataset (fashion-small or an image folder); ${data.name} is neither.`; return; }
  const trials = sweep.budget?.trials ?? '?', workers = Math.min(cores, Number(trials) || cores);
  $('sweep-status').textContent = `Sweep ${sweep.name}: ${trials} trials on ${workers} workers…`;
  delete $('sweep-status').dataset.trials;
  const started = new Date().toISOString();
  try {
    const res = await sweepInBrowser(sweep, { data, workers, status: (st) => { $('sweep-status').textContent = `Sweep ${sweep.name}: ${statusText(st)}`; } });
    const html = renderSweepReport({ header: { sweep: res.name, config: sweep, started }, trials: res.trials });
    $('sweep-frame').srcdoc = html; $('sweep-frame').hidden = false;
    const a = $('sweep-download');
    if (a.href.startsWith('blob:')) URL.revokeObjectURL(a.href);
    a.href = URL.createObjectURL(new Blob([html], { type: 'text/html' })); a.hidden = false;
    const best = res.best;
    $('sweep-status').textContent = `Sweep done: ${res.trials.length} trials; best ${best ? `trial ${best.trial}, ${res.metric.name} ${best.metric.toFixed(4)} (${Object.entries(best.params).map(([k, v]) => `${k} ${typeof v === 'number' ? Number(v.toPrecision(3)) : JSON.stringify(v)}`).join(', ')})` : 'none'}.`;
    $('sweep-status').dataset.trials = String(res.trials.length);
  } catch (err) {
    $('sweep-status').textContent = `Sweep failed: ${err.message}`;
  }
}
