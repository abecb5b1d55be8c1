// The lab's runs in IndexedDB (this browser only): one record per experiment variant, keyed "experiment/variant",
// holding its settings, status, curves, and either its checkpoint (model.save() bytes, position, history) or, once
// finished, its result and files (report.html, model.simdnet, …). A reload finds them here.
const DB = 'simdnet-lab', STORE = 'runs', VERSION = 1;
let opened;

function db() {
  opened ??= new Promise((ok, fail) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  return opened;
}

async function tx(mode, fn) {
  const d = await db();
  return new Promise((ok, fail) => {
    const t = d.transaction(STORE, mode), req = fn(t.objectStore(STORE));
    t.oncomplete = () => ok(req?.result);
    t.onerror = t.onabort = () => fail(t.error ?? new Error('IndexedDB transaction failed'));
  });
}

export const putRun = (record) => tx('readwrite', (s) => s.put(record));
export const getRun = (key) => tx('readonly', (s) => s.get(key));
export const allRuns = () => tx('readonly', (s) => s.getAll());
export const deleteRun = (key) => tx('readwrite', (s) => s.delete(key));
