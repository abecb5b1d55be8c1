// Where a training step's time goes: every kernel call of the LeNet (and MLP) step timed by wrapping the live module's
// exports (the same trick as the debug build's canary), grouped by kernel and shape, with the rest of the step
// (TypeScript: checks, views, the loop) as "outside the kernels". Shares of one process's steps; never asserts.
import { backend } from '../src/backend/module.js';
import type { KernelExports } from '../src/backend/exports.js';
import { sequential, layers, tensor } from '../src/index.js';
import { randomValues } from './common.js';

export interface Profile {
  name: string; steps: number; stepMs: number;
  /** Per kernel and shape: calls per step, ms per step, share of the step. */
  rows: { kernel: string; calls: number; ms: number; share: number }[];
}

// A readable key per call: conv kernels by layer (Cin→Cout at H×W), GEMM by transposes and M×K×N, others by name.
function key(name: string, a: number[]): string {
  if (name === 'conv2d') return `${name} ${a[8]}→${a[9]} ${a[6]}×${a[7]}`;
  if (name === 'conv2dBackpropInput') return `${name} ${a[10]}→${a[11]} ${a[8]}×${a[9]}`;
  if (name === 'conv2dBackpropFilter') return `${name} ${a[9]}→${a[10]} ${a[7]}×${a[8]}`;
  if (name === 'gemm') return `gemm ${a[0] ? 'T' : 'N'}${a[1] ? 'T' : 'N'} ${a[2]}×${a[4]}×${a[3]}`;
  return name;
}

/** Runs `steps` training steps of a freshly built model with every kernel call timed. */
export function profileModel(name: string, build: () => { step: () => void; dispose: () => void }, steps: number): Profile {
  const { step, dispose } = build();
  for (let i = 0; i < 5; i++) step(); // warm up: plans, first-call compilation
  const be = backend() as { exports: KernelExports };
  const raw = be.exports;
  const totals = new Map<string, { calls: number; ms: number }>();
  const timed: Record<string, unknown> = {};
  for (const [n, f] of Object.entries(raw as unknown as Record<string, unknown>)) {
    if (typeof f !== 'function') { timed[n] = f; continue; }
    const fn = f as (...a: number[]) => unknown;
    timed[n] = (...a: number[]) => {
      const t = performance.now();
      const r = fn(...a);
      const k = key(n, a), e = totals.get(k) ?? { calls: 0, ms: 0 };
      e.calls++; e.ms += performance.now() - t;
      totals.set(k, e);
      return r;
    };
  }
  be.exports = timed as unknown as KernelExports;
  let total: number;
  try {
    const t = performance.now();
    for (let i = 0; i < steps; i++) step();
    total = performance.now() - t;
  } finally {
    be.exports = raw;
    dispose();
  }
  const inside = [...totals.values()].reduce((s, e) => s + e.ms, 0);
  const rows = [...totals.entries()].map(([kernel, e]) => ({ kernel, calls: e.calls / steps, ms: e.ms / steps, share: e.ms / total }));
  rows.push({ kernel: 'outside the kernels (TypeScript)', calls: 0, ms: (total - inside) / steps, share: (total - inside) / total });
  rows.sort((a, b) => b.ms - a.ms);
  return { name, steps, stepMs: total / steps, rows };
}

function lenet() {
  const m = sequential([layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }),
    layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }), layers.maxPool2d({ poolSize: 2 }), layers.flatten(),
    layers.dense({ units: 120, activation: 'relu' }), layers.dense({ units: 84, activation: 'relu' }),
    layers.dense({ units: 10, activation: 'softmax' })], { inputShape: [28, 28, 1], seed: 1 });
  m.compile({ optimizer: { name: 'adam', learningRate: 1e-3, epsilon: 1e-7 }, loss: 'crossEntropy' });
  return withData(m, 64, 784);
}

function mlp() {
  const m = sequential([layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 10, activation: 'softmax' })], { inputShape: [784], seed: 1 });
  m.compile({ optimizer: { name: 'adam', learningRate: 1e-3, epsilon: 1e-7 }, loss: 'crossEntropy' });
  return withData(m, 128, 784);
}

function withData(m: ReturnType<typeof sequential>, batch: number, per: number) {
  const shape = m.inputShape;
  const x = tensor(randomValues(batch * per, 20, 0, 1), [batch, ...shape]);
  const yv = new Float32Array(batch * 10), lab = randomValues(batch, 40, 0, 10);
  for (let r = 0; r < batch; r++) yv[r * 10 + Math.floor(lab[r])] = 1;
  const y = tensor(yv, [batch, 10]);
  return { step: () => { m.trainOnBatch(x, y); }, dispose: () => { m.dispose(); x.dispose(); y.dispose(); } };
}

/** The profiled steps: their name, model and data, and how many steps one profile times. */
export const PROFILED = [
  { name: 'LeNet train step 28×28×1 batch 64', build: lenet, steps: 60 },
  { name: 'MLP train step 784-128-128-10 batch 128', build: mlp, steps: 200 },
];

/** The profiled steps, by label (for --filter). */
export function profileFigures(): { label: string; build: () => Profile }[] {
  return PROFILED.map((p) => ({ label: `${p.name.split(' ')[0]} step profile`, build: () => profileModel(p.name, p.build, p.steps) }));
}

export function printProfile(p: Profile): void {
  console.log(`\nprofile: ${p.name}, ${p.steps} steps, ${p.stepMs.toFixed(2)} ms per step (every kernel call timed)`);
  for (const r of p.rows) {
    console.log(`  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(3).padStart(7)} ms  ${r.calls ? `${r.calls}×`.padStart(4) : '    '}  ${r.kernel}`);
  }
}
