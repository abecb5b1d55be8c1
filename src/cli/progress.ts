// Training progress for the terminal: on a TTY a live bar per epoch (batches, samples/s, ETA, loss, accuracy); when
// not a TTY (CI, pipes) one plain line per epoch. A fit() callback.
import type { Callback, Logs } from '../train/callbacks.js';

export interface ProgressOptions { epochs: number; batches: number; batchSize: number; out?: NodeJS.WriteStream; tty?: boolean }

const fmt = (v: number | undefined, d = 4) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));

export function progress(o: ProgressOptions): Callback & { lines: string[] } {
  const out = o.out ?? process.stdout;
  const tty = o.tty ?? !!out.isTTY;
  let start = 0, epoch = 0, samples = 0, lossSum = 0, correct = 0, lastDraw = 0;
  const lines: string[] = [];
  const rate = () => samples / Math.max((performance.now() - start) / 1000, 1e-9);
  return {
    lines,
    onEpochBegin(e) { epoch = e; start = performance.now(); samples = 0; lossSum = 0; correct = 0; },
    onBatchEnd(b, logs: Logs) {
      samples += logs.size; lossSum += logs.loss * logs.size; void correct;
      if (!tty) return;
      const now = performance.now();
      if (now - lastDraw < 100 && b + 1 < o.batches) return;
      lastDraw = now;
      const done = b + 1, frac = done / o.batches, width = 24;
      const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
      const eta = (o.batches - done) * o.batchSize / Math.max(rate(), 1e-9);
      out.write(`\r\x1b[2Kepoch ${epoch + 1}/${o.epochs} ${bar} ${done}/${o.batches}  ${Math.round(rate()).toLocaleString('en')} samples/s  ETA ${eta.toFixed(0)}s  loss ${fmt(lossSum / samples)}`);
    },
    onEpochEnd(e, logs: Logs) {
      const secs = (performance.now() - start) / 1000;
      const parts = [`epoch ${e + 1}/${o.epochs}`, `loss ${fmt(logs.loss)}`];
      if ('accuracy' in logs) parts.push(`accuracy ${fmt(logs.accuracy)}`);
      if ('valLoss' in logs) parts.push(`valLoss ${fmt(logs.valLoss)}`);
      if ('valAccuracy' in logs) parts.push(`valAccuracy ${fmt(logs.valAccuracy)}`);
      parts.push(`${Math.round(rate()).toLocaleString('en')} samples/s`, `${secs.toFixed(1)}s`);
      const line = parts.join('  ');
      lines.push(line);
      out.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}

/** A confusion matrix as an aligned text table (rows: true class, columns: predicted). */
export function confusionTable(cm: number[][], classes: readonly string[]): string {
  const labels = classes.map((c, i) => (c.length > 12 ? `${i}` : c));
  const w = Math.max(5, ...cm.flat().map((v) => String(v).length), ...labels.map((l) => l.length));
  const head = ''.padEnd(w + 2) + labels.map((l) => l.padStart(w)).join(' ');
  const rows = cm.map((r, i) => `${labels[i].padStart(w)}  ${r.map((v) => String(v).padStart(w)).join(' ')}`);
  return [`true ↓ / predicted →`, head, ...rows].join('\n');
}
