// The report page's frame: inline CSS, the optional table-sorting script (the page reads fine without it) and the
// document shell with its table of contents. Nothing is fetched: no fonts, no stylesheets, no images by URL.
import { esc } from './html.js';

const CSS = `
:root{--fg:#1d2329;--muted:#5f6b76;--line:#d8dee4;--bg:#fff;--card:#f6f8fa;--warn:#b35900;--ok:#1a7f37}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header.top{padding:18px 28px 10px;border-bottom:1px solid var(--line)}
header.top h1{margin:0 0 4px;font-size:22px}
header.top .sub{color:var(--muted)}
nav.toc{display:flex;flex-wrap:wrap;gap:4px 14px;margin-top:8px}
nav.toc a{color:#0969da;text-decoration:none}
main{padding:0 28px 40px;max-width:1500px}
section{padding-top:10px;border-bottom:1px solid var(--line);padding-bottom:14px}
h2{font-size:18px;margin:14px 0 8px}h3{font-size:15px;margin:12px 0 6px}
a.anchor{color:inherit;text-decoration:none}a.anchor:hover::after{content:" #";color:var(--muted)}
p.intro,p.note,.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:6px 10px}
.card b{display:block;font-size:17px}.card span{color:var(--muted);font-size:12px}
.grid{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:flex-start}.grid>div{max-width:600px}
figure{margin:6px 0}figure.chart figcaption{font-weight:600;font-size:13px;margin-bottom:2px}
figure.small figcaption{font-weight:500;font-size:12px}
svg.plot{display:block;max-width:100%;height:auto;font-size:11px}
svg text{fill:#333}svg .tick{fill:#555;font-size:10px}svg .axis-label{fill:#444;font-size:11px}
svg .grid{stroke:#e6e9ec}svg .axis,svg .tk{stroke:#888;fill:none}
svg .line{fill:none;stroke-width:1.8;stroke-linejoin:round}svg .band{fill-opacity:.18;stroke:none}
svg .key path{fill:none;stroke-width:2}svg .bg{fill:#fafbfc;stroke:#e6e9ec}
svg .cell{stroke:#fff;stroke-width:1}svg .cell.diag{stroke:#6e7781}svg .count{font-size:10px}svg .count.hi{fill:#fff}
svg.spark{display:inline-block;vertical-align:middle;margin-right:6px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
thead th{background:var(--card)}td[data-v]{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.sortable thead th{cursor:pointer}table.sortable thead th:hover{background:#eaeef2}
table.kv th{background:var(--card);font-weight:500;white-space:nowrap}
pre,code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px 10px;white-space:pre-wrap;word-break:break-all}
.verdict{border-left:4px solid var(--warn);background:#fff8f0;padding:6px 12px;margin:8px 0;border-radius:0 6px 6px 0}
.verdict h3{margin:4px 0;color:var(--warn)}.verdict.ok{border-color:var(--ok);background:#f0fff4}.verdict.ok h3{color:var(--ok)}
.layer{border:1px solid var(--line);border-radius:6px;padding:4px 12px 8px;margin:10px 0}
.layer h3 small{color:var(--muted);font-weight:400}
.images{display:flex;flex-wrap:wrap;gap:10px}
.images figure{margin:0;text-align:center;font-size:11px;width:92px}
.images img{width:84px;height:84px;image-rendering:pixelated;border:1px solid var(--line);background:#000}
.images .t{color:var(--ok)}.images .p{color:#cf222e}
.empty{color:var(--muted);font-style:italic}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}td.best{font-weight:700}
@media print{nav.toc{display:none}section{break-inside:avoid-page}}
`;

/** Click a header of a table.sortable to sort by that column (numbers by data-v, else text); again to reverse. */
const SORT = `
document.querySelectorAll('table.sortable').forEach(function (t) {
  t.querySelectorAll('thead th').forEach(function (th, i) {
    th.addEventListener('click', function () {
      var body = t.tBodies[0], rows = Array.prototype.slice.call(body.rows), dir = th.dataset.d === '1' ? -1 : 1;
      th.dataset.d = dir === 1 ? '1' : '0';
      rows.sort(function (x, y) {
        var a = x.cells[i], b = y.cells[i];
        if (!a || !b) return 0;
        var p = parseFloat(a.dataset.v), q = parseFloat(b.dataset.v);
        if (!isNaN(p) && !isNaN(q)) return (p - q) * dir;
        if (!isNaN(p)) return -1;
        if (!isNaN(q)) return 1;
        return a.textContent.localeCompare(b.textContent) * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});`.replace(/\n\s*/g, '');

/** The whole document: head with inline CSS, a header with title, subtitle and contents, the sections, the sort script. */
export function page(title: string, subtitle: string, toc: [string, string][], sections: string[]): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="generator" content="simdnet/report"><title>${esc(title)}</title><style>${CSS.trim()}</style></head>\n<body>` +
    `<header class="top"><h1>${esc(title)}</h1><div class="sub">${subtitle}</div>` +
    `<nav class="toc">${toc.map(([id, label]) => `<a href="#${esc(id)}">${esc(label)}</a>`).join('')}</nav></header>\n<main>\n` +
    `${sections.filter(Boolean).join('\n')}\n</main><script>${SORT}</script></body></html>\n`;
}
