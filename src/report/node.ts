// Node-only: writes a run's or an experiment's report into an existing folder (report.html, and report.json to rebuild
// it with renderFromJson), atomically through io/files.ts. Not exported by the simdnet/report entry, which runs anywhere.
import { writeAtomic } from '../io/files.js';
import type { History } from '../train/loop.js';
import { renderReport } from './report.js';
import { renderComparison } from './comparison.js';
import { comparisonJson, renderFromJson, reportJson } from './helpers.js';
import type { ComparisonOptions, ComparisonRun, ReportOptions } from './options.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const join = (dir: string, name: string): string => `${dir.replace(/[\\/]+$/, '')}/${name}`;

/** Writes dir/report.html and dir/report.json for one run; resolves to the paths written. */
export async function writeReport(dir: string, history: History, options: ReportOptions = {}): Promise<{ html: string; json: string }> {
  const html = renderReport(history, options), json = reportJson(history, options);
  const paths = { html: join(dir, 'report.html'), json: join(dir, 'report.json') };
  await writeAtomic(paths.json, utf8(json));
  await writeAtomic(paths.html, utf8(html));
  return paths;
}

/** Writes dir/report.html and dir/report.json comparing an experiment's variants; resolves to the paths written. */
export async function writeComparison(dir: string, runs: ComparisonRun[], options: ComparisonOptions = {}): Promise<{ html: string; json: string }> {
  const html = renderComparison(runs, options), json = comparisonJson(runs, options);
  const paths = { html: join(dir, 'report.html'), json: join(dir, 'report.json') };
  await writeAtomic(paths.json, utf8(json));
  await writeAtomic(paths.html, utf8(html));
  return paths;
}

/** Rebuilds dir/report.html from the JSON text of dir/report.json (the caller reads it); resolves to the path written. */
export async function rebuildReport(dir: string, jsonText: string): Promise<string> {
  const path = join(dir, 'report.html');
  await writeAtomic(path, utf8(renderFromJson(jsonText)));
  return path;
}
