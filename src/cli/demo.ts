// The README's first command until training lands: loads the kernel module, runs a GEMM and an activation,
// and prints their results and speed. Node-only.
import { init, tensor, ops, memoryInUse } from '../index.js';

function timeIt(fn: () => void, minMs = 300): number {
  fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) { fn(); n++; }
  return (performance.now() - t0) / n;
}

await init();
console.log('simdnet: kernel module loaded (WebAssembly SIMD, no imports)\n');

const a = tensor([[1, 2, 3], [4, 5, 6]]);
const b = tensor([[1, -1], [0, 2], [-1, 0.5]]);
const c = ops.matMul(a, b);
const r = ops.relu(c);
console.log('a · b        =', JSON.stringify(c.toArray()));
console.log('relu(a · b)  =', JSON.stringify(r.toArray()));
console.log('softmax rows =', JSON.stringify((ops.softmax(c).toArray() as number[][]).map((row) => row.map((v) => +v.toFixed(4)))));
[a, b, c, r].forEach((t) => t.dispose());

const seq = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
for (const [M, N, K] of [[128, 128, 784], [512, 512, 512]]) {
  const x = tensor(seq(M * K, (i) => ((i * 7919) % 1000) / 1000 - 0.5), [M, K]);
  const w = tensor(seq(K * N, (i) => ((i * 104729) % 1000) / 1000 - 0.5), [K, N]);
  let out = ops.matMul(x, w);
  const ms = timeIt(() => { out.dispose(); out = ops.matMul(x, w); });
  console.log(`\nmatMul [${M}, ${K}] · [${K}, ${N}]: ${ms.toFixed(3)} ms, ${((2 * M * N * K) / ms / 1e6).toFixed(2)} GFLOP/s`);
  [x, w, out].forEach((t) => t.dispose());
}
const big = tensor(seq(1 << 20, (i) => Math.sin(i)), [1 << 20]);
let y = ops.tanh(big);
const ms = timeIt(() => { y.dispose(); y = ops.tanh(big); });
console.log(`tanh on 1M floats: ${ms.toFixed(3)} ms, ${((8 << 20) / ms / 1e6).toFixed(2)} GB/s (read + write)`);
big.dispose(); y.dispose();
console.log(`\nmemory in use after disposing everything: ${memoryInUse()} bytes (the GEMM workspace)`);
