// Sweeps on one machine (Node): sweep() and its pieces, for the CLI and the library's Node users.
export { sweep, readSweep, readSweepFile, bestTrial, statusText, type SweepConfig, type SweepOptions, type SweepResult, type SweepStatus, type ExecutorFactory } from './run.js';
export { runTrial, METRICS, type TrialSpec, type MetricName } from './trial.js';
export { localPool, type Executor, type RunEvents, type PoolOptions } from './pool.js';
export type { TrialRecord, LogHeader } from './log.js';
