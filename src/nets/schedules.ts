// Learning-rate schedules as functions of the optimizer step (iteration): exponential, step (piecewise), cosine and
// linear warm-up. Computed with detmath (host-independent). Reduce-on-plateau lives in callbacks.
import { detCos, detPow } from './detmath.js';
import { given, isPlainObject, StrictOptions, unknownName } from '../ops/options.js';

/** A learning-rate schedule: the rate at each optimizer step, and the options that rebuild it. */
export interface Schedule {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** The learning rate at optimizer step `step` (0-based). */
  at(step: number): number;
}

const POSITIVE = { min: 0, minExclusive: true } as const;

/** Options of schedules.exponential: the initial rate, its decay rate per decaySteps steps, stepwise or smooth. */
export interface ExponentialOptions { initial: number; decayRate: number; decaySteps: number; staircase?: boolean }
/** Options of schedules.step: the initial rate, multiplied by factor every `every` steps. */
export interface StepOptions { initial: number; factor: number; every: number }
/** Options of schedules.cosine: the initial rate, the steps of the decay, the final fraction alpha (default 0). */
export interface CosineOptions { initial: number; decaySteps: number; alpha?: number }
/** Options of schedules.warmup: the rate reached after warmupSteps, then the schedule `after` (or flat). */
export interface WarmupOptions { target: number; warmupSteps: number; after?: Schedule }

/** A schedule as { name, ...its own options } (how optimizers save it): a union by name. */
export type ScheduleSpec =
  | ({ name: 'exponential' } & ExponentialOptions)
  | ({ name: 'step' } & StepOptions)
  | ({ name: 'cosine' } & CosineOptions)
  | ({ name: 'warmup' } & Omit<WarmupOptions, 'after'> & { after?: Schedule | ScheduleSpec });

/** initial · decayRate^(step / decaySteps) (floor of the ratio when staircase). */
export function exponential(options: ExponentialOptions): Schedule {
  return makeExponential('schedules.exponential', options);
}
function makeExponential(owner: string, options: unknown): Schedule {
  const o = StrictOptions.read(owner, options, ['initial', 'decayRate', 'decaySteps', 'staircase'], true);
  const initial = o.number('initial', POSITIVE), decayRate = o.number('decayRate', POSITIVE), decaySteps = o.number('decaySteps', POSITIVE);
  const staircase = o.bool('staircase', false);
  return Object.freeze({
    name: 'exponential', config: Object.freeze({ initial, decayRate, decaySteps, staircase }),
    at: (step: number) => { const p = step / decaySteps; return initial * detPow(decayRate, staircase ? Math.floor(p) : p); },
  });
}

/** initial · factor^floor(step / every): a step decay. */
export function step(options: StepOptions): Schedule {
  return makeStep('schedules.step', options);
}
function makeStep(owner: string, options: unknown): Schedule {
  const o = StrictOptions.read(owner, options, ['initial', 'factor', 'every'], true);
  const initial = o.number('initial', POSITIVE), factor = o.number('factor', POSITIVE), every = o.number('every', POSITIVE);
  return Object.freeze({ name: 'step', config: Object.freeze({ initial, factor, every }), at: (s: number) => initial * detPow(factor, Math.floor(s / every)) });
}

/** Cosine decay from initial to initial·alpha over decaySteps, then flat. */
export function cosine(options: CosineOptions): Schedule {
  return makeCosine('schedules.cosine', options);
}
function makeCosine(owner: string, options: unknown): Schedule {
  const o = StrictOptions.read(owner, options, ['initial', 'decaySteps', 'alpha'], true);
  const initial = o.number('initial', POSITIVE), decaySteps = o.number('decaySteps', POSITIVE);
  const alpha = o.number('alpha', { min: 0, default: 0 });
  return Object.freeze({
    name: 'cosine', config: Object.freeze({ initial, decaySteps, alpha }),
    at: (s: number) => {
      const t = Math.min(s, decaySteps) / decaySteps;
      return initial * ((1 - alpha) * 0.5 * (1 + detCos(Math.PI * t)) + alpha);
    },
  });
}

/** Linear warm-up from 0 to target over warmupSteps, then `after` (shifted to start at 0) or flat. */
export function warmup(options: WarmupOptions): Schedule {
  return makeWarmup('schedules.warmup', options);
}
function makeWarmup(owner: string, options: unknown): Schedule {
  const o = StrictOptions.read(owner, options, ['target', 'warmupSteps', 'after'], true);
  const target = o.number('target', POSITIVE), warmupSteps = o.number('warmupSteps', POSITIVE);
  const after = o.get('after');
  if (after !== undefined && !(typeof after === 'object' && after !== null && typeof (after as Schedule).at === 'function')) {
    o.wrongType('after', 'a schedule (schedules.cosine(…), …) or undefined');
  }
  const next = after as Schedule | undefined;
  return Object.freeze({
    name: 'warmup', config: Object.freeze({ target, warmupSteps, after: next ? { name: next.name, ...next.config } : undefined }),
    at: (s: number) => (s < warmupSteps ? (target * (s + 1)) / warmupSteps : next ? next.at(s - warmupSteps) : target),
  });
}

const BY_NAME: Record<string, (c: Record<string, unknown>, owner: string) => Schedule> = {
  exponential: (c, owner) => makeExponential(owner, c), step: (c, owner) => makeStep(owner, c),
  cosine: (c, owner) => makeCosine(owner, c),
  warmup: (c, owner) => makeWarmup(owner, { ...c, after: c.after === undefined ? undefined : getSchedule(c.after as ScheduleSpec, `${owner}: after`) }),
};

/** Every schedule name getSchedule knows. */
export const SCHEDULE_NAMES: readonly string[] = Object.keys(BY_NAME);

/**
 * A schedule from its saved form { name, ...options }; owner names where it came from in messages. Unknown names and
 * option keys are refused naming the nearest valid one (the second form takes parsed files, checked here).
 */
export function getSchedule(spec: ScheduleSpec, owner?: string): Schedule;
export function getSchedule(spec: { name: string; [k: string]: unknown }, owner?: string): Schedule;
export function getSchedule(given_: ScheduleSpec | { name: string; [k: string]: unknown }, owner = 'getSchedule'): Schedule {
  const spec = given_ as { name: string; [k: string]: unknown };
  if (!isPlainObject(spec)) throw new TypeError(`${owner}: a schedule must be { name, ...options } (name: ${SCHEDULE_NAMES.join(', ')}), got ${given(spec)}`);
  const { name, ...config } = spec;
  if (typeof name !== 'string' || !Object.hasOwn(BY_NAME, name)) unknownName(owner, 'learning-rate schedule', name, SCHEDULE_NAMES);
  for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
  return BY_NAME[name](config, `${owner}: schedule "${name}"`);
}
