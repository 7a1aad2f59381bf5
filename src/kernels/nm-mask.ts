// Wrapper for shaders/nm-mask.wgsl: N:M mask selection of one layer from a score
// per weight (two dispatches: select into scratch, then copy over the mask and count
// the kept weights).
import nmMaskSrc from '../../shaders/nm-mask.wgsl';
import { check, checkDim } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { maskBytes } from '../layout/mask.js';
import { checkNmPattern, type NmPattern } from '../layout/nm.js';
import type { WeightLayout } from '../layout/weights.js';
import { checkBuffer, checkDistinct } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

const WG = 256;
const DEF: ShaderDef<'count' | 'R' | 'C' | 'NK' | 'GM' | 'inOut' | 'rowStride' | 'keptAt'> = {
  label: 'nm-mask',
  code: nmMaskSrc,
  bindings: ['uniform', 'read', 'storage', 'storage', 'storage'],
  uniforms: uniformLayout([['count', 'u32'], ['R', 'u32'], ['C', 'u32'], ['NK', 'u32'], ['GM', 'u32'], ['inOut', 'u32'], ['rowStride', 'u32'], ['keptAt', 'u32']] as const),
};

export interface NmMaskArgs {
  /** f32 per weight (any criterion's scores; |score| is compared). */
  scores: GPUBuffer;
  /** u8-per-weight mask in u32 words: the current mask, rewritten. */
  mask: GPUBuffer;
  /** Scratch of at least maskBytes(rows·cols) bytes for the new mask. */
  scratch: GPUBuffer;
  /** u32 counters: the kept weights of the new mask are added to word `keptAt` (zero it first). */
  kept: GPUBuffer;
  keptAt: number;
  /** Outputs, and inputs per output (a multiple of m). */
  rows: number;
  cols: number;
  layout: WeightLayout;
  pattern: NmPattern;
  label?: string;
}

/** The select and copy dispatches for one layer, in that order. */
export async function prepareNmMaskKernels(ctx: GpuContext, a: NmMaskArgs): Promise<BoundKernel[]> {
  checkNmPattern(a.pattern, 'pattern');
  checkDim(a.rows, 'rows');
  checkDim(a.cols, 'cols');
  check(a.cols % a.pattern.m === 0, 'cols', `a multiple of m = ${a.pattern.m}`, a.cols);
  check(a.layout === 'in-out' || a.layout === 'out-in', 'layout', "'in-out' or 'out-in'", a.layout);
  const count = a.rows * a.cols;
  check(count < 2 ** 31, 'rows', 'with cols, fewer than 2^31 weights', count);
  checkBuffer(a.scores, 'scores', count * 4, 'rows·cols·4');
  checkBuffer(a.mask, 'mask', maskBytes(count), 'maskBytes(rows·cols)');
  checkBuffer(a.scratch, 'scratch', maskBytes(count), 'maskBytes(rows·cols)');
  check(Number.isInteger(a.keptAt) && a.keptAt >= 0, 'keptAt', 'an integer ≥ 0', a.keptAt);
  checkBuffer(a.kept, 'kept', (a.keptAt + 1) * 4, '(keptAt + 1)·4');
  checkDistinct({ scores: a.scores, mask: a.mask, scratch: a.scratch, kept: a.kept });
  const grid = grid1d(Math.ceil(count / 4), WG);
  const label = a.label ?? `nm-mask ${a.pattern.n}:${a.pattern.m} ${a.rows}×${a.cols}`;
  const params = { count, R: a.rows, C: a.cols, NK: a.pattern.n, GM: a.pattern.m, inOut: a.layout === 'in-out' ? 1 : 0, rowStride: grid[0], keptAt: a.keptAt };
  const buffers = [a.scores, a.mask, a.scratch, a.kept];
  const select = await bindKernel(ctx, DEF, { label: `${label} select`, constants: { WG, COPY: false }, params, buffers, grid });
  const copy = await bindKernel(ctx, DEF, { label: `${label} copy`, constants: { WG, COPY: true }, params, buffers, grid });
  return [select, copy];
}
