// A small terminal emulator for tests of terminal output: replays text on a screen `width` columns wide the way xterm
// does (deferred auto-wrap, \r, \n, \b, tabs, erase-line ESC[K / ESC[1K / ESC[2K) and reports the final lines, every
// auto-wrap (a line that reached past the width) and every control sequence it does not know. \n also returns to
// column 0, as a pty does (onlcr). Runtime-neutral.
import { charWidth } from '../../src/train/status-line.js';

export interface Screen {
  /** The screen's lines at the end, trailing blanks removed. */
  lines: string[];
  /** One entry per auto-wrap: the text of the line that overflowed. */
  wraps: string[];
  /** Control characters and escape sequences the emulator does not know (JSON-quoted). */
  unknown: string[];
}

export function replay(output: string, width: number): Screen {
  const rows: string[][] = [[]], wraps: string[] = [], unknown: string[] = [];
  let row = 0, col = 0;
  const line = () => (rows[row] ??= []);
  const text = (r: string[]) => r.join('').replace(/\s+$/, '');
  const chars = Array.from(output);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i], cp = ch.codePointAt(0)!;
    if (ch === '\r') { col = 0; continue; }
    if (ch === '\n') { row++; col = 0; line(); continue; }
    if (ch === '\b') { col = Math.max(0, Math.min(col, width - 1) - 1); continue; }
    if (ch === '\t') { col = Math.min(width - 1, (Math.floor(col / 8) + 1) * 8); continue; }
    if (ch === '\x1b') {
      const m = /^\[([0-9;?]*)([@-~])/.exec(chars.slice(i + 1, i + 24).join(''));
      if (m && m[2] === 'K' && ['', '0', '1', '2'].includes(m[1])) {
        const r = line(), at = Math.min(col, width);
        if (m[1] === '2') r.length = 0;
        else if (m[1] === '1') for (let c = 0; c <= Math.min(at, r.length - 1); c++) r[c] = ' ';
        else r.length = Math.min(r.length, at);
      } else unknown.push(JSON.stringify(`\x1b${m ? m[0] : chars[i + 1] ?? ''}`));
      i += m ? m[0].length : 1;
      continue;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) { unknown.push(JSON.stringify(ch)); continue; }
    const w = charWidth(cp);
    if (w === 0) { const r = line(); if (col > 0) r[col - 1] = (r[col - 1] ?? ' ') + ch; continue; } // combining: joins the last cell
    if (col + w > width) { // deferred wrap: the character that does not fit goes to the next line
      wraps.push(text(line()));
      row++; col = 0; line();
    }
    const r = line();
    while (r.length < col) r.push(' ');
    r[col] = ch;
    if (w === 2) r[col + 1] = '';
    col += w;
  }
  return { lines: rows.map((r) => text(r ?? [])), wraps, unknown };
}
