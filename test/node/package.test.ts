// What `npm pack` puts in simdnet's tarball, against an allow-list: package.json, README.md, LICENSE, and the dist/
// files reachable from the package's entries (exports and bin) through their imports, each with its .d.ts. A dead
// file (one no entry reaches, or left over from a deleted source) or a missing one fails. Also the package's fields.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const test = suite(`package contents (node) [${process.env.SIMDNET_TEST_BUILD ?? 'release'}]`); // reads files only
const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Files every tarball carries besides dist/: the top-level files and the seed studies' experiment files. */
const TOP_LEVEL = ['package.json', 'README.md', 'LICENSE',
  ...readdirSync(join(root, 'experiments')).filter((f) => f.endsWith('.json')).map((f) => `experiments/${f}`)];

/** Every target in package.json's exports (any condition) and bin, as package-relative paths. */
function entryTargets(): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(normalize(v));
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(pkg.exports); walk(pkg.bin); walk(pkg.main); walk(pkg.types);
  return [...new Set(out)];
}

/** The relative specifiers a built file imports: static imports and exports, import('…') with a literal or a const. */
function relativeImports(file: string, text = readFileSync(join(root, file), 'utf8')): string[] {
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  // new URL('./x.js', import.meta.url): a worker thread's script (the sweep's pool)
  for (const m of text.matchAll(/\bnew URL\(\s*['"](\.{1,2}\/[^'"]+\.js)['"],\s*import\.meta\.url\s*\)/g)) specs.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*([A-Za-z_$][\w$]*)\s*\)/g)) { // import(NAME) where const NAME = './x.js'
    const c = new RegExp(`const\\s+${m[1]}\\s*=\\s*['"](\\.{1,2}/[^'"]+)['"]`).exec(text);
    if (!c) throw new Error(`${file}: import(${m[1]}) of a path this test cannot follow`);
    specs.push(c[1]);
  }
  return specs.map((s) => normalize(join(dirname(file), s.replace(/\?.*$/, ''))));
}

/** The allow-list: the top-level files, the entries, everything they reach, and each reached .js file's .d.ts. */
function expectedFiles(): Set<string> {
  const seen = new Set<string>(TOP_LEVEL);
  const queue = entryTargets();
  while (queue.length) {
    const f = queue.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    if (f.endsWith('.js')) queue.push(f.replace(/\.js$/, '.d.ts'));
    if (/\.(js|d\.ts)$/.test(f)) {
      if (!existsSync(join(root, f))) throw new Error(`${f} is reached from an entry but was not built`);
      queue.push(...relativeImports(f));
    }
  }
  return seen;
}

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return (JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path);
}

/** Packed files the allow-list does not hold, and allow-listed files the tarball lacks. */
function compare(expected: Set<string>, packed: Set<string>): { extra: string[]; missing: string[] } {
  return { extra: [...packed].filter((f) => !expected.has(f)).sort(), missing: [...expected].filter((f) => !packed.has(f)).sort() };
}

const packed = new Set(packedFiles());

test('the tarball holds exactly the allow-list: nothing dead, nothing missing', () => {
  const expected = expectedFiles();
  const { extra, missing } = compare(expected, packed);
  assert.equal(extra, [], `files in the tarball that no entry reaches: ${extra.join(', ')}`);
  assert.equal(missing, [], `files the entries need that the tarball lacks: ${missing.join(', ')}`);
  for (const f of ['dist/index.js', 'dist/kernels.wasm', 'dist/kernels.wasm.d.ts', 'dist/cli/main.js', 'dist/data/entry-node.js', 'LICENSE']) {
    assert.ok(packed.has(f), f);
  }
  assert.not.ok([...packed].some((f) => f.startsWith('data/') || f.startsWith('src/') || f.startsWith('test/')), 'no sources, tests or datasets');
});

test('the allow-list check catches a dead file and a missing one', () => {
  const expected = expectedFiles();
  assert.not.ok(expected.has('dist/cli/demo.js'), 'the old demo placeholder is reached by nothing');
  assert.equal(compare(expected, new Set([...expected, 'dist/cli/demo.js', 'dist/detmath.js'])).extra, ['dist/cli/demo.js', 'dist/detmath.js']);
  const without = new Set(expected); without.delete('dist/data/node.js'); without.delete('LICENSE');
  assert.equal(compare(expected, without).missing, ['LICENSE', 'dist/data/node.js']);
  assert.ok(expected.has('dist/data/node.js') && expected.has('dist/train/verdicts.js'), 'dynamic imports are followed');
  assert.equal(relativeImports('dist/a/b.js', "const P = '../c.js';\nexport * from './d.js';\nimport('./e.js?x'); import(P);"),
    ['dist/a/d.js', 'dist/a/e.js', 'dist/c.js']);
  assert.throws(() => relativeImports('dist/a/b.js', 'import(somewhere);'), /import\(somewhere\) of a path this test cannot follow/);
});

test('package.json: licence file, repository, homepage, bugs, keywords, bin and every export target', () => {
  assert.is(pkg.license, 'MIT');
  assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) 2026 the simdnet authors\n/);
  assert.equal(pkg.repository, { type: 'git', url: 'git+https://github.com/simdnet/simdnet.git' });
  assert.is(pkg.homepage, 'https://github.com/simdnet/simdnet#readme');
  assert.is(pkg.bugs.url, 'https://github.com/simdnet/simdnet/issues');
  assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.length >= 5 && pkg.keywords.includes('webassembly'));
  assert.is(pkg.bin.simdnet, './dist/cli/main.js');
  assert.match(readFileSync(join(root, 'dist/cli/main.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  for (const [sub, target] of Object.entries(pkg.exports as Record<string, unknown>)) {
    if (sub === './package.json') continue;
    assert.ok(target && typeof target === 'object' && 'types' in target, `${sub} has a types condition`);
    assert.is(Object.keys(target as object)[0], 'types', `${sub}: types comes first`);
  }
  assert.is(pkg.exports['./data'].node, './dist/data/entry-node.js', 'simdnet/data has a node condition');
});

test('the README the package page shows: the npm user\'s two lines first, absolute image links, the esbuild step', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const firstShell = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  assert.match(firstShell, /^npm i simdnet\b/m, 'the first shell block has `npm i simdnet`');
  assert.match(firstShell, /^npx simdnet train\b/m, 'and `npx simdnet train`');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g), ...readme.matchAll(/<img[^>]+src="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(images.length > 0, 'the README shows images');
  const relative = images.filter((u) => !u.startsWith('https://raw.githubusercontent.com/simdnet/simdnet/'));
  assert.equal(relative, [], 'image links point into the repository, not into a folder the package lacks');
  const shells = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(shells.some((s) => /esbuild .*--bundle/.test(s) && /kernels\.wasm/.test(s)), 'a shell block bundles with esbuild and places kernels.wasm');
});

test.run();
