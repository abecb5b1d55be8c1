// The native peer: PyTorch training steps at 1 and 2 threads, each in a python child (bench/torch_peer.py) driven
// request by request, so its steps are timed in the same interleaved rounds as simdnet's. Found when python3 or
// Debian's /usr/bin/python3 imports torch (only $SIMDNET_BENCH_PYTHON when set); otherwise the column says "not installed".
// The children run with glibc's allocator told to keep memory (FACTS: torch re-faults its per-step temporaries
// otherwise) and without the OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides, so OpenBLAS picks its own kernel.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Contender } from './harness.js';

/** The allocator setting the children run with (bytes: glibc reads these numbers plainly, no K/M/G suffixes). */
export const TORCH_MALLOC = { MALLOC_MMAP_THRESHOLD_: String(256 * 2 ** 20), MALLOC_TRIM_THRESHOLD_: String(2 ** 30) };

const SCRIPT = fileURLToPath(new URL('./torch_peer.py', import.meta.url));

/**
 * OpenMP threads sleep as soon as a parallel region ends (GNU OpenMP spins for a while by default): in samples
 * interleaved with simdnet's, a spinning torch thread would hold the second core during simdnet's 2-thread samples.
 */
export const TORCH_OMP = { OMP_WAIT_POLICY: 'PASSIVE' };

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...TORCH_MALLOC, ...TORCH_OMP };
  delete env.OPENBLAS_CORETYPE; delete env.OPENBLAS_L2_SIZE;
  return env;
}

let found: string | null | undefined;

/** The python that imports torch, or null. */
export function torchPython(): string | null {
  if (found !== undefined) return found;
  const candidates = process.env.SIMDNET_BENCH_PYTHON ? [process.env.SIMDNET_BENCH_PYTHON] : ['python3', '/usr/bin/python3'];
  found = candidates.find((py) => spawnSync(py, ['-c', 'import torch'], { env: childEnv(), stdio: 'ignore' }).status === 0) ?? null;
  return found;
}

/** One python child: JSON line requests, JSON line replies, in order. */
class TorchChild {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';

  constructor(python: string) {
    this.proc = spawn(python, [SCRIPT], { env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.proc.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    this.proc.stderr.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-2000); });
  }

  request(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      if (this.proc.exitCode !== null) { reject(new Error(`torch peer exited: ${this.stderr.trim().split('\n').pop()}`)); return; }
      this.waiting.push((line) => {
        const r = JSON.parse(line) as Record<string, unknown>;
        if (r.error) reject(new Error(String(r.error))); else resolve(r);
      });
      this.proc.stdin.write(JSON.stringify(msg) + '\n');
    });
  }

  close(): void { this.proc.stdin.end(); this.proc.kill(); }
}

export type TorchNet = 'mlp' | 'study4' | 'lenet' | 'gemm512';

let infoOnce: Promise<Record<string, unknown>> | undefined;

/** torch's version, the BLAS it loaded, its parallel backend and the allocator setting (null when not installed). */
export async function torchInfo(): Promise<Record<string, unknown> | null> {
  const py = torchPython();
  if (!py) return null;
  infoOnce ??= (async () => {
    const c = new TorchChild(py);
    try { return { python: py, ...(await c.request({ cmd: 'info' })) }; } finally { c.close(); }
  })();
  return infoOnce;
}

/**
 * Contenders 'torch 1T' and 'torch 2T' training `net` (bench/torch_peer.py), each run `steps` training steps in one
 * request; 'not installed' without python torch. close() ends the children.
 */
export async function torchContenders(net: TorchNet, steps: number): Promise<{ contenders: Contender[]; close: () => void }> {
  const py = torchPython();
  if (!py) return { contenders: [1, 2].map((t) => ({ name: `torch ${t}T`, na: 'not installed' })), close: () => {} };
  const children: TorchChild[] = [];
  const contenders: Contender[] = [];
  for (const threads of [1, 2]) {
    const c = new TorchChild(py);
    children.push(c);
    try {
      await c.request({ cmd: 'setup', net, threads });
      await c.request({ cmd: 'run', steps: 2 }); // the first steps allocate the optimizer state
      contenders.push({ name: `torch ${threads}T`, async: true, callsPerRun: steps, run: () => c.request({ cmd: 'run', steps }) });
    } catch (e) {
      contenders.push({ name: `torch ${threads}T`, na: (e as Error).message.slice(0, 100) });
    }
  }
  return { contenders, close: () => children.forEach((c) => c.close()) };
}

/** torch 1T and 2T training a bench step (bench/steps.ts's kinds): 8 MLP steps per request (a request costs ~0.1 ms), one LeNet step. */
export function torchStepContenders(kind: 'mlp' | 'study4' | 'cnn'): Promise<{ contenders: Contender[]; close: () => void }> {
  return torchContenders(kind === 'cnn' ? 'lenet' : kind, kind === 'cnn' ? 1 : 8);
}

/** One line on the torch peer: version, threads backend, BLAS, allocator setting and request round trip; or "not installed". */
export async function describeTorch(): Promise<string> {
  const t = await torchInfo();
  if (!t) return 'not installed (python3 with torch: Debian python3-torch)';
  const b = t.blas as { libraries?: string[]; openblas?: string };
  const blas = b.openblas ?? (b.libraries?.join(', ') || 'none found in the process maps'); // OpenBLAS's own description where it is OpenBLAS
  return `${String(t.torch)} (${String(t.python)}), ${String(t.parallel)}; BLAS ${blas}; ` +
    `allocator ${Object.entries(TORCH_MALLOC).map(([k, v]) => `${k}=${v}`).join(' ')}; OMP_WAIT_POLICY=${TORCH_OMP.OMP_WAIT_POLICY}; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset; ` +
    `request round trip ${(await torchRoundTripMs())?.toFixed(3)} ms (inside each torch sample)`;
}

/** The round trip of an empty request to a torch child, in ms (median of 200): the overhead inside each torch sample. */
export async function torchRoundTripMs(): Promise<number | null> {
  const py = torchPython();
  if (!py) return null;
  const c = new TorchChild(py);
  try {
    await c.request({ cmd: 'setup', net: 'mlp', threads: 1 });
    const t: number[] = [];
    for (let i = 0; i < 200; i++) { const t0 = performance.now(); await c.request({ cmd: 'run', steps: 0 }); t.push(performance.now() - t0); }
    return t.sort((a, b) => a - b)[100];
  } finally { c.close(); }
}
