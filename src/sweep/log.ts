// The sweep's log <out>/trials.jsonl: a header line { sweep, config, started }, then one line per finished trial,
// appended and fsynced as each finishes. Reading it back for --resume ignores (and reports) a truncated last line.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, ftruncateSync, writeSync } from 'node:fs';
import { UsageError } from '../run/settings.js';
import type { Params } from './space.js';

/** One finished trial: its number, generation and params, its status (ok, stopped early, failed with a reason), the metric, its per-epoch curve, the other figures, seconds, weights hash and the worker that ran it. */
export interface TrialRecord {
  trial: number; generation: number; params: Params; status: 'ok' | 'stopped' | 'failed';
  /** failed: why (thrown message, non-finite, timeout); stopped: the rule and epoch. */
  reason?: string;
  /** The sweep's metric at the end (null when failed). */
  metric: number | null;
  /** The metric after each epoch. */
  curve: number[];
  trainAccuracy?: number; valAccuracy?: number; valLoss?: number; testAccuracy?: number;
  epochs: number; seconds: number; weightsHash?: string; worker?: string;
}

export interface LogHeader { sweep: string; config: unknown; started: string }

/** An open log: append() writes one record line and fsyncs it. */
export interface TrialLog { path: string; append(r: TrialRecord): void; close(): void }

function opened(path: string): TrialLog {
  const fd = openSync(path, 'a');
  return {
    path,
    append(r) { writeSync(fd, `${JSON.stringify(r)}\n`); fsyncSync(fd); },
    close() { closeSync(fd); },
  };
}

/** Starts a new log with its header (refused when one is there: the caller resumes it or picks another folder). */
export function createLog(path: string, header: LogHeader): TrialLog {
  if (existsSync(path)) throw new UsageError(`${path} exists: continue that sweep with --resume, or choose another --out`);
  const fd = openSync(path, 'wx');
  try { writeSync(fd, `${JSON.stringify(header)}\n`); fsyncSync(fd); } finally { closeSync(fd); }
  return opened(path);
}

/**
 * Reads a log for --resume: its header and records. A last line cut short by a kill is dropped from the file (so the
 * next append starts a clean line) and reported through `warn`; a damaged line before the last is an error.
 */
export function readLog(path: string, warn: (s: string) => void): { header: LogHeader; records: TrialRecord[]; log: TrialLog } {
  if (!existsSync(path)) throw new UsageError(`--resume: ${path} does not exist (no sweep to continue in this folder)`);
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const complete = lines.slice(0, -1); // the piece after the last \n (empty when the file ends with one) is unfinished
  const tail = text.endsWith('\n') ? '' : lines[lines.length - 1];
  const parsed: unknown[] = [];
  let goodBytes = 0;
  for (let i = 0; i < complete.length; i++) {
    try {
      parsed.push(JSON.parse(complete[i]));
    } catch {
      if (i === complete.length - 1 && tail === '') { // a damaged last line: treated as cut short
        warn(`${path}: line ${i + 1} is damaged (a write cut short); ignored, its trial runs again`);
        break;
      }
      throw new UsageError(`${path}: line ${i + 1} is not valid JSON: the log is damaged before its end`);
    }
    goodBytes += Buffer.byteLength(complete[i]) + 1;
  }
  if (tail !== '') warn(`${path}: its last line was cut short (${Buffer.byteLength(tail)} bytes, the sweep was killed while writing it); ignored, its trial runs again`);
  if (goodBytes < Buffer.byteLength(text)) {
    const fd = openSync(path, 'r+');
    try { ftruncateSync(fd, goodBytes); fsyncSync(fd); } finally { closeSync(fd); }
  }
  const [header, ...rest] = parsed as [LogHeader, ...TrialRecord[]];
  if (!header || typeof header !== 'object' || typeof (header as LogHeader).sweep !== 'string') {
    throw new UsageError(`${path}: the first line is not a sweep log header { "sweep", "config", "started" }`);
  }
  rest.forEach((r, i) => {
    if (!r || typeof r !== 'object' || !Number.isInteger(r.trial) || !['ok', 'stopped', 'failed'].includes(r.status)) {
      throw new UsageError(`${path}: line ${i + 2} is not a trial record`);
    }
  });
  return { header, records: rest, log: opened(path) };
}
