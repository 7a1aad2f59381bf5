// Wrapper for shaders/adam.wgsl: one torch.optim.Adam step (L2 in the gradient) or
// AdamW step (decoupled decay) over n weights, with an optional u8 mask that keeps
// pruned weights and both moments exactly 0. The bias corrections of step t are
// computed here on the CPU: setParams(adamParams(n, hyper, t)) before each step.
import src from '../../shaders/adam.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { maskBytes } from '../layout/mask.js';
import { checkBuffer, checkDistinct, checkInt, checkNumber, checkPositive, checkWorkgroupSize, guardParams } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

export type AdamParam = 'n' | 'lr' | 'beta1' | 'beta2' | 'eps' | 'weightDecay' | 'bc1' | 'bc2';
const SHADER: ShaderDef<AdamParam> = {
  label: 'adam',
  code: src,
  bindings: ['uniform', 'storage', 'read', 'storage', 'storage', 'read'],
  uniforms: uniformLayout([
    ['n', 'u32'], ['lr', 'f32'], ['beta1', 'f32'], ['beta2', 'f32'],
    ['eps', 'f32'], ['weightDecay', 'f32'], ['bc1', 'f32'], ['bc2', 'f32'],
  ] as const),
};

export interface AdamHyper {
  lr: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  eps?: number;
  /** λ: L2 for Adam, decoupled decay for AdamW (default 0). */
  weightDecay?: number;
}

/** The uniforms for step t (1-based), with bc1 = 1 − β1^t and bc2 = 1 − β2^t. */
export function adamParams(n: number, h: AdamHyper, step: number): Record<AdamParam, number> {
  checkInt(step, 'step', 1, Number.MAX_SAFE_INTEGER, 'Number.MAX_SAFE_INTEGER');
  const beta1 = h.beta1 ?? 0.9;
  const beta2 = h.beta2 ?? 0.999;
  return {
    n, lr: h.lr, beta1, beta2, eps: h.eps ?? 1e-8, weightDecay: h.weightDecay ?? 0,
    bc1: 1 - beta1 ** step, bc2: 1 - beta2 ** step,
  };
}

export interface AdamArgs extends AdamHyper {
  n: number;
  w: GPUBuffer;
  grad: GPUBuffer;
  /** First moment, zero-filled before step 1. */
  m: GPUBuffer;
  /** Second moment, zero-filled before step 1. */
  v: GPUBuffer;
  /** u8 per weight, 4 per u32 word, 1 = kept (src/ref/mask.ts). */
  mask?: GPUBuffer | undefined;
  /** AdamW: w ← w·(1 − lr·λ) instead of adding λ·w to the gradient. */
  decoupled?: boolean;
  /** The step the first encode performs (default 1). */
  step?: number;
  /** Threads per workgroup: a power of two up to 256 (default 256). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareAdam(ctx: GpuContext, args: AdamArgs): Promise<BoundKernel<AdamParam>> {
  const { n } = args;
  const wg = args.workgroupSize ?? 256;
  checkWorkgroupSize(wg);
  checkInt(n, 'n', 1, 2 ** 31 - 1, '2³¹ − 1');
  const validate = (v: Readonly<Record<AdamParam, number>>): void => {
    checkInt(v.n, 'n', n, n, `${n} (as prepared)`);
    checkNumber(v.lr, 'lr', 0);
    checkNumber(v.beta1, 'beta1', 0, 1);
    checkNumber(v.beta2, 'beta2', 0, 1);
    checkPositive(v.eps, 'eps');
    checkNumber(v.weightDecay, 'weightDecay', 0);
    checkPositive(v.bc1, 'bc1');
    checkPositive(v.bc2, 'bc2');
  };
  const params = adamParams(n, args, args.step ?? 1);
  validate(params);
  checkBuffer(args.w, 'w', n * 4, 'n·4');
  checkBuffer(args.grad, 'grad', n * 4, 'n·4');
  checkBuffer(args.m, 'm', n * 4, 'n·4');
  checkBuffer(args.v, 'v', n * 4, 'n·4');
  if (args.mask !== undefined) checkBuffer(args.mask, 'mask', maskBytes(n), 'ceil(n/4)·4');
  checkDistinct({ w: args.w, grad: args.grad, m: args.m, v: args.v, mask: args.mask });
  const k = await bindKernel(ctx, SHADER, {
    label: args.label ?? `${args.decoupled ? 'adamw' : 'adam'}${args.mask ? ' masked' : ''} n=${n}`,
    constants: { WG: wg, DECOUPLED: !!args.decoupled, HAS_MASK: args.mask !== undefined },
    params,
    buffers: [args.w, args.grad, args.m, args.v, args.mask ?? ctx.dummy],
    grid: grid1d(n, wg),
  });
  return guardParams(k, validate);
}
