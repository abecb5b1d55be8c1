// fit(…, { verbose: 1 }) in a Node terminal draws the live bar on process.stdout (feature-detected: isTTY, columns,
// read at each redraw), and verbose 2 there still prints plain lines. process.stdout is replaced by a terminal-like
// stand-in for the test. Node only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { quadrants } from '../helpers/problems.js';
import { replay } from '../helpers/screen.js';
import { sequential, layers } from '../../src/index.js';

await ready();
const test = suite(`progress: verbose in a Node terminal [${BUILD}]`);

/** Runs fn with process.stdout posing as a terminal `columns` wide; returns everything written to it. */
async function inTerminal(columns: number | (() => number), fn: () => Promise<unknown>): Promise<string> {
  const out = process.stdout as unknown as Record<string, unknown>, saved = new Map<string, PropertyDescriptor | undefined>();
  const written: string[] = [];
  for (const k of ['isTTY', 'columns', 'write']) saved.set(k, Object.getOwnPropertyDescriptor(out, k));
  Object.defineProperty(out, 'isTTY', { value: true, configurable: true, writable: true });
  Object.defineProperty(out, 'columns', typeof columns === 'number' ? { value: columns, configurable: true, writable: true } : { get: columns, configurable: true });
  Object.defineProperty(out, 'write', { value: (s: string) => { written.push(String(s)); return true; }, configurable: true, writable: true });
  try {
    await fn();
  } finally {
    for (const [k, d] of saved) { if (d) Object.defineProperty(out, k, d); else delete out[k]; }
  }
  return written.join('');
}

function model() {
  const m = sequential([layers.dense({ units: 8, activation: 'tanh' }), layers.dense({ units: 4, activation: 'softmax' })], { inputShape: [2], seed: 3 });
  m.compile({ optimizer: 'adam', loss: 'crossEntropy', metrics: ['accuracy'] });
  return m;
}

test('verbose 1 in a terminal: a live bar redrawn in place at the terminal\'s width, then one line per epoch', async () => {
  const { x, y } = quadrants(1600);
  for (const columns of [60, 80, 120]) {
    const m = model();
    const text = await inTerminal(columns, () => m.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.25, verbose: 1 }));
    assert.ok((text.match(/\r\x1b\[2K/g) ?? []).length >= 6, 'redraws'); // ≥ 2 draws and 1 epoch line per epoch
    assert.match(text, /\r\x1b\[2Kepoch 1\/2 {2}\d+\/150 {2}/);
    const screen = replay(text, columns);
    assert.equal(screen.wraps, []);
    assert.equal(screen.unknown, []);
    const lines = screen.lines.filter(Boolean);
    assert.is(lines.length, 2, lines.join('\n'));
    assert.match(lines[0], /^epoch 1\/2 {2}loss \d\.\d{4} {2}acc/);
    assert.match(lines[1], /^epoch 2\/2 {2}loss /);
    m.dispose();
  }
  x.dispose(); y.dispose();
});

test('a terminal resized while training: each redraw fits the width of its moment', async () => {
  const { x, y } = quadrants(1600);
  const m = model();
  const widths = [120, 50, 90, 40], given: number[] = [];
  const width = () => { given.push(widths[given.length % widths.length]); return given.at(-1)!; };
  const text = await inTerminal(width, () => m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 1 }));
  const draws = text.split('\r\x1b[2K').filter(Boolean);
  assert.ok(draws.length >= 6);
  assert.is(draws.length, given.length); // the width is read once per redraw
  draws.forEach((d, i) => {
    const line = d.endsWith('\n') ? d.slice(0, -1) : d, room = d.endsWith('\n') ? given[i] : given[i] - 1;
    assert.ok(line.length <= room, `${line.length} > ${room}: ${line}`);
  });
  assert.ok(new Set(given).size >= 3, given.join(' '));
  m.dispose(); x.dispose(); y.dispose();
});

test('verbose 2 in a terminal prints plain lines, no control codes', async () => {
  const { x, y } = quadrants(200);
  const m = model();
  const text = await inTerminal(80, () => m.fit(x, y, { epochs: 3, batchSize: 32, verbose: 2 }));
  const lines = text.split('\n');
  assert.is(lines.pop(), '');
  assert.is(lines.length, 3);
  lines.forEach((l, e) => { assert.ok(l.startsWith(`epoch ${e + 1}/3  loss `), l); assert.ok(l.length <= 80); });
  assert.not.match(text, /[\r\x1b]/);
  m.dispose(); x.dispose(); y.dispose();
});

test.run();
