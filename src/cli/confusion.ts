// The confusion matrix as terminal text that fits a width: rows and columns named by class when the names fit, else
// class indices with a legend ("0 T-shirt/top, 1 Trouser, …"), else (very narrow) one line saying how wide it needs.
import { clip, displayWidth, padStart, safeText } from '../train/status-line.js';
import { terminalColumns } from '../train/progress.js';

const HEADER = 'true ↓ / predicted →';

/** The width of a table whose row labels take `label` columns and whose n cells take `cell` each. */
const tableWidth = (label: number, cell: number, n: number) => label + 2 + n * cell + Math.max(0, n - 1);

function table(cm: readonly (readonly number[])[], labels: readonly string[], cell: number, label: number): string[] {
  const head = ' '.repeat(label + 2) + labels.map((l) => padStart(l, cell)).join(' ');
  const rows = cm.map((r, i) => `${padStart(labels[i], label)}  ${labels.map((_, j) => padStart(String(r[j] ?? 0), cell)).join(' ')}`);
  return [head, ...rows];
}

// "0 T-shirt/top, 1 Trouser, …" in lines of at most `width` columns, breaking between entries.
function legend(names: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  names.forEach((name, i) => {
    const item = clip(`${i} ${name}${i < names.length - 1 ? ',' : ''}`, width);
    if (line && displayWidth(line) + 1 + displayWidth(item) > width) { lines.push(line); line = ''; }
    line = line ? `${line} ${item}` : item;
  });
  if (line) lines.push(line);
  return lines;
}

/**
 * A confusion matrix (counts[true][predicted]) as lines of at most `width` columns (default: the terminal's, 80 when
 * unknown): class names as row and column labels when they fit, else class indices and a legend, else one line.
 */
export function confusionTable(cm: readonly (readonly number[])[], classes: readonly string[], width = terminalColumns()): string {
  const n = cm.length;
  if (n === 0) return clip('confusion matrix: no classes', width);
  const names = cm.map((_, i) => safeText(classes[i] ?? String(i)));
  const digits = cm.reduce((d, r) => r.reduce((e, v) => Math.max(e, String(v).length), d), 1);
  const nameWidth = names.reduce((w, s) => Math.max(w, displayWidth(s)), 0);
  const named = Math.max(digits, nameWidth, 1);
  if (tableWidth(nameWidth, named, n) <= width) return [clip(HEADER, width), ...table(cm, names, named, nameWidth)].join('\n');
  const indices = names.map((_, i) => String(i)), indexWidth = String(n - 1).length;
  const cell = Math.max(digits, indexWidth), need = tableWidth(indexWidth, cell, n);
  if (need <= width) return [clip(HEADER, width), ...table(cm, indices, cell, indexWidth), ...legend(names, width)].join('\n');
  return clip(`confusion matrix: ${n} classes need ${need} columns, the terminal has ${width}`, width);
}
