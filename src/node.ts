// simdnet/node: the Node-only helpers (files and folders). Everything else comes from 'simdnet'.
/**
 * `simdnet/node`: Node-only helpers that write and read files (model files atomically, run reports).
 * @module simdnet/node
 */
export { saveModel, loadModelFile, writeAtomic } from './io/files.js';
export { writeReport, writeComparison, rebuildReport } from './report/node.js';
