// The error a training run stops with when the loss or a gradient turns NaN or ±Inf: where it happened and what.

/** Where a non-finite value appeared: epoch, batch, layer, and whether in the loss, an output or a gradient. */
export interface NonFiniteReport {
  epoch: number;
  batch: number;
  /** The first layer whose output or gradient is non-finite (forward order for outputs, backward for gradients). */
  layer: string | null;
  /**
   * What was non-finite: a layer output, a parameter gradient, an input gradient, only the loss, or a parameter after
   * the optimizer's update (a learning rate too large for float32).
   */
  where: 'output' | 'parameterGradient' | 'inputGradient' | 'loss' | 'update';
  /** The parameter, for a parameter gradient or an update. */
  param?: string;
  loss: number;
}

/** The error fit() rejects with when the loss or a gradient turns NaN or ±Inf; the weights stay those of the last finite step. */
export class NonFiniteError extends Error {
  readonly report: NonFiniteReport;
  constructor(r: NonFiniteReport) {
    const what = r.where === 'loss' ? 'the loss' : r.where === 'output' ? `the output of layer "${r.layer}"`
      : r.where === 'parameterGradient' ? `the gradient of ${r.param}` : r.where === 'update' ? `${r.param} after the optimizer's update`
      : `the input gradient of layer "${r.layer}"`;
    super(`training stopped: non-finite values at epoch ${r.epoch + 1}, batch ${r.batch + 1}: ${what} (loss ${r.loss}); ` +
      'the weights, optimizer state and running statistics are those before this step');
    this.name = 'NonFiniteError';
    this.report = r;
  }
}
