// renderReport: one training run as one self-contained HTML page (inline SVG and CSS, nothing fetched): verdicts,
// run information, curves, confusion matrix, per-layer statistics, histogram strips, first-layer weights, misclassified
// images. Every section has an id anchor and says what it needs when its data are missing.
import type { History } from '../train/loop.js';
import { esc } from './html.js';
import { page } from './style.js';
import { checkHistory, readReportOptions, type ReportOptions } from './options.js';
import { confusionBody, curvesBody, keyFigures, misclassifiedBody, runInfoBody, section, verdictsBody, verdictsOf } from './sections.js';
import { firstLayerBody, histogramsBody, layersBody } from './inside.js';

const NO_DIAGNOSTICS = 'This run has no diagnostics: train with <code>fit(x, y, { diagnostics: true })</code> (the CLI collects them by default).';

/** The report of one run: fit's History (with history.diagnostics when collected) and what else is known about the run. */
export function renderReport(history: History, options: ReportOptions = {}): string {
  const h = checkHistory('renderReport', history);
  const o = readReportOptions(options);
  const title = o.title ?? 'simdnet training report';
  const d = h.diagnostics && Array.isArray(h.diagnostics.epochs) && h.diagnostics.epochs.length ? h.diagnostics : undefined;
  const found = verdictsOf(h).list;
  const cm = o.test?.confusionMatrix;
  const sections: [string, string, string, string?][] = [
    ['verdicts', `Verdicts (${found.length})`, verdictsBody(h)],
    ['run', 'Run', runInfoBody(o)],
    ['curves', 'Loss and accuracy', curvesBody(h), 'Per epoch; validation dashed. Hover a point for its value.'],
    ['confusion', 'Confusion matrix', cm ? confusionBody(o.test!) : '<p class="empty">No confusion matrix was given: pass <code>test: { …, ' +
      'confusionMatrix: model.evaluate(x, y, { confusionMatrix: true }).confusionMatrix }</code>.</p>'],
    ['layers', 'Layers over epochs', d ? layersBody(d) : `<p class="empty">${NO_DIAGNOSTICS}</p>`,
      d ? 'Per parameter: weights mean ± std, gradient RMS and update ratio (log axes shared across layers); ' +
        'per layer: its output, dead units and saturation where present.' : undefined],
    ['histograms', 'Histograms per epoch', d ? histogramsBody(d) : `<p class="empty">${NO_DIAGNOSTICS}</p>`,
      d ? 'One row per epoch, one strip per parameter; each row\'s bins sit at their own value range on the common axis, ' +
        'shade = count relative to the row\'s largest bin.' : undefined],
    ['first-layer', 'First layer: start versus end', d ? firstLayerBody(d) : `<p class="empty">${NO_DIAGNOSTICS}</p>`],
    ['misclassified', 'Misclassified test images', o.misclassified ? misclassifiedBody(o.misclassified.images, o.test?.classNames)
      : '<p class="empty">No misclassified images were given (option <code>misclassified</code>, for image datasets).</p>',
      o.misclassified?.images.length ? 'True class in green, prediction in red.' : undefined],
  ];
  const sub = [o.environment?.date, `${h.epoch.length} epoch${h.epoch.length === 1 ? '' : 's'}`].filter(Boolean).map(esc)
    .concat(o.command ? [`<code>${esc(o.command)}</code>`] : []).join(' · ');
  return page(title, sub + keyFigures(h, o.test, found.length), sections.map(([id, label]) => [id, label]),
    sections.map(([id, label, body, intro]) => section(id, label, body, intro)));
}
