// The CLI's view of the data: a named dataset with int labels and one-hot targets for both splits (optionally the
// first --limit training samples), and the samples of a file for `predict`.
import { readFile } from 'node:fs/promises';
import type { Tensor } from '../index.js';
import * as data from '../data/index.js';
import { empty } from '../ops/tensor.js';
import { copy } from '../backend/kernels/index.js';
import { loadFor, datasetNames, type DatasetName } from '../data/node.js';
import { UsageError, type TrainConfig } from '../run/settings.js';
import type { Dataset, Split } from '../run/dataset.js';

// The first n rows of t (t is disposed when a copy is made).
function firstRows(t: Tensor, n: number): Tensor {
  if (n >= t.shape[0]) return t;
  const per = t.size / t.shape[0];
  const out = empty([n, ...t.shape.slice(1)], t.dtype, t.name);
  copy(t.ptr, out.ptr, n * per);
  t.dispose();
  return out;
}

/**
 * Loads config.dataset for training and testing: from --data DIR when given, else the cache folder, Debian's package
 * (fashion-mnist), a one-time download (progress on stderr); errors name those ways in command-line terms.
 */
export async function loadDataset(c: Pick<TrainConfig, 'dataset' | 'dataDir' | 'limit'>): Promise<Dataset> {
  if (!datasetNames.includes(c.dataset as DatasetName)) throw new UsageError(`unknown dataset "${c.dataset}" (known: ${datasetNames.join(', ')})`);
  let d;
  try {
    d = await loadFor('cli', c.dataset as DatasetName, { dataDir: c.dataDir });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const classes = d.classes.length;
  const split = (p: { x: Tensor; y: Tensor }, limit?: number): Split => {
    const x = limit ? firstRows(p.x, limit) : p.x, labels = limit ? firstRows(p.y, limit) : p.y;
    return { x, labels, oneHot: data.oneHot(labels, classes) };
  };
  return { name: d.name, train: split(d.train, c.limit), test: split(d.test), classes: d.classes, inputShape: d.inputShape };
}

/** The samples of an IDX image file or one PNG, shaped for a model's input (scaled to [0, 1]). */
export async function loadInputs(file: string, inputShape: readonly number[]): Promise<Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const per = inputShape.reduce((a, b) => a * b, 1);
  let x: Tensor;
  try {
    if (/\.png$/i.test(file)) {
      const [h, w, ch] = inputShape.length === 3 ? inputShape : [Math.sqrt(per), Math.sqrt(per), 1];
      const set = await data.images([{ name: file, bytes, label: 0 }], { size: [h, w], channels: ch === 3 ? 3 : 1, scale: true });
      set.y.dispose();
      x = set.x;
    } else {
      x = await data.idx(bytes, { name: file, scale: true });
    }
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  if (x.size % per !== 0 || x.size / x.shape[0] !== per) {
    const got = x.shape.slice(1);
    x.dispose();
    throw new UsageError(`${file}: samples are [${got.join(', ')}] but the model takes [${inputShape.join(', ')}]`);
  }
  const shaped = x.reshape([x.shape[0], ...inputShape]);
  x.dispose();
  return shaped;
}
