// `simdnet train` in a real pseudo-terminal (util-linux `script`, the pty sized with stty) at 40, 80 and 120 columns:
// the output replayed on an emulated terminal of that width (test/helpers/screen.ts) never wraps, the live bar's
// redraws leave nothing behind (only the end-of-epoch lines remain), and the confusion matrix fits, with every test
// sample counted once; a run that fails mid-epoch prints its error below the bar. Uses the built CLI in dist/ (as cli.test.ts does). Node only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD } from '../helpers/setup.js';
import { replay } from '../helpers/screen.js';
import { displayWidth } from '../../src/train/status-line.js';

const test = suite(`cli in a terminal (node) [${BUILD}]`);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist/cli/main.js');
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `simdnet train …` in a pty `columns` wide; returns its exit code and everything it wrote to the terminal. */
function trainInTerminal(columns: number, args = '--epochs 2 --limit 2000 --batch-size 32'): { code: number; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'simdnet-tty-'));
  try {
    const cmd = `stty cols ${columns} rows 50; exec ${quote(process.execPath)} ${quote(bin)} train ${args} --out run`;
    const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TERM: 'xterm' } });
    if (r.error) throw new Error(`cannot run util-linux script (${r.error.message}): apt-get install bsdutils`);
    return { code: r.status ?? -1, text: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const columns of [40, 80, 120]) {
  test(`train at ${columns} columns: no line past the width, no redraw residue, the confusion matrix fits`, () => {
    const { code, text } = trainInTerminal(columns);
    assert.is(code, 0, text);
    // the live bar was drawn (a terminal, not a pipe), each redraw one column short of the width
    const draws = text.split('\r\x1b[2K').slice(1).map((d) => d.split(/[\r\n]/)[0]);
    for (const e of [1, 2]) assert.ok(draws.filter((d) => new RegExp(`^epoch ${e}/2 {2}\\d+/\\d+`).test(d)).length >= 2, `epoch ${e}: ${draws.length} draws`);
    for (const d of draws) assert.ok(displayWidth(d) <= columns, `${displayWidth(d)} columns: ${d}`);
    for (const d of draws.filter((x) => /^epoch \d\/2 {2}\d+\//.test(x))) assert.ok(displayWidth(d) <= columns - 1, d);

    const screen = replay(text, columns);
    assert.equal(screen.wraps, [], `lines that wrapped at ${columns} columns`);
    assert.equal(screen.unknown, [], 'control sequences besides \\r, \\n and erase-line');
    const lines = screen.lines;
    for (const l of lines) assert.ok(displayWidth(l) <= columns, l);
    // no residue: of the bar only the end-of-epoch lines remain, one per epoch, in order
    assert.equal(lines.filter((l) => l.startsWith('epoch ')).map((l) => l.slice(0, 16)), ['epoch 1/2  loss ', 'epoch 2/2  loss ']);
    assert.not.ok(lines.some((l) => /\[[=>.]+\]/.test(l)), 'a bar left on screen');
    // above the first epoch line, only the banner (wrapped at spaces to the width)
    const banner = lines.slice(lines.findIndex((l) => l.startsWith('simdnet train:')), lines.findIndex((l) => l.startsWith('epoch 1/2')));
    assert.match(banner.join(' '), /^simdnet train: mlp on fashion-small \(2000 train, 2000 test, 10 classes\), adam, crossEntropy, batch 32, seed 1, \d+ threads?$/);

    // the confusion matrix: indices and a legend (the names need 132 columns), or one line when even indices do not fit
    if (columns >= 42) {
      const top = lines.indexOf('true ↓ / predicted →');
      assert.ok(top > 0, 'matrix header');
      assert.equal(lines[top + 1].trim().split(/\s+/), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      const rows = lines.slice(top + 2, top + 12).map((r) => r.trim().split(/\s+/).map(Number));
      assert.equal(rows.map((r) => r[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.ok(rows.every((r) => r.length === 11 && r.every(Number.isInteger)));
      assert.is(rows.flatMap((r) => r.slice(1)).reduce((a, b) => a + b, 0), 2000); // every test sample once
      const legend = [];
      for (let i = top + 12; lines[i]; i++) legend.push(lines[i]);
      assert.is(legend.join(' '), '0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot');
    } else {
      assert.ok(lines.includes('confusion matrix: 10 classes need 42 co…'), lines.join('\n'));
    }
    assert.ok(lines.some((l) => /^weights hash [0-9a-f]{16}$/.test(l)));
  });
}

test('a run that fails mid-epoch: the error goes below the bar, wrapped to the width, nothing overwritten', () => {
  const { code, text } = trainInTerminal(80, '--epochs 2 --limit 2000 --lr 1e30'); // Adam at lr 1e30: non-finite at batch 2
  assert.is(code, 1, text);
  const screen = replay(text, 80);
  assert.equal(screen.wraps, []);
  const lines = screen.lines.filter(Boolean);
  const at = lines.findIndex((l) => l.startsWith('simdnet: training stopped: non-finite values'));
  assert.ok(at > 0, lines.join('\n'));
  assert.match(lines[at - 1], /^epoch 1\/2 {2}1\/15 {2}\[>\.+\] {2}loss \d\.\d{4}/); // the bar's last state, intact above
  assert.match(lines.slice(at).join(' '), /^simdnet: training stopped: non-finite values at epoch 1, batch 2: .* before this step$/);
});

test.run();
