// `npm run bench [-- --filter WORD] [--quick]`: every figure of bench/*.ts against TensorFlow.js (wasm at one thread,
// cpu) and jax-js (wasm), interleaved in one process, with the machine's SIMD peak and memory.copy rate measured in the
// same rounds. Prints a table and writes bench/results/latest.json. Measures; never asserts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup } from './common.js';
import { measure, type FigureResult, type Options, type Spec } from './harness.js';
import { EXTRA_HEADER, HEADER, extraRow, machine, row, table } from './report.js';
import { TORCH_MALLOC, torchInfo, torchRoundTripMs } from './torch.js';
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

const options: Options = quick
  ? { rounds: 7, sampleMs: 8, warmupMs: 40, figureBudgetMs: 10_000 }
  : { rounds: 25, sampleMs: 25, warmupMs: 150, figureBudgetMs: 40_000 };

const runtime = await setup();
const probes = makeProbes();

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
    `\n  torch: ${torch ? `${String(torch.torch)} (${String(torch.python)}), ${String(torch.parallel)}; BLAS ${torchBlas(torch.blas)}; ` +
      `allocator ${Object.entries(TORCH_MALLOC).map(([k, v]) => `${k}=${v}`).join(' ')}; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset; ` +
      `request round trip ${(await torchRoundTripMs())?.toFixed(3)} ms (inside each torch sample)` : 'not installed (python3 with torch: Debian python3-torch)'}`);
  console.log(table([EXTRA_HEADER, ...extra]));
}
// The BLAS torch loaded: OpenBLAS's own description where it is OpenBLAS, else the library paths.
function torchBlas(b: unknown): string {
  const o = b as { libraries?: string[]; openblas?: string };
  return o.openblas ?? (o.libraries?.join(', ') || 'none found in the process maps');
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

const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({
  command: `npm run bench${args.length ? ' -- ' + args.join(' ') : ''}`, options, machine: machine(), runtime, figures: results,
  relaxed: typeof rx === 'string' ? { na: rx } : { build: 'relaxed' }, torch, profiles,
}, null, 2) + '\n');
console.log(`\nwrote ${out}`);
