// Wrapper for shaders/transpose-batched.wgsl: Y[b] = X[b]ᵀ for B row-major R×S
// matrices (the conv im2col path's rows ↔ NCHW).
import src from '../../shaders/transpose-batched.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkDim } from '../errors.js';
import { checkBuffer, checkDistinct, checkInt } from './args.js';
import { grid1d, type ShaderDef } from './kernel.js';
import { bindBatchedKernel, workgroupSize, type BatchedKernel } from './batched.js';

type Field = 'B' | 'R' | 'S';
const SHADER: ShaderDef<Field> = {
  label: 'transpose-batched',
  code: src,
  bindings: ['uniform', 'read', 'storage'],
  uniforms: uniformLayout([['B', 'u32'], ['R', 'u32'], ['S', 'u32']] as const),
};

export interface TransposeArgs {
  B: number;
  R: number;
  S: number;
  /** B×R×S f32. */
  x: GPUBuffer;
  /** B×S×R f32 (written). */
  y: GPUBuffer;
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export function prepareTranspose(ctx: GpuContext, a: TransposeArgs): Promise<BatchedKernel<Field>> {
  for (const f of ['B', 'R', 'S'] as const) checkDim(a[f], f);
  const wg = workgroupSize(a);
  const n = a.R * a.S;
  checkInt(a.B * n, 'B', 1, 2 ** 31 - 1, 'what keeps B·R·S below 2³¹');
  checkBuffer(a.x, 'x', a.B * n * 4, 'B·R·S·4');
  checkBuffer(a.y, 'y', a.B * n * 4, 'B·R·S·4');
  checkDistinct({ x: a.x, y: a.y });
  return bindBatchedKernel(ctx, SHADER, {
    label: a.label ?? `transpose ${a.B}×${a.R}×${a.S}`,
    constants: { WG: wg },
    params: { B: a.B, R: a.R, S: a.S },
    buffers: [a.x, a.y],
    grid: (b) => grid1d(b * n, wg),
  });
}
