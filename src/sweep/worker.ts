// A sweep's worker thread (started by pool.ts): its own simdnet module instance (init() here), then runTrial for
// each trial posted to it, one at a time, posting back the record. Its dataset is kept between trials.
import { parentPort, workerData } from 'node:worker_threads';
import { init, type InitOptions } from '../index.js';
import { releaseDataset, runTrial } from './trial-node.js';
import type { TrialSpec } from './trial.js';

const port = parentPort;
if (!port) throw new Error('src/sweep/worker.ts runs as a worker thread of a sweep (pool.ts starts it)');
// One thread per trial: the pool already runs one trial per core (init's default would start threads in every worker).
const ready = init({ threads: 1, ...(workerData as { init?: InitOptions } | undefined)?.init });
port.on('message', async (m: { run?: TrialSpec; close?: true }) => {
  if (m.close) { releaseDataset(); port.close(); return; }
  if (!m.run) return;
  try {
    await ready;
  } catch (e) {
    port.postMessage({ record: { trial: m.run.trial, generation: m.run.generation, params: m.run.params, status: 'failed',
      reason: `the worker's module did not start: ${(e as Error).message}`, metric: null, curve: [], epochs: 0, seconds: 0 } });
    return;
  }
  port.postMessage({ started: m.run.trial }); // the pool's time limit counts from here (not the thread's start-up)
  port.postMessage({ record: await runTrial(m.run) });
});
