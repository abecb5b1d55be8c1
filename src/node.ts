// simdnet/node: the Node-only helpers (files and folders). Everything else comes from 'simdnet'.
export { saveModel, loadModelFile, writeAtomic } from './io/files.js';
export { writeReport, writeComparison, rebuildReport } from './report/node.js';
