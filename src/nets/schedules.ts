// Learning-rate schedules as functions of the optimizer step (iteration): exponential, step (piecewise), cosine and
// linear warm-up. Computed with detmath (host-independent). Reduce-on-plateau lives in callbacks.
import { detCos, detPow } from './detmath.js';

export interface Schedule {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** The learning rate at optimizer step `step` (0-based). */
  at(step: number): number;
}

function pos(s: string, what: string, v: number, allowZero = false): number {
  if (!(Number.isFinite(v) && (allowZero ? v >= 0 : v > 0))) throw new RangeError(`schedules.${s}: ${what} must be a finite number ${allowZero ? '≥' : '>'} 0, got ${v}`);
  return v;
}

/** initial · decayRate^(step / decaySteps) (floor of the ratio when staircase). */
export function exponential(o: { initial: number; decayRate: number; decaySteps: number; staircase?: boolean }): Schedule {
  pos('exponential', 'initial', o.initial); pos('exponential', 'decayRate', o.decayRate); pos('exponential', 'decaySteps', o.decaySteps);
  const staircase = o.staircase ?? false;
  return Object.freeze({
    name: 'exponential', config: Object.freeze({ ...o, staircase }),
    at: (step: number) => { const p = step / o.decaySteps; return o.initial * detPow(o.decayRate, staircase ? Math.floor(p) : p); },
  });
}

/** initial · factor^floor(step / every): a step decay. */
export function step(o: { initial: number; factor: number; every: number }): Schedule {
  pos('step', 'initial', o.initial); pos('step', 'factor', o.factor); pos('step', 'every', o.every);
  return Object.freeze({ name: 'step', config: Object.freeze({ ...o }), at: (s: number) => o.initial * detPow(o.factor, Math.floor(s / o.every)) });
}

/** Cosine decay from initial to initial·alpha over decaySteps, then flat. */
export function cosine(o: { initial: number; decaySteps: number; alpha?: number }): Schedule {
  pos('cosine', 'initial', o.initial); pos('cosine', 'decaySteps', o.decaySteps);
  const alpha = pos('cosine', 'alpha', o.alpha ?? 0, true);
  return Object.freeze({
    name: 'cosine', config: Object.freeze({ ...o, alpha }),
    at: (s: number) => {
      const t = Math.min(s, o.decaySteps) / o.decaySteps;
      return o.initial * ((1 - alpha) * 0.5 * (1 + detCos(Math.PI * t)) + alpha);
    },
  });
}

/** Linear warm-up from 0 to target over warmupSteps, then `after` (shifted to start at 0) or flat. */
export function warmup(o: { target: number; warmupSteps: number; after?: Schedule }): Schedule {
  pos('warmup', 'target', o.target); pos('warmup', 'warmupSteps', o.warmupSteps);
  return Object.freeze({
    name: 'warmup', config: Object.freeze({ target: o.target, warmupSteps: o.warmupSteps, after: o.after ? { name: o.after.name, ...o.after.config } : undefined }),
    at: (s: number) => (s < o.warmupSteps ? (o.target * (s + 1)) / o.warmupSteps : o.after ? o.after.at(s - o.warmupSteps) : o.target),
  });
}

/** A schedule from its saved form. */
export function getSchedule(spec: { name: string; [k: string]: unknown }): Schedule {
  const c = spec as never;
  switch (spec.name) {
    case 'exponential': return exponential(c);
    case 'step': return step(c);
    case 'cosine': return cosine(c);
    case 'warmup': {
      const w = spec as unknown as { target: number; warmupSteps: number; after?: { name: string } };
      return warmup({ target: w.target, warmupSteps: w.warmupSteps, after: w.after ? getSchedule(w.after) : undefined });
    }
    default: throw new RangeError(`unknown learning-rate schedule "${spec.name}" (expected exponential, step, cosine or warmup)`);
  }
}
