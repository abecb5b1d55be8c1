// simdnet/node: the Node-only helpers (files and folders). Everything else comes from 'simdnet'.
/**
 * `simdnet/node`: Node-only helpers: model files written atomically, run reports, and hyperparameter sweeps (worker threads, a JSONL log).
 * @module simdnet/node
 */
export { saveModel, loadModelFile, writeAtomic } from './io/files.js';
export { writeReport, writeComparison, rebuildReport } from './report/node.js';
export { sweep, readSweepFile, type SweepOptions } from './sweep/run.js';
export { readSweep, type SweepConfig } from './sweep/config.js';
export type { SweepResult, SweepStatus } from './sweep/coordinate.js';
