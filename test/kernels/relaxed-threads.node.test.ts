// The relaxed-SIMD threaded module (init({ relaxed: true, threads })) on 1, 2 and 4 threads gives the bits of the
// relaxed module on one thread (init({ relaxed: true, threads: 1 }), the build under test), every kernel family the
// threads split (test/helpers/threads-same-bits.ts). Runs in the relaxed suites only (scripts/test.mjs: Node 22, and
// Node 20 with --experimental-wasm-relaxed-simd); Node only (worker_threads).
import { ready, BUILD } from '../helpers/setup.js';
import { threadedSameBits } from '../helpers/threads-same-bits.js';
import { relaxedThreadsWasmBase64 } from '../../src/backend/kernels-relaxed-threads.generated.js';
import { backend, backendInfo } from '../../src/backend/module.js';

if (BUILD !== 'relaxed') throw new Error(`relaxed-threads.node.test.ts compares with the relaxed build: run it with SIMDNET_TEST_BUILD=relaxed, not ${BUILD}`);
await ready();
// The reference: kernels.relaxed.wasm itself (its own memory, no imports), not the threaded module on one thread.
if (backendInfo().build !== 'relaxed' || backend().threads || (backend().exports.memory as WebAssembly.Memory).buffer instanceof SharedArrayBuffer) {
  throw new Error('relaxed-threads.node.test.ts: the live backend is not the relaxed module on one thread');
}
threadedSameBits('relaxed threaded kernels: 1, 2, 4 threads and the relaxed build on one thread give the same bits (node)',
  relaxedThreadsWasmBase64, 'relaxed module, one thread');
