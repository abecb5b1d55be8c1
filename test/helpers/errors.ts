// The message of an expected error, for tests that compare it whole: thrown by a call, or a promise's rejection.
// Each fails the test when nothing goes wrong. Test-only, runtime-neutral.

export function thrown(fn: () => unknown): string {
  try { fn(); } catch (e) { return (e as Error).message; }
  throw new Error('expected an error, but the call returned');
}

export async function rejection(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as Error).message; }
  throw new Error('expected a rejection, but the promise resolved');
}
