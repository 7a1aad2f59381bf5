// Wrapper for shaders/relu-backward.wgsl: dX = dY · [Y > 0] from the forward output
// Y, out of place or in place over dY (dX omitted or dX === dY).
// setParams({ n }) also resizes the dispatch.
import src from '../../shaders/relu-backward.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct, checkInt, checkWorkgroupSize, guardParams } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

const SHADER: ShaderDef<'n'> = {
  label: 'relu-backward',
  code: src,
  bindings: ['uniform', 'read', 'storage', 'storage'],
  uniforms: uniformLayout([['n', 'u32']] as const),
};

export interface ReluBackwardArgs {
  n: number;
  /** The forward output (after ReLU). */
  Y: GPUBuffer;
  dY: GPUBuffer;
  /** The result; omitted or dY itself means in place. */
  dX?: GPUBuffer | undefined;
  /** Threads per workgroup: a power of two up to 256 (default 256). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareReluBackward(ctx: GpuContext, args: ReluBackwardArgs): Promise<BoundKernel<'n'>> {
  const wg = args.workgroupSize ?? 256;
  checkWorkgroupSize(wg);
  const inPlace = args.dX === undefined || args.dX === args.dY;
  checkInt(args.n, 'n', 1, 2 ** 31 - 1, '2³¹ − 1');
  checkBuffer(args.Y, 'Y', args.n * 4, 'n·4');
  checkBuffer(args.dY, 'dY', args.n * 4, 'n·4');
  if (!inPlace) checkBuffer(args.dX, 'dX', args.n * 4, 'n·4');
  checkDistinct({ Y: args.Y, dY: args.dY, dX: inPlace ? undefined : args.dX });
  const cap = Math.min(args.Y.size, args.dY.size, inPlace ? Infinity : args.dX!.size) / 4;
  const validate = (v: { n: number }): void => checkInt(v.n, 'n', 1, cap, `the buffers' ${cap} elements`);
  const k = await bindKernel(ctx, SHADER, {
    label: args.label ?? `relu-backward${inPlace ? ' in place' : ''} n=${args.n}`,
    constants: { WG: wg, IN_PLACE: inPlace },
    params: { n: args.n },
    buffers: [args.Y, args.dY, inPlace ? ctx.dummy : args.dX!],
    grid: grid1d(args.n, wg),
  });
  return guardParams(k, validate, (v) => grid1d(v.n, wg));
}
