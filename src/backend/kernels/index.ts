// Every typed kernel wrapper, one file per kernel family (named like assembly/<family>.ts): callers import this as
// `kern` and reach each family's wrappers by name. No code of its own.
export * from './gemm.js';
export * from './im2col.js';
export * from './conv2d.js';
export * from './pool.js';
export * from './activations.js';
export * from './math.js';
export * from './softmax.js';
export * from './losses.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './batchnorm.js';
export * from './dropout.js';
export * from './augment.js';
export * from './optim.js';
export * from './random.js';
export * from './maxout.js';
export * from './probe.js';
export * from './stats.js';
