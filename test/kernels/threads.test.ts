// Threaded kernels (src/backend/threads.ts): the threaded standard module on 1, 2 and 4 threads gives the bits of the
// default module (the build under test), every kernel family the threads split (test/helpers/threads-same-bits.ts).
// Runtime-neutral (Node worker_threads; Web Workers in cross-origin-isolated Chromium pages and workers).
import { ready, BUILD } from '../helpers/setup.js';
import { threadedSameBits } from '../helpers/threads-same-bits.js';
import { threadsWasmBase64 } from '../../src/backend/kernels-threads.generated.js';

await ready();
threadedSameBits(`threaded kernels: 1, 2, 4 threads and the ${BUILD} build give the same bits`, threadsWasmBase64, 'default module');
