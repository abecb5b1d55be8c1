// A sweep's search methods behind one Proposer: grid (the cartesian product, last key fastest), random (trial i's
// params a pure function of (seed, i)) and bayes (TPE, tpe.ts). Proposals are stateless: the next trial's number is
// the number of observations given, so a resumed sweep replays the same generations.
import { isPlainObject, nearest } from '../ops/options.js';
import { type Dim, type Params, type Space, checkSpace, cloneJson, dimKind, sampleDim } from './space.js';
import { uniformAt } from './rng.js';
import { type Goal, type Observation, proposeTpe, readTpeOptions, type TpeOptions } from './tpe.js';

export type { Goal, Observation } from './tpe.js';
export const GOALS: readonly Goal[] = ['maximize', 'minimize'];
export const METHODS = ['grid', 'random', 'bayes'] as const;
export type Method = typeof METHODS[number];

export interface Proposer {
  /**
   * The next `count` trials' params, given every observation of earlier generations, one per trial already proposed,
   * in trial order (trial numbers from 0): the first one proposed here is trial done.length. Grid returns fewer when
   * it runs out.
   */
  propose(count: number, done: readonly Observation[]): Params[];
  /** Grid: its size; else Infinity. */
  size: number;
}

/** The largest grid enumerated (a larger product is refused with its size). */
export const MAX_GRID = 1_000_000;
/** Random streams: one key per (seed, trial, dimension). */
const RANDOM_STREAM = 0;

/** The proposer of a method; `options` tunes bayes only: { startup, gamma, candidates } (tpe.ts). */
export function makeProposer(method: Method, space: Space, seed: number, goal: Goal, options?: Partial<TpeOptions>): Proposer {
  if (!(METHODS as readonly string[]).includes(method)) throw new Error(`sweep: unknown method ${JSON.stringify(method)}; did you mean "${nearest(String(method), METHODS)}"? (methods: ${METHODS.join(', ')})`);
  if (!GOALS.includes(goal)) throw new Error(`sweep: metric.goal must be "maximize" or "minimize"; got ${JSON.stringify(goal)}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`sweep: seed must be an integer; got ${JSON.stringify(seed)}`);
  if (options !== undefined && method !== 'bayes') throw new Error(`sweep: search options (${isPlainObject(options) ? Object.keys(options).join(', ') : 'given'}) apply to method "bayes" only`);
  space = checkSpace('sweep', space);
  if (method === 'grid') return gridProposer(space);
  const random = (trial: number): Params => randomParams(space, seed, trial);
  if (method === 'random') return { size: Infinity, propose: (count, done) => next(done, count).map(random) };
  const tpe = readTpeOptions(options, space.dims.length);
  return {
    size: Infinity,
    propose: (count, done) => {
      const generation: Params[] = [];
      for (const trial of next(done, count)) {
        generation.push(trial < tpe.startup ? random(trial) : proposeTpe(space, done, goal, tpe, [seed, trial], generation));
      }
      return generation;
    },
  };
}

/** Trial `trial`'s params of a random search: dimension d from the uniform keyed by (seed, trial, d). */
export function randomParams(space: Space, seed: number, trial: number): Params {
  const p: Params = {};
  space.keys.forEach((k, d) => { p[k] = sampleDim(space.dims[d], uniformAt([RANDOM_STREAM, seed, trial, d])); });
  return p;
}

/** The most trials one propose call makes. */
export const MAX_PROPOSE = 100_000;

/** The numbers of the next `count` trials after those observed in `done`. */
function next(done: readonly Observation[], count: number): number[] {
  if (!Array.isArray(done)) throw new TypeError(`propose: done must be the list of earlier observations; got ${typeof done}`);
  return range(done.length, count);
}

function range(from: number, count: number): number[] {
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_PROPOSE) throw new RangeError(`propose: count must be an integer in [0, ${MAX_PROPOSE}]; got ${count}`);
  return Array.from({ length: count }, (_, i) => from + i);
}

/** A grid dimension's points: a values list, or every integer of an int range; continuous ranges have none. */
export function gridPoints(key: string, d: Dim): unknown[] {
  if ('values' in d) return d.values;
  if ('int' in d) {
    const [lo, hi] = d.int;
    if (hi - lo + 1 > MAX_GRID) throw new Error(`space.${key}: int [${lo}, ${hi}] has ${hi - lo + 1} points, too many for a grid (at most ${MAX_GRID})`);
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  throw new Error(`space.${key}: a ${dimKind(d)} range has no grid; list the points to try as { "values": [...] }, or use method "random" or "bayes"`);
}

function gridProposer(space: Space): Proposer {
  const points = space.keys.map((k, i) => gridPoints(k, space.dims[i]));
  let size = 1;
  for (const p of points) {
    size *= p.length;
    if (size > MAX_GRID) throw new Error(`sweep: the grid has more than ${MAX_GRID} points (${points.map((q) => q.length).join(' × ')}); use method "random" or "bayes"`);
  }
  const at = (n: number): Params => {
    const p: Params = {};
    for (let d = space.keys.length - 1; d >= 0; d--) {
      const len = points[d].length;
      p[space.keys[d]] = cloneJson(points[d][n % len]);
      n = Math.floor(n / len);
    }
    return Object.fromEntries(space.keys.map((k) => [k, p[k]]));
  };
  return { size, propose: (count, done) => next(done, count).filter((n) => n < size).map(at) };
}
