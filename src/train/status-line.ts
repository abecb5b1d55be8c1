// Text that must fit a terminal's width: display width (wide CJK and emoji count 2, combining marks 0), clipping with
// "…", control characters made harmless, number and duration formats, and fitFields, which lays out a status line of
// ranked fields (drop the least important, shorten labels, stretch one field) so it never exceeds the width.
// Runtime-neutral: no host APIs.

// Code point ranges drawn 0 columns wide (combining marks, zero-width spaces and joiners, variation selectors, tags).
const ZERO_WIDTH: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f], [0x0483, 0x0489], [0x0591, 0x05bd], [0x0610, 0x061a], [0x064b, 0x065f], [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff], [0x200b, 0x200f], [0x20d0, 0x20ff], [0xfe00, 0xfe0f], [0xfe20, 0xfe2f], [0xfeff, 0xfeff],
  [0xe0000, 0xe0fff],
];
// Code point ranges drawn 2 columns wide (East Asian Wide and Fullwidth, most emoji).
const DOUBLE_WIDTH: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f3], [0x25fd, 0x25fe],
  [0x2614, 0x2615], [0x2648, 0x2653], [0x26a1, 0x26a1], [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5],
  [0x26d4, 0x26d4], [0x26ea, 0x26ea], [0x26f2, 0x26f5], [0x26fa, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797], [0x27b0, 0x27b0],
  [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x303e], [0x3041, 0x33ff],
  [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff],
  [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a], [0x1f200, 0x1f251], [0x1f300, 0x1f64f], [0x1f680, 0x1f6ff],
  [0x1f7e0, 0x1f7eb], [0x1f900, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x3fffd],
];

const inRanges = (cp: number, ranges: readonly (readonly [number, number])[]) => ranges.some(([lo, hi]) => cp >= lo && cp <= hi);

/** Columns a code point takes in a terminal: 0, 1 or 2. */
export function charWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if (inRanges(cp, ZERO_WIDTH)) return 0;
  return inRanges(cp, DOUBLE_WIDTH) ? 2 : 1;
}

/** Columns s takes in a terminal (after safeText: no control characters). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/**
 * s with every character that would move the cursor or change the terminal (C0 and C1 controls, DEL, bidirectional
 * overrides and isolates, lone surrogates, line and paragraph separators) replaced by "?": names from files and
 * folders are printed safely.
 */
export function safeText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?');
}

/** s cut to at most `width` columns, ending with "…" when something was cut. */
export function clip(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (!(width >= 1)) return '';
  let out = '', w = 0;
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch; w += cw;
  }
  return `${out}…`;
}

/** s padded on the left with spaces to `width` columns (unchanged when already as wide). */
export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}

/** A loss or metric value: 4 decimals, exponent notation past ±1e6, NaN and ±Infinity by name. */
export function formatValue(v: number | undefined): string {
  if (v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e6 ? v.toExponential(3) : v.toFixed(4);
}

/** A duration: "4.2s" under a minute, else "m:ss" or "h:mm:ss"; "?" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 59.95) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mmss = `${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(r).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** An integer with thousands separators: 49,424. */
export function groupDigits(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A rate in three significant figures with k or M: 49.4k. */
export function compactNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 999.5e6) return `${(n / 1e9).toPrecision(3)}G`;
  if (a >= 999.5e3) return `${(n / 1e6).toPrecision(3)}M`;
  if (a >= 999.5) return `${(n / 1e3).toPrecision(3)}k`;
  return String(Math.round(n));
}

/** One field of a status line. */
export interface Field {
  /** The text with its full label. */
  full: string;
  /** A shorter form (default: the full one). */
  short?: string;
  /** Importance: the lowest rank is dropped first (on ties, the rightmost). */
  rank: number;
  /** A field that stretches to the room left (a bar): its text at a width between min and max. */
  stretch?: { min: number; max: number; render: (width: number) => string };
}

export interface FitFieldsOptions {
  /** Fields ranked below this are dropped before any label is shortened (default: none; labels are shortened first). */
  dropBeforeShortening?: number;
  /** Between fields (default two spaces). */
  separator?: string;
}

/**
 * The fields joined into one line of at most `width` columns: all of them with full labels if they fit; else, in this
 * order, dropping the fields ranked below dropBeforeShortening, shortening every label, then dropping the least
 * important fields one by one. A stretch field takes the room left, up to its max; it needs at least its min. When
 * not even the most important field fits, that field is clipped with "…".
 */
export function fitFields(fields: readonly Field[], width: number, options: FitFieldsOptions = {}): string {
  const sep = options.separator ?? '  ', sepWidth = displayWidth(sep);
  const dropOrder = fields.map((_, i) => i).sort((a, b) => fields[a].rank - fields[b].rank || b - a);
  const early = fields.filter((f) => f.rank < (options.dropBeforeShortening ?? -Infinity)).length;
  const attempt = (dropped: number, short: boolean): string | undefined => {
    const gone = new Set(dropOrder.slice(0, dropped));
    const kept = fields.filter((_, i) => !gone.has(i));
    const texts = kept.map((f) => (f.stretch ? '' : short ? f.short ?? f.full : f.full));
    const fixed = texts.reduce((s, t) => s + displayWidth(t), 0) + sepWidth * Math.max(0, kept.length - 1);
    let room = width - fixed;
    for (let i = 0; i < kept.length; i++) {
      const st = kept[i].stretch;
      if (!st) continue;
      if (room < st.min) return undefined;
      const w = Math.min(st.max, room);
      texts[i] = st.render(w); room -= w;
    }
    return room >= 0 ? texts.join(sep) : undefined;
  };
  for (let k = 0; k <= early; k++) { const line = attempt(k, false); if (line !== undefined) return line; }
  for (let k = early; k < fields.length; k++) { const line = attempt(k, true); if (line !== undefined) return line; }
  if (fields.length === 0) return '';
  const top = fields[dropOrder[dropOrder.length - 1]];
  return clip(top.stretch ? top.stretch.render(Math.max(0, Math.min(top.stretch.max, width))) : top.short ?? top.full, width);
}

/** text with tabs expanded to spaces at 8-column stops, per line. */
export function expandTabs(text: string): string {
  return text.split('\n').map((line) => {
    if (!line.includes('\t')) return line;
    let out = '', col = 0;
    for (const ch of line) {
      if (ch === '\t') { const n = 8 - (col % 8); out += ' '.repeat(n); col += n; } else { out += ch; col += charWidth(ch.codePointAt(0)!); }
    }
    return out;
  }).join('\n');
}

/**
 * text with every line wider than `width` columns wrapped at spaces (a word wider than a line is cut across lines),
 * continuation lines indented under the text of a list item ("  - …"); nothing is lost but runs of spaces at breaks.
 */
export function wrapLines(text: string, width: number): string {
  if (!(width >= 1)) return text;
  return expandTabs(text).split('\n').flatMap((line) => (displayWidth(line) <= width ? [line] : wrapLine(line, Math.floor(width)))).join('\n');
}

function wrapLine(line: string, width: number): string[] {
  const marker = /^ *(?:- )?/.exec(line)![0], lead = marker.length * 2 <= width ? marker : '';
  const indent = ' '.repeat(lead.length), out: string[] = [];
  let cur = lead, bare = true; // bare: cur holds only its indent
  const push = () => { out.push(cur.replace(/ +$/, '')); cur = indent; bare = true; };
  for (const word of line.slice(lead.length).split(/ +/).filter(Boolean)) {
    const joined = bare ? cur + word : `${cur} ${word}`;
    if (displayWidth(joined) <= width) { cur = joined; bare = false; continue; }
    if (!bare) push();
    cur += word; bare = false;
    while (displayWidth(cur) > width) { // a word wider than the line: cut it, at least one character per line
      let head = '', w = 0;
      for (const ch of cur) {
        const cw = charWidth(ch.codePointAt(0)!);
        if (head && w + cw > width) break;
        head += ch; w += cw;
      }
      const rest = cur.slice(head.length);
      out.push(head);
      cur = indent + rest; bare = false;
      if (!rest) { cur = indent; bare = true; }
    }
  }
  if (!bare || !out.length) out.push(cur.replace(/ +$/, ''));
  return out;
}
