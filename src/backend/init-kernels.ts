// The init() every entry runs. With no options (or {}) it instantiates the entry's standard build; options (module,
// bytes, relaxed) are read in init-options.ts, loaded only then, so the page bundle carries none of that code.
import { init, isInitialised, type InitOptions } from './module.js';

/** How an entry gets one of its kernel builds, on demand: { module } or { bytes }. */
export type KernelSource = () => Promise<InitOptions>;

/**
 * init(options) for an entry: standard loads its default build; relaxed its relaxed-SIMD build, or a string saying
 * why this entry has none. Once initialised, later calls change nothing (their options are still checked).
 */
export async function initKernels(options: InitOptions | undefined, standard: KernelSource,
  relaxed: KernelSource | string): Promise<void> {
  if (options !== undefined && (options === null || typeof options !== 'object' || Object.keys(options).length > 0)) {
    const [source, info] = (await import('./init-options.js')).readInitOptions(options, standard, relaxed);
    if (!isInitialised()) await init(await source(), info);
  } else if (!isInitialised()) {
    await init(await standard(), { build: 'standard', reason: 'the default' });
  }
}
