// `npm run docs`: the API reference with TypeDoc (typedoc.json → docs/api/), failing on any undocumented export.
// TypeDoc needs TypeScript's JS API (≤ 6.0) while simdnet builds with TypeScript 7, so TypeDoc and its TypeScript live
// in docs/'s own package.json, installed here on first use (`npm ci --prefix docs`). `--self-test` also proves the
// configuration fails: an entry with one undocumented export must be refused. Node-only tooling.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docs = join(root, 'docs');
const typedoc = join(docs, 'node_modules/typedoc/bin/typedoc');

/** Installs docs/'s dependencies when missing or older than docs/package-lock.json. */
function ensureInstalled() {
  const stamp = join(docs, 'node_modules/.package-lock.json');
  if (existsSync(typedoc) && existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(join(docs, 'package-lock.json')).mtimeMs) return { ok: true };
  const r = spawnSync('npm', ['ci', '--prefix', docs, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: root, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

function runTypedoc(args, cwd = root) {
  const r = spawnSync(process.execPath, [typedoc, ...args], { cwd, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '') };
}

/** Builds docs/api/; resolves to { ok, line, out }. */
export function buildDocs() {
  const inst = ensureInstalled();
  if (!inst.ok) return { ok: false, line: `npm ci --prefix docs failed`, out: inst.out };
  const t = performance.now();
  const r = runTypedoc(['--options', 'typedoc.json']);
  const warnings = r.out.split('\n').filter((l) => /^\[(warning|error)\]/.test(l) && !/\] Found \d+ errors? and \d+ warnings?$/.test(l));
  const ms = Math.round(performance.now() - t);
  return { ok: r.ok && warnings.length === 0, out: r.out, line: r.ok && !warnings.length ? `docs/api/ built, every export documented (${ms} ms)` : `${warnings.length} problems: ${warnings.slice(0, 5).join(' | ')}` };
}

/** The same validation settings on an entry with one undocumented export: TypeDoc must refuse it, naming it. */
export function selfTest() {
  const dir = mkdtempSync(join(tmpdir(), 'simdnet-docs-'));
  try {
    const options = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
    writeFileSync(join(dir, 'entry.ts'), '/** Documented. */\nexport const documented = 1;\nexport function undocumentedExport(): number { return 2; }\n');
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', target: 'es2022' }, files: ['entry.ts'] }));
    writeFileSync(join(dir, 'typedoc.json'), JSON.stringify({ ...options, entryPoints: ['entry.ts'], tsconfig: 'tsconfig.json', out: 'out', emit: 'none' }));
    const r = runTypedoc(['--options', 'typedoc.json'], dir);
    const named = /undocumentedExport .*does not have any documentation/.test(r.out);
    return { ok: !r.ok && named, line: `an undocumented export ${!r.ok && named ? 'fails the build, named' : `did not fail the build (exit ok: ${r.ok})`}`, out: r.out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = [buildDocs(), ...(process.argv.includes('--self-test') ? [selfTest()] : [])];
  for (const r of results) { if (!r.ok) console.log(r.out.trim()); console.log(`docs: ${r.ok ? 'ok' : 'FAIL'} – ${r.line}`); }
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}
