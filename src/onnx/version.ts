// simdnet's version, written into exported ONNX files (producer_version). test/onnx/export.node.test.ts checks it
// equals package.json's, so a release that bumps one and not the other fails the suite.
export const SIMDNET_VERSION = '0.1.0';
