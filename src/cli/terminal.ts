// The CLI's lines on stdout: in a terminal, a line wider than the terminal is wrapped at spaces (status-line.ts), so
// the terminal never cuts a word or leaves a half-line behind; in a pipe or a file, lines go out as they are.
import { wrapLines } from '../train/status-line.js';
import { terminalColumns } from '../train/progress.js';

/** Writes s and a newline to stdout, wrapped to the terminal's width when stdout is a terminal. */
export function printLine(s: string): void {
  process.stdout.write(`${process.stdout.isTTY ? wrapLines(s, terminalColumns()) : s}\n`);
}
