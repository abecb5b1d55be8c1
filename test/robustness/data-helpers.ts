// Test-only helpers for the data robustness tests: deflate bombs written bit by bit (1 GiB of zeros in ~1 MB) as zlib or
// gzip, PNG chunk writers, and loadsOrRefuses, the rule every loader must keep. Runtime-neutral (no node: imports).
import { crc32 } from '../../src/io/crc32.js';
import { memoryInUse, Tensor } from '../../src/index.js';
import { record } from './tally.js';
import { pngChunk } from '../helpers/png.js';

/**
 * Runs a loader on hostile input. It must return (its tensors are then disposed) or throw a plain Error whose
 * message starts with `prefix` (a TypeError or RangeError from inside, or a message not naming the file, is a bug),
 * and linear memory must be back where it was either way. Returns whether the input loaded.
 */
export async function loadsOrRefuses(prefix: string, run: () => unknown): Promise<boolean> {
  const before = memoryInUse();
  let loaded = false, clear = true;
  try {
    disposeAll(await run());
    loaded = true;
  } catch (e) {
    const err = e as Error;
    clear = err instanceof Error && err.constructor === Error && err.message.startsWith(prefix);
    if (!clear) throw new Error(`expected a plain Error starting with ${JSON.stringify(prefix)}, got ${err?.constructor?.name}: ${err?.message ?? String(e)}`);
  } finally {
    const leaked = Math.max(0, memoryInUse() - before);
    record({ cases: 1, refused: !loaded && clear ? 1 : 0, leakedBytes: leaked });
    if (clear && memoryInUse() !== before) throw new Error(`linear memory ${before} → ${memoryInUse()} bytes after ${loaded ? 'a load' : 'a refusal'}`);
  }
  return loaded;
}

function disposeAll(v: unknown): void {
  if (v instanceof Tensor) v.dispose();
  else if (Array.isArray(v)) v.forEach(disposeAll);
  else if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) Object.values(v).forEach(disposeAll);
}

/** bytes with bytes[at % length] ^= xor for each flip (xor 1..255). */
export function flipped(bytes: Uint8Array, flips: { at: number; xor: number }[]): Uint8Array {
  const out = bytes.slice();
  for (const f of flips) out[f.at % out.length] ^= f.xor;
  return out;
}

/** LSB-first bit packing, as deflate stores its fields; Huffman codes go in most significant bit first. */
class Bits {
  bytes: Uint8Array;
  at = 0; // bit position
  constructor(capacityBits: number) { this.bytes = new Uint8Array(Math.ceil(capacityBits / 8) + 16); }
  value(v: number, n: number): void { for (let i = 0; i < n; i++) this.bit((v >> i) & 1); }
  code(c: string): void { for (const ch of c) this.bit(ch === '1' ? 1 : 0); }
  bit(b: number): void { if (b) this.bytes[this.at >> 3] |= 1 << (this.at & 7); this.at++; }
  align(): void { this.at = (this.at + 7) & ~7; }
  byte(b: number): void { this.align(); this.bytes[this.at >> 3] = b; this.at += 8; }
  done(): Uint8Array { return this.bytes.slice(0, Math.ceil(this.at / 8)); }
}

/**
 * A raw deflate stream that inflates to `prefix` (≤ 65535 bytes, a stored block) then `zeros` zero bytes: one
 * dynamic-Huffman block holding a literal 0, then copies of 258 bytes at distance 1 coded in two zero bits each
 * (about 1032:1, deflate's limit), then literal zeros for the rest.
 */
export function deflateZeros(prefix: Uint8Array, zeros: number): Uint8Array {
  const copies = zeros > 0 ? Math.floor((zeros - 1) / 258) : 0, rest = zeros > 0 ? zeros - 1 - 258 * copies : 0;
  const w = new Bits(prefix.length * 8 + 2 * copies + 2 * rest + 512);
  if (prefix.length > 0 || zeros === 0) {
    w.value(zeros === 0 ? 1 : 0, 1); w.value(0, 2); // stored block
    w.byte(prefix.length & 0xff); w.byte(prefix.length >> 8); w.byte(~prefix.length & 0xff); w.byte((~prefix.length >> 8) & 0xff);
    prefix.forEach((b) => w.byte(b));
  }
  if (zeros === 0) return w.done();
  w.value(1, 1); w.value(2, 2); // final, dynamic Huffman
  w.value(286 - 257, 5); w.value(0, 5); w.value(19 - 4, 4); // HLIT, HDIST (1 distance code), HCLEN
  // Code-length code: 18 → "0", 1 → "10", 2 → "11".
  const clLengths: Record<number, number> = { 18: 1, 1: 2, 2: 2 };
  for (const s of [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]) w.value(clLengths[s] ?? 0, 3);
  // Literal/length lengths: 0 → 2, 256 → 2, 285 → 1 (codes "10", "11", "0"); distance 0 → 1 (code "0").
  const zeroRun = (n: number): void => { w.code('0'); w.value(n - 11, 7); };
  w.code('11'); zeroRun(138); zeroRun(117); // symbol 0, then 1..255 unused
  w.code('11'); zeroRun(28); // 256, then 257..284 unused
  w.code('10'); // 285
  w.code('10'); // distance 0
  w.code('10'); // literal 0
  w.at += 2 * copies; // each copy: length 258 ("0"), distance 1 ("0"): zero bits, already there
  for (let i = 0; i < rest; i++) w.code('10');
  w.code('11'); // end of block
  return w.done();
}

const POLY = 0xedb88320;

// a·b modulo the CRC-32 polynomial, reflected (zlib's multmodp).
function multmodp(a: number, b: number): number {
  let m = 0x80000000, p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

// x^(n·2^k) modulo the polynomial.
function x2nmodp(n: number, k: number): number {
  let p = 0x80000000, sq = 0x40000000; // x^0, x^1
  for (let i = 0; i < k; i++) sq = multmodp(sq, sq);
  for (; n > 0; n = Math.floor(n / 2)) {
    if (n % 2) p = multmodp(sq, p);
    sq = multmodp(sq, sq);
  }
  return p;
}

/** CRC-32 of prefix followed by n zero bytes, without touching the zeros. */
export function crc32Zeros(prefix: Uint8Array, n: number): number {
  const reg = ~crc32(prefix) >>> 0;
  return ~multmodp(x2nmodp(n, 3), reg) >>> 0;
}

/** A zlib stream (PNG image data) of prefix then `zeros` zero bytes. */
export function zlibZeros(prefix: Uint8Array, zeros: number): Uint8Array {
  const body = deflateZeros(prefix, zeros);
  let a = 1, b = 0;
  for (const x of prefix) { a = (a + x) % 65521; b = (b + a) % 65521; }
  b = (b + (a * (zeros % 65521))) % 65521;
  const out = new Uint8Array(2 + body.length + 4);
  out.set([0x78, 0x01]);
  out.set(body, 2);
  new DataView(out.buffer).setUint32(2 + body.length, ((b << 16) | a) >>> 0);
  return out;
}

/** A gzip file of prefix then `zeros` zero bytes. */
export function gzipZeros(prefix: Uint8Array, zeros: number): Uint8Array {
  const body = deflateZeros(prefix, zeros);
  const out = new Uint8Array(10 + body.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  out.set(body, 10);
  const v = new DataView(out.buffer);
  v.setUint32(10 + body.length, crc32Zeros(prefix, zeros), true);
  v.setUint32(14 + body.length, (prefix.length + zeros) % 2 ** 32, true);
  return out;
}

export { pngChunk };

/** A PNG file from chunks [type, data], the signature first. */
export function pngOf(chunks: [string, Uint8Array][]): Uint8Array {
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), ...chunks.map(([t, d]) => pngChunk(t, d))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => { out.set(p, at); return at + p.length; }, 0);
  return out;
}

/** IHDR data: width, height, bit depth, colour type, interlace. */
export function ihdr(width: number, height: number, depth = 8, colorType = 0, interlace = 0): Uint8Array {
  const b = new Uint8Array(13);
  const v = new DataView(b.buffer);
  v.setUint32(0, width); v.setUint32(4, height);
  b.set([depth, colorType, 0, 0, interlace], 8);
  return b;
}

/** The chunks of a well-formed PNG as [type, data] (the decoder's own tests write them), for mutation. */
export function pngChunks(png: Uint8Array): [string, Uint8Array][] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength), out: [string, Uint8Array][] = [];
  for (let at = 8; at + 12 <= png.length;) {
    const n = v.getUint32(at);
    out.push([String.fromCharCode(...png.subarray(at + 4, at + 8)), png.slice(at + 8, at + 8 + n)]);
    at += 12 + n;
  }
  return out;
}
