// Known functions for the sweep search tests (minimum known), and a sweep driven through a Proposer the way the
// coordinator drives it: generations of `batch` trials, each generation proposed from the earlier ones' values.
import type { Params, Space } from '../../src/sweep/space.js';
import type { Observation, Proposer } from '../../src/sweep/search.js';
import { log } from '../../src/sweep/rng.js';

/** A shifted bowl over 5 dimensions: two linear, one log-scale, one integer and one choice; minimum 0 (exact
 * arithmetic and our log only, so its values, and the proposals made from them, are the same bits in every runtime). */
export const bowlSpace: Space = {
  keys: ['x', 'y', 'learningRate', 'units', 'activation'],
  dims: [{ uniform: [-5, 5] }, { uniform: [-5, 5] }, { logUniform: [1e-5, 1] }, { int: [1, 20] }, { values: ['sigmoid', 'relu', 'tanh', 'elu'] }],
};
const ACTIVATION_COST: Record<string, number> = { sigmoid: 2, relu: 0, tanh: 1, elu: 3 };
export function bowl(p: Params): number {
  const x = p.x as number, y = p.y as number, lr = p.learningRate as number, u = p.units as number;
  const dx = x - 1.3, dy = y + 2.1, dl = log(lr) / log(10) + 2.5, du = (u - 7) / 4;
  return dx * dx + dy * dy + dl * dl + du * du + ACTIVATION_COST[p.activation as string];
}

/** Branin on [−5, 10] × [0, 15]; minimum 0.397887 at three points. */
export const braninSpace: Space = { keys: ['x1', 'x2'], dims: [{ uniform: [-5, 10] }, { uniform: [0, 15] }] };
export function branin(p: Params): number {
  const x1 = p.x1 as number, x2 = p.x2 as number;
  const b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

/** Runs `trials` trials in generations of `batch`; returns the observations in trial order. */
export function drive(proposer: Proposer, f: (p: Params) => number, trials: number, batch = 4): Observation[] {
  const done: Observation[] = [];
  while (done.length < trials) {
    const gen = proposer.propose(Math.min(batch, trials - done.length), done);
    if (gen.length === 0) break;
    done.push(...gen.map((params) => ({ params, value: f(params) })));
  }
  return done;
}

/** The best value of a run (min or max). */
export const best = (obs: readonly Observation[], goal: 'minimize' | 'maximize') =>
  obs.reduce((b, o) => (o.value === null ? b : goal === 'minimize' ? Math.min(b, o.value) : Math.max(b, o.value)), goal === 'minimize' ? Infinity : -Infinity);
