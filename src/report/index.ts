// simdnet/report: training reports as self-contained HTML (inline SVG and CSS, nothing fetched), in any runtime.
// Not part of the core entry (the browser bundle stays as it is); the Node file writer is src/report/node.ts.
/**
 * `simdnet/report`: training reports as self-contained HTML, in any runtime.
 * @module simdnet/report
 */
export { renderReport } from './report.js';
export { renderComparison } from './comparison.js';
export { describeEnvironment, pickMisclassified, reportJson, comparisonJson, parseReportJson, renderFromJson,
  type PickMisclassifiedOptions, type ReportData } from './helpers.js';
export type { ReportOptions, ReportTest, ReportEnvironment, MisclassifiedImage, ComparisonRun, ComparisonOptions } from './options.js';
export { renderSweepReport, renderSweepFromJsonl, type SweepReportOptions, type SweepLog, type SweepTrial, type SweepHeader, type SweepFlag } from './sweep.js';
export { parseSweepLog } from './sweep-log.js';
