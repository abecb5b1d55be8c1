// fit(…, { verbose }) and progressBar(): verbose 2 (and 1 away from a terminal) prints one line per epoch with the
// epoch's logs through console.log, verbose 0 prints nothing; the live bar (mode 'bar') replayed on a terminal of its
// width never wraps and leaves only the epoch lines behind, and its running loss and accuracy end at the epoch's
// values; one bar across several fit calls counts the run's epochs; verbose adds no second bar; bad verbose values,
// callbacks and progressBar options are refused naming them, and a refused fit allocates nothing. Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { quadrants } from '../helpers/problems.js';
import { replay } from '../helpers/screen.js';
import { sequential, layers, progressBar, memoryInUse, type FitOptions } from '../../src/index.js';
import { displayWidth } from '../../src/train/status-line.js';
import { terminalColumns } from '../../src/train/progress.js';

await ready();
const test = suite(`progress: fit verbose and progressBar [${BUILD}]`);

function model(seed = 1) {
  const m = sequential([layers.dense({ units: 8, activation: 'tanh' }), layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [2], seed });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
  return m;
}

type Stdout = { isTTY?: boolean; write?: (s: string) => boolean };
const stdout = (globalThis as { process?: { stdout?: Stdout } }).process?.stdout;

/** Runs fn with console.log (and, where there is one, process.stdout.write) captured, stdout not a terminal. */
async function captured<T>(fn: () => Promise<T>): Promise<{ result: T; logged: string[]; written: string[] }> {
  const logged: string[] = [], written: string[] = [];
  const log = console.log, write = stdout?.write, hadTty = stdout && Object.prototype.hasOwnProperty.call(stdout, 'isTTY'), tty = stdout?.isTTY;
  console.log = (...a: unknown[]) => { logged.push(a.map(String).join(' ')); };
  if (stdout) { stdout.write = (s: string) => { written.push(String(s)); return true; }; stdout.isTTY = false; }
  try {
    return { result: await fn(), logged, written };
  } finally {
    console.log = log;
    if (stdout) {
      stdout.write = write;
      if (hadTty) stdout.isTTY = tty; else delete stdout.isTTY;
    }
  }
}

const EPOCH_LINE = /^epoch (\d+)\/(\d+) {2}loss (\d\.\d{4}) {2}(?:accuracy|acc) (\d\.\d{4}) {2}(?:valLoss|vLoss) (\d\.\d{4}) {2}(?:valAccuracy|vAcc) (\d\.\d{4})/;

for (const verbose of [2, 1] as const) {
  test(`verbose ${verbose} away from a terminal: one line per epoch through console.log, with the epoch's logs`, async () => {
    const { x, y } = quadrants(200);
    const m = model();
    const { result: h, logged, written } = await captured(() => m.fit(x, y, { epochs: 3, batchSize: 32, validationSplit: 0.2, verbose }));
    assert.is(written.length, 0, 'nothing written past console.log');
    assert.is(logged.length, 3, logged.join('\n'));
    logged.forEach((line, e) => {
      const f = EPOCH_LINE.exec(line);
      assert.ok(f, line);
      assert.equal(f!.slice(1, 3).map(Number), [e + 1, 3]);
      assert.equal(f!.slice(3, 7), [h.history.loss[e], h.history.accuracy[e], h.history.valLoss[e], h.history.valAccuracy[e]].map((v) => v.toFixed(4)));
      assert.ok(displayWidth(line) <= terminalColumns(), line);
      assert.not.match(line, /[\r\x1b]/);
    });
    m.dispose(); x.dispose(); y.dispose();
  });
}

test('verbose 0 and no verbose print nothing', async () => {
  const { x, y } = quadrants(100);
  for (const options of [{ verbose: 0 }, {}] as FitOptions[]) {
    const m = model();
    const { logged, written } = await captured(() => m.fit(x, y, { epochs: 2, batchSize: 32, ...options }));
    assert.equal([logged, written], [[], []]);
    m.dispose();
  }
  x.dispose(); y.dispose();
});

test('a bad verbose or an unknown fit option is refused, naming it, before anything is allocated', async () => {
  const { x, y } = quadrants(64);
  const m = model();
  const before = memoryInUse();
  const cases: [unknown, RegExp][] = [
    [{ verbose: 3 }, /^RangeError: fit: verbose must be 0 \(silent\), 1 \(a progress bar\) or 2 \(one line per epoch\), got 3$/],
    [{ verbose: 'yes' }, /^TypeError: fit: verbose must be 0 \(silent\), 1 \(a progress bar\) or 2 \(one line per epoch\), got "yes" \(a string\)$/],
    [{ verbose: true }, /^TypeError: fit: verbose must be .*, got true$/],
    [{ verbose: 1.5 }, /^RangeError: fit: verbose must be .*, got 1\.5$/],
    [{ verbose: -1 }, /^RangeError: fit: verbose must be .*, got -1$/],
    [{ verbose: null }, /^TypeError: fit: verbose must be .*, got null$/],
    [{ verbos: 1 }, /^Error: fit: unknown option "verbos"; did you mean "verbose"\? \(options: .*verbose.*\)$/],
    [{ progress: true }, /^Error: fit: unknown option "progress"; did you mean "/],
    [{ callbacks: progressBar() }, /^TypeError: fit: callbacks must be an array of callbacks, got /],
  ];
  for (const [options, re] of cases) {
    const err = await m.fit(x, y, options as FitOptions).then(() => undefined, (e: Error) => e);
    assert.ok(err, `accepted ${JSON.stringify(options)}`);
    assert.match(`${err!.constructor.name}: ${err!.message}`, re);
  }
  assert.is(memoryInUse(), before);
  const h = await captured(() => m.fit(x, y, { epochs: 1, batchSize: 32 })); // the model is not left busy
  assert.is(h.result.history.loss.length, 1);
  m.dispose(); x.dispose(); y.dispose();
});

test('verbose adds no second bar when the callbacks already hold one (as Keras)', async () => {
  const { x, y } = quadrants(100);
  const m = model(), mine: string[] = [];
  const { logged, written } = await captured(() => m.fit(x, y, { epochs: 2, batchSize: 32, verbose: 2,
    callbacks: [{ onEpochEnd: () => {} }, progressBar({ mode: 'lines', write: (s) => mine.push(s) })] }));
  assert.equal([logged, written], [[], []]);
  assert.is(mine.length, 2);
  m.dispose(); x.dispose(); y.dispose();
});

test('progressBar options are read strictly', () => {
  const cases: [unknown, RegExp][] = [
    [{ colums: 80 }, /^Error: progressBar: unknown option "colums"; did you mean "columns"\?/],
    [{ mode: 'tty' }, /^RangeError: progressBar: mode must be one of 'auto', 'bar', 'lines' \(did you mean '.*'\?\), got "tty" \(a string\)$/],
    [{ columns: 0 }, /^RangeError: progressBar: columns must be an integer ≥ 1, got 0$/],
    [{ columns: '80' }, /^TypeError: progressBar: columns must be an integer ≥ 1, got "80" \(a string\)$/],
    [{ epochs: 2.5 }, /^RangeError: progressBar: epochs must be an integer ≥ 1, got 2\.5$/],
    [{ write: 'stdout' }, /^TypeError: progressBar: write must be a function \(text: string\) => void, got "stdout" \(a string\)$/],
    ['bar', /^TypeError: progressBar: options must be an object/],
  ];
  for (const [options, re] of cases) {
    let err: Error | undefined;
    try { progressBar(options as never); } catch (e) { err = e as Error; }
    assert.ok(err, `accepted ${JSON.stringify(options)}`);
    assert.match(`${err!.constructor.name}: ${err!.message}`, re);
  }
});

test('the live bar on a terminal of its width: redrawn in place, never wrapping, leaving only the epoch lines', async () => {
  const { x, y } = quadrants(2000);
  for (const columns of [40, 60, 80, 120]) {
    const m = model(), out: string[] = [];
    const h = await m.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.2, callbacks: [progressBar({ mode: 'bar', columns, write: (s) => out.push(s) })] });
    const draws = out.filter((s) => !s.endsWith('\n'));
    assert.ok(draws.length >= 4, `${draws.length} draws`); // at least the first and the last batch of each epoch
    for (const d of draws) assert.ok(d.startsWith('\r\x1b[2K') && displayWidth(d.slice(5)) <= columns - 1, JSON.stringify(d));
    const screen = replay(out.join(''), columns);
    assert.equal(screen.wraps, [], `${columns}: wrapped`);
    assert.equal(screen.unknown, []);
    const lines = screen.lines.filter(Boolean);
    assert.is(lines.length, 2, lines.join('\n'));
    lines.forEach((l, e) => assert.ok(l.startsWith(`epoch ${e + 1}/2  loss ${h.history.loss[e].toFixed(4)}`), l));
    // the last draw of each epoch (its last batch) shows the epoch's running loss and accuracy, which are its logs
    const lastDraws = draws.filter((d) => / 200\/200 /.test(d));
    assert.is(lastDraws.length, 2, draws.slice(-3).join('\n'));
    if (columns >= 60) {
      lastDraws.forEach((d, e) => {
        assert.ok(d.includes(`loss ${h.history.loss[e].toFixed(4)}`), d);
        const acc = Number(/acc(?:uracy)? (\d\.\d{4})/.exec(d)![1]);
        assert.ok(Math.abs(acc - h.history.accuracy[e]) <= 1e-4, `running accuracy ${acc} vs ${h.history.accuracy[e]}`);
      });
    }
    if (columns >= 80) for (const d of draws) assert.match(d, /ETA \S+ {2}total (?:ETA )?\S+/);
    m.dispose();
  }
  x.dispose(); y.dispose();
});

test('one bar across one fit per epoch (as the CLI runs) counts the run\'s epochs', async () => {
  const { x, y } = quadrants(128);
  const m = model(), out: string[] = [];
  const bar = progressBar({ mode: 'lines', epochs: 3, columns: 100, write: (s) => out.push(s) });
  for (let e = 0; e < 3; e++) await m.fit(x, y, { epochs: 1, initialEpoch: e, batchSize: 32, callbacks: [bar] });
  assert.equal(out.map((l) => /^epoch \d\/\d/.exec(l)?.[0]), ['epoch 1/3', 'epoch 2/3', 'epoch 3/3']);
  assert.ok(out.every((l) => l.endsWith('\n') && displayWidth(l.slice(0, -1)) <= 100));
  // without epochs, the count is where fit ends (initialEpoch + epochs)
  const lines: string[] = [];
  await m.fit(x, y, { epochs: 2, initialEpoch: 3, batchSize: 32, callbacks: [progressBar({ mode: 'lines', write: (s) => lines.push(s) })] });
  assert.equal(lines.map((l) => /^epoch \d\/\d/.exec(l)?.[0]), ['epoch 4/5', 'epoch 5/5']);
  m.dispose(); x.dispose(); y.dispose();
});

test('fit gives callbacks its parameters before onTrainBegin, and each batch\'s metrics', async () => {
  const { x, y } = quadrants(100);
  const m = model(), seen: unknown[] = [], batchKeys = new Set<string>();
  await m.fit(x, y, { epochs: 2, batchSize: 32, validationSplit: 0.2, initialEpoch: 1, callbacks: [{
    setParams: (p) => { seen.push(p); },
    onTrainBegin: () => { seen.push('begin'); },
    onBatchEnd: (_b, logs) => { for (const k of Object.keys(logs)) batchKeys.add(k); assert.ok(logs.accuracy >= 0 && logs.accuracy <= 1); },
  }] });
  assert.equal(seen, [{ epochs: 3, initialEpoch: 1, batches: 3, batchSize: 32, samples: 80 }, 'begin']);
  assert.equal([...batchKeys].sort(), ['accuracy', 'batch', 'loss', 'size']);
  m.dispose(); x.dispose(); y.dispose();
});

test.run();
