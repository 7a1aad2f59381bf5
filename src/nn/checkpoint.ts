// Checkpoints: model spec + weights + masks + optimizer state in one ArrayBuffer,
// restored bit for bit. Used for lottery-ticket rewinding, for storage, and as the
// CLI's saved-model format (docs/checkpoint-format.md).
//
// Layout (little-endian): "PLCK" | u32 version | u32 header bytes | header JSON
// (UTF-8) | zero padding to a multiple of 8 | tensor data. The header lists every
// tensor as { name, dtype: 'f32' | 'u8', length, offset } with offsets into the data.
import { PruneLabError } from '../errors.js';
import { readBuffer, writeView } from '../gpu/index.js';
import type { GpuContext } from '../gpu/context.js';
import { Network, type LayerValues, type OptimizerKind } from './network.js';
import { planModel, type ModelPlan, type ModelSpec } from './spec.js';

export const CHECKPOINT_VERSION = 1;
const MAGIC = 0x4b434c50; // "PLCK"

interface TensorEntry {
  name: string;
  dtype: 'f32' | 'u8';
  /** Written since the header gained it; optional on read (older files lack it), checked when present. */
  shape?: number[];
  length: number;
  offset: number;
}

interface Header {
  version: number;
  spec: ModelSpec;
  optimizer: { kind: OptimizerKind; step: number } | null;
  meta: Record<string, unknown>;
  tensors: TensorEntry[];
}

export interface Checkpoint {
  spec: ModelSpec;
  values: LayerValues[];
  optimizer: { kind: OptimizerKind; step: number; w: Float32Array[][]; b: Float32Array[][] } | null;
  meta: Record<string, unknown>;
}

const OPTIMIZER_SLOTS: Readonly<Record<OptimizerKind, number>> = { sgd: 1, adam: 2 };
const HEADER_KEYS = ['version', 'spec', 'optimizer', 'meta', 'tensors'];
const TENSOR_KEYS = ['name', 'dtype', 'shape', 'length', 'offset'];

function bad(msg: string, field = 'checkpoint'): never {
  throw new PruneLabError('invalid-data', `checkpoint: ${msg}`, field);
}

/** Throws unless `ok`: "<field> must be <expected> (got …)", the field being the culprit's path in the file. */
function need(ok: boolean, field: string, expected: string, got?: unknown): asserts ok {
  if (!ok) bad(`${field} must be ${expected}${got === undefined ? '' : ` (got ${shown(got)})`}`, field);
}

function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object' && v !== null) return 'object';
  return String(v);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Reads the network (and its optimizer state) back from the GPU into a checkpoint buffer. */
export async function saveCheckpoint(net: Network, meta: Record<string, unknown> = {}): Promise<ArrayBuffer> {
  const values = await net.readValues();
  const d = net.ctx.device;
  const opt = net.optimizer;
  const optW = opt ? await Promise.all(opt.w.map((bufs, i) => Promise.all(bufs.map(async (b) => new Float32Array(await readBuffer(d, b, net.layers[i]!.op.weightCount * 4)))))) : [];
  const optB = opt ? await Promise.all(opt.b.map((bufs, i) => Promise.all(bufs.map(async (b) => new Float32Array(await readBuffer(d, b, net.layers[i]!.op.biasCount * 4)))))) : [];
  return encodeCheckpoint({ spec: net.plan.spec, values, optimizer: opt ? { kind: opt.kind, step: opt.step, w: optW, b: optB } : null, meta });
}

/** The tensors a checkpoint of `plan` holds, in file order, with their dtype and shape. */
function expectedTensors(plan: ModelPlan, optimizer: OptimizerKind | null): Array<{ name: string; dtype: 'f32' | 'u8'; shape: number[]; length: number }> {
  const slots = optimizer ? OPTIMIZER_SLOTS[optimizer] : 0;
  return plan.params.flatMap((op) => {
    const w = { shape: [...op.weightShape], length: op.weightCount };
    const b = { shape: [op.biasCount], length: op.biasCount };
    return [
      { name: `${op.name}.weight`, dtype: 'f32' as const, ...w },
      { name: `${op.name}.bias`, dtype: 'f32' as const, ...b },
      { name: `${op.name}.mask`, dtype: 'u8' as const, ...w },
      ...Array.from({ length: slots }, (_, s) => ({ name: `${op.name}.weight.opt${s}`, dtype: 'f32' as const, ...w })),
      ...Array.from({ length: slots }, (_, s) => ({ name: `${op.name}.bias.opt${s}`, dtype: 'f32' as const, ...b })),
    ];
  });
}

export function encodeCheckpoint(c: Checkpoint): ArrayBuffer {
  const plan = planModel(c.spec);
  const want = expectedTensors(plan, c.optimizer?.kind ?? null);
  const data = new Map<string, Float32Array | Uint8Array>();
  plan.params.forEach((op, i) => {
    const v = c.values[i]!;
    data.set(`${op.name}.weight`, v.w).set(`${op.name}.bias`, v.b).set(`${op.name}.mask`, v.mask);
    c.optimizer?.w[i]!.forEach((a, s) => data.set(`${op.name}.weight.opt${s}`, a));
    c.optimizer?.b[i]!.forEach((a, s) => data.set(`${op.name}.bias.opt${s}`, a));
  });
  let off = 0;
  const blobs = want.map((t) => {
    const d = data.get(t.name);
    if (!d || d.length !== t.length) throw new PruneLabError('invalid-argument', `checkpoint: tensor ${t.name} must have ${t.length} values (got ${d?.length ?? 'none'})`, t.name);
    const e: TensorEntry = { name: t.name, dtype: t.dtype, shape: t.shape, length: t.length, offset: off };
    off += pad8(d.byteLength);
    return { entry: e, data: d };
  });
  const tensors = blobs.map((b) => b.entry);
  const header: Header = {
    version: CHECKPOINT_VERSION, spec: c.spec, optimizer: c.optimizer ? { kind: c.optimizer.kind, step: c.optimizer.step } : null, meta: c.meta, tensors,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = pad8(12 + json.length);
  const out = new ArrayBuffer(dataStart + off);
  const view = new DataView(out);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, CHECKPOINT_VERSION, true);
  view.setUint32(8, json.length, true);
  new Uint8Array(out, 12, json.length).set(json);
  blobs.forEach((b) => new Uint8Array(out, dataStart + b.entry.offset, b.data.byteLength).set(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength)));
  return out;
}

/** The spec through the model-spec validator, its errors renamed into the file ("checkpoint.spec.layers[1].units"). */
function planOf(spec: unknown): ModelPlan {
  need(isObject(spec), 'checkpoint.spec', 'a model spec object { input: { C, H, W }, layers: [...] }', spec);
  try {
    return planModel(spec);
  } catch (e) {
    if (e instanceof PruneLabError) {
      const field = `checkpoint.spec${(e.field ?? '').replace(/^model/, '')}`;
      bad(`${field}: ${e.message.replace(/^model\S*\s*/, '')}`, field);
    }
    bad(`checkpoint.spec is not a valid model spec (${e instanceof Error ? e.message : String(e)})`, 'checkpoint.spec');
  }
}

/**
 * Parses and validates a checkpoint buffer (CPU only). Every field is checked
 * before any tensor is copied; each refusal is a PruneLabError('invalid-data')
 * whose `field` is the culprit's path ("checkpoint.tensors[3].offset").
 */
export function decodeCheckpoint(buf: ArrayBuffer): Checkpoint {
  need(buf instanceof ArrayBuffer, 'checkpoint', 'an ArrayBuffer holding a prune-lab checkpoint', buf);
  need(buf.byteLength >= 12, 'checkpoint', 'at least 12 bytes ("PLCK", version, header length)', `${buf.byteLength} bytes`);
  const view = new DataView(buf);
  if (view.getUint32(0, true) !== MAGIC) bad('not a prune-lab checkpoint (magic "PLCK" missing)', 'checkpoint.magic');
  const version = view.getUint32(4, true);
  if (version !== CHECKPOINT_VERSION) bad(`version ${version} is not supported (this build reads version ${CHECKPOINT_VERSION})`, 'checkpoint.version');
  const hlen = view.getUint32(8, true);
  if (12 + hlen > buf.byteLength) bad(`truncated header (${hlen} bytes announced, ${buf.byteLength - 12} present)`, 'checkpoint.headerLength');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(buf, 12, hlen)));
  } catch (e) {
    bad(`header is not valid UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`, 'checkpoint.header');
  }
  need(isObject(raw), 'checkpoint.header', 'a JSON object { version, spec, optimizer, meta, tensors }', raw);
  const h = raw;
  for (const k of Object.keys(h)) need(HEADER_KEYS.includes(k), `checkpoint.${k}`, `absent (header fields: ${HEADER_KEYS.join(', ')})`);
  need(h.version === version, 'checkpoint.header.version', `${version}, the version in bytes 4–7`, h.version);
  const plan = planOf(h.spec);

  const o = h.optimizer;
  need(o === null || isObject(o), 'checkpoint.optimizer', 'null or { kind, step }', o);
  let kind: OptimizerKind | null = null;
  let step = 0;
  if (o) {
    need(typeof o.kind === 'string' && Object.hasOwn(OPTIMIZER_SLOTS, o.kind), 'checkpoint.optimizer.kind', `one of ${Object.keys(OPTIMIZER_SLOTS).join(', ')}`, o.kind);
    need(isCount(o.step), 'checkpoint.optimizer.step', 'an integer ≥ 0', o.step);
    for (const k of Object.keys(o)) need(k === 'kind' || k === 'step', `checkpoint.optimizer.${k}`, 'absent (fields: kind, step)');
    kind = o.kind as OptimizerKind;
    step = o.step;
  }
  need(h.meta === undefined || h.meta === null || isObject(h.meta), 'checkpoint.meta', 'a JSON object (or null, or absent)', h.meta);

  // Every tensor entry: its own fields, then its place in the data section.
  need(Array.isArray(h.tensors), 'checkpoint.tensors', 'an array of { name, dtype, shape?, length, offset }', h.tensors);
  const want = expectedTensors(plan, kind);
  const wantByName = new Map(want.map((t) => [t.name, t]));
  const dataStart = pad8(12 + hlen);
  const dataBytes = Math.max(0, buf.byteLength - dataStart);
  const found = new Map<string, { offset: number; bytes: number; index: number }>();
  const list: unknown[] = h.tensors;
  list.forEach((t, i) => {
    const f = `checkpoint.tensors[${i}]`;
    need(isObject(t), f, 'an object { name, dtype, shape?, length, offset }', t);
    for (const k of Object.keys(t)) need(TENSOR_KEYS.includes(k), `${f}.${k}`, `absent (fields: ${TENSOR_KEYS.join(', ')})`);
    need(typeof t.name === 'string', `${f}.name`, 'a string', t.name);
    const w = wantByName.get(t.name);
    need(w !== undefined, `${f}.name`, `one of the ${want.length} tensors of this model${kind ? ` and its ${kind} state` : ''} (${want.slice(0, 4).map((x) => x.name).join(', ')}, …)`, t.name);
    need(!found.has(t.name), `${f}.name`, `unique (also tensors[${found.get(t.name)?.index}])`, t.name);
    need(t.dtype === w.dtype, `${f}.dtype`, `'${w.dtype}' for ${w.name}`, t.dtype);
    if (t.shape !== undefined) {
      const ok = Array.isArray(t.shape) && t.shape.length === w.shape.length && t.shape.every((d, j) => d === w.shape[j]);
      need(ok, `${f}.shape`, `[${w.shape.join(', ')}] for ${w.name} of this spec`, Array.isArray(t.shape) ? `[${t.shape.slice(0, 8).map(shown).join(', ')}]` : t.shape);
    }
    need(t.length === w.length, `${f}.length`, `${w.length} for ${w.name} of this spec`, t.length);
    const bytes = w.length * (w.dtype === 'f32' ? 4 : 1);
    need(isCount(t.offset) && t.offset % 8 === 0, `${f}.offset`, 'an integer ≥ 0, a multiple of 8 (bytes from the data start)', t.offset);
    need(t.offset + bytes <= dataBytes, `${f}.offset`,
      `at most ${dataBytes - bytes} so that its ${bytes} bytes lie inside the ${dataBytes}-byte data section (the file may be truncated)`, t.offset);
    found.set(t.name, { offset: t.offset, bytes, index: i });
  });
  const missing = want.filter((t) => !found.has(t.name));
  if (missing.length > 0) bad(`tensor ${missing[0]!.name} is missing (${missing.length} of ${want.length} missing)`, 'checkpoint.tensors');
  const spans = [...found.values()].sort((a, b) => a.offset - b.offset);
  spans.forEach((s, j) => {
    const prev = spans[j - 1];
    if (prev && s.offset < prev.offset + prev.bytes) {
      bad(`checkpoint.tensors[${s.index}].offset ${s.offset} overlaps tensors[${prev.index}] (bytes ${prev.offset}–${prev.offset + prev.bytes - 1}); tensors must not overlap`, `checkpoint.tensors[${s.index}].offset`);
    }
  });

  // The values: masks 0/1, every float finite.
  const take = (name: string): Float32Array | Uint8Array => {
    const t = found.get(name)!;
    const copy = buf.slice(dataStart + t.offset, dataStart + t.offset + t.bytes);
    const a = wantByName.get(name)!.dtype === 'f32' ? new Float32Array(copy) : new Uint8Array(copy);
    const f = `checkpoint.tensors[${t.index}]`;
    if (a instanceof Uint8Array) {
      const j = a.findIndex((m) => m > 1);
      if (j >= 0) bad(`${f} (${name}) value ${a[j]} at index ${j} must be 0 or 1 (a mask: 1 = kept)`, f);
    } else {
      const j = a.findIndex((x) => !Number.isFinite(x));
      if (j >= 0) bad(`${f} (${name}) value ${a[j]} at index ${j} must be a finite number`, f);
    }
    return a;
  };
  const values = plan.params.map((op) => ({
    w: take(`${op.name}.weight`) as Float32Array,
    b: take(`${op.name}.bias`) as Float32Array,
    mask: take(`${op.name}.mask`) as Uint8Array,
  }));
  let optimizer: Checkpoint['optimizer'] = null;
  if (kind) {
    const slots = OPTIMIZER_SLOTS[kind];
    optimizer = {
      kind,
      step,
      w: plan.params.map((op) => Array.from({ length: slots }, (_, s) => take(`${op.name}.weight.opt${s}`) as Float32Array)),
      b: plan.params.map((op) => Array.from({ length: slots }, (_, s) => take(`${op.name}.bias.opt${s}`) as Float32Array)),
    };
  }
  return { spec: plan.spec, values, optimizer, meta: (h.meta as Record<string, unknown> | undefined) ?? {} };
}

/** Writes a checkpoint's weights, masks and optimizer state into `net` (same model). */
export function restoreCheckpoint(net: Network, c: Checkpoint): void {
  const a = JSON.stringify(planModel(c.spec).params.map((p) => [p.name, p.weightShape]));
  const b = JSON.stringify(net.plan.params.map((p) => [p.name, p.weightShape]));
  if (a !== b) bad(`its model ${a} does not match this network ${b}`);
  net.writeValues(c.values);
  if (c.optimizer) {
    const st = net.optimizerState(c.optimizer.kind);
    st.step = c.optimizer.step;
    const d = net.ctx.device;
    st.w.forEach((bufs, i) => bufs.forEach((buf, s) => writeView(d, buf, c.optimizer!.w[i]![s]!)));
    st.b.forEach((bufs, i) => bufs.forEach((buf, s) => writeView(d, buf, c.optimizer!.b[i]![s]!)));
  }
}

/** A new network from a checkpoint buffer. */
export function loadNetwork(ctx: GpuContext, buf: ArrayBuffer): { net: Network; checkpoint: Checkpoint } {
  const checkpoint = decodeCheckpoint(buf);
  const net = Network.create(ctx, planModel(checkpoint.spec), { values: checkpoint.values });
  if (checkpoint.optimizer) restoreCheckpoint(net, checkpoint);
  return { net, checkpoint };
}
