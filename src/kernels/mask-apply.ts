// Zeroes the pruned entries of a weight (or optimizer-state) buffer in place.
import src from '../../shaders/mask-apply.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { maskBytes } from '../layout/mask.js';
import { checkBuffer, checkInt } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

const WG = 256;
const def: ShaderDef<'n' | 'rowStride'> = {
  label: 'mask-apply',
  code: src,
  bindings: ['uniform', 'storage', 'read'],
  uniforms: uniformLayout([['n', 'u32'], ['rowStride', 'u32']] as const),
};

export async function prepareMaskApply(ctx: GpuContext, args: { n: number; x: GPUBuffer; mask: GPUBuffer; label?: string }): Promise<BoundKernel<'n' | 'rowStride'>> {
  checkInt(args.n, 'n', 1, 2 ** 31 - 1, '2³¹ − 1');
  checkBuffer(args.x, 'x', args.n * 4, 'n·4');
  checkBuffer(args.mask, 'mask', maskBytes(args.n), 'ceil(n/4)·4');
  const grid = grid1d(Math.ceil(args.n / 4), WG);
  return bindKernel(ctx, def, {
    label: args.label ?? `mask-apply n=${args.n}`,
    constants: { WG },
    params: { n: args.n, rowStride: grid[0] },
    buffers: [args.x, args.mask],
    grid,
  });
}
