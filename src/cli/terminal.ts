// The CLI's lines on the terminal: a line wider than the terminal is wrapped at spaces (status-line.ts), so the
// terminal never cuts a word or leaves a half-line behind, and a live bar left on screen (a run that failed mid-epoch)
// is ended first; in a pipe or a file, lines go out as they are.
import { wrapLines } from '../train/status-line.js';
import { endLiveLine, terminalColumns } from '../train/progress.js';

/** Writes s and a newline to stdout, wrapped to the terminal's width when stdout is a terminal. */
export function printLine(s: string): void {
  endLiveLine();
  process.stdout.write(`${process.stdout.isTTY ? wrapLines(s, terminalColumns()) : s}\n`);
}

/** Writes s and a newline to stderr, below a live bar left on screen, wrapped when stderr is a terminal. */
export function printError(s: string): void {
  endLiveLine();
  const err = process.stderr, columns = err.columns > 0 ? err.columns : 80;
  err.write(`${err.isTTY ? wrapLines(s, columns) : s}\n`);
}
