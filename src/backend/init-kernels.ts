// The init() every entry runs. With no options (or {}) it instantiates the entry's standard build, on threads where
// the entry can start them (threads 'auto'); options (module, bytes, relaxed, threads) are read in init-options.ts,
// loaded only then, so the page bundle carries none of that code.
import { init, isInitialised, type EntryKernels, type InitOptions } from './module.js';

/** init(options) for an entry. Once initialised, later calls change nothing (their options are still checked). */
export async function initKernels(options: InitOptions | undefined, k: EntryKernels): Promise<void> {
  if (options !== undefined && (options === null || typeof options !== 'object' || Object.keys(options).length > 0)) {
    const [source, info, threads] = (await import('./init-options.js')).readInitOptions(options, k);
    if (!isInitialised()) await init(await source(), info, info.build !== 'given' && k.threaded ? (m) => k.threaded!(m, threads) : undefined);
  } else if (!isInitialised()) {
    await init(await k.standard(undefined), { build: 'standard', reason: 'the default' }, k.threaded && ((m) => k.threaded!(m, undefined)));
  }
}
