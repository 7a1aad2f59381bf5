// Wrapper for shaders/reduce-sum.wgsl: accum[slot] += Σ x[0..n) in one workgroup,
// so a loss sum accumulates on the GPU across steps and is read back every N steps.
// setParams({ n, slot }) retargets it (a smaller last batch, another slot).
import src from '../../shaders/reduce-sum.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct, checkInt, checkWorkgroupSize, guardParams } from './args.js';
import { bindKernel, type BoundKernel, type ShaderDef } from './kernel.js';

type F = 'n' | 'slot';
const SHADER: ShaderDef<F> = {
  label: 'reduce-sum',
  code: src,
  bindings: ['uniform', 'read', 'storage'],
  uniforms: uniformLayout([['n', 'u32'], ['slot', 'u32']] as const),
};

export interface ReduceSumArgs {
  n: number;
  x: GPUBuffer;
  /** f32 accumulators; the kernel adds into accum[slot] and never clears it. */
  accum: GPUBuffer;
  /** Default 0. */
  slot?: number;
  /** Threads in the one workgroup: a power of two up to 256 (default 256). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareReduceSum(ctx: GpuContext, args: ReduceSumArgs): Promise<BoundKernel<F>> {
  const wg = args.workgroupSize ?? 256;
  checkWorkgroupSize(wg);
  const slot = args.slot ?? 0;
  checkInt(args.n, 'n', 1, 2 ** 31 - 1, '2³¹ − 1');
  checkBuffer(args.x, 'x', args.n * 4, 'n·4');
  checkBuffer(args.accum, 'accum', 4, '4');
  checkDistinct({ x: args.x, accum: args.accum });
  const xCap = args.x.size / 4;
  const slots = Math.floor(args.accum.size / 4);
  const validate = (v: Readonly<Record<F, number>>): void => {
    checkInt(v.n, 'n', 1, xCap, `x's ${xCap} elements`);
    checkInt(v.slot, 'slot', 0, slots - 1, `accum's last word, ${slots - 1}`);
  };
  validate({ n: args.n, slot });
  const k = await bindKernel(ctx, SHADER, {
    label: args.label ?? `reduce-sum n=${args.n}`,
    constants: { WG: wg },
    params: { n: args.n, slot },
    buffers: [args.x, args.accum],
    grid: [1, 1],
  });
  return guardParams(k, validate);
}
