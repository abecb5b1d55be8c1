// Child process of test/training/threads.node.test.ts: `node --import tsx test/helpers/threads-train.ts <threads>`
// inits simdnet with that many threads, trains the models of threads-models.ts (a seeded MLP and a LeNet-like CNN, a
// few steps), prints one JSON line (threads used, weights hashes, losses as float32 bits) and exits without releasing
// the threads: the parent checks that it ends promptly. Not a test file.
import * as simdnet from '../../src/index.js';
import { trainModels } from './threads-models.js';

const threads = Number(process.argv[2]);
const release = process.argv[3] === 'release';
await simdnet.init({ threads });
const { mlpStep, ...trained } = trainModels(simdnet);
console.log(JSON.stringify({ threads: simdnet.threadCount(), ...trained }));
if (release) {
  await simdnet.releaseThreads();
  const after = mlpStep();
  console.log(JSON.stringify({ threadsAfterRelease: simdnet.threadCount(), after }));
}
