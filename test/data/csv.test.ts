// data.csv: features float32 [N, F] and labels int32 [N], label column by default (last), index, negative index or
// header name; CRLF and blank lines; scale and per-feature standardize; errors naming the line and the column;
// non-finite values (1e999, NaN, Infinity) and float32 overflow refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ready, BUILD } from '../helpers/setup.js';
import { thrown } from '../helpers/errors.js';
import * as data from '../../src/data/index.js';
import { memoryInUse } from '../../src/index.js';

await ready();
const test = suite(`data.csv [${BUILD}]`);

test('label in the last column by default; decimal and exponent numbers; blank lines and CRLF skipped', () => {
  const { x, y, columns, normalization } = data.csv('1.5,-2,0\r\n\r\n3e2, .25 ,2\n  \n-0.0,+7,1\n');
  assert.equal(x.shape, [3, 2]);
  assert.equal([...x.toFloat32Array()], [1.5, -2, 300, 0.25, -0, 7]);
  assert.equal([...y.toInt32Array()], [0, 2, 1]);
  assert.equal(columns, ['column 1', 'column 2']);
  assert.equal(normalization, { scale: false });
  x.dispose(); y.dispose();
});

test('a header names the columns; labelColumn by name, index or from the end (MNIST-in-CSV layout: label first)', () => {
  const text = 'label,p1,p2,p3\n5,0,128,255\n0,255,0,51\n';
  const a = data.csv(text, { header: true, labelColumn: 'label', scale: true });
  assert.equal([...a.y.toInt32Array()], [5, 0]);
  assert.equal(a.columns, ['p1', 'p2', 'p3']);
  assert.equal([...a.x.toFloat32Array()], [0, 128, 255, 255, 0, 51].map((v) => Math.fround(v * Math.fround(1 / 255))));
  const b = data.csv(text, { header: true, labelColumn: 0 });
  const c = data.csv(text, { header: true, labelColumn: -4 });
  assert.equal(b.x.toFloat32Array(), c.x.toFloat32Array());
  const d = data.csv('1;2;3\n4;5;6', { delimiter: ';', labelColumn: 1 });
  assert.equal([...d.y.toInt32Array()], [2, 5]);
  assert.equal([...d.x.toFloat32Array()], [1, 3, 4, 6]);
  [a, b, c, d].forEach((s) => { s.x.dispose(); s.y.dispose(); });
});

test("standardize 'fit' is per feature; a constant feature keeps std 1", () => {
  const { x, y, normalization } = data.csv('1,5,0\n3,5,1\n5,5,0\n', { standardize: 'fit' });
  assert.equal(normalization.standardize, { mean: [3, 5], std: [Math.fround(Math.sqrt(8 / 3)), 1] });
  const v = x.toFloat32Array();
  assert.ok(Math.abs(v[0] + Math.sqrt(1.5)) < 1e-6 && v[1] === 0 && v[3] === 0 && Math.abs(v[4] - Math.sqrt(1.5)) < 1e-6);
  x.dispose(); y.dispose();
});

test('errors name the file, the line and the column (from 1, header name when known); nothing stays allocated', () => {
  const before = memoryInUse();
  assert.is(thrown(() => data.csv('1,2,3\n4,x,6\n', { name: 'iris.csv' })), 'csv "iris.csv" line 2, column 2: "x" is not a number');
  assert.is(thrown(() => data.csv('a,b,c\n1,2,3\n4,,6\n', { header: true })), 'csv "csv data" line 3, column 2 ("b"): empty field');
  assert.is(thrown(() => data.csv('1,2,3\n\n4,5\n')), 'csv "csv data" line 3: 2 columns, expected 3 (as on the first line)');
  assert.is(thrown(() => data.csv('1,2,3.5\n')), 'csv "csv data" line 1, column 3: label 3.5 is not a class index (an integer ≥ 0)');
  assert.is(thrown(() => data.csv('1,2,-1\n')), 'csv "csv data" line 1, column 3: label -1 is not a class index (an integer ≥ 0)');
  assert.match(thrown(() => data.csv('1,NaN,0\n')), /line 1, column 2: "NaN" is not a finite number/);
  assert.match(thrown(() => data.csv('1,0x10,0\n')), /line 1, column 2: "0x10" is not a number/);
  assert.match(thrown(() => data.csv('a,b\n1,2\n', { labelColumn: 'b' })), /labelColumn "b" is a name, which needs header: true/);
  assert.match(thrown(() => data.csv('a,b\n1,2\n', { header: true, labelColumn: 'c' })), /labelColumn "c" is not in the header \(a, b\)/);
  assert.match(thrown(() => data.csv('1,2\n', { labelColumn: 2 })), /labelColumn 2 is outside the 2 columns/);
  assert.match(thrown(() => data.csv('a,b\n', { header: true })), /no data lines/);
  assert.match(thrown(() => data.csv('5\n6\n')), /line 1: 1 column; expected a label column and at least one feature/);
  assert.is(memoryInUse(), before);
});

test('non-finite numbers and float32 overflow are refused by file, line and column; the float32 extremes load', () => {
  const before = memoryInUse();
  assert.is(thrown(() => data.csv('1,2,0\n1e999,3,1\n', { name: 'big.csv' })), 'csv "big.csv" line 2, column 1: 1e999 is not a finite number');
  assert.is(thrown(() => data.csv('a,b,y\n1,-1e999,0\n', { header: true })), 'csv "csv data" line 2, column 2 ("b"): -1e999 is not a finite number');
  assert.is(thrown(() => data.csv('1e39,0\n')), 'csv "csv data" line 1, column 1: 1e39 is beyond the float32 range (±3.4e38)');
  assert.is(thrown(() => data.csv('0,Infinity,0\n')), 'csv "csv data" line 1, column 2: "Infinity" is not a finite number');
  assert.is(thrown(() => data.csv('-inf,0\n')), 'csv "csv data" line 1, column 1: "-inf" is not a finite number');
  assert.is(thrown(() => data.csv('nan,0\n')), 'csv "csv data" line 1, column 1: "nan" is not a finite number');
  assert.is(thrown(() => data.csv('1,1e999\n')), 'csv "csv data" line 1, column 2: label 1e999 is not a class index (an integer ≥ 0)');
  const ok = data.csv('3.4e38,-3.4e38,1e-50,0\n');
  assert.equal([...ok.x.toFloat32Array()], [Math.fround(3.4e38), Math.fround(-3.4e38), 0]);
  ok.x.dispose(); ok.y.dispose();
  assert.is(memoryInUse(), before);
});

test.run();
