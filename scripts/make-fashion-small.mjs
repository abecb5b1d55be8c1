// Regenerates data/fashion-small/ (simdnet's embedded default dataset) from Debian's dataset-fashion-mnist or simdnet's
// cache: the first 10,000 train and 2,000 test records, as gzipped IDX files. Node-only tooling.
// Usage: node scripts/make-fashion-small.mjs [sourceDir]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Debian's package, else simdnet's cache folder (where `data.load('fashion-mnist')` downloads the files).
const cache = process.env.SIMDNET_DATA || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'simdnet');
const source = process.argv[2] ?? ['/usr/share/datasets/fashion-mnist', join(cache, 'fashion-mnist')].find((d) => existsSync(join(d, 'train-images-idx3-ubyte.gz'))) ?? '/usr/share/datasets/fashion-mnist';
const out = join(root, 'data/fashion-small');
const KEEP = { train: 10000, t10k: 2000 };
// SHA-256 of the decompressed slices: the content, whatever zlib version compresses it.
const EXPECTED = {
  'train-images-idx3-ubyte': 'ed2e37ed5a3a57d212141a69fe0a0de5a7126ffba14ac3f7e76f5f52cc04b1f0',
  'train-labels-idx1-ubyte': 'a69f2dad024ca220a8c4d85f621fdf929042d40c444abde2868903e9220ad517',
  't10k-images-idx3-ubyte': '862035b0a96959b614c9574f4c2b0ae9584ca234813e8d6d7adb7838b12ca46b',
  't10k-labels-idx1-ubyte': 'aa3f574d30afaf0d4d9da084a6f8541771e20693d6a97fae6e9a4953fca8f078',
};

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

// The header with the record count replaced by n, then the first n records.
function slice(raw, n, file) {
  const rank = raw[3], dims = Array.from({ length: rank }, (_, i) => raw.readUInt32BE(4 + 4 * i));
  const per = dims.slice(1).reduce((a, b) => a * b, 1), head = 4 + 4 * rank;
  if (raw.readUInt16BE(0) !== 0 || raw[2] !== 0x08 || raw.length !== head + dims[0] * per) throw new Error(`${file}: not a ubyte IDX file of the expected length`);
  if (dims[0] < n) throw new Error(`${file}: holds ${dims[0]} records, fewer than ${n}`);
  const header = Buffer.from(raw.subarray(0, head));
  header.writeUInt32BE(n, 4);
  return Buffer.concat([header, raw.subarray(head, head + n * per)]);
}

mkdirSync(out, { recursive: true });
let failed = false;
for (const name of Object.keys(EXPECTED)) {
  const n = KEEP[name.split('-')[0]];
  let raw;
  try { raw = gunzipSync(readFileSync(join(source, `${name}.gz`))); } catch (e) {
    console.error(`cannot read ${join(source, `${name}.gz`)} (${e.message}): install it with \`sudo apt-get install dataset-fashion-mnist\`, let simdnet download it (\`simdnet train --dataset fashion-mnist\`), or pass the folder holding it`);
    process.exit(1);
  }
  const part = slice(raw, n, name);
  const gz = gzipSync(part, { level: 9 });
  writeFileSync(join(out, `${name}.gz`), gz);
  const content = sha256(part), ok = !EXPECTED[name] || EXPECTED[name] === content;
  failed ||= !ok;
  console.log(`${name}.gz  ${gz.length} bytes  sha256 ${sha256(gz)}  content ${part.length} bytes sha256 ${content}${ok ? '' : `  MISMATCH, expected ${EXPECTED[name]}`}`);
  if (name.includes('labels')) {
    const counts = new Array(10).fill(0);
    for (const v of part.subarray(8)) counts[v]++;
    console.log(`  class counts 0..9: ${counts.join(' ')}`);
  }
}
process.exit(failed ? 1 : 0);
