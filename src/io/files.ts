// Node-only model files: saveModel(model, path) writes atomically (a temporary file in the same folder, flushed,
// then renamed over the target), so a crash or error never leaves a half-written model; loadModelFile(path).
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Model } from '../train/model.js';
import { loadModel } from './load.js';
import type { SaveOptions } from './format.js';

let counter = 0;

/** Writes model.save() to path atomically; the previous file, if any, stays intact on any failure. */
export async function saveModel(model: Model, path: string, options: SaveOptions = {}): Promise<void> {
  const bytes = model.save(options);
  await writeAtomic(path, bytes);
}

/** Writes bytes to path through a temporary file + fsync + rename. */
export async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
  let fh;
  try {
    fh = await open(tmp, 'wx');
    await fh.writeFile(bytes);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw new Error(`cannot save model to "${path}": ${(e as Error).message}`);
  }
}

/** Reads and rebuilds a model file; errors name the file and say what is wrong with it. */
export async function loadModelFile(path: string): Promise<Model> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`cannot load model "${path}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return loadModel(bytes, { source: path });
}
