// The lab's "inside the networks" panel: per variant, the gradient RMS of each layer after its latest epoch (a bar on a
// log scale, 1e-8 to 1) and the diagnostics' verdicts, as the run worker posts them.
import { el } from './dom.js';

/** Fills `container` with one block per variant that has diagnostics: variants [{ name, color, diag: { epoch, layers, verdicts } }]. */
export function showDiagnostics(container, variants) {
  const blocks = variants.filter((v) => v.diag).map((v) => {
    const d = v.diag;
    const rows = d.layers.map(({ layer, rms }) => {
      const width = Number.isFinite(rms) && rms > 0 ? Math.max(2, Math.min(100, 100 + 12.5 * Math.log10(rms))) : 0;
      return el('tr', {}, el('th', { scope: 'row', textContent: layer }), el('td', { className: 'num', textContent: Number.isFinite(rms) ? rms.toExponential(2) : String(rms) }),
        el('td', { className: 'bar', ariaHidden: 'true' }, el('span', { style: `width:${width.toFixed(1)}%;color:${v.color}` })));
    });
    const table = el('table', { className: 'grads' }, el('caption', { textContent: `Gradient RMS per layer after epoch ${d.epoch + 1}` }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', textContent: 'layer' }), el('th', { scope: 'col', textContent: 'RMS' }), el('th', { scope: 'col' }, el('span', { className: 'visually-hidden', textContent: 'bar' })))),
      el('tbody', {}, ...rows));
    const verdicts = el('ul', {}, ...(d.verdicts.length ? d.verdicts.map((x) => el('li', { className: x.kind, textContent: x.message })) : [el('li', { className: 'healthy', textContent: 'No problems found so far.' })]));
    const det = el('details', { open: true }, el('summary', { textContent: v.name }), table, verdicts);
    det.dataset.variant = v.name;
    return det;
  });
  container.replaceChildren(...(blocks.length ? blocks : [el('p', { className: 'note', textContent: 'They appear after each variant\'s first epoch.' })]));
}
