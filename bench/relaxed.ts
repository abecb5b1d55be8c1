// The relaxed-SIMD column: a second, independent simdnet in this process (a copy of dist/ in the OS temp folder:
// dist/index.js imports no package, so the copy runs there, with its own module state and wasm instance) initialised with
// init({ relaxed: true, threads }) (one thread in the per-core figures, N in the --threads table), timed in the same
// rounds as the default build. Needs a built dist/ (npm run bench builds it).
// On Node 20 the bench turns relaxed SIMD on itself (V8's --experimental-wasm-relaxed-simd, set at run time).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Api from '../src/index.js';
import type * as Kern from '../src/backend/kernels/index.js';
import type * as Mod from '../src/backend/module.js';

export interface RelaxedSimdnet { api: typeof Api; kern: typeof Kern; module: typeof Mod }

let loaded: Promise<RelaxedSimdnet | string> | undefined;
let loadedThreads: number | 'auto' | undefined;

/**
 * The relaxed simdnet on `threads` (one instance per process: the first call's count holds), or why there is none
 * here (the engine's reason from backendInfo(), or no dist/).
 */
export function relaxedSimdnet(threads: number | 'auto' = 1): Promise<RelaxedSimdnet | string> {
  if (loaded && threads !== loadedThreads) throw new Error(`bench/relaxed: the relaxed simdnet runs on ${loadedThreads} threads, not ${threads}`);
  loadedThreads = threads;
  loaded ??= (async () => {
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    const copy = `${mkdtempSync(join(tmpdir(), 'simdnet-relaxed-'))}/`;
    if (!existsSync(`${dist}kernels.relaxed.wasm`)) return 'no dist/kernels.relaxed.wasm (run node scripts/build.mjs)';
    if (process.versions.node.startsWith('20.')) setFlagsFromString('--experimental-wasm-relaxed-simd');
    cpSync(dist, copy, { recursive: true });
    process.on('exit', () => rmSync(copy, { recursive: true, force: true }));
    const at = (f: string) => pathToFileURL(`${copy}${f}`).href;
    const r: RelaxedSimdnet = {
      api: await import(at('index.js')) as typeof Api,
      kern: await import(at('backend/kernels/index.js')) as typeof Kern,
      module: await import(at('backend/module.js')) as typeof Mod,
    };
    await r.api.init({ relaxed: true, threads });
    const info = r.module.backendInfo();
    return info.build === 'relaxed' ? r : /does not validate/.test(info.reason) ? 'no relaxed SIMD in this engine' : info.reason;
  })();
  return loaded;
}
