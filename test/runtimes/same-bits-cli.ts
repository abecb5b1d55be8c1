// Runs test/runtimes/same-bits.ts in a command-line runtime (Node, Deno, Bun) and prints its report as one JSON line,
// and the threads used. SIMDNET_THREADS (a count or 'auto') is passed to init({ threads }); unset, init() has no options.
import { run, threadsUsed } from './same-bits.js';

const t = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.SIMDNET_THREADS;
console.log(`SAME-BITS ${JSON.stringify(await run(t === undefined ? undefined : { threads: t === 'auto' ? 'auto' : Number(t) }))}`);
console.log(`SAME-BITS-THREADS ${threadsUsed()}`);
