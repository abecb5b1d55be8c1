// The checkpoint of an unfinished `simdnet train` run in its --out folder: checkpoint.json (settings, position, history)
// names a model file checkpoint-<epoch>-<batch>.simdnet written before it, so a crash at any point leaves the new
// checkpoint whole or the previous one in place; reading one checks every field and names the file at fault.
// Not the run itself (train.ts).
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, type Model, type EpochProgress } from '../index.js';
import { resolveConfig, UsageError, type TrainConfig } from '../run/settings.js';
import type { Position } from '../run/epochs.js';

export const CHECKPOINT = 'checkpoint.json';
const MODEL_FILE = /^checkpoint(-\d+-\d+)?\.simdnet$/;

/** Where an interrupted run stands: the next epoch and batch, that epoch's running sums, and the history so far. */
export interface Checkpoint extends Position {
  config: TrainConfig;
  history: Record<string, (number | null)[]>;
  /** The model file (in the same folder) and its weights hash. */
  model: string;
  weightsHash?: string;
}

/** Writes bytes to a path so that it is whole or unchanged after any failure. */
export type Write = (path: string, bytes: Uint8Array) => Promise<void>;

/** The files of a checkpoint, in the order they must be written: the model, then checkpoint.json naming it. */
export function checkpointFiles(model: Model, state: Omit<Checkpoint, 'model' | 'weightsHash'>): [string, Uint8Array][] {
  const name = `checkpoint-${state.epoch}-${state.batch}.simdnet`;
  const json = JSON.stringify({ ...state, model: name, weightsHash: model.weightsHash() } satisfies Checkpoint, null, 1);
  return [[name, model.save()], [CHECKPOINT, new TextEncoder().encode(json)]];
}

/** Writes a checkpoint in dir (step is told after each file), then removes the model files no checkpoint names any more. */
export async function writeCheckpoint(dir: string, files: [string, Uint8Array][], write: Write, step: (name: string) => void): Promise<void> {
  await write(join(dir, files[0][0]), files[0][1]);
  step('checkpoint-model');
  await write(join(dir, files[1][0]), files[1][1]);
  step('checkpoint');
  removeCheckpointModels(dir, files[0][0]);
}

function removeCheckpointModels(dir: string, keep?: string): void {
  for (const f of readdirSync(dir)) if (MODEL_FILE.test(f) && f !== keep) rmSync(join(dir, f), { force: true });
}

/** Removes a finished run's checkpoint: checkpoint.json first (the run is then finished), then its model files. */
export function removeCheckpoint(dir: string, step: (name: string) => void): void {
  rmSync(join(dir, CHECKPOINT), { force: true });
  step('checkpoint-removed');
  removeCheckpointModels(dir);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Reads and checks dir/checkpoint.json; every error names the file and says what is wrong. */
export function readCheckpoint(dir: string): Checkpoint {
  const path = join(dir, CHECKPOINT);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`--resume: no checkpoint in ${dir} (no ${CHECKPOINT})`);
    if (code === 'ENOTDIR') throw new UsageError(`--out ${dir}: is a file, not a folder`);
    throw new UsageError(`--resume: cannot read ${path} (${(e as Error).message})`);
  }
  const bad = (what: string): never => { throw new UsageError(`--resume: ${path} is damaged: ${what}; start the run again without --resume`); };
  let c: unknown;
  try {
    c = JSON.parse(text);
  } catch (e) {
    return bad(`not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(c)) return bad(`expected an object, got ${Array.isArray(c) ? 'an array' : JSON.stringify(c)}`);
  if (!isObject(c.config)) return bad('no "config" object');
  let config: TrainConfig;
  try {
    config = resolveConfig(c.config, { from: 'file', applicable: false });
  } catch (e) {
    return bad(`config: ${(e as Error).message}`);
  }
  if (!count(c.epoch) || (c.epoch as number) > config.epochs) bad(`"epoch" must be an integer in [0, ${config.epochs}]; got ${JSON.stringify(c.epoch)}`);
  if (!count(c.batch)) bad(`"batch" must be an integer ≥ 0; got ${JSON.stringify(c.batch)}`);
  if (!isObject(c.history) || !Object.values(c.history).every((v) => Array.isArray(v) && v.every((x) => x === null || typeof x === 'number'))) {
    bad(`"history" must map names to lists of numbers; got ${JSON.stringify(c.history)?.slice(0, 60)}`);
  }
  const p = c.progress;
  if (p !== undefined && !(isObject(p) && typeof p.lossSum === 'number' && count(p.samples) && isObject(p.correct) && Object.values(p.correct).every((x) => typeof x === 'number'))) {
    bad(`"progress" must be { lossSum, samples, correct }; got ${JSON.stringify(p)?.slice(0, 60)}`);
  }
  const model = c.model ?? 'checkpoint.simdnet';
  if (typeof model !== 'string' || !MODEL_FILE.test(model)) bad(`"model" must name a checkpoint model file in the same folder; got ${JSON.stringify(model)}`);
  if (c.weightsHash !== undefined && typeof c.weightsHash !== 'string') bad(`"weightsHash" must be a string; got ${JSON.stringify(c.weightsHash)}`);
  return { config, epoch: c.epoch as number, batch: c.batch as number, progress: p as EpochProgress | undefined,
    history: c.history as Checkpoint['history'], model: model as string, weightsHash: c.weightsHash as string | undefined };
}

/** The checkpoint's model, checked against the weights hash checkpoint.json records. */
export function loadCheckpointModel(dir: string, c: Checkpoint): Model {
  const path = join(dir, c.model);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(`--resume: ${path}${missing ? `, which ${join(dir, CHECKPOINT)} names, is missing` : `: ${(e as Error).message}`}`);
  }
  let model: Model;
  try {
    model = loadModel(bytes, { source: path });
  } catch (e) {
    throw new UsageError(`--resume: ${(e as Error).message.includes(path) ? '' : `${path}: `}${(e as Error).message}`);
  }
  if (c.weightsHash !== undefined && model.weightsHash() !== c.weightsHash) {
    const got = model.weightsHash();
    model.dispose();
    throw new UsageError(`--resume: ${path} holds weights ${got}, not the ${c.weightsHash} that ${join(dir, CHECKPOINT)} records`);
  }
  return model;
}
