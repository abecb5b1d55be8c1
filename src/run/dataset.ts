// A dataset as a training configuration uses it, in any runtime: both splits with int labels and one-hot targets,
// the class names and one sample's shape. The CLI loads named datasets from disk (src/cli/datasets.ts); a page builds
// one from what it fetched or decoded (datasetOf), and a worker from the plain arrays posted to it (datasetFromArrays).
import { tensor, type Tensor } from '../ops/tensor.js';
import { oneHot } from '../data/batching.js';

export interface Split { x: Tensor; labels: Tensor; oneHot: Tensor }
export interface Dataset { name: string; train: Split; test: Split; classes: string[]; inputShape: number[] }

/** A Dataset from samples x [N, …inputShape] and int32 labels [N] of each split (the one-hot targets are made here; the tensors are kept). */
export function datasetOf(name: string, train: { x: Tensor; y: Tensor }, test: { x: Tensor; y: Tensor }, classes: string[]): Dataset {
  const split = (p: { x: Tensor; y: Tensor }): Split => ({ x: p.x, labels: p.y, oneHot: oneHot(p.y, classes.length) });
  const tr = split(train);
  try {
    return { name, train: tr, test: split(test), classes, inputShape: train.x.shape.slice(1) };
  } catch (e) {
    tr.oneHot.dispose();
    throw e;
  }
}

/** A dataset as plain arrays (what crosses to a worker): samples x [N, …inputShape] float32 and int labels [N] per split. */
export interface DatasetArrays {
  /** The dataset setting trials name: fashion-small, mnist, … for those, "folder" for your own data. */
  name: string;
  classes: string[];
  inputShape: number[];
  train: { x: Float32Array; labels: Int32Array };
  test: { x: Float32Array; labels: Int32Array };
}

/** A Web Worker pool's dataset, size, worker script and kernels. */
/** A Dataset from plain arrays (what a worker is posted), with only the first `limit` training samples when given. */
export function datasetFromArrays(d: DatasetArrays, limit?: number): Dataset {
  const per = d.inputShape.reduce((a, b) => a * b, 1), keep: Tensor[] = [];
  try {
    const make = (x: Float32Array, labels: Int32Array, rows: number) => {
      const tx = tensor(x.subarray(0, rows * per), [rows, ...d.inputShape]); keep.push(tx);
      const ty = tensor(labels.subarray(0, rows), [rows], 'int32'); keep.push(ty);
      return { x: tx, y: ty };
    };
    const n = d.train.labels.length;
    return datasetOf(d.name, make(d.train.x, d.train.labels, limit ? Math.min(limit, n) : n), make(d.test.x, d.test.labels, d.test.labels.length), d.classes);
  } catch (e) {
    keep.forEach((t) => t.dispose());
    throw e;
  }
}

/** Frees a dataset's tensors. */
export function disposeDataset(d: Dataset): void {
  for (const s of [d.train, d.test]) for (const t of [s.x, s.labels, s.oneHot]) t.dispose();
}
