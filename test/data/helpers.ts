// Test helpers for the data tests: fetching the served MNIST files, building
// synthetic IDX bytes, gzip through the platform stream, and error assertions.
import { expect } from '@esm-bundle/chai';
import { PruneLabError, type ErrorCode } from '../../src/errors.js';

export async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Writes an IDX file: magic 00 00 <code> <rank>, big-endian u32 dims, then `payload`. */
export function idxBytes(code: number, dims: number[], payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + payload.length);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(payload, 4 + 4 * dims.length);
  return out;
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream('gzip');
  const writer = cs.writable.getWriter();
  const written = writer.write(new Uint8Array(bytes)).then(() => writer.close());
  const [out] = await Promise.all([new Response(cs.readable).arrayBuffer(), written]);
  return new Uint8Array(out);
}

function expectError(e: unknown, code: ErrorCode, message: string | RegExp): void {
  expect(e, 'thrown value').to.be.instanceOf(PruneLabError);
  const err = e as PruneLabError;
  expect(err.code).to.equal(code);
  if (typeof message === 'string') expect(err.message).to.equal(message);
  else expect(err.message).to.match(message);
}

/** Asserts `fn` throws a PruneLabError with `code` and the exact message (or one matching the RegExp). */
export function expectThrows(fn: () => unknown, code: ErrorCode, message: string | RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'an error was thrown').to.not.equal(undefined);
  expectError(thrown, code, message);
}

export async function expectRejects(p: Promise<unknown>, code: ErrorCode, message: string | RegExp): Promise<void> {
  let thrown: unknown;
  try {
    await p;
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'the promise rejected').to.not.equal(undefined);
  expectError(thrown, code, message);
}

/** Asserts `fn` throws a PruneLabError with `code`, exactly this `field`, and a message matching `message`. */
export function expectRefused(fn: () => unknown, code: ErrorCode, field: string, message: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${field}: an error was thrown`).to.be.instanceOf(PruneLabError);
  const err = thrown as PruneLabError;
  expect(err.code, err.message).to.equal(code);
  expect(err.field, err.message).to.equal(field);
  expect(err.message).to.match(message);
}
