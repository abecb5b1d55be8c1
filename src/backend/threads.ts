// Threaded kernels (loaded on demand by the entries): the threaded module over one shared memory, instantiated here
// and in N − 1 worker threads (Node's worker_threads, also in Deno and Bun; Web Workers in cross-origin-isolated pages
// and workers, threads-web.ts), and the pool that runs each large call's chunks (thread-splits.ts cuts them) on them:
// the calling thread claims chunks alongside the workers; calls below a size threshold stay on it. The same bits for
// any thread count. The kernels keep no state in static memory, except augment's noise block: augment is never split.
import type { Arena } from './memory.js';
import { physicalCores } from './cores.js';
import type { KernelExports, ThreadedKernelExports } from './exports.js';
import type { Backend, KernelName, Threads } from './backend-types.js';
import { ARGS_BYTE, BLOCK_BYTES, FLAGS_WORD, MAX_ARGS, MAX_CHUNKS, NODE_WORKER_SOURCE, SPIN_US, WAIT_SPIN_MS, type PoolWorker,
  type SpawnWorkers } from './thread-worker.js';
import { backpropFilterSplit, CHUNKS_PER_THREAD, filterPartialBytes, MIN_ELEMENTS, MIN_MACS, SPLITS, WAKE_WORK, type Chunks,
  type SplitContext, type ThreadedKernelName } from './thread-splits.js';

/**
 * Calls run on the calling thread alone once split calls lose too much time to workers without a core (a busy
 * machine: see Pool.pace): 64, then twice as many each time it happens again within CALM_CALLS calls of a retry, up to
 * 64 · 2^6.
 */
const BACKOFF_CALLS = 64;
const BACKOFF_LEVELS = 6;
const CALM_CALLS = 512;
/** Per-call decay of the lost and spent times, the share of lost time that sends calls back, and the evidence needed (ms). */
const LOSS_DECAY = 0.995;
const LOSS_SHARE = 0.35;
const LOSS_EVIDENCE_MS = 5;

interface NodeWorker extends PoolWorker { once(e: string, f: (m: unknown) => void): void; on(e: string, f: (m: unknown) => void): void; unref(): void }
interface WorkerThreads { Worker: new (src: string, o: { eval: boolean; execArgv: string[]; workerData: unknown }) => NodeWorker }
interface NodeHost { getBuiltinModule?(id: string): unknown; versions: { node: string } }

/** Node's built-in module `id` (also in Deno and Bun): process.getBuiltinModule where there is one, else import(). */
async function builtin<T>(id: string): Promise<T> {
  const p = (globalThis as unknown as { process: NodeHost }).process;
  return (p.getBuiltinModule?.(id) ?? await import(/* @vite-ignore */ id)) as T;
}

// The threads 'auto' starts in Node, Deno and Bun: one per physical core the process may use where the runtime tells
// them apart (cores.ts: Linux; in Deno only when it may already read /proc and /sys, never asking), else one per
// logical CPU.
async function nodeCores(): Promise<number> {
  const os = await builtin<{ availableParallelism?(): number; cpus(): unknown[] }>('node:os');
  const logical = os.availableParallelism?.() ?? os.cpus().length;
  const deno = (globalThis as { Deno?: { permissions?: { querySync?(d: { name: string; path: string }): { state: string } } } }).Deno;
  if (deno && ['/proc', '/sys'].some((path) => deno.permissions?.querySync?.({ name: 'read', path }).state !== 'granted')) return logical;
  const fs = await builtin<{ readFileSync(path: string, enc: 'utf8'): string }>('node:fs');
  const physical = physicalCores((path) => { try { return fs.readFileSync(path, 'utf8'); } catch { return undefined; } });
  return physical ? Math.min(physical, logical) : logical;
}

export class Pool implements Threads {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly ids = new Map<string, number>();
  private seq = 0;
  private active: number;
  private readonly ctx: SplitContext;
  private readonly w: number; // int32 index of the command block
  private readonly a: number; // float64 index of its arguments

  constructor(private readonly exports: ThreadedKernelExports, memory: WebAssembly.Memory, block: number,
    private readonly workers: PoolWorker[], names: readonly string[], gemmWork: number[], private readonly canWait = true) {
    this.i32 = new Int32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.w = block >>> 2;
    this.a = (block + ARGS_BYTE) >>> 3;
    names.forEach((n, i) => this.ids.set(n, i));
    this.active = workers.length + 1;
    this.ctx = { gemmWork, exports, convSlice: (b) => Math.ceil(b / 64) * 64, slices: workers.length + 1, minMacs: MIN_MACS, minElements: MIN_ELEMENTS, wakeWork: WAKE_WORK };
  }

  get count(): number { return this.active; }

  /** Calls split over more than one thread so far, and the times a busy machine sent calls back to this thread. */
  splits = 0;
  backoffs = 0;
  private skip = 0;
  private level = 0;
  private calm = 0;
  private lost = 0;
  private spent = 0;
  private adaptive = true;
  /** Set when a worker thread died (its claimed chunk will never be done). */
  broken: string | undefined;

  /**
   * For tests and benchmarks: the threads the calls are split for from now on (1 … the count started; the same bits
   * for any) and, when given, the size thresholds (0 splits every call that has more than one output block) and
   * whether a busy machine sends calls back to this thread (adaptive), and the µs a worker polls before it sleeps
   * (spinUs). What the pool learnt about the machine's load is kept across calls of tune.
   */
  tune(active: number, limits?: { minMacs?: number; minElements?: number; wakeWork?: number; adaptive?: boolean; spinUs?: number }): void {
    if (!Number.isInteger(active) || active < 1 || active > this.workers.length + 1) throw new RangeError(`threads: ${active} must be an integer in [1, ${this.workers.length + 1}]`);
    this.active = active;
    if (!limits) return;
    this.ctx.minMacs = limits.minMacs ?? MIN_MACS;
    this.ctx.minElements = limits.minElements ?? MIN_ELEMENTS;
    this.ctx.wakeWork = limits.wakeWork ?? WAKE_WORK;
    this.adaptive = limits.adaptive ?? true;
    Atomics.store(this.i32, this.w + 6, limits.spinUs ?? SPIN_US);
  }

  /**
   * A conv workspace for these 15 geometry arguments (of `bytes` on one thread): one slice per thread, then the
   * filter gradient's per-block products when it splits by pixel blocks.
   */
  convWorkBytes(bytes: number, geo: number[]): number {
    if (this.workers.length === 0 || bytes === 0) return bytes;
    return this.ctx.convSlice(bytes) * this.ctx.slices + filterPartialBytes(this.exports, geo);
  }

  /**
   * Splits the call into chunks (output blocks), publishes them in the command block and claims them alongside the
   * workers, then waits for the chunks others claimed. A worker that is asleep or descheduled claims nothing, so this
   * thread never waits for work nobody started.
   */
  run(name: KernelName, args: number[]): unknown {
    if (this.skip > 0 && this.active > 1 && this.adaptive) { this.skip--; return (this.exports[name] as (...a: number[]) => unknown)(...args); }
    if (name === 'conv2dBackpropFilter' && this.active > 1 && backpropFilterSplit(this, args, this.ctx)) return undefined;
    const split = this.active > 1 ? SPLITS[name] : undefined;
    const chunks = split?.(args, this.active, this.ctx);
    if (!chunks || chunks.length === 0) return (this.exports[name] as (...a: number[]) => unknown)(...args);
    return this.runChunks(name, chunks);
  }

  /** Runs the chunks of one call (each a call of `name` with its arguments) on the threads; returns when all are done. */
  runChunks(name: ThreadedKernelName, chunks: Chunks): unknown {
    const f = name, fn = this.exports[f] as (...a: number[]) => unknown;
    if (chunks.length < 2) return fn(...chunks[0]);
    this.splits++;
    const n = chunks[0].length, C = chunks.length, { i32, f64, w } = this;
    if (C > MAX_CHUNKS || C * n > MAX_ARGS) throw new Error(`threads: ${C} chunks of ${n} arguments do not fit the command block`);
    for (let c = 0; c < C; c++) for (let k = 0; k < n; k++) f64[this.a + c * n + k] = chunks[c][k];
    i32[w + 1] = this.ids.get(f)!;
    i32[w + 2] = n;
    i32[w + 3] = this.active;
    Atomics.store(i32, w + 16, 0);
    for (let c = 0; c < C; c++) Atomics.store(i32, w + FLAGS_WORD + c, 0);
    this.seq = (this.seq + 1) & 0xffff;
    Atomics.store(i32, w, (this.seq << 16) | (C << 8));
    // Sleeping workers are woken for large calls only; spinning ones join any.
    const asleep = Atomics.load(i32, w + 4) > 0, wake = (chunks.work ?? Infinity) >= this.ctx.wakeWork;
    if (wake && asleep) Atomics.notify(i32, w, C - 1);
    const t0 = this.adaptive ? performance.now() : 0;
    let failed: unknown;
    // This thread's own chunks first (the first C/T: the output blocks it computed in the last call of this size), then
    // any a worker has not claimed, from the last (the farthest from where the workers start).
    const own = Math.max(1, Math.floor(C / this.active));
    let mine = 0;
    for (let k = 0; k < C; k++) {
      const c = k < own ? k : C - 1 - (k - own);
      if (Atomics.load(i32, w + FLAGS_WORD + c) !== 0 || Atomics.compareExchange(i32, w + FLAGS_WORD + c, 0, 1) !== 0) continue;
      try { fn(...chunks[c]); } catch (e) { failed ??= e; }
      Atomics.add(i32, w + 16, 1);
      mine++;
    }
    const t1 = performance.now();
    for (let k = 0, d = Atomics.load(i32, w + 16); d < C; k++, d = Atomics.load(i32, w + 16)) {
      if ((k & 1023) !== 1023 || performance.now() - t1 < WAIT_SPIN_MS) continue;
      if (this.broken) throw new Error(`simdnet: a kernel worker thread ended (${this.broken}); call releaseThreads() and go on with one thread`);
      if (!this.canWait) continue; // a page's main thread cannot sleep (Atomics.wait throws there): it polls
      Atomics.store(i32, w + 17, 1);
      Atomics.wait(i32, w + 16, d, 5);
      Atomics.store(i32, w + 17, 0);
    }
    // A call the workers took no part in counts as late only when none was asleep: waking one takes from tens of µs to
    // a millisecond (an idle virtual CPU), longer than many calls last, and costs this thread nothing.
    if (this.adaptive) this.pace(t1 - t0, performance.now() - t1, mine === C && !asleep);
    if (failed !== undefined) throw failed;
    if (Atomics.exchange(i32, w + 18, 0) !== 0) throw new Error(`simdnet: kernel ${f} failed on a worker thread`);
    return undefined;
  }

  /**
   * Politeness on a busy machine, from the time split calls lose: the calling thread's wait for chunks a worker
   * claimed, and the share a worker should have taken of a call it took no part in (spinning, so it had no core: a
   * sleeping one is woken, which takes from tens of µs to a millisecond on an idle virtual CPU, and costs nothing). Both
   * sums decay by LOSS_DECAY per call (about the last 200 calls count, so one stall of a virtual CPU, every few hundred
   * calls here, does not decide alone). Once over LOSS_SHARE of the time, the workers
   * are not getting a core (another job has it) and the next calls run here alone, the workers asleep: BACKOFF_CALLS,
   * twice as many each time the threads lose again within CALM_CALLS calls of a retry (a machine that stays busy costs
   * a few slow calls per thousands), up to 64 · 2^6. Not seen: this thread's own time off its core (a busy machine
   * takes it from both threads), for want of a per-thread CPU clock in JavaScript.
   */
  private pace(own: number, waited: number, alone: boolean): void {
    this.lost = this.lost * LOSS_DECAY + waited + (alone ? (own * (this.active - 1)) / this.active : 0);
    this.spent = this.spent * LOSS_DECAY + own + waited;
    if (this.spent > LOSS_EVIDENCE_MS && this.lost > LOSS_SHARE * this.spent) {
      this.lost = this.spent = this.calm = 0;
      this.skip = BACKOFF_CALLS << this.level;
      this.level = Math.min(BACKOFF_LEVELS, this.level + 1);
      this.backoffs++;
    } else if (++this.calm >= CALM_CALLS) this.level = this.calm = 0;
  }

  async release(): Promise<void> {
    Atomics.store(this.i32, this.w + 5, 1);
    Atomics.notify(this.i32, this.w);
    await Promise.all(this.workers.map((wk) => wk.terminate()));
    this.workers.length = 0;
    this.active = 1;
  }
}

/** Node's worker_threads running the claim loop (NODE_WORKER_SOURCE), started one after another; never keep a process alive. */
const spawnNodeWorkers: SpawnWorkers = async (n, data, broken) => {
  const { Worker } = await builtin<WorkerThreads>('node:worker_threads');
  const workers: NodeWorker[] = [];
  try {
    for (let w = 0; w < n; w++) {
      // execArgv []: no loaders or --input-type from the parent (the source is a plain script).
      const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, execArgv: [], workerData: { ...data, id: w + 1 } });
      workers.push(worker);
      await new Promise<void>((ok, fail) => {
        worker.once('message', () => ok());
        worker.once('error', (e) => fail(e as Error));
      });
      worker.unref(); // never keeps the process alive
    }
  } catch (e) {
    await Promise.all(workers.map((wk) => wk.terminate()));
    throw e;
  }
  for (const wk of workers) wk.on('error', (e) => broken(String((e as Error)?.message ?? e)));
  return workers;
};

/**
 * How this runtime starts kernel workers and counts its cores, or undefined (one thread): Node, Deno and Bun
 * (worker_threads; nodeCores); browsers in a cross-origin-isolated page or worker (Web Workers, threads-web.ts, loaded
 * only then; navigator.hardwareConcurrency). Edge runtimes: none.
 */
async function workerHost(): Promise<{ spawn: SpawnWorkers; canWait: boolean; cores: () => Promise<number> } | undefined> {
  const g = globalThis as { SharedArrayBuffer?: unknown; Worker?: unknown; crossOriginIsolated?: boolean; process?: { versions?: { node?: unknown } };
    navigator?: { hardwareConcurrency?: number } };
  if (typeof g.SharedArrayBuffer !== 'function') return undefined;
  if (typeof g.process?.versions?.node === 'string') return { spawn: spawnNodeWorkers, canWait: true, cores: nodeCores };
  if (g.crossOriginIsolated !== true || typeof g.Worker !== 'function') return undefined;
  const web = await import('./threads-web.js');
  return { spawn: web.spawnWebWorkers, canWait: web.canWait(), cores: async () => g.navigator?.hardwareConcurrency || 1 };
}

/**
 * A backend over the threaded module: one shared memory, the calling thread's instance, and `threads` − 1 workers
 * ('auto' or undefined: one per physical core (cores.ts), at most 16; 1 where worker threads are unavailable). Its exports dispatch the kernels that
 * split to the pool, and conv2dWorkspaceBytes plans one slice per thread, so the typed wrappers stay as they are.
 * `arenaClass` is memory.ts's Arena, given by module.ts (which loads this file when a module imports its memory).
 */
export async function startThreads(module: WebAssembly.Module, threads: number | 'auto' | undefined, arenaClass: typeof Arena): Promise<Omit<Backend, 'info'>> {
  const host = await workerHost();
  const count = !host ? 1 : threads === undefined || threads === 'auto' ? Math.min(16, await host.cores()) : threads;
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
  const raw = { ...new WebAssembly.Instance(module, { env: { memory } }).exports, memory } as unknown as ThreadedKernelExports;
  const arena = new arenaClass(memory, raw.heapBase());
  const gemmWork = arena.alloc(raw.gemmWorkspaceBytes(), 'gemmWorkspace');
  if (!host || count <= 1) return { exports: raw, arena, gemmWork, debug: false };
  const block = arena.alloc(BLOCK_BYTES, 'thread command block');
  arena.u8.fill(0, block, block + BLOCK_BYTES);
  new Int32Array(memory.buffer, block, FLAGS_WORD + MAX_CHUNKS + 1).fill(1, FLAGS_WORD); // every chunk claimed: none published
  const works = [gemmWork];
  for (let c = 1; c < count * CHUNKS_PER_THREAD; c++) works.push(arena.alloc(raw.gemmWorkspaceBytes(), `gemmWorkspace of chunk ${c}`));
  const names = Object.keys(raw).filter((k) => typeof (raw as unknown as Record<string, unknown>)[k] === 'function');
  // A worker that dies later marks the pool broken (the hook runs from an event, after the pool exists).
  new Int32Array(memory.buffer, block)[6] = SPIN_US;
  const workers = await host.spawn(count - 1, { memory, module, block, names }, (why) => { pool.broken = why; });
  const pool = new Pool(raw, memory, block, workers, names, works, host.canWait);
  const exports: Record<string, unknown> = { ...raw };
  for (const name of [...Object.keys(SPLITS), 'conv2dBackpropFilter'] as KernelName[]) exports[name] = (...a: number[]) => pool.run(name, a);
  exports.conv2dWorkspaceBytes = (...a: Parameters<KernelExports['conv2dWorkspaceBytes']>) => pool.convWorkBytes(raw.conv2dWorkspaceBytes(...a), a);
  return { exports: exports as unknown as KernelExports, arena, gemmWork, debug: false, threads: pool };
}
