// A second entry for the threaded modules only (scripts/build.mjs adds it to the threads and relaxed-threads targets,
// beside index.ts): the filter gradient's split kernels, which only threads call (src/backend/thread-splits.ts), so
// the page module does not carry them.
export { conv2dBackpropFilterBand, conv2dBackpropFilterBlocks } from './conv2d';
