// Experiment files for `simdnet run`: read from disk and checked by the experiment reader (src/run/experiment.ts);
// each variant writes to <root>/<variant name>. Not the training (train.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../run/settings.js';
import { FOLDER_NAME, readExperimentObject, type Experiment } from '../run/experiment.js';

/**
 * Reads and checks an experiment file; each variant's configuration (base, then the variant's settings) writes to
 * root/<variant name> (default runs/<experiment name or file name>). Nothing is trained.
 */
export function readExperiment(path: string, root?: string): Experiment & { root: string } {
  let e: unknown;
  try {
    e = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : code ? (err as Error).message : `not valid JSON (${(err as Error).message})`}`);
  }
  const fileName = path.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
  const named = typeof (e as { name?: unknown })?.name === 'string' && FOLDER_NAME.test((e as { name: string }).name) ? (e as { name: string }).name : undefined;
  const rootDir = root ?? join('runs', named ?? (FOLDER_NAME.test(fileName) ? fileName : 'experiment'));
  const x = readExperimentObject(path, e, rootDir);
  return { ...x, variants: x.variants.map((v) => ({ ...v, config: { ...v.config, out: join(rootDir, v.name) } })), root: rootDir };
}
