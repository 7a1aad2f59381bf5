// Wrapper for shaders/sgd.wgsl: one torch.optim.SGD step (momentum, dampening 0,
// weight decay, optional Nesterov) over n weights, with an optional u8 mask that
// keeps pruned weights and their velocity exactly 0.
// setParams({ n, lr, momentum, weightDecay }) rewrites lr (schedules) between steps.
import src from '../../shaders/sgd.wgsl';
import { check } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { maskBytes } from '../layout/mask.js';
import { checkBuffer, checkDistinct, checkInt, checkNumber, checkWorkgroupSize, guardParams } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

export type SgdParam = 'n' | 'lr' | 'momentum' | 'weightDecay';
const SHADER: ShaderDef<SgdParam> = {
  label: 'sgd',
  code: src,
  bindings: ['uniform', 'storage', 'read', 'storage', 'read'],
  uniforms: uniformLayout([['n', 'u32'], ['lr', 'f32'], ['momentum', 'f32'], ['weightDecay', 'f32']] as const),
};

export interface SgdArgs {
  n: number;
  w: GPUBuffer;
  grad: GPUBuffer;
  /** Momentum buffer, zero-filled before the first step. */
  v: GPUBuffer;
  /** u8 per weight, 4 per u32 word, 1 = kept (src/ref/mask.ts). */
  mask?: GPUBuffer | undefined;
  lr: number;
  /** μ (default 0). */
  momentum?: number;
  /** λ, L2 added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0, as in torch). */
  nesterov?: boolean;
  /** Threads per workgroup: a power of two up to 256 (default 256). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareSgd(ctx: GpuContext, args: SgdArgs): Promise<BoundKernel<SgdParam>> {
  const { n } = args;
  const wg = args.workgroupSize ?? 256;
  checkWorkgroupSize(wg);
  checkInt(n, 'n', 1, 2 ** 31 - 1, '2³¹ − 1');
  const nesterov = !!args.nesterov;
  const validate = (v: Readonly<Record<SgdParam, number>>): void => {
    checkInt(v.n, 'n', n, n, `${n} (as prepared)`);
    checkNumber(v.lr, 'lr', 0);
    checkNumber(v.momentum, 'momentum', 0);
    checkNumber(v.weightDecay, 'weightDecay', 0);
    check(!nesterov || v.momentum > 0, 'momentum', '> 0 with Nesterov', v.momentum);
  };
  const params = { n, lr: args.lr, momentum: args.momentum ?? 0, weightDecay: args.weightDecay ?? 0 };
  validate(params);
  checkBuffer(args.w, 'w', n * 4, 'n·4');
  checkBuffer(args.grad, 'grad', n * 4, 'n·4');
  checkBuffer(args.v, 'v', n * 4, 'n·4');
  if (args.mask !== undefined) checkBuffer(args.mask, 'mask', maskBytes(n), 'ceil(n/4)·4');
  checkDistinct({ w: args.w, grad: args.grad, v: args.v, mask: args.mask });
  const k = await bindKernel(ctx, SHADER, {
    label: args.label ?? `sgd${nesterov ? ' nesterov' : ''}${args.mask ? ' masked' : ''} n=${n}`,
    constants: { WG: wg, NESTEROV: nesterov, HAS_MASK: args.mask !== undefined },
    params,
    buffers: [args.w, args.grad, args.v, args.mask ?? ctx.dummy],
    grid: grid1d(n, wg),
  });
  return guardParams(k, validate);
}
