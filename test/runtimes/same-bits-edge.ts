// Runs test/runtimes/same-bits.ts inside Vercel's edge-runtime (a script, not a module): simdnet comes through its
// `edge-light` export condition; scripts/same-bits.mjs reads the promise this leaves on the global object.
import { compilesBytes, run } from './same-bits.js';

const g = globalThis as { __simdnetSameBits?: Promise<unknown>; __simdnetCompilesBytes?: Promise<boolean> };
g.__simdnetCompilesBytes = compilesBytes();
g.__simdnetSameBits = g.__simdnetCompilesBytes.then(() => run());
