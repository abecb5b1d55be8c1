// Free-standing parameters for optimizer tests: one Param per size with random values and a zero gradient buffer,
// and a way to write a gradient into one. Runtime-neutral.
import { tensor, initializers } from '../../src/index.js';
import type { Param } from '../../src/layers/layer.js';
import { backend } from '../../src/backend/module.js';
import type { Rng } from './rng.js';

/** Params p0, p1, … of the given sizes, values uniform in [−1, 1) from rng, gradients 0. */
export function makeParams(rng: Rng, sizes: readonly number[]): Param[] {
  return sizes.map((n, i) => ({
    name: `p${i}`, value: tensor(rng.array(n), [n]), grad: tensor(new Float32Array(n), [n]), trainable: true,
    initializer: initializers.zeros(), fanIn: 1, fanOut: 1,
  }));
}

/** Writes g into p's gradient buffer. */
export function setGrad(p: Param, g: Float32Array): void { backend().arena.f32.set(g, p.grad!.ptr >>> 2); }
