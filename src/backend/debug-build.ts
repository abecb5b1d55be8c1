// The debug build's extras, loaded by module.ts only for a module that imports env.abort (the debug build): the abort
// import that reports a failed kernel assertion, and the canary that checks the arena's guards after every call.
import type { Arena } from './memory.js';
import type { KernelExports } from './exports.js';

/** env.abort for the debug build: throws naming the assertion, the file and the line (memory: the module's, once known). */
export function abort(memory: () => WebAssembly.Memory | undefined) {
  return (msg: number, file: number, line: number, col: number): never => {
    const read = (p: number) => readAsString(memory(), p);
    throw new Error(`simdnet kernel assertion failed: ${read(msg)} at ${read(file)}:${line}:${col}`);
  };
}

/**
 * The debug build's canary: a copy of the exports whose every function, once it returns (or throws), has the arena
 * check the guard after every live block, so an out-of-bounds write is reported naming the kernel and the block.
 */
export function guarded(raw: KernelExports, arena: Arena): KernelExports {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw as unknown as Record<string, unknown>)) {
    if (typeof value !== 'function') { out[name] = value; continue; }
    const f = value as (...args: number[]) => unknown;
    out[name] = (...args: number[]): unknown => {
      let result: unknown;
      try {
        result = f(...args);
      } catch (e) {
        // The kernel's own error (an assertion) comes first; a broken guard is added as a note.
        try { arena.checkGuards(name); } catch (g) { if (e instanceof Error) e.message += ` [${(g as Error).message}]`; }
        throw e;
      }
      arena.checkGuards(name);
      return result;
    };
  }
  return Object.freeze(out) as unknown as KernelExports;
}

// An AssemblyScript string: UTF-16 code units, byte length stored at ptr − 4.
function readAsString(memory: WebAssembly.Memory | undefined, ptr: number): string {
  if (!memory || ptr === 0) return '?';
  const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0] >>> 1;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, len));
}

