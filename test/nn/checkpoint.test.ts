// The checkpoint reader on every field of the header (CPU; one GPU round trip): each bad
// field is refused with a PruneLabError naming it, never a TypeError and never a
// silent read of the wrong bytes; a valid file round-trips bit for bit.
import { expect } from '@esm-bundle/chai';
import { decodeCheckpoint, encodeCheckpoint, loadNetwork, saveCheckpoint, type Checkpoint } from '../../src/nn/checkpoint.js';
import { Network, initialValues } from '../../src/nn/network.js';
import { gpu } from '../helpers/gpu.js';
import { planModel, type ModelSpec } from '../../src/nn/spec.js';
import { PruneLabError } from '../../src/errors.js';
import { expectRefused } from '../data/helpers.js';
import { Rng } from '../../src/rng.js';

const SPEC: ModelSpec = { name: 'tiny', input: { C: 1, H: 3, W: 3 }, layers: [{ type: 'linear', units: 5 }, { type: 'relu' }, { type: 'linear', units: 3 }] };

function sample(withAdam = true): Checkpoint {
  const plan = planModel(SPEC);
  const rng = new Rng(9);
  const values = initialValues(plan, 4).map((v) => ({ ...v, b: v.b.map(() => rng.next() - 0.5), mask: Uint8Array.from(v.mask, () => (rng.next() < 0.3 ? 0 : 1)) }));
  values.forEach((v) => v.mask.forEach((m, j) => { if (!m) v.w[j] = 0; }));
  const state = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.next());
  return {
    spec: SPEC, values,
    optimizer: withAdam ? { kind: 'adam', step: 17, w: plan.params.map((p) => [state(p.weightCount), state(p.weightCount)]), b: plan.params.map((p) => [state(p.biasCount), state(p.biasCount)]) } : null,
    meta: { note: 'test' },
  };
}

type Json = Record<string, unknown> & { tensors: Array<Record<string, unknown>> };

/** The header of a file, and a new file with `header` in its place and the same data section. */
function headerOf(buf: ArrayBuffer): Json {
  const hlen = new DataView(buf).getUint32(8, true);
  return JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 12, hlen))) as Json;
}
function withHeader(buf: ArrayBuffer, header: unknown, json = JSON.stringify(header)): ArrayBuffer {
  const hlen = new DataView(buf).getUint32(8, true);
  const data = new Uint8Array(buf, Math.ceil((12 + hlen) / 8) * 8);
  const bytes = new TextEncoder().encode(json);
  const start = Math.ceil((12 + bytes.length) / 8) * 8;
  const out = new Uint8Array(start + data.length);
  out.set(new Uint8Array(buf, 0, 8));
  new DataView(out.buffer).setUint32(8, bytes.length, true);
  out.set(bytes, 12);
  out.set(data, start);
  return out.buffer;
}
function edit(buf: ArrayBuffer, change: (h: Json) => void): ArrayBuffer {
  const h = headerOf(buf);
  change(h);
  return withHeader(buf, h);
}

/** Asserts a PruneLabError('invalid-data') with this field and a message matching `message`. */
function refused(buf: unknown, field: string, message: RegExp): void {
  expectRefused(() => decodeCheckpoint(buf as ArrayBuffer), 'invalid-data', field, message);
}

describe('decodeCheckpoint', () => {
  const good = encodeCheckpoint(sample());

  it('round-trips bit for bit (values, optimizer state, meta), with or without optimizer', () => {
    for (const withAdam of [true, false]) {
      const c = sample(withAdam);
      const buf = encodeCheckpoint(c);
      const d = decodeCheckpoint(buf);
      expect(d.spec).to.deep.equal(SPEC);
      expect(d.meta).to.deep.equal({ note: 'test' });
      d.values.forEach((v, i) => {
        expect(Array.from(v.w)).to.deep.equal(Array.from(c.values[i]!.w));
        expect(Array.from(v.b)).to.deep.equal(Array.from(c.values[i]!.b));
        expect(Array.from(v.mask)).to.deep.equal(Array.from(c.values[i]!.mask));
      });
      if (withAdam) {
        expect(d.optimizer!.kind).to.equal('adam');
        expect(d.optimizer!.step).to.equal(17);
        expect(Array.from(d.optimizer!.w[1]![1]!)).to.deep.equal(Array.from(c.optimizer!.w[1]![1]!));
        expect(Array.from(d.optimizer!.b[0]![0]!)).to.deep.equal(Array.from(c.optimizer!.b[0]![0]!));
      } else expect(d.optimizer).to.equal(null);
      expect(new Uint8Array(encodeCheckpoint(d))).to.deep.equal(new Uint8Array(buf));
    }
  });

  it('reads a file written before tensors carried a shape', () => {
    const old = edit(good, (h) => h.tensors.forEach((t) => delete t.shape));
    expect(Array.from(decodeCheckpoint(old).values[1]!.w)).to.deep.equal(Array.from(decodeCheckpoint(good).values[1]!.w));
  });

  it('refuses a header without tensors, a null header, a null spec, a null tensor entry', () => {
    refused(edit(good, (h) => delete (h as Partial<Json>).tensors), 'checkpoint.tensors', /must be an array/);
    refused(withHeader(good, null), 'checkpoint.header', /must be a JSON object/);
    refused(edit(good, (h) => (h.spec = null)), 'checkpoint.spec', /must be a model spec object/);
    refused(edit(good, (h) => (h.tensors[2] = null as unknown as Record<string, unknown>)), 'checkpoint.tensors[2]', /must be an object/);
    refused(withHeader(good, undefined, '{"version":1,'), 'checkpoint.header', /not valid UTF-8 JSON/);
    refused(withHeader(good, undefined, '[1,2]'), 'checkpoint.header', /must be a JSON object/);
  });

  it('refuses a negative, fractional, misaligned or out-of-range offset (never reads header bytes as weights)', () => {
    refused(edit(good, (h) => (h.tensors[0]!.offset = -8)), 'checkpoint.tensors[0].offset', /an integer ≥ 0, a multiple of 8/);
    refused(edit(good, (h) => (h.tensors[3]!.offset = 2.5)), 'checkpoint.tensors[3].offset', /an integer ≥ 0/);
    refused(edit(good, (h) => (h.tensors[3]!.offset = (h.tensors[3]!.offset as number) + 4)), 'checkpoint.tensors[3].offset', /multiple of 8/);
    refused(edit(good, (h) => (h.tensors[3]!.offset = '0')), 'checkpoint.tensors[3].offset', /an integer ≥ 0/);
    refused(edit(good, (h) => (h.tensors[1]!.offset = 1e6)), 'checkpoint.tensors[1].offset', /inside the \d+-byte data section/);
    refused(good.slice(0, good.byteLength - 8), 'checkpoint.tensors[13].offset', /inside the \d+-byte data section \(the file may be truncated\)/);
  });

  it('refuses overlapping tensors', () => {
    refused(edit(good, (h) => (h.tensors[1]!.offset = h.tensors[0]!.offset)), 'checkpoint.tensors[1].offset', /overlaps tensors\[0\]/);
  });

  it('refuses a wrong dtype, shape or length, an unknown, duplicate or missing tensor', () => {
    refused(edit(good, (h) => (h.tensors[2]!.dtype = 'f32')), 'checkpoint.tensors[2].dtype', /'u8' for fc1\.mask/);
    refused(edit(good, (h) => (h.tensors[0]!.shape = [5, 9])), 'checkpoint.tensors[0].shape', /\[9, 5\] for fc1\.weight/);
    refused(edit(good, (h) => (h.tensors[0]!.length = 44)), 'checkpoint.tensors[0].length', /45 for fc1\.weight/);
    refused(edit(good, (h) => (h.tensors[4]!.name = 'fc9.weight')), 'checkpoint.tensors[4].name', /one of the 14 tensors of this model and its adam state/);
    refused(edit(good, (h) => h.tensors.push({ ...h.tensors[0]!, offset: 8 * 1000 })), 'checkpoint.tensors[14].name', /unique \(also tensors\[0\]\)/);
    refused(edit(good, (h) => h.tensors.splice(5, 1)), 'checkpoint.tensors', /tensor fc1\.bias\.opt0 is missing/);
    refused(edit(good, (h) => (h.tensors[0]!.extra = 1)), 'checkpoint.tensors[0].extra', /absent/);
  });

  it('refuses masks other than 0/1 and non-finite floats', () => {
    const plan = planModel(SPEC);
    const c = sample();
    c.values[0]!.mask[3] = 2;
    refused(encodeCheckpoint(c), 'checkpoint.tensors[2]', /fc1\.mask\) value 2 at index 3 must be 0 or 1/);
    for (const x of [NaN, Infinity]) {
      const d = sample();
      d.values[1]!.w[plan.params[1]!.weightCount - 1] = x;
      refused(encodeCheckpoint(d), 'checkpoint.tensors[7]', new RegExp(`fc2\\.weight\\) value ${x} at index 14 must be a finite number`));
      const o = sample();
      o.optimizer!.b[1]![1]![0] = x;
      refused(encodeCheckpoint(o), 'checkpoint.tensors[13]', /fc2\.bias\.opt1\) value .* must be a finite number/);
    }
  });

  it('refuses a bad spec, optimizer, version or meta, naming the field inside the file', () => {
    refused(edit(good, (h) => ((h.spec as ModelSpec).layers[0] = { type: 'linear', units: 0 })), 'checkpoint.spec.layers[0].units', /integer ≥ 1/);
    refused(edit(good, (h) => (h.optimizer = { kind: 'rmsprop', step: 1 })), 'checkpoint.optimizer.kind', /one of sgd, adam/);
    refused(edit(good, (h) => (h.optimizer = { kind: 'adam', step: -1 })), 'checkpoint.optimizer.step', /an integer ≥ 0/);
    refused(edit(good, (h) => (h.optimizer = 'adam')), 'checkpoint.optimizer', /null or \{ kind, step \}/);
    refused(edit(good, (h) => (h.optimizer = { kind: 'sgd', step: 3 })), 'checkpoint.tensors[4].name', /one of the 10 tensors of this model and its sgd state/);
    refused(edit(good, (h) => (h.version = 2)), 'checkpoint.header.version', /1, the version in bytes 4–7/);
    refused(edit(good, (h) => (h.meta = [1])), 'checkpoint.meta', /a JSON object/);
    refused(edit(good, (h) => (h.weights = [])), 'checkpoint.weights', /absent \(header fields/);
  });

  it('refuses bad magic, version, header length and non-buffers', () => {
    const copy = (f: (v: DataView) => void): ArrayBuffer => {
      const b = good.slice(0);
      f(new DataView(b));
      return b;
    };
    refused(copy((v) => v.setUint8(0, 0x50 ^ 1)), 'checkpoint.magic', /magic "PLCK" missing/);
    refused(copy((v) => v.setUint32(4, 7, true)), 'checkpoint.version', /version 7 is not supported/);
    refused(copy((v) => v.setUint32(8, 0xffffffff, true)), 'checkpoint.headerLength', /truncated header/);
    refused(new ArrayBuffer(4), 'checkpoint', /at least 12 bytes/);
    refused(new Uint8Array(good), 'checkpoint', /an ArrayBuffer/);
    refused(null, 'checkpoint', /an ArrayBuffer/);
    const invalidUtf8 = new Uint8Array(24);
    invalidUtf8.set(new Uint8Array(good, 0, 8));
    invalidUtf8.set([2, 0, 0, 0, 0xff, 0xfe], 8);
    refused(invalidUtf8.buffer, 'checkpoint.header', /not valid UTF-8 JSON/);
  });

  it('ends every byte-level corruption in a PruneLabError or a valid checkpoint (500 seeded mutations)', () => {
    const rng = new Rng(12);
    const src = new Uint8Array(good);
    let refusedCount = 0;
    for (let k = 0; k < 500; k++) {
      const b = src.slice(0, k % 7 === 0 ? Math.floor(rng.next() * src.length) : src.length);
      const flips = 1 + Math.floor(rng.next() * 4);
      for (let f = 0; f < flips && b.length > 0; f++) b[Math.floor(rng.next() * Math.min(b.length, k % 2 ? 400 : b.length))] = Math.floor(rng.next() * 256);
      try {
        const c = decodeCheckpoint(b.buffer);
        c.values.forEach((v) => expect(v.w.every(Number.isFinite) && v.mask.every((m) => m <= 1)).to.equal(true));
      } catch (e) {
        expect(e, `case ${k}: ${String(e)}`).to.be.instanceOf(PruneLabError);
        expect((e as PruneLabError).field, `case ${k}`).to.match(/^checkpoint/);
        refusedCount++;
      }
    }
    expect(refusedCount).to.be.greaterThan(100);
  });

  it('round-trips a network on the GPU with its Adam state (save, load, save: the same bytes)', async () => {
    const ctx = await gpu();
    const c = sample();
    const net = Network.create(ctx, planModel(SPEC), { values: c.values });
    const st = net.optimizerState('adam');
    st.step = 17;
    const buf = await saveCheckpoint(net, { note: 'gpu' });
    const { net: copy, checkpoint } = loadNetwork(ctx, buf);
    expect(checkpoint.optimizer!.step).to.equal(17);
    expect(Array.from(checkpoint.values[0]!.w)).to.deep.equal(Array.from(c.values[0]!.w));
    expect(new Uint8Array(await saveCheckpoint(copy, { note: 'gpu' }))).to.deep.equal(new Uint8Array(buf));
    net.destroy();
    copy.destroy();
  });
});
