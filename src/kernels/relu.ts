// Wrapper for shaders/relu.wgsl: y = max(x, 0) over n elements, out of place or in
// place (y omitted or y === x). setParams({ n }) also resizes the dispatch.
import src from '../../shaders/relu.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkInt, checkWorkgroupSize, guardParams } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

const SHADER: ShaderDef<'n'> = {
  label: 'relu',
  code: src,
  bindings: ['uniform', 'storage', 'storage'],
  uniforms: uniformLayout([['n', 'u32']] as const),
};

export interface ReluArgs {
  n: number;
  x: GPUBuffer;
  /** The output; omitted or x itself means in place. */
  y?: GPUBuffer | undefined;
  /** Threads per workgroup: a power of two up to 256 (default 256). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareRelu(ctx: GpuContext, args: ReluArgs): Promise<BoundKernel<'n'>> {
  const wg = args.workgroupSize ?? 256;
  checkWorkgroupSize(wg);
  const inPlace = args.y === undefined || args.y === args.x;
  checkInt(args.n, 'n', 1, 2 ** 31 - 1, '2³¹ − 1');
  checkBuffer(args.x, 'x', args.n * 4, 'n·4');
  if (!inPlace) checkBuffer(args.y, 'y', args.n * 4, 'n·4');
  const cap = Math.min(args.x.size, inPlace ? Infinity : args.y!.size) / 4;
  const validate = (v: { n: number }): void => checkInt(v.n, 'n', 1, cap, `the buffers' ${cap} elements`);
  const k = await bindKernel(ctx, SHADER, {
    label: args.label ?? `relu${inPlace ? ' in place' : ''} n=${args.n}`,
    constants: { WG: wg, IN_PLACE: inPlace },
    params: { n: args.n },
    buffers: [args.x, inPlace ? ctx.dummy : args.y!],
    grid: grid1d(args.n, wg),
  });
  return guardParams(k, validate, (v) => grid1d(v.n, wg));
}
