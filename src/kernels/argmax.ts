// Wrapper for shaders/argmax.wgsl: pred[b] = argmax logits[b] (ties → lowest class)
// and, with labels and counts, accumulated correct count (counts[0]) and C×C
// confusion matrix (counts[1 + t·C + q]). The kernel never clears counts: the caller
// zeroes them once per evaluation. setParams({ rows, C }) serves a short last batch.
import src from '../../shaders/argmax.wgsl';
import { check } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct, checkInt, checkWorkgroupSize, guardParams } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

type F = 'rows' | 'C';
const SHADER: ShaderDef<F> = {
  label: 'argmax',
  code: src,
  bindings: ['uniform', 'read', 'read', 'storage', 'storage'],
  uniforms: uniformLayout([['rows', 'u32'], ['C', 'u32']] as const),
};

/** Words in the counts buffer for C classes: correct count, then the C×C confusion matrix. */
export function argmaxCountWords(C: number): number {
  return C * C + 1;
}

export interface ArgmaxArgs {
  /** Allocated rows. */
  B: number;
  C: number;
  logits: GPUBuffer;
  /** u32 prediction per row. */
  pred: GPUBuffer;
  /** u32 true class per row; give with counts, or neither for predictions only. */
  labels?: GPUBuffer | undefined;
  /** u32 × argmaxCountWords(C), accumulated. */
  counts?: GPUBuffer | undefined;
  /** Valid rows (default B). */
  rows?: number;
  /** Threads (rows) per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareArgmax(ctx: GpuContext, args: ArgmaxArgs): Promise<BoundKernel<F>> {
  const { B, C } = args;
  const wg = args.workgroupSize ?? 64;
  checkWorkgroupSize(wg);
  checkInt(C, 'C', 1, 46340, '46340 (C·C + 1 words must fit a u32 index)');
  checkInt(B, 'B', 1, Math.floor((2 ** 31 - 1) / C), '(2³¹ − 1)/C');
  const rows = args.rows ?? B;
  const validate = (v: Readonly<Record<F, number>>): void => {
    checkInt(v.C, 'C', C, C, `${C} (as prepared)`);
    checkInt(v.rows, 'rows', 1, B, `B = ${B}`);
  };
  validate({ rows, C });
  const withLabels = args.labels !== undefined || args.counts !== undefined;
  check(!withLabels || args.labels !== undefined, 'labels', 'given when counts is given');
  check(!withLabels || args.counts !== undefined, 'counts', 'given when labels is given');
  checkBuffer(args.logits, 'logits', B * C * 4, 'B·C·4');
  checkBuffer(args.pred, 'pred', B * 4, 'B·4');
  if (withLabels) {
    checkBuffer(args.labels, 'labels', B * 4, 'B·4');
    checkBuffer(args.counts, 'counts', argmaxCountWords(C) * 4, '(C·C + 1)·4');
  }
  checkDistinct({ logits: args.logits, labels: args.labels, pred: args.pred, counts: args.counts });
  const k = await bindKernel(ctx, SHADER, {
    label: args.label ?? `argmax ${B}×${C}`,
    constants: { WG: wg, HAS_LABELS: withLabels },
    params: { rows, C },
    // Without labels, logits stands in for them: two read-only bindings may share a
    // buffer, while ctx.dummy may be bound only once here since counts is writable.
    buffers: [args.logits, args.labels ?? args.logits, args.pred, args.counts ?? ctx.dummy],
    grid: grid1d(B, wg),
  });
  return guardParams(k, validate);
}
