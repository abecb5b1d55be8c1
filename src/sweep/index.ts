// simdnet/sweep: hyperparameter sweeps in a browser tab (Web Workers, one module instance each) with the same sweep
// objects, search methods, early termination and records as `simdnet sweep`; Node's file-backed sweep() is in simdnet/node.
export { sweepInBrowser, type BrowserSweepOptions } from './browser.js';
export { webPool, browserCores, checkDatasetArrays, type WebPoolOptions } from './pool-web.js';
export type { DatasetArrays } from '../run/dataset.js';
export { readSweep, type SweepConfig } from './config.js';
export { statusText, type SweepResult, type SweepStatus } from './coordinate.js';
export { bestTrial } from '../report/sweep-best.js';
export type { TrialRecord } from './log.js';
export type { Executor, RunEvents } from './pool.js';
