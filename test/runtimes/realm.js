// Runs one bundled job (the uvu suite or the same-bits script) inside a browser realm, page or dedicated worker:
// sets the globals the job reads, captures console.log (uvu only logs its totals there) and returns what it printed.
// Plain JavaScript served as-is by scripts/test-browser.mjs; not part of the library.
export async function runJob(url, globals) {
  Object.assign(globalThis, globals);
  const lines = [];
  const log = console.log;
  // uvu keeps a reference to console.log when it loads: replace it before the job's import.
  console.log = (...args) => { lines.push(args.map(String).join(' ')); log.apply(console, args); };
  try {
    const job = await import(url);
    const value = await job.run();
    return { ok: true, value, lines };
  } catch (e) {
    return { ok: false, error: String((e && e.stack) || e), lines };
  } finally {
    console.log = log;
  }
}
