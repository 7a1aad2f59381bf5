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
import { planModel, type ModelSpec } from './spec.js';

export const CHECKPOINT_VERSION = 1;
const MAGIC = 0x4b434c50; // "PLCK"

interface TensorEntry {
  name: string;
  dtype: 'f32' | 'u8';
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

function bad(msg: string): never {
  throw new PruneLabError('invalid-data', `checkpoint: ${msg}`, 'checkpoint');
}

/** Reads the network (and its optimizer state) back from the GPU into a checkpoint buffer. */
export async function saveCheckpoint(net: Network, meta: Record<string, unknown> = {}): Promise<ArrayBuffer> {
  const values = await net.readValues();
  const d = net.ctx.device;
  const opt = net.optimizer;
  const optW = opt ? await Promise.all(opt.w.map((bufs, i) => Promise.all(bufs.map(async (b) => new Float32Array(await readBuffer(d, b, net.layers[i]!.op.weightCount * 4)))))) : [];
  const optB = opt ? await Promise.all(opt.b.map((bufs, i) => Promise.all(bufs.map(async (b) => new Float32Array(await readBuffer(d, b, net.layers[i]!.op.biasCount * 4)))))) : [];
  return encodeCheckpoint({ spec: net.plan.spec, values, optimizer: opt ? { kind: opt.kind, step: opt.step, w: optW, b: optB } : null, meta });
}

export function encodeCheckpoint(c: Checkpoint): ArrayBuffer {
  const blobs: Array<{ name: string; data: Float32Array | Uint8Array }> = [];
  const plan = planModel(c.spec);
  plan.params.forEach((op, i) => {
    const v = c.values[i]!;
    blobs.push({ name: `${op.name}.weight`, data: v.w }, { name: `${op.name}.bias`, data: v.b }, { name: `${op.name}.mask`, data: v.mask });
    c.optimizer?.w[i]!.forEach((a, s) => blobs.push({ name: `${op.name}.weight.opt${s}`, data: a }));
    c.optimizer?.b[i]!.forEach((a, s) => blobs.push({ name: `${op.name}.bias.opt${s}`, data: a }));
  });
  let off = 0;
  const tensors: TensorEntry[] = blobs.map((b) => {
    const e: TensorEntry = { name: b.name, dtype: b.data instanceof Float32Array ? 'f32' : 'u8', length: b.data.length, offset: off };
    off += Math.ceil(b.data.byteLength / 8) * 8;
    return e;
  });
  const header: Header = {
    version: CHECKPOINT_VERSION, spec: c.spec, optimizer: c.optimizer ? { kind: c.optimizer.kind, step: c.optimizer.step } : null, meta: c.meta, tensors,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((12 + json.length) / 8) * 8;
  const out = new ArrayBuffer(dataStart + off);
  const view = new DataView(out);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, CHECKPOINT_VERSION, true);
  view.setUint32(8, json.length, true);
  new Uint8Array(out, 12, json.length).set(json);
  blobs.forEach((b, i) => new Uint8Array(out, dataStart + tensors[i]!.offset, b.data.byteLength).set(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength)));
  return out;
}

/** Parses and validates a checkpoint buffer (CPU only). */
export function decodeCheckpoint(buf: ArrayBuffer): Checkpoint {
  if (!(buf instanceof ArrayBuffer) || buf.byteLength < 12) bad('too short to be a prune-lab checkpoint');
  const view = new DataView(buf);
  if (view.getUint32(0, true) !== MAGIC) bad('not a prune-lab checkpoint (magic "PLCK" missing)');
  const version = view.getUint32(4, true);
  if (version !== CHECKPOINT_VERSION) bad(`version ${version} is not supported (this build reads version ${CHECKPOINT_VERSION})`);
  const hlen = view.getUint32(8, true);
  if (12 + hlen > buf.byteLength) bad(`truncated header (${hlen} bytes announced, ${buf.byteLength - 12} present)`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 12, hlen))) as Header;
  } catch (e) {
    bad(`header is not valid JSON (${String(e)})`);
  }
  const plan = planModel(header.spec);
  const dataStart = Math.ceil((12 + hlen) / 8) * 8;
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const take = <T extends 'f32' | 'u8'>(name: string, dtype: T, length: number): T extends 'f32' ? Float32Array : Uint8Array => {
    const t = byName.get(name);
    if (!t) bad(`tensor ${name} is missing`);
    if (t.dtype !== dtype || t.length !== length) bad(`tensor ${name} is ${t.dtype}[${t.length}], expected ${dtype}[${length}]`);
    const bytes = length * (dtype === 'f32' ? 4 : 1);
    const start = dataStart + t.offset;
    if (start + bytes > buf.byteLength) bad(`tensor ${name} runs past the end of the file (truncated)`);
    const copy = buf.slice(start, start + bytes);
    return (dtype === 'f32' ? new Float32Array(copy) : new Uint8Array(copy)) as T extends 'f32' ? Float32Array : Uint8Array;
  };
  const values = plan.params.map((op) => ({
    w: take(`${op.name}.weight`, 'f32', op.weightCount),
    b: take(`${op.name}.bias`, 'f32', op.biasCount),
    mask: take(`${op.name}.mask`, 'u8', op.weightCount),
  }));
  let optimizer: Checkpoint['optimizer'] = null;
  if (header.optimizer) {
    const slots = header.optimizer.kind === 'sgd' ? 1 : 2;
    optimizer = {
      kind: header.optimizer.kind,
      step: header.optimizer.step,
      w: plan.params.map((op) => Array.from({ length: slots }, (_, s) => take(`${op.name}.weight.opt${s}`, 'f32', op.weightCount))),
      b: plan.params.map((op) => Array.from({ length: slots }, (_, s) => take(`${op.name}.bias.opt${s}`, 'f32', op.biasCount))),
    };
  }
  return { spec: header.spec, values, optimizer, meta: header.meta ?? {} };
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
