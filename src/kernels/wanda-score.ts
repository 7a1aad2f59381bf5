// Wrapper for shaders/wanda-score.wgsl: S = |W| · ‖X_col‖₂ per weight, from the
// squared input norms that gram-diag accumulated.
import src from '../../shaders/wanda-score.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';
import { checkLayout, type RowLayout } from './row-topk.js';

type Field = 'n' | 'rows' | 'cols' | 'rowStride' | 'colStride';
const def: ShaderDef<Field> = {
  label: 'wanda-score',
  code: src,
  bindings: ['uniform', 'read', 'read', 'storage'],
  uniforms: uniformLayout([['n', 'u32'], ['rows', 'u32'], ['cols', 'u32'], ['rowStride', 'u32'], ['colStride', 'u32']] as const),
};
const WG = 256;

export function prepareWandaScore(ctx: GpuContext, a: RowLayout & { w: GPUBuffer; sumsq: GPUBuffer; scores: GPUBuffer; label?: string }): Promise<BoundKernel<Field>> {
  checkLayout(a);
  const n = a.rows * a.cols;
  checkBuffer(a.w, 'w', n * 4, 'rows·cols·4');
  checkBuffer(a.sumsq, 'sumsq', a.cols * 4, 'cols·4');
  checkBuffer(a.scores, 'scores', n * 4, 'rows·cols·4');
  checkDistinct({ w: a.w, sumsq: a.sumsq, scores: a.scores });
  return bindKernel(ctx, def, {
    label: a.label ?? `wanda-score ${a.rows}×${a.cols}`,
    constants: { WG },
    params: { n, rows: a.rows, cols: a.cols, rowStride: a.rowStride, colStride: a.colStride },
    buffers: [a.w, a.sumsq, a.scores],
    grid: grid1d(n, WG),
  });
}
