// Numeric CSV → features float32 [N, F] and class labels int32 [N]. Plain decimal numbers, finite in float32, only (no
// quotes, missing values, NaN or Infinity); blank lines are skipped. Errors name the line and column (from 1). Runtime-neutral.
import { checkBoolean, checkOptions, checkString, describe } from './checks.js';
import { floatsFrom, intsFrom, building, type Labelled } from './tensors.js';
import { checkNormalizeOptions, normalizeInPlace, type NormalizeOptions } from './normalize.js';

/** Options of data.csv(). */
export interface CsvOptions extends NormalizeOptions {
  /** The label column: an index (negative counts from the end) or, with a header, its name. Default: the last. */
  labelColumn?: number | string;
  /** The first non-blank line names the columns (default false). */
  header?: boolean;
  /** Field separator (default ","). */
  delimiter?: string;
  /** Names the file in errors (default "csv data"). */
  name?: string;
}

/** Labelled data plus the feature columns' names (from the header, else "column 1", "column 2", …). */
export interface CsvData extends Labelled { columns: string[] }

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const OPTION_KEYS = ['labelColumn', 'header', 'delimiter', 'name', 'scale', 'standardize'] as const;

/** Parses the text; the features are standardized per column when asked. Number text becomes floats at load time. */
export function csv(text: string, options: CsvOptions = {}): CsvData {
  options = checkOptions('data.csv', options, OPTION_KEYS);
  checkString('data.csv', 'options.name', options.name);
  const where = `csv "${options.name ?? 'csv data'}"`;
  if (typeof text !== 'string') throw new TypeError(`data.csv: text must be the file's text as a string, got ${describe(text)}`);
  checkBoolean('data.csv', 'options.header', options.header);
  checkNormalizeOptions('data.csv', options);
  checkString('data.csv', 'options.delimiter', options.delimiter);
  const sep = options.delimiter ?? ',';
  if (sep === '' || /[\r\n]/.test(sep)) throw new RangeError(`data.csv: options.delimiter must be a non-empty string without line breaks, got ${JSON.stringify(sep)}`);
  const spec = options.labelColumn;
  if (spec !== undefined && typeof spec !== 'number' && typeof spec !== 'string') {
    throw new TypeError(`data.csv: options.labelColumn must be a column index or a header name, got ${describe(spec)}`);
  }
  const lines = text.split(/\r?\n/);
  const filled = lines.flatMap((l, i) => (l.trim() === '' ? [] : [i]));
  if (filled.length === 0) throw new Error(`${where}: no data lines`);
  const first = lines[filled[0]].split(sep).map((f) => f.trim());
  const width = first.length;
  if (width < 2) throw new Error(`${where} line ${filled[0] + 1}: ${width} column; expected a label column and at least one feature`);
  const names = options.header ? first : undefined;
  const labelAt = labelIndex(options.labelColumn, names, width, where);
  const rows = names ? filled.slice(1) : filled;
  if (rows.length === 0) throw new Error(`${where}: no data lines`);
  const F = width - 1;
  const features = new Float32Array(rows.length * F), labels = new Int32Array(rows.length);
  rows.forEach((i, r) => {
    const fields = lines[i].split(sep);
    if (fields.length !== width) throw new Error(`${where} line ${i + 1}: ${fields.length} columns, expected ${width} (as on the first line)`);
    let k = r * F;
    fields.forEach((raw, c) => {
      const f = raw.trim();
      if (!NUMBER.test(f)) {
        const why = f === '' ? 'empty field' : NON_FINITE.test(f) ? `"${f}" is not a finite number` : `"${f}" is not a number`;
        throw new Error(`${at(where, i, c, names)}: ${why}`);
      }
      const v = Number(f);
      if (c !== labelAt) {
        if (!Number.isFinite(Math.fround(v))) {
          throw new Error(`${at(where, i, c, names)}: ${f} is ${Number.isFinite(v) ? 'beyond the float32 range (±3.4e38)' : 'not a finite number'}`);
        }
        features[k++] = v;
        return;
      }
      if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new Error(`${at(where, i, c, names)}: label ${f} is not a class index (an integer ≥ 0)`);
      labels[r] = v;
    });
  });
  const columns = (names ?? Array.from({ length: width }, (_, c) => `column ${c + 1}`)).filter((_, c) => c !== labelAt);
  return building((own) => {
    const x = own(floatsFrom(features, [rows.length, F], `${where} features`));
    const y = own(intsFrom(labels, [rows.length], `${where} labels`));
    const normalization = normalizeInPlace(x, options, F, where);
    return { x, y, normalization, columns };
  });
}

function at(where: string, line: number, column: number, names: string[] | undefined): string {
  return `${where} line ${line + 1}, column ${column + 1}${names ? ` ("${names[column]}")` : ''}`;
}

function labelIndex(spec: number | string | undefined, header: string[] | undefined, width: number, where: string): number {
  if (spec === undefined) return width - 1;
  if (typeof spec === 'string') {
    if (!header) throw new RangeError(`${where}: labelColumn "${spec}" is a name, which needs header: true`);
    const i = header.indexOf(spec);
    if (i < 0) throw new RangeError(`${where}: labelColumn "${spec}" is not in the header (${header.join(', ')})`);
    return i;
  }
  if (!Number.isInteger(spec) || spec < -width || spec >= width) throw new RangeError(`${where}: labelColumn ${spec} is outside the ${width} columns`);
  return spec < 0 ? spec + width : spec;
}
