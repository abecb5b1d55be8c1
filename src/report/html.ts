// HTML text helpers for the report: escaping (every user string goes through esc), number formatting, ids, tables.
// No DOM: strings only, so the report renders in any runtime.

/** Escapes text and attribute values: & < > " ' (attributes are always double-quoted). */
export function esc(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number for people: 3 significant digits, exponent when tiny or huge, '–' when missing. */
export function fmt(v: unknown, digits = 3): string {
  if (typeof v !== 'number') return v === undefined || v === null ? '–' : String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e7) return String(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(digits)));
  return v.toExponential(digits - 1).replace('e+', 'e');
}

/** A fraction as a percentage with 2 decimals ('–' when missing). */
export const pct = (v: number | undefined): string => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '–');

/** A plain number, or NaN for anything else (null from JSON, undefined). */
export const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/** An id fragment from any string: lower-case letters, digits and dashes. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'x';
}

/** Unique ids within one document: the same base twice gets -2, -3, … */
export class Ids {
  private seen = new Map<string, number>();
  constructor(private readonly prefix = '') {}
  make(base: string): string {
    const s = this.prefix + slug(base), n = (this.seen.get(s) ?? 0) + 1;
    this.seen.set(s, n);
    return n === 1 ? s : `${s}-${n}`;
  }
}

/** A cell: text (escaped) with an optional numeric sort key. */
export interface Cell { text: string; sort?: number; html?: boolean; cls?: string }

/** A table; `sortable` adds click-to-sort headers (the inline script in style.ts; the table reads fine without it). */
export function table(head: string[], rows: (Cell | string | number)[][], opts: { sortable?: boolean; cls?: string; caption?: string } = {}): string {
  const cls = [opts.cls, opts.sortable ? 'sortable' : ''].filter(Boolean).join(' ');
  const cell = (c: Cell | string | number): string => {
    const x: Cell = typeof c === 'object' ? c : { text: typeof c === 'number' ? fmt(c) : c, sort: typeof c === 'number' ? c : undefined };
    const attrs = `${x.sort !== undefined && Number.isFinite(x.sort) ? ` data-v="${x.sort}"` : ''}${x.cls ? ` class="${esc(x.cls)}"` : ''}`;
    return `<td${attrs}>${x.html ? x.text : esc(x.text)}</td>`;
  };
  return `<table${cls ? ` class="${cls}"` : ''}>${opts.caption ? `<caption>${esc(opts.caption)}</caption>` : ''}` +
    `<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

/** A key/value list as a two-column table (values escaped unless given as html). */
export function keyValues(rows: [string, string | Cell][], cls = 'kv'): string {
  return `<table class="${cls}"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${
    typeof v === 'string' ? esc(v) : v.html ? v.text : esc(v.text)}</td></tr>`).join('')}</tbody></table>`;
}

/** A section with its anchor and heading. */
export function section(id: string, title: string, body: string, intro?: string): string {
  return `<section id="${esc(id)}"><h2><a class="anchor" href="#${esc(id)}">${esc(title)}</a></h2>${intro ? `<p class="intro">${intro}</p>` : ''}${body}</section>`;
}
