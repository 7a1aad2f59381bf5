// Door: checkpoint files (src/nn/checkpoint.ts decodeCheckpoint, then loadNetwork on
// the GPU). Valid seeds: a tiny MLP with Adam state and one without optimizer.
// Mutations: the header JSON (each field removed, junk, out of range, unknown;
// null header or spec; tensor offsets negative, past the end or into the header),
// the magic, version and header length, truncation, and random bytes.
// Documented acceptance: damage to tensor data bytes (weights are not checksummed)
// and changes to `meta`. Then the decoded tensors must have the plan's lengths,
// masks must be 0/1, and, unless the data bytes were damaged, every value must be
// the one written; the network must build and release every byte.
import { decodeCheckpoint, encodeCheckpoint, loadNetwork, type Checkpoint } from '../../../src/nn/checkpoint.js';
import { initialValues } from '../../../src/nn/network.js';
import { planModel, type ModelSpec } from '../../../src/nn/spec.js';
import type { Door, FuzzCase } from '../harness.js';
import { garbage, mutateJson, pathFields, pick } from '../mutate.js';
import { gpu } from '../gpu.js';

interface CkptCase extends FuzzCase {
  buf: ArrayBuffer;
  /** Which seed it came from, and whether tensor data bytes may differ. */
  seed: number;
  dataDamaged: boolean;
}

const SPEC: ModelSpec = { name: 'tiny', input: { C: 1, H: 2, W: 2 }, layers: [{ type: 'linear', units: 3 }, { type: 'relu' }, { type: 'linear', units: 2 }] };
const PLAN = planModel(SPEC);
const VALUES = initialValues(PLAN, 3).map((v, i) => ({ ...v, mask: v.mask.map((_, j) => ((i + j) % 3 === 0 ? 0 : 1)) }));
const OPT = {
  kind: 'adam' as const, step: 5,
  w: PLAN.params.map((p) => [new Float32Array(p.weightCount).fill(0.25), new Float32Array(p.weightCount).fill(0.5)]),
  b: PLAN.params.map((p) => [new Float32Array(p.biasCount).fill(0.125), new Float32Array(p.biasCount).fill(1)]),
};
const SEEDS: Checkpoint[] = [
  { spec: SPEC, values: VALUES, optimizer: OPT, meta: { round: 1 } },
  { spec: SPEC, values: VALUES, optimizer: null, meta: {} },
];
const BUFS = SEEDS.map((c) => new Uint8Array(encodeCheckpoint(c)));

function parts(buf: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const hlen = new DataView(buf.buffer, buf.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + hlen))) as Record<string, unknown>;
  return { header, data: buf.subarray(Math.ceil((12 + hlen) / 8) * 8) };
}

/** The file layout with any header JSON (so the tensor data stays where a reader computes it). */
function assemble(headerJson: string, data: Uint8Array, version = 1): ArrayBuffer {
  const json = new TextEncoder().encode(headerJson);
  const start = Math.ceil((12 + json.length) / 8) * 8;
  const out = new Uint8Array(start + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x4b434c50, true);
  view.setUint32(4, version, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(data, start);
  return out.buffer;
}

export const checkpointDoor: Door<CkptCase> = {
  name: 'checkpoint',
  fastCases: 50,
  gpu,
  generate(rng) {
    const seed = rng.int(SEEDS.length);
    const { header, data } = parts(BUFS[seed]!);
    const r = rng.next();
    if (r < 0.45) {
      const m = mutateJson(rng, header);
      const json = m.value === undefined ? 'undefined' : JSON.stringify(m.value);
      return { repro: `seed ${seed}, header ${m.what}`, fields: ['checkpoint', ...pathFields(m.path)], buf: assemble(json, data), seed, dataDamaged: false };
    }
    if (r < 0.65) {
      const tensors = (header.tensors as Array<Record<string, unknown>>).map((t) => ({ ...t }));
      const t = pick(rng, tensors);
      const value = pick(rng, [-8, -16, -1, 4, 1e9, 2 ** 32, 0.5, data.length, data.length - 4, Number(t.offset) + 8]);
      const key = pick(rng, ['offset', 'offset', 'length', 'dtype']);
      t[key] = key === 'dtype' ? pick(rng, ['f16', 'u8', 'f32', 'i8']) : value;
      return { repro: `seed ${seed}, tensor ${String(t.name)} ${key} = ${JSON.stringify(t[key])}`, fields: ['checkpoint', String(t.name), key], buf: assemble(JSON.stringify({ ...header, tensors }), data), seed, dataDamaged: false };
    }
    const bytes = BUFS[seed]!.slice();
    const k = rng.int(6);
    if (k === 0) return { repro: `seed ${seed}, version ${bytes[4] = pick(rng, [0, 2, 255])}`, fields: ['checkpoint'], buf: bytes.buffer, seed, dataDamaged: false };
    if (k === 1) {
      const v = pick(rng, [0, 1, 0xffffffff, bytes.length, 2 ** 31]);
      new DataView(bytes.buffer).setUint32(8, v, true);
      return { repro: `seed ${seed}, header length ${v}`, fields: ['checkpoint'], buf: bytes.buffer, seed, dataDamaged: false };
    }
    if (k === 2) {
      const n = rng.int(bytes.length);
      return { repro: `seed ${seed}, truncated to ${n} of ${bytes.length} bytes`, fields: ['checkpoint'], buf: bytes.slice(0, n).buffer, seed, dataDamaged: false };
    }
    if (k === 3) {
      const start = bytes.length - data.length;
      const at = start + rng.int(data.length);
      bytes[at] = rng.int(256);
      return { repro: `seed ${seed}, data byte ${at} = ${bytes[at]}`, fields: ['checkpoint'], buf: bytes.buffer, seed, dataDamaged: true };
    }
    if (k === 4) {
      bytes[rng.int(4)] ^= 1 + rng.int(255);
      return { repro: `seed ${seed}, bad magic`, fields: ['checkpoint'], buf: bytes.buffer, seed, dataDamaged: false };
    }
    return { repro: 'random garbage', fields: ['checkpoint'], buf: garbage(rng, 96).buffer as ArrayBuffer, seed, dataDamaged: false };
  },
  async run(c) {
    const ck = decodeCheckpoint(c.buf);
    const plan = planModel(ck.spec);
    const want = SEEDS[c.seed]!;
    for (const [i, p] of plan.params.entries()) {
      const v = ck.values[i]!;
      if (v.w.length !== p.weightCount || v.b.length !== p.biasCount || v.mask.length !== p.weightCount) return `${p.name} tensors have the wrong lengths`;
      if (!v.mask.every((m) => m === 0 || m === 1)) return `${p.name}.mask holds a value other than 0 or 1`;
      if (!c.dataDamaged) {
        const w = want.values[i];
        if (!w || !w.w.every((x, j) => Object.is(x, v.w[j])) || !w.b.every((x, j) => Object.is(x, v.b[j])) || !w.mask.every((x, j) => x === v.mask[j])) {
          return `${p.name}'s decoded values differ from those written (the header points at other bytes)`;
        }
      }
    }
    if (ck.optimizer && !(['sgd', 'adam'].includes(ck.optimizer.kind) && Number.isInteger(ck.optimizer.step) && ck.optimizer.step >= 0)) {
      return `optimizer ${JSON.stringify({ kind: ck.optimizer.kind, step: ck.optimizer.step })} accepted`;
    }
    if (typeof ck.meta !== 'object' || ck.meta === null || Array.isArray(ck.meta)) return `meta ${JSON.stringify(ck.meta)} accepted`;
    const { net } = loadNetwork(await gpu(), c.buf);
    net.destroy();
  },
};
