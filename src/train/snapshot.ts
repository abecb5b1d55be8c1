// A step's undo record for the non-finite guard: before a guarded step, every piece of state the step may change is
// copied aside (parameter values incl. batch-norm running statistics, optimizer slots, the optimizer's step count and
// scalars, layers' counters); a refused step is undone from it. One planned buffer; copies run on the kernels.
import * as kern from '../backend/kernels/index.js';
import { empty, type Tensor } from '../ops/tensor.js';
import type { Layer } from '../layers/layer.js';
import type { Optimizer } from '../nets/optimizers.js';

export class StepSnapshot {
  private readonly shadow: Tensor;
  private scalars?: ReturnType<Optimizer['scalarState']>;
  private layerStates: (Record<string, number> | undefined)[] = [];

  /** tensors: every tensor a step may write (their sizes fix the buffer); layers: every layer with state of its own. */
  constructor(private readonly tensors: readonly Tensor[], private readonly optimizer: Optimizer, private readonly layers: readonly Layer[]) {
    this.shadow = empty([Math.max(1, tensors.reduce((a, t) => a + t.size, 0))], 'float32', 'guard.snapshot');
  }

  /** Copies the state aside (before the step). */
  take(): void {
    let at = this.shadow.ptr;
    for (const t of this.tensors) { if (t.size) kern.copy(t.ptr, at, t.size); at += t.size * 4; }
    this.scalars = this.optimizer.scalarState();
    for (let i = 0; i < this.layers.length; i++) this.layerStates[i] = this.layers[i].getState();
  }

  /** Puts the state back as take() found it (a refused step). */
  restore(): void {
    let at = this.shadow.ptr;
    for (const t of this.tensors) { if (t.size) kern.copy(at, t.ptr, t.size); at += t.size * 4; }
    if (this.scalars) this.optimizer.restoreScalarState(this.scalars);
    this.layers.forEach((l, i) => { const s = this.layerStates[i]; if (s) l.setState(s); });
  }

  dispose(): void { this.shadow.dispose(); }
}
