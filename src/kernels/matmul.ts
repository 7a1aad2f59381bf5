// Dense and masked matmul: C = op(A)·op(B) [+ bias] [ReLU], with op = identity or
// transpose, and an optional u8 mask on B fused in (C = A·(W⊙M)).
// Three versions side by side: naive (one output per thread), blocked (4×4 per
// thread, any shape) and vec4 (4×4 per thread with vec4 loads, aligned shapes).
import naiveSrc from '../../shaders/matmul-naive.wgsl';
import blockedSrc from '../../shaders/matmul-blocked.wgsl';
import vec4Src from '../../shaders/matmul-vec4.wgsl';
import { check, checkDim } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { bindKernel, foldGrid, type BoundKernel, type ShaderDef } from './kernel.js';

export type MatmulVariant = 'naive' | 'blocked' | 'vec4';
export const MATMUL_VARIANTS: readonly MatmulVariant[] = ['naive', 'blocked', 'vec4'];

const uniforms = uniformLayout([['M', 'u32'], ['K', 'u32'], ['N', 'u32']] as const);
const bindings = ['uniform', 'read', 'read', 'storage', 'read', 'read'] as const;
const SHADERS: Record<MatmulVariant, ShaderDef<'M' | 'K' | 'N'>> = {
  naive: { label: 'matmul-naive', code: naiveSrc, bindings, uniforms },
  blocked: { label: 'matmul-blocked', code: blockedSrc, bindings, uniforms },
  vec4: { label: 'matmul-vec4', code: vec4Src, bindings, uniforms },
};
const WG = 8;

export interface MatmulArgs {
  M: number;
  K: number;
  N: number;
  a: GPUBuffer;
  b: GPUBuffer;
  c: GPUBuffer;
  bias?: GPUBuffer | undefined;
  /** u8 mask, 4 per u32 word (1 = kept), over B's storage layout (or C's, with maskOn 'c'). */
  mask?: GPUBuffer | undefined;
  /** Which operand the mask multiplies: B (the masked forward, default) or the result C (a masked weight gradient). */
  maskOn?: 'b' | 'c';
  transA?: boolean;
  transB?: boolean;
  relu?: boolean;
  /** Defaults to the fastest version that fits the shape. */
  variant?: MatmulVariant | undefined;
  label?: string;
}

/** True when the vec4 version can run: A's and B's contiguous dimensions are multiples of 4. */
export function vec4Fits(M: number, K: number, N: number, transA = false, transB = false): boolean {
  return (transA ? M : K) % 4 === 0 && (transB ? K : N) % 4 === 0;
}

export function pickMatmulVariant(args: Pick<MatmulArgs, 'M' | 'K' | 'N' | 'transA' | 'transB'>): MatmulVariant {
  return vec4Fits(args.M, args.K, args.N, args.transA, args.transB) ? 'vec4' : 'blocked';
}

export async function prepareMatmul(ctx: GpuContext, args: MatmulArgs): Promise<BoundKernel<'M' | 'K' | 'N'>> {
  const { M, K, N } = args;
  checkDim(M, 'M');
  checkDim(K, 'K');
  checkDim(N, 'N');
  const variant = args.variant ?? pickMatmulVariant(args);
  check(MATMUL_VARIANTS.includes(variant), 'variant', `one of ${MATMUL_VARIANTS.join(', ')}`, variant);
  if (variant === 'vec4') {
    check(vec4Fits(M, K, N, args.transA, args.transB), 'variant', "'naive' or 'blocked' for this shape: vec4 needs A's and B's contiguous dimensions to be multiples of 4", variant);
  }
  check(args.a.size >= M * K * 4, 'a', `a buffer of at least M·K·4 = ${M * K * 4} bytes`, args.a.size);
  check(args.b.size >= K * N * 4, 'b', `a buffer of at least K·N·4 = ${K * N * 4} bytes`, args.b.size);
  check(args.c.size >= M * N * 4, 'c', `a buffer of at least M·N·4 = ${M * N * 4} bytes`, args.c.size);
  if (args.bias) check(args.bias.size >= N * 4, 'bias', `a buffer of at least N·4 = ${N * 4} bytes`, args.bias.size);
  const maskOn = args.maskOn ?? 'b';
  check(maskOn === 'b' || maskOn === 'c', 'maskOn', "'b' or 'c'", maskOn);
  const maskLen = maskOn === 'b' ? K * N : M * N;
  if (args.mask) check(args.mask.size >= Math.ceil(maskLen / 4) * 4, 'mask', `a buffer of at least ceil(${maskOn === 'b' ? 'K' : 'M'}·N/4)·4 bytes`, args.mask.size);
  const per = variant === 'naive' ? 1 : 4;
  return bindKernel(ctx, SHADERS[variant], {
    label: args.label ?? `${variant} ${args.transA ? 'Aᵀ' : 'A'}·${args.transB ? 'Bᵀ' : 'B'} ${M}×${K}×${N}`,
    constants: {
      WG_X: WG,
      WG_Y: WG,
      TRANS_A: !!args.transA,
      TRANS_B: !!args.transB,
      HAS_BIAS: !!args.bias,
      RELU: !!args.relu,
      MASK_B: !!args.mask && maskOn === 'b',
      MASK_C: !!args.mask && maskOn === 'c',
    },
    params: { M, K, N },
    buffers: [args.a, args.b, args.c, args.bias ?? ctx.dummy, args.mask ?? ctx.dummy],
    grid: foldGrid(Math.ceil(N / (per * WG)), Math.ceil(M / (per * WG))),
  });
}
