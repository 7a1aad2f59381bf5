// The fused sparse MLP (shaders/spmlp-fused.wgsl): every Linear layer of an MLP in
// one dispatch, one workgroup per sample, activations in workgroup memory. The
// layers' sliced-ELL formats (one piece per row) are concatenated into one set of
// buffers with a table of per-layer offsets.
import src from '../../shaders/spmlp-fused.wgsl';
import { check } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { bindKernel, type ShaderDef } from '../kernels/kernel.js';
import { chain, type KernelChain } from '../kernels/spmm.js';
import { checkBuffer, checkDistinct } from '../kernels/args.js';
import type { LayerValues } from '../nn/network.js';
import type { ModelPlan } from '../nn/spec.js';
import { buildSell, sellWords, SELL_MAX_COLS, type SellOptions } from './sell.js';
import type { LayerInfo } from './layers.js';

type Field = 'B' | 'K0' | 'layers' | 'C' | 'logitsOff';
const SHADER: ShaderDef<Field> = {
  label: 'spmlp-fused',
  code: src,
  bindings: ['uniform', 'read', 'read', 'read', 'read', 'read', 'read', 'storage', 'storage'],
  uniforms: uniformLayout([['B', 'u32'], ['K0', 'u32'], ['layers', 'u32'], ['C', 'u32'], ['logitsOff', 'u32']] as const),
};
const TABLE_WORDS = 10;
const NONE = 0xffffffff;

/** Why `plan` cannot run fused, or undefined when it can (Linear layers only, activations within workgroup memory). */
export function fusedUnsupported(plan: ModelPlan, maxWorkgroupBytes: number): string | undefined {
  if (!plan.ops.every((op) => op.kind === 'linear')) return 'only MLPs (Linear layers, ReLUs fused) run fused';
  const act = plan.params.reduce((t, op) => t + op.out, 0);
  if (act * 4 > maxWorkgroupBytes) return `its ${act} activations need ${act * 4} bytes of workgroup memory (the device has ${maxWorkgroupBytes})`;
  const wide = plan.params.find((op) => op.in > SELL_MAX_COLS);
  if (wide) return `${wide.name} has ${wide.in} inputs, past the format's u16 columns`;
  return undefined;
}

export interface FusedMlp {
  chain: KernelChain;
  layers: LayerInfo[];
  /** Buffers made here (formats, table, biases). */
  owned: GPUBuffer[];
}

/** Prepares the fused forward of `plan` for B samples: x (B × K0) → logits (B × C) and pred (B u32). */
export async function prepareFusedMlp(
  ctx: GpuContext, plan: ModelPlan, values: LayerValues[], B: number, io: { x: GPUBuffer; logits: GPUBuffer; pred: GPUBuffer },
  opts: { sell?: SellOptions; workgroupSize?: number } = {},
): Promise<FusedMlp> {
  const why = fusedUnsupported(plan, ctx.device.limits.maxComputeWorkgroupStorageSize);
  check(why === undefined, 'path', `'dense', 'masked', 'sparse', 'int8' or 'auto' for this model: ${why}`, 'fused');
  const K0 = plan.params[0]!.in;
  const C = plan.classes;
  checkBuffer(io.x, 'x', B * K0 * 4, 'B·K0·4');
  checkBuffer(io.logits, 'logits', B * C * 4, 'B·C·4');
  checkBuffer(io.pred, 'pred', B * 4, 'B·4');
  checkDistinct({ x: io.x, logits: io.logits, pred: io.pred });
  // One piece per row: the workgroup strides over rows, so splitting buys nothing.
  const formats = plan.params.map((op, i) => buildSell(values[i]!.w, values[i]!.mask, op.out, op.in, 'in-out', { ...opts.sell, maxPiece: Math.ceil(op.in / 4) * 4 }));
  const groups = formats.reduce((t, f) => t + f.groups, 0);
  const vals = new Float32Array(groups * 4);
  const cols = new Uint16Array(groups * 4);
  const words = formats.map((f) => sellWords(f).sell);
  const sell = new Uint32Array(words.reduce((t, w) => t + w.length, 0));
  const bias = new Float32Array(plan.params.reduce((t, op) => t + op.out, 0));
  const table = new Uint32Array(formats.length * TABLE_WORDS);
  let g = 0;
  let so = 0;
  let act = 0;
  plan.params.forEach((op, i) => {
    const f = formats[i]!;
    vals.set(f.values, g * 4);
    cols.set(f.colIdx, g * 4);
    sell.set(words[i]!, so);
    bias.set(values[i]!.b, act);
    table.set([op.in, op.out, f.slice, f.slices, g, so, act, i === 0 ? NONE : act - op.in, act, op.relu ? 1 : 0], i * TABLE_WORDS);
    g += f.groups;
    so += words[i]!.length;
    act += op.out;
  });
  const pool = ctx.pool;
  const owned: GPUBuffer[] = [];
  const wg = opts.workgroupSize ?? 128;
  let kernel;
  try {
    for (const [label, data] of [['values', vals], ['columns', cols], ['layout', sell], ['biases', bias], ['table', table]] as const) owned.push(pool.upload(`fused mlp ${label}`, data));
    kernel = await bindKernel(ctx, SHADER, {
      label: `spmlp-fused ${plan.name} B=${B}`,
      constants: { WG: wg, ACT: act },
      params: { B, K0, layers: formats.length, C, logitsOff: act - C },
      buffers: [io.x, ...owned, io.logits, io.pred],
      grid: [Math.min(B, 65535), Math.ceil(B / 65535)],
    });
  } catch (e) {
    // A buffer over a limit or a validation error: what was made goes back, nothing is half-made.
    for (const b of owned) pool.release(b);
    throw e;
  }
  const layers: LayerInfo[] = plan.params.map((op, i) => ({
    name: op.name, kind: 'linear', impl: 'sparse', weights: op.weightCount, nnz: formats[i]!.nnz, pieces: formats[i]!.pieces, split: false,
    // Its groups (16 bytes of values, 8 of columns), layout words, biases and table row.
    modelBytes: formats[i]!.groups * 24 + words[i]!.length * 4 + op.out * 4 + TABLE_WORDS * 4,
  }));
  return { chain: chain([kernel]), layers, owned };
}
