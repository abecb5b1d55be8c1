// `npm run bench [-- --filter WORD] [--quick]`: every figure of bench/*.ts, simdnet on one thread (as its peers and the
// probe: per-core figures), against TensorFlow.js (wasm at one thread, cpu) and jax-js (wasm), interleaved in one process, with the machine's SIMD peak and memory.copy rate measured in the
// same rounds. Prints a table and writes bench/results/latest.json. `--threads N` instead: the training steps and GEMM
// 512³ at 1 and N threads, N threads relaxed and PyTorch at 1 and 2 threads (bench/threads-table.ts), written to
// bench/results/latest-threads.json. Measures; never asserts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { setup } from './common.js';
import { measure, type FigureResult, type Options, type Spec } from './harness.js';
import { EXTRA_HEADER, HEADER, extraRow, machine, row, table } from './report.js';
import { threadPool, threadsFigures, threadsHeader, threadsRow } from './threads-table.js';
import { describeTorch, torchInfo } from './torch.js';
import { coreShare, lineRoundTripNs, simdShare } from './machine.js';
import { relaxedSimdnet } from './relaxed.js';
import { profileFigures, printProfile, type Profile } from './profile.js';
import { gemmFigures } from './gemm.js';
import { im2colFigures } from './im2col.js';
import { conv2dFigures } from './conv2d.js';
import { poolFigures } from './pool.js';
import { activationsFigures } from './activations.js';
import { mathFigures } from './math.js';
import { softmaxFigures } from './softmax.js';
import { lossesFigures } from './losses.js';
import { elementwiseFigures } from './elementwise.js';
import { reduceFigures } from './reduce.js';
import { batchnormFigures } from './batchnorm.js';
import { dropoutFigures } from './dropout.js';
import { augmentFigures } from './augment.js';
import { optimFigures } from './optim.js';
import { randomFigures } from './random.js';
import { maxoutFigures } from './maxout.js';
import { statsFigures } from './stats.js';
import { makeProbes, probeFigures } from './probe.js';
import { trainFigures } from './train.js';

// One entry per kernel family, named like its assembly/<family>.ts and bench/<family>.ts, then whole training steps.
const families: [string, () => Spec[]][] = [
  ['gemm', gemmFigures], ['im2col', im2colFigures], ['conv2d', conv2dFigures], ['pool', poolFigures],
  ['activations', activationsFigures], ['math', mathFigures], ['softmax', softmaxFigures], ['losses', lossesFigures],
  ['elementwise', elementwiseFigures], ['reduce', reduceFigures], ['batchnorm', batchnormFigures],
  ['dropout', dropoutFigures], ['augment', augmentFigures], ['optim', optimFigures], ['random', randomFigures],
  ['maxout', maxoutFigures], ['stats', statsFigures], ['probe', probeFigures], ['train', trainFigures],
];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filterAt = args.indexOf('--filter');
const filter = filterAt >= 0 ? args[filterAt + 1]?.toLowerCase() : undefined;
if (filterAt >= 0 && !filter) { console.error(`bench: --filter needs a word: a family (${families.map(([f]) => f).join(', ')}) or part of a figure name`); process.exit(2); }
const threadsAt = args.indexOf('--threads');
const threads = threadsAt >= 0 ? Number(args[threadsAt + 1]) : undefined;
if (threads !== undefined && !(Number.isInteger(threads) && threads >= 2 && threads <= 16)) {
  console.error(`bench: --threads needs a thread count from 2 to 16, got ${args[threadsAt + 1] ?? 'nothing'}`); process.exit(2);
}

const options: Options = quick
  ? { rounds: 7, sampleMs: 8, warmupMs: 40, figureBudgetMs: 10_000 }
  : { rounds: 25, sampleMs: 25, warmupMs: 150, figureBudgetMs: 40_000 };

const runtime = await setup(threads ?? 1); // the figures are per core; --threads compares thread counts itself
const probes = makeProbes();
const command = `npm run bench${args.length ? ' -- ' + args.join(' ') : ''}`;
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
function writeResults(file: string, record: Record<string, unknown>): void {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, file), JSON.stringify({ command, options, machine: machine(), runtime, ...record }, null, 2) + '\n');
  console.log(`\nwrote ${join(resultsDir, file)}`);
}

if (threads !== undefined) {
  const pool = threadPool(threads);
  if (typeof pool === 'string') { console.error(`bench: ${pool}`); process.exit(2); }
  const load = [loadavg()], share = [await coreShare()], trip = [await lineRoundTripNs()], simd = [await simdShare()];
  console.log(`simdnet bench --threads ${threads} ${quick ? '(quick) ' : ''}— ${options.rounds} interleaved rounds of ~${options.sampleMs} ms samples per contender` +
    `\n  relaxed: init({ relaxed: true, threads: ${threads} }), its own instance; torch: ${await describeTorch()}`);
  const rows = [threadsHeader(threads)], figures: FigureResult[] = [], ratios: Record<string, unknown>[] = [];
  for (const spec of threadsFigures(threads)) {
    if (filter && !spec.label.toLowerCase().includes(filter)) continue;
    const f = await spec.build();
    const r = await measure(f, options, probes);
    f.dispose?.();
    const { ratios: rr, cells } = threadsRow(r, threads);
    figures.push(r); ratios.push({ figure: `${r.name} ${r.shape}`, ...rr }); rows.push(cells);
    console.log(table([threadsHeader(threads), cells]).split('\n')[2]);
  }
  if (!figures.length) { console.error(`bench: no figure of the --threads table matches "${filter}"`); process.exit(2); }
  load.push(loadavg()); share.push(await coreShare()); trip.push(await lineRoundTripNs()); simd.push(await simdShare());
  console.log('\n' + table(rows));
  console.log(`\nrates: median of the rounds; (×): median of per-round ratios (A's speed over B's, paired within each round)` +
    `\nload average before ${load[0].map((l) => l.toFixed(2)).join(' ')}, after ${load[1].map((l) => l.toFixed(2)).join(' ')}; ` +
    `two busy threads take ${share[0].toFixed(2)}× (before) and ${share[1].toFixed(2)}× (after) one's time (1.00: two free cores); ` +
    `a cache line's round trip between two threads ${trip.map((t) => t.toFixed(0)).join(' ns (before) and ')} ns (after); ` +
    `two threads of the f32x4 peak probe take ${simd.map((t) => t.toFixed(2)).join('× (before) and ')}× (after) one's time (1.00: a core each; ≈ 2: one core's two hardware threads)`);
  writeResults('latest-threads.json', { threads, load, coreShare: share, lineRoundTripNs: trip, simdShare: simd, torch: await torchInfo(), ratios, figures });
  process.exit(0);
}

console.log(`simdnet bench ${quick ? '(quick) ' : ''}— ${options.rounds} interleaved rounds of ~${options.sampleMs} ms samples per contender`);
const rows = [HEADER];
const results: FigureResult[] = [];
const familyNamed = families.some(([name]) => name === filter);
for (const [family, make] of families) {
  if (familyNamed && family !== filter) continue;
  for (const spec of make()) {
    if (filter && !familyNamed && !spec.label.toLowerCase().includes(filter)) continue;
    const f = await spec.build();
    const r = await measure(f, options, probes);
    f.dispose?.();
    results.push(r);
    rows.push(row(r));
    console.log(table([HEADER, row(r)]).split('\n')[2]);
  }
}
const profileWanted = !filter || filter === 'train' || filter === 'profile' || profileFigures().some((p) => p.label.toLowerCase().includes(filter));
if (!results.length && !profileWanted) {
  console.error(`bench: no figure matches "${filter}": name a family (${families.map(([f]) => f).join(', ')}) or part of a figure name`);
  process.exit(2);
}
if (results.length) console.log('\n' + table(rows));
const extra = results.map(extraRow).filter((r): r is string[] => r !== null);
const rx = await relaxedSimdnet();
const torch = extra.length ? await torchInfo() : null;
if (extra.length) {
  console.log(`\nThe relaxed-SIMD build (init({ relaxed: true }), its own instance) and native PyTorch, in the same rounds:` +
    `\n  relaxed: ${typeof rx === 'string' ? `n/a: ${rx}` : 'f32x4.relaxed_madd in the GEMM and conv micro-kernels (not bit-identical across CPUs)'}` +
    `\n  torch: ${await describeTorch()}`);
  console.log(table([EXTRA_HEADER, ...extra]));
}
const profiles: Profile[] = [];
for (const spec of profileFigures()) {
  if (filter && filter !== 'train' && filter !== 'profile' && !spec.label.toLowerCase().includes(filter)) continue;
  const p = spec.build();
  profiles.push(p);
  printProfile(p);
}
console.log('\nsimdnet: steady-state rate (median of the rounds); first call: the first call of the figure in this process.' +
  '\nvs probe: simdnet over the f32x4 multiply-add peak probe (compute-bound) or the memory.copy rate (memory-bound),' +
  '\n  each paired within a round; peers: their rate (simdnet\'s speedup, median of per-round ratios).');

writeResults('latest.json', { figures: results, relaxed: typeof rx === 'string' ? { na: rx } : { build: 'relaxed' }, torch, profiles });
