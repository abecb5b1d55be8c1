// Runs test/runtimes/same-bits.ts inside workerd (`workerd test`): simdnet comes through its `workerd` export condition,
// with kernels.wasm bound as a precompiled module, as wrangler would do it.
import { compilesBytes, run } from './same-bits.js';

export default {
  async test(): Promise<void> {
    console.log(`COMPILES-BYTES ${await compilesBytes()}`);
    console.log(`SAME-BITS ${JSON.stringify(await run())}`);
  },
};
