// Wrapper for shaders/softmax-xent.wgsl: dLogits = (softmax − onehot)·scale and
// rowLoss = logsumexp − logit[label] over B×C logits. Rows ≥ `rows` get zero
// gradient and loss. setParams({ B, rows, C, scale }) changes rows and scale per batch.
import src from '../../shaders/softmax-xent.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct, checkFinite, checkInt, checkWorkgroupSize, guardParams } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

type F = 'B' | 'rows' | 'C' | 'scale';
const SHADER: ShaderDef<F> = {
  label: 'softmax-xent',
  code: src,
  bindings: ['uniform', 'read', 'read', 'storage', 'storage'],
  uniforms: uniformLayout([['B', 'u32'], ['rows', 'u32'], ['C', 'u32'], ['scale', 'f32']] as const),
};

export interface SoftmaxXentArgs {
  /** Allocated rows. */
  B: number;
  /** Classes. */
  C: number;
  logits: GPUBuffer;
  /** u32 class per row. */
  labels: GPUBuffer;
  dLogits: GPUBuffer;
  rowLoss: GPUBuffer;
  /** Valid rows (default B). */
  rows?: number;
  /** Gradient scale (default 1/rows: the gradient of the mean loss). */
  scale?: number;
  /** Threads (rows) per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareSoftmaxXent(ctx: GpuContext, args: SoftmaxXentArgs): Promise<BoundKernel<F>> {
  const { B, C } = args;
  const wg = args.workgroupSize ?? 64;
  checkWorkgroupSize(wg);
  checkInt(C, 'C', 1, 2 ** 31 - 1, '2³¹ − 1');
  checkInt(B, 'B', 1, Math.floor((2 ** 31 - 1) / C), '(2³¹ − 1)/C');
  const rows = args.rows ?? B;
  const scale = args.scale ?? 1 / rows;
  const validate = (v: Readonly<Record<F, number>>): void => {
    checkInt(v.B, 'B', B, B, `${B} (as prepared)`);
    checkInt(v.C, 'C', C, C, `${C} (as prepared)`);
    checkInt(v.rows, 'rows', 1, B, `B = ${B}`);
    checkFinite(v.scale, 'scale');
  };
  validate({ B, C, rows, scale });
  checkBuffer(args.logits, 'logits', B * C * 4, 'B·C·4');
  checkBuffer(args.labels, 'labels', B * 4, 'B·4');
  checkBuffer(args.dLogits, 'dLogits', B * C * 4, 'B·C·4');
  checkBuffer(args.rowLoss, 'rowLoss', B * 4, 'B·4');
  checkDistinct({ logits: args.logits, labels: args.labels, dLogits: args.dLogits, rowLoss: args.rowLoss });
  const k = await bindKernel(ctx, SHADER, {
    label: args.label ?? `softmax-xent ${B}×${C}`,
    constants: { WG: wg },
    params: { B, rows, C, scale },
    buffers: [args.logits, args.labels, args.dLogits, args.rowLoss],
    grid: grid1d(B, wg),
  });
  return guardParams(k, validate);
}
