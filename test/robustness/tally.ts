// The robustness battery's figures: every test in test/robustness/ adds what it tried here (cases, clear refusals,
// injected faults, resumed runs, bytes leaked); `npm run test:robustness` prints the totals. Runtime-neutral: in Node
// the totals are printed once as a line "robustness tally {json}" when the process exits.

export interface Tally { cases: number; refused: number; faults: number; resumed: number; leakedBytes: number }

const totals: Tally = { cases: 0, refused: 0, faults: 0, resumed: 0, leakedBytes: 0 };

/** Adds one test's figures: cases tried, how many were refused with a clear error, faults injected, runs resumed, bytes leaked. */
export function record(t: Partial<Tally>): void {
  for (const k of Object.keys(t) as (keyof Tally)[]) {
    const v = t[k] ?? 0;
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`tally: ${k} must be a finite number ≥ 0, got ${v}`);
    totals[k] += v;
  }
}

/** The totals so far. */
export function tally(): Tally { return { ...totals }; }

const proc = (globalThis as { process?: { on?(e: string, f: () => void): void; stdout?: { write(s: string): void } } }).process;
proc?.on?.('exit', () => { proc.stdout?.write(`robustness tally ${JSON.stringify(totals)}\n`); });
