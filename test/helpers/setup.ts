// Test setup: picks the build under test (release, debug or relaxed, from SIMDNET_TEST_BUILD) and initialises simdnet
// with it on one thread (relaxed: init({ relaxed: true, threads: 1 }), kernels.relaxed.wasm, which must not fall back).
// Runtime-neutral (no node: imports) so the same files run in Node, browsers and workers.
import { init } from '../../src/index.js';
import { backend, backendInfo } from '../../src/backend/module.js';
import { releaseWasmBase64 } from '../../src/backend/kernels.generated.js';
import { relaxedWasmBase64 } from '../../src/backend/kernels-relaxed.generated.js';
import { debugWasmBase64 } from '../generated/kernels-debug.generated.js';
import { decodeBase64 } from '../../src/backend/base64.js';

export type BuildName = 'release' | 'debug' | 'relaxed';

function pick(): BuildName {
  const g = globalThis as { SIMDNET_TEST_BUILD?: string; process?: { env?: Record<string, string | undefined> } };
  const v = g.SIMDNET_TEST_BUILD ?? g.process?.env?.SIMDNET_TEST_BUILD ?? 'release';
  if (v !== 'release' && v !== 'debug' && v !== 'relaxed') throw new Error(`SIMDNET_TEST_BUILD must be release, debug or relaxed, got ${v}`);
  return v;
}

/** The build these tests run against. */
export const BUILD: BuildName = pick();

export function wasmBytes(build: BuildName): Uint8Array<ArrayBuffer> {
  return decodeBase64(build === 'debug' ? debugWasmBase64 : build === 'relaxed' ? relaxedWasmBase64 : releaseWasmBase64);
}

/** Initialises simdnet with the build under test (once per process). */
export async function ready(): Promise<void> {
  if (BUILD === 'relaxed') {
    await init({ relaxed: true, threads: 1 });
    const info = backendInfo();
    if (info.build !== 'relaxed') throw new Error(`expected the relaxed build, but ${info.build} runs: ${info.reason}`);
    if (backend().threads) throw new Error('expected the relaxed build on one thread, but another init() started threads');
    return;
  }
  await init({ bytes: wasmBytes(BUILD) });
  if (backend().debug !== (BUILD === 'debug')) throw new Error(`expected the ${BUILD} build, but another build was initialised first`);
}
