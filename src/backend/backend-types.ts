// The types of a live kernel backend (what init() made: its exports, arena, build and threads), apart from module.ts
// so that threads.ts, which module.ts loads on demand, imports no code file that imports it back.
import type { Arena } from './memory.js';
import type { KernelExports } from './exports.js';

/** Which kernel build init() instantiated, and why (backendInfo()). */
export interface BackendInfo {
  /**
   * 'standard': the default build (the same bits on every engine); 'relaxed': the relaxed-SIMD build (fused
   * multiply-add; init({ relaxed: true }) on an engine that validates it); 'given': the module or bytes passed to init.
   */
  readonly build: 'standard' | 'relaxed' | 'given';
  /** Why this build: in particular why init({ relaxed: true }) fell back to the standard build. */
  readonly reason: string;
  /**
   * Threads the kernels run on now (threadCount(); 1 after releaseThreads()). Given by the Node entry, which runs
   * threads; the browser and edge entries run one thread and leave it out.
   */
  readonly threads?: number;
}

/** The keys of T whose values are functions. */
export type FunctionNames<T> = { [K in keyof T]: T[K] extends (...a: never[]) => unknown ? K : never }[keyof T];
/** A kernel export that is a function. */
export type KernelName = FunctionNames<KernelExports>;

/** The threads of a backend made by threads.ts: kernel calls split by output ranges, the calling thread taking one. */
export interface Threads {
  /** Threads working, the calling one included. */
  readonly count: number;
  /** Runs kernel `name` split by output ranges over the threads (the same bits), or whole here when small. */
  run(name: KernelName, args: number[]): unknown;
  /**
   * Bytes of conv workspace to plan for the 15 geometry arguments `geo` of a kernel that needs `bytes` on one thread:
   * one slice per thread, and the filter gradient's per-block products when it splits by pixel blocks.
   */
  convWorkBytes(bytes: number, geo: number[]): number;
  /** Ends the workers; later calls run on the calling thread alone. */
  release(): Promise<void>;
}

/** The live module: its exports, the arena over its memory, and the GEMM workspace planned once. */
export interface Backend {
  readonly exports: KernelExports;
  readonly arena: Arena;
  readonly gemmWork: number;
  /** The debug build: assertions in the kernels, and the canary (guards after every block checked after each call). */
  readonly debug: boolean;
  readonly info: BackendInfo;
  /** Present when kernel calls are split over more than one thread (exports then dispatch through it). */
  threads?: Threads;
}

