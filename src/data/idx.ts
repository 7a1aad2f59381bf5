// IDX files (the MNIST container): a validating parser for raw bytes and an async
// decoder that also takes gzip. Byte-level on purpose: the browser fetches, the
// Node CLI reads with fs, and both hand the bytes here.
//
// Layout: 00 00 <dtype> <rank>, then `rank` big-endian u32 dimensions, then the
// data, big-endian, row-major. Every error is PruneLabError('invalid-data') whose
// message starts with the file's name and says what is wrong.
import { PruneLabError, check } from '../errors.js';

export type IdxDtype = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxTensor {
  /** The file name the bytes came from, used in every later error message. */
  readonly name: string;
  readonly dtype: IdxDtype;
  readonly dims: readonly number[];
  /**
   * Row-major values. For u8 and i8 this is a view on the input bytes (no copy of
   * a 47 MB file); wider types are decoded from big-endian into a fresh array.
   */
  readonly data: IdxData;
}

interface DtypeInfo {
  dtype: IdxDtype;
  size: number;
  /** A fresh array of n elements, filled from big-endian by `read` (wide types only). */
  make: (n: number) => IdxData;
  read: (view: DataView, at: number) => number;
}

const DTYPES: ReadonlyMap<number, DtypeInfo> = new Map<number, DtypeInfo>([
  [0x08, { dtype: 'u8', size: 1, make: (n) => new Uint8Array(n), read: (v, at) => v.getUint8(at) }],
  [0x09, { dtype: 'i8', size: 1, make: (n) => new Int8Array(n), read: (v, at) => v.getInt8(at) }],
  [0x0b, { dtype: 'i16', size: 2, make: (n) => new Int16Array(n), read: (v, at) => v.getInt16(at, false) }],
  [0x0c, { dtype: 'i32', size: 4, make: (n) => new Int32Array(n), read: (v, at) => v.getInt32(at, false) }],
  [0x0d, { dtype: 'f32', size: 4, make: (n) => new Float32Array(n), read: (v, at) => v.getFloat32(at, false) }],
  [0x0e, { dtype: 'f64', size: 8, make: (n) => new Float64Array(n), read: (v, at) => v.getFloat64(at, false) }],
]);

const ALLOWED_DTYPES = [...DTYPES].map(([code, d]) => `${hex(code)} ${d.dtype}`).join(', ');

function hex(b: number): string {
  return `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The most data bytes an IDX file may announce (1 GiB): checked from the header, before anything is allocated. */
export const MAX_IDX_DATA_BYTES = 2 ** 30;
/** The longest header: magic and 255 dimensions. */
const MAX_IDX_HEADER_BYTES = 4 + 4 * 255;

function fail(name: string, problem: string): never {
  throw new PruneLabError('invalid-data', `${name}: ${problem}`, name);
}

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses uncompressed IDX bytes, validating magic, dtype, rank (≥ 1), every
 * dimension (≥ 1), the data size against MAX_IDX_DATA_BYTES (exactly, in BigInt,
 * before allocating) and the exact length: truncated data and trailing bytes are
 * both errors. Synchronous; use `decodeIdx` when the bytes may be gzip.
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxTensor {
  check(typeof name === 'string' && name.length > 0, 'name', 'a non-empty file name', name);
  check(bytes instanceof Uint8Array, `${name}: bytes`, 'a Uint8Array', bytes);
  if (isGzip(bytes)) fail(name, 'is gzip-compressed; decode it with decodeIdx (async), not parseIdx');
  if (bytes.length < 4) fail(name, `too short for an IDX header: needs 4 bytes of magic, file has ${bytes.length}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(name, `bad magic: an IDX file starts with 00 00, this one with ${hex(bytes[0]!)} ${hex(bytes[1]!)}`);
  }
  const code = bytes[2]!;
  const info = DTYPES.get(code);
  if (!info) fail(name, `unknown dtype code ${hex(code)}; allowed: ${ALLOWED_DTYPES}`);
  const rank = bytes[3]!;
  if (rank < 1) fail(name, 'rank 0: an IDX file needs rank ≥ 1');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    fail(name, `truncated header: rank ${rank} needs ${headerBytes} header bytes, file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d < 1) fail(name, `dimension ${i} of ${rank} is 0; every dimension must be ≥ 1 (header dims ${dimsText(view, rank)})`);
    dims.push(d);
  }
  // BigInt: 255 dimensions of up to 2^32 each overflow a double's exact range.
  const count = dims.reduce((p, d) => p * BigInt(d), 1n);
  const want = count * BigInt(info.size);
  const have = BigInt(bytes.length - headerBytes);
  if (want > BigInt(MAX_IDX_DATA_BYTES)) {
    fail(name, `header says ${dims.join('×')}${info.size > 1 ? ` ${info.dtype}` : ''} = ${want} bytes of data, over the ${MAX_IDX_DATA_BYTES}-byte limit of an IDX file here (file has ${have})`);
  }
  if (have !== want) {
    const what = `header says ${dims.join('×')}${info.size > 1 ? ` ${info.dtype}` : ''} = ${want} bytes of data, file has ${have}`;
    fail(name, have < want ? `truncated: ${what}` : `trailing bytes: ${what} (${have - want} extra)`);
  }
  return { name, dtype: info.dtype, dims, data: decodeData(view, headerBytes, Number(count), info) };
}

function dimsText(view: DataView, rank: number): string {
  const out: number[] = [];
  for (let i = 0; i < rank; i++) out.push(view.getUint32(4 + 4 * i, false));
  return out.join('×');
}

function decodeData(view: DataView, at: number, n: number, info: DtypeInfo): IdxData {
  // Single bytes have no byte order: a view, no copy.
  if (info.dtype === 'u8') return new Uint8Array(view.buffer, view.byteOffset + at, n);
  if (info.dtype === 'i8') return new Int8Array(view.buffer, view.byteOffset + at, n);
  const out = info.make(n);
  for (let i = 0; i < n; i++) out[i] = info.read(view, at + info.size * i);
  return out;
}

/**
 * Decompresses gzip bytes with the platform's DecompressionStream (browsers,
 * Workers, Node ≥ 18), chunk by chunk, stopping as soon as the output passes
 * `maxBytes` (a few bytes of gzip can claim gigabytes). Corrupt, truncated or
 * over-long input is a PruneLabError naming the file.
 */
export async function gunzip(bytes: Uint8Array, name: string, maxBytes = MAX_IDX_DATA_BYTES + MAX_IDX_HEADER_BYTES): Promise<Uint8Array> {
  check(bytes instanceof Uint8Array, `${name}: bytes`, 'a Uint8Array', bytes);
  let ds: DecompressionStream;
  try {
    ds = new DecompressionStream('gzip');
  } catch (e) {
    return fail(name, `is gzip-compressed, and this platform cannot decompress gzip (${e instanceof Error ? e.message : String(e)})`);
  }
  const writer = ds.writable.getWriter();
  // Copy into a plain ArrayBuffer-backed array: the stream may take ownership of it.
  const written = writer.write(new Uint8Array(bytes)).then(() => writer.close());
  written.catch(() => undefined);
  const reader = ds.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        reader.cancel().catch(() => undefined);
        return fail(name, `gzip data decompresses to more than ${maxBytes} bytes, the most an IDX file may hold here`);
      }
      chunks.push(value);
    }
    await written;
  } catch (e) {
    if (e instanceof PruneLabError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    return fail(name, `gzip data is corrupt or truncated (${why})`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Decodes IDX bytes, raw or gzip-compressed (detected by the 1f 8b magic), with all of parseIdx's checks. */
export async function decodeIdx(bytes: Uint8Array, name: string): Promise<IdxTensor> {
  check(typeof name === 'string' && name.length > 0, 'name', 'a non-empty file name', name);
  check(bytes instanceof Uint8Array, `${name}: bytes`, 'a Uint8Array', bytes);
  const raw = isGzip(bytes) ? await gunzip(bytes, name) : bytes;
  return parseIdx(raw, name);
}
