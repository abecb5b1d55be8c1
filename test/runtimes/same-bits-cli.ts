// Runs test/runtimes/same-bits.ts in a command-line runtime (Node, Deno, Bun) and prints its report as one JSON line.
import { run } from './same-bits.js';

console.log(`SAME-BITS ${JSON.stringify(await run())}`);
