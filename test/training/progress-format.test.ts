// The pure formatting behind training progress and the CLI's confusion matrix, at widths 40, 60, 80, 120 and 200:
// which fields the live bar and the end-of-epoch line keep as the width shrinks, the confusion matrix's three layouts
// (names, indices with a legend, one line) with every count in place, display widths of wide and combining text, and
// fast-check properties: for any width ≥ 20 and any values, no line exceeds the width or carries a control character.
// Runtime-neutral.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { barLine, drawBar, epochLine, shortLabel, type BarState, type EpochState } from '../../src/train/progress.js';
import { clip, displayWidth, expandTabs, fitFields, formatDuration, formatValue, safeText, wrapLines, type Field } from '../../src/train/status-line.js';
import { confusionTable } from '../../src/cli/confusion.js';
import { replay } from '../helpers/screen.js';

const test = suite('progress: formatting');
const WIDTHS = [40, 60, 80, 120, 200];
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const BAR: BarState = { epoch: 3, epochs: 10, batch: 47, batches: 79, loss: 0.53621, metrics: { accuracy: 0.80944 }, eta: 3.04, totalEta: 62.4, samplesPerSecond: 4624.2 };
const EPOCH: EpochState = { epoch: 3, epochs: 10, logs: { loss: 0.39214, accuracy: 0.86151, valLoss: 0.41023, valAccuracy: 0.85204 }, seconds: 1.12, samplesPerSecond: 49424.4 };
const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
// a 10-class matrix with up to three-digit counts, different in every cell
const CM = FASHION.map((_, i) => FASHION.map((_, j) => (i === j ? 150 + 3 * i : (i * 7 + j * 3) % 11)));

test('the live bar keeps what matters as the width shrinks, and never exceeds it', () => {
  const lines = Object.fromEntries(WIDTHS.map((w) => [w, barLine(BAR, w)]));
  for (const w of WIDTHS) assert.ok(displayWidth(lines[w]) <= w, `${w}: ${lines[w]}`);
  // wide: every field, full labels, the bar at its full 32 columns
  assert.is(lines[200], 'epoch 3/10  47/79  [=================>............]  loss 0.5362  accuracy 0.8094  ETA 3.0s  total ETA 1:02  4,624 samples/s');
  // 120: still every field, the bar narrower
  for (const part of ['epoch 3/10', '47/79', 'loss 0.5362', 'accuracy 0.8094', 'ETA 3.0s', 'total ETA 1:02', '4,624 samples/s']) assert.ok(lines[120].includes(part), `120: ${part} in ${lines[120]}`);
  assert.match(lines[120], /\[=+>\.+\]/);
  // 80: samples/s dropped first, then labels shortened; running accuracy, epoch ETA and total ETA stay, with a bar
  assert.match(lines[80], /^epoch 3\/10 {2}47\/79 {2}\[=+>\.+\] {2}loss 0\.5362 {2}acc 0\.8094 {2}ETA 3\.0s {2}total 1:02$/);
  // 60 and 40: the total ETA and the bar go, then the epoch ETA and the accuracy; epoch, batches and loss stay
  assert.is(lines[60], 'epoch 3/10  47/79  loss 0.5362  acc 0.8094  ETA 3.0s');
  assert.is(lines[40], 'epoch 3/10  47/79  loss 0.5362');
});

test('the bar itself: proportional, complete at the end, exactly the width asked', () => {
  assert.is(drawBar(0, 12), '[>.........]');
  assert.is(drawBar(0.5, 12), '[=====>....]');
  assert.is(drawBar(1, 12), '[==========]');
  assert.is(drawBar(NaN, 6), '[>...]');
  for (let w = 0; w < 40; w++) for (const f of [0, 0.3, 0.99, 1, 2, -1]) assert.is(drawBar(f, w).length, w);
});

test('the end-of-epoch line shortens labels first, then drops the least important fields', () => {
  const l = Object.fromEntries(WIDTHS.map((w) => [w, epochLine(EPOCH, w)]));
  for (const w of WIDTHS) assert.ok(displayWidth(l[w]) <= w, `${w}: ${l[w]}`);
  const full = 'epoch 3/10  loss 0.3921  accuracy 0.8615  valLoss 0.4102  valAccuracy 0.8520  1.1s  49,424 samples/s';
  assert.is(l[200], full);
  assert.is(l[120], full);
  assert.is(l[80], 'epoch 3/10  loss 0.3921  acc 0.8615  vLoss 0.4102  vAcc 0.8520  1.1s  49.4k/s');
  assert.is(l[60], 'epoch 3/10  loss 0.3921  acc 0.8615  vLoss 0.4102');
  assert.is(l[40], 'epoch 3/10  loss 0.3921  acc 0.8615');
  // other metrics are kept in their order and shortened the same way; unusual values print as what they are
  const more = epochLine({ epoch: 1, epochs: 2, logs: { loss: NaN, top5Accuracy: 1, valLoss: Infinity, valTop5Accuracy: 2.5e7 } }, 200);
  assert.is(more, 'epoch 1/2  loss NaN  top5Accuracy 1.0000  valLoss Infinity  valTop5Accuracy 2.500e+7');
  assert.is(shortLabel('valTop5Accuracy'), 'vTop5Acc');
});

test('the confusion matrix: names when they fit, else indices and a legend, else one line; every count in place', () => {
  const parse = (rows: string[]) => rows.map((r) => r.trim().split(/\s+/).slice(1).map(Number));
  for (const w of WIDTHS) {
    const t = confusionTable(CM, FASHION, w).split('\n');
    for (const line of t) assert.ok(displayWidth(line) <= w, `${w}: ${line}`);
    if (w === 200) { // 11-column names: 132 columns
      assert.is(t[0], 'true ↓ / predicted →');
      for (const name of FASHION) assert.ok(t[1].includes(name), name);
      assert.is(t.length, 12);
      for (let i = 0; i < 10; i++) assert.ok(t[2 + i].trimStart().startsWith(FASHION[i]), t[2 + i]);
      assert.equal(t.slice(2).map((r) => r.slice(13).trim().split(/\s+/).map(Number)), CM);
      assert.is(displayWidth(t[2]), 132);
    } else if (w >= 60) { // indices: 42 columns, then the legend
      assert.is(t[0], 'true ↓ / predicted →');
      assert.equal(t[1].trim().split(/\s+/), FASHION.map((_, i) => String(i)));
      assert.equal(parse(t.slice(2, 12)), CM);
      assert.equal(t.slice(2, 12).map((r) => r.trim().split(/\s+/)[0]), FASHION.map((_, i) => String(i)));
      const legend = t.slice(12).join(' ');
      assert.is(legend, '0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot');
      assert.is(displayWidth(t[2]), 42);
    } else { // 40: not even indices fit
      assert.equal(t, ['confusion matrix: 10 classes need 42 co…']);
    }
  }
  assert.is(confusionTable(CM, FASHION, 120).split('\n').length, 13); // the legend on one line at 120
  assert.is(confusionTable(CM, FASHION, 60).split('\n').length, 14); // on two at 60
  assert.is(confusionTable([], [], 80), 'confusion matrix: no classes');
  // a name with control characters or a newline is made harmless; a missing name is its index
  const odd = confusionTable([[1, 2], [3, 4]], ['a\x1b[2Jb\nc'], 80).split('\n');
  assert.not.ok(odd.some((l) => CONTROL.test(l)));
  assert.ok(odd.some((l) => l.includes('a?[2Jb?c')));
  assert.ok(odd[3].trimStart().startsWith('1 '), odd[3]);
});

test('display widths: wide characters count 2, combining marks 0, control characters are replaced', () => {
  assert.is(displayWidth('漢字'), 4);
  assert.is(displayWidth('e\u0301'), 1);
  assert.is(displayWidth('🙂'), 2);
  assert.is(clip('abcdef', 4), 'abc…');
  assert.is(clip('abcdef', 6), 'abcdef');
  assert.is(clip('漢字漢字', 5), '漢字…');
  assert.is(clip('abc', 0), '');
  assert.is(safeText('a\x1b[2Jb\n\u202ec\ud800'), 'a?[2Jb??c?');
  assert.is(safeText('🙂 ok'), '🙂 ok');
  assert.is(formatDuration(4.24), '4.2s');
  assert.is(formatDuration(62.4), '1:02');
  assert.is(formatDuration(3723), '1:02:03');
  assert.is(formatDuration(NaN), '?');
  assert.is(formatValue(-0.5), '-0.5000');
  assert.is(formatValue(undefined), '-');
  // a table of wide names is laid out by display width
  const t = confusionTable([[5, 0], [1, 7]], ['猫', '犬'], 80).split('\n');
  assert.equal(t.map(displayWidth).slice(1), [9, 9, 9]); // 2-column names and cells: 2 + 2 + 2 + 1 + 2
});

test('fitFields: stretches one field, shortens, drops by rank, clips the last one standing', () => {
  const f: Field[] = [{ full: 'alpha 1', short: 'a 1', rank: 9 }, { full: 'beta 2', short: 'b 2', rank: 5 },
    { full: '', rank: 7, stretch: { min: 3, max: 6, render: (w) => '#'.repeat(w) } }];
  assert.is(fitFields(f, 40), 'alpha 1  beta 2  ######');
  assert.is(fitFields(f, 20), 'alpha 1  beta 2  ###');
  assert.is(fitFields(f, 15), 'a 1  b 2  #####');
  assert.is(fitFields(f, 9), 'a 1  ####');
  assert.is(fitFields(f, 4), 'a 1');
  assert.is(fitFields([{ full: 'a long single field', rank: 1 }], 6), 'a lon…');
  assert.is(fitFields([], 10), '');
});

test('wrapLines: the CLI\'s prose lines wrap at spaces, list items keep their indent, long words are cut, nothing is lost', () => {
  const banner = 'simdnet train: mlp on fashion-small (10000 train, 2000 test, 10 classes), adam, crossEntropy, batch 128, seed 1';
  assert.is(wrapLines(banner, 200), banner);
  assert.is(wrapLines(banner, 40), 'simdnet train: mlp on fashion-small\n(10000 train, 2000 test, 10 classes),\nadam, crossEntropy, batch 128, seed 1');
  assert.is(wrapLines('  - Vanishing gradients: the first layer "dense_1" gets gradients 9.34e-4× as large', 40),
    '  - Vanishing gradients: the first layer\n    "dense_1" gets gradients 9.34e-4× as\n    large');
  assert.is(wrapLines('wrote runs/a-very-long-folder-name-indeed/model.simdnet, x', 20), 'wrote\nruns/a-very-long-fol\nder-name-indeed/mode\nl.simdnet, x');
  assert.is(wrapLines('short\n\nlines stay', 20), 'short\n\nlines stay');
  assert.is(expandTabs('0\t7\t7:0.9876'), '0       7       7:0.9876');
  assert.is(wrapLines('漢字漢字漢字', 5), '漢字\n漢字\n漢字');
});

// ---- properties: any width ≥ 20, any values

const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e300));
const anyName = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('accuracy', 'valLoss', '漢字漢字', 'a\nb', '\x1b[2K'));
const anyCount = fc.oneof(fc.nat(), fc.integer({ min: -5, max: 1e9 }), fc.constantFrom(NaN, Infinity));
const anyWidth = fc.integer({ min: 20, max: 300 });

test('property: the live bar never exceeds the width and prints no control character', () => {
  fc.assert(fc.property(anyWidth, anyCount, anyCount, anyCount, anyCount, fc.option(anyNumber, { nil: undefined }),
    fc.dictionary(anyName, anyNumber, { maxKeys: 6 }), fc.option(anyNumber, { nil: undefined }), fc.option(anyNumber, { nil: undefined }),
    fc.option(anyNumber, { nil: undefined }),
    (width, epoch, epochs, batch, batches, loss, metrics, eta, totalEta, rate) => {
      const line = barLine({ epoch, epochs, batch, batches, loss, metrics, eta, totalEta, samplesPerSecond: rate }, width);
      if (displayWidth(line) > width) return false;
      if (CONTROL.test(line) || line.includes('\n')) return false;
      const head = `epoch ${Number.isFinite(epoch) ? epoch : '?'}/${Number.isFinite(epochs) ? epochs : '?'}`;
      return displayWidth(head) > width || line.startsWith(head); // the epoch is always shown when it fits
    }), { numRuns: 400 });
});

test('property: the end-of-epoch line never exceeds the width and prints no control character', () => {
  fc.assert(fc.property(anyWidth, anyCount, anyCount, fc.dictionary(anyName, anyNumber, { maxKeys: 8 }),
    fc.option(anyNumber, { nil: undefined }), fc.option(anyNumber, { nil: undefined }),
    (width, epoch, epochs, logs, seconds, rate) => {
      const line = epochLine({ epoch, epochs, logs, seconds, samplesPerSecond: rate }, width);
      return displayWidth(line) <= width && !CONTROL.test(line);
    }), { numRuns: 400 });
});

test('property: the confusion matrix never exceeds the width, and is a table whenever indices fit', () => {
  fc.assert(fc.property(anyWidth, fc.integer({ min: 1, max: 40 }), fc.array(anyName, { maxLength: 40 }), fc.nat(), fc.integer({ min: 0, max: 12 }),
    (width, n, names, seed, digits) => {
      const cm = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => ((i * 31 + j * 17 + seed) % 997) * 10 ** (digits % 9)));
      const lines = confusionTable(cm, names, width).split('\n');
      if (lines.some((l) => displayWidth(l) > width || CONTROL.test(l))) return false;
      const cell = Math.max(String(n - 1).length, ...cm.flat().map((v) => String(v).length));
      const indexWidth = String(n - 1).length + 2 + n * cell + (n - 1);
      if (indexWidth <= width) return lines.length >= n + 2 && lines[0] === 'true ↓ / predicted →';
      return lines.length === 1 && lines[0].startsWith('confusion matrix');
    }), { numRuns: 300 });
});

test('property: a redraw on a terminal of the line\'s width never wraps', () => {
  fc.assert(fc.property(anyWidth, fc.array(fc.record({ batch: fc.nat(10_000), loss: anyNumber, acc: anyNumber }), { minLength: 1, maxLength: 8 }),
    (width, draws) => {
      const out = draws.map((d) => `\r\x1b[2K${barLine({ epoch: 1, epochs: 3, batch: d.batch, batches: 10_000, loss: d.loss, metrics: { accuracy: d.acc } }, width - 1)}`).join('')
        + `\r\x1b[2K${epochLine({ epoch: 1, epochs: 3, logs: { loss: 1 } }, width)}\n`;
      const s = replay(out, width);
      return s.wraps.length === 0 && s.unknown.length === 0 && s.lines.filter(Boolean).length === 1;
    }), { numRuns: 200 });
});

test('property: wrapped text never exceeds the width and loses nothing but spaces', () => {
  const words = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('', ' ', '  - ', '\t', '\n', '漢字漢字漢字漢字漢字漢字')), { maxLength: 40 });
  fc.assert(fc.property(anyWidth, words, (width, parts) => {
    const text = parts.join(' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ''); // prose: tabs and newlines, no other controls
    const out = wrapLines(text, width);
    return out.split('\n').every((l) => displayWidth(l) <= width) && out.replace(/\s+/g, '') === expandTabs(text).replace(/\s+/g, '');
  }), { numRuns: 300 });
});

test.run();
