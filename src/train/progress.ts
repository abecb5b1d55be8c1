// Training progress as Keras prints it, for fit(…, { verbose }) and progressBar(): a live bar redrawn in place in a
// terminal (epoch, batches, running loss and metrics, epoch and total ETA, samples/s), one line per epoch elsewhere.
// Every line fits the width (status-line.ts). Runtime-neutral: the terminal is feature-detected on globalThis.process;
// loaded on demand by callbacks.ts, so an app that never shows progress does not ship it.
import { compactNumber, fitFields, formatDuration, formatValue, groupDigits, safeText, type Field } from './status-line.js';

/** What the live bar shows: epoch and batch numbers count from 1. */
export interface BarState {
  epoch: number; epochs: number;
  /** Batches done in this epoch, of `batches`. */
  batch: number; batches: number;
  /** Running (sample-weighted) loss and metrics over this epoch's batches so far. */
  loss?: number;
  metrics?: Readonly<Record<string, number>>;
  /** Seconds left in this epoch, and in the whole run. */
  eta?: number; totalEta?: number;
  samplesPerSecond?: number;
}

/** What the end-of-epoch line shows: the epoch's logs (loss, metrics, validation), its time and speed. */
export interface EpochState {
  epoch: number; epochs: number;
  logs: Readonly<Record<string, number>>;
  seconds?: number;
  samplesPerSecond?: number;
}

// Importance of a logged value: loss first, then accuracy, validation loss and accuracy, then the rest.
function rankOf(key: string): number {
  return ({ loss: 90, accuracy: 85, valLoss: 80, valAccuracy: 75 } as Record<string, number>)[key] ?? (key.startsWith('val') ? 45 : 50);
}

/** A log name as shown: accuracy → acc, valAccuracy → vAcc, valLoss → vLoss. */
export function shortLabel(key: string): string {
  return key.replace(/accuracy/g, 'acc').replace(/Accuracy/g, 'Acc').replace(/^val(?=[A-Z])/, 'v');
}

const valueFields = (values: Readonly<Record<string, number>>): Field[] => Object.entries(values).map(([k, v]) => {
  const name = safeText(k);
  return { full: `${name} ${formatValue(v)}`, short: `${shortLabel(name)} ${formatValue(v)}`, rank: rankOf(k) };
});

const count = (n: number) => (Number.isFinite(n) ? String(n) : '?');
const epochField = (epoch: number, epochs: number): Field =>
  ({ full: `epoch ${count(epoch)}/${count(epochs)}`, rank: 100 });

/** A bar `width` columns wide, Keras style: [=====>....]. */
export function drawBar(fraction: number, width: number): string {
  const inner = Math.max(0, width - 2), f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(f * inner);
  const body = filled >= inner ? '='.repeat(inner) : `${'='.repeat(filled)}>${'.'.repeat(inner - filled - 1)}`;
  return width >= 2 ? `[${body}]` : '='.repeat(Math.max(0, width));
}

/**
 * The live bar as one line of at most `width` columns: epoch 3/10  47/79  [=====>....]  loss 0.5362  accuracy
 * 0.8094  ETA 3.0s  total ETA 1:02  4,624 samples/s. Too wide, it drops samples/s, then shortens labels
 * (acc, total 1:02, 4.6k/s), then drops the total ETA, the bar, the ETA and the metrics, in that order.
 */
export function barLine(s: BarState, width: number): string {
  const fields: Field[] = [epochField(s.epoch, s.epochs), { full: `${count(s.batch)}/${count(s.batches)}`, rank: 95 },
    { full: '', rank: 60, stretch: { min: 10, max: 32, render: (w) => drawBar(s.batch / s.batches, w) } }];
  if (s.loss !== undefined) fields.push(...valueFields({ loss: s.loss }));
  if (s.metrics) fields.push(...valueFields(s.metrics));
  if (s.eta !== undefined) fields.push({ full: `ETA ${formatDuration(s.eta)}`, rank: 70 });
  if (s.totalEta !== undefined) fields.push({ full: `total ETA ${formatDuration(s.totalEta)}`, short: `total ${formatDuration(s.totalEta)}`, rank: 65 });
  if (s.samplesPerSecond !== undefined) {
    fields.push({ full: `${groupDigits(s.samplesPerSecond)} samples/s`, short: `${compactNumber(s.samplesPerSecond)}/s`, rank: 20 });
  }
  return fitFields(fields, width, { dropBeforeShortening: 50 });
}

/**
 * The end-of-epoch line, at most `width` columns: epoch 3/10  loss 0.3921  accuracy 0.8615  valLoss 0.4102
 * valAccuracy 0.8520  1.1s  49,424 samples/s. Too wide, it shortens the labels (acc, vLoss, vAcc, 49.4k/s), then
 * drops samples/s, the time, other metrics, validation accuracy and loss, accuracy, in that order.
 */
export function epochLine(s: EpochState, width: number): string {
  const fields: Field[] = [epochField(s.epoch, s.epochs), ...valueFields(s.logs)];
  if (s.seconds !== undefined) fields.push({ full: formatDuration(s.seconds), rank: 30 });
  if (s.samplesPerSecond !== undefined) {
    fields.push({ full: `${groupDigits(s.samplesPerSecond)} samples/s`, short: `${compactNumber(s.samplesPerSecond)}/s`, rank: 20 });
  }
  return fitFields(fields, width);
}

/** The terminal's width: process.stdout.columns where there is one, else 80. */
export function terminalColumns(): number {
  const c = hostStdout()?.columns;
  return typeof c === 'number' && Number.isInteger(c) && c > 0 ? c : 80;
}

interface HostStdout { isTTY?: boolean; columns?: number; write?: (s: string) => unknown }
const hostStdout = (): HostStdout | undefined => (globalThis as { process?: { stdout?: HostStdout } }).process?.stdout;

/** progressBar's options, checked (callbacks.ts reads them strictly). */
export interface ProgressSettings {
  epochs?: number;
  mode: 'auto' | 'bar' | 'lines';
  columns?: number;
  write?: (text: string) => void;
}

// A live bar drawn on process.stdout is on screen with its line not yet ended.
let liveLineOpen = false;

/** Ends the line of a live bar left on the terminal (a newline on stdout), so what is printed next starts on its own. */
export function endLiveLine(): void {
  if (liveLineOpen) hostStdout()?.write?.('\n');
  liveLineOpen = false;
}

const now = (): number => globalThis.performance?.now() ?? Date.now();
const REDRAW_MS = 100;

/** What the bar reads of fit's parameters (FitParams in callbacks.ts). */
interface RunShape { epochs: number; batches: number }
type Logs = Readonly<Record<string, number>>;

/** The progress callback behind progressBar (callbacks.ts): state per epoch, throughput, and the output. */
export class ProgressBar {
  private params?: RunShape;
  private epoch = 0;
  private epochStart = 0;
  private lastBatchAt = 0;
  private batchesSeen = 0;
  private samples = 0;
  private lossSum = 0;
  private sums: Record<string, number> = {};
  private lastEpochSeconds?: number;
  private lastDraw = -Infinity;
  /** A live bar is on screen, not yet ended by a newline. */
  private drawn = false;
  private readonly live: boolean;
  private readonly write: (text: string) => void;

  constructor(private readonly settings: ProgressSettings) {
    const out = hostStdout();
    const tty = out?.isTTY === true && typeof out.write === 'function';
    this.live = settings.mode === 'bar' || (settings.mode === 'auto' && tty);
    this.write = settings.write
      ?? (this.live && out?.write ? (t) => { out.write!(t); liveLineOpen = !t.endsWith('\n'); } : (t) => { console.log(t.replace(/\n$/, '')); });
  }

  private get epochs(): number { return this.settings.epochs ?? this.params?.epochs ?? this.epoch + 1; }
  private get width(): number { return this.settings.columns ?? terminalColumns(); }

  setParams(params: RunShape): void { this.params = params; }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.epochStart = this.lastBatchAt = now();
    this.batchesSeen = this.samples = this.lossSum = 0;
    this.sums = {};
  }

  onBatchEnd(batch: number, logs: Logs): void {
    const n = logs.size ?? 0;
    this.batchesSeen++; this.samples += n; this.lossSum += (logs.loss ?? NaN) * n;
    for (const [k, v] of Object.entries(logs)) if (k !== 'batch' && k !== 'size' && k !== 'loss') this.sums[k] = (this.sums[k] ?? 0) + v * n;
    this.lastBatchAt = now();
    if (!this.live) return;
    const batches = this.params?.batches ?? batch + 1, last = batch + 1 >= batches;
    if (this.batchesSeen > 1 && !last && this.lastBatchAt - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = this.lastBatchAt;
    const secs = (this.lastBatchAt - this.epochStart) / 1000, perBatch = secs / this.batchesSeen;
    const eta = (batches - batch - 1) * perBatch;
    const later = Math.max(0, this.epochs - this.epoch - 1) * (this.lastEpochSeconds ?? batches * perBatch);
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.sums)) metrics[k] = v / this.samples;
    const line = barLine({ epoch: this.epoch + 1, epochs: this.epochs, batch: batch + 1, batches, loss: this.lossSum / this.samples, metrics,
      eta, totalEta: eta + later, samplesPerSecond: secs > 0 ? this.samples / secs : undefined }, this.width - 1);
    // \r and erase-line first: a shorter redraw leaves nothing of the longer one behind; one column spare, never a wrap
    this.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const seconds = (now() - this.epochStart) / 1000, trained = (this.lastBatchAt - this.epochStart) / 1000;
    this.lastEpochSeconds = seconds;
    const line = epochLine({ epoch: epoch + 1, epochs: this.epochs, logs, seconds,
      samplesPerSecond: trained > 0 && this.samples > 0 ? this.samples / trained : undefined }, this.width);
    this.write(this.live ? `\r\x1b[2K${line}\n` : `${line}\n`);
    this.drawn = false;
  }

  onTrainEnd(): void {
    // stopped mid-epoch: end the bar's line so what follows starts on its own
    if (this.drawn) this.write('\n');
    this.drawn = false;
  }
}
