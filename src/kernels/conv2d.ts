// Conv2d forward (stride 1, NCHW): Y = conv(X, W⊙M) [+ bias] [ReLU], plus what the
// conv2d and maxpool2d wrappers share: the conv uniform layout and shape checks, and
// kernels whose valid batch rows B can shrink (a smaller last batch) without rebinding.
import conv2dSrc from '../../shaders/conv2d.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { conv2dGeometry, type Conv2dShape } from '../ref/conv2d.js';
import { maskBytes } from '../ref/mask.js';
import { checkBuffer, checkDistinct, checkInt, checkWorkgroupSize, guardParams } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

export type { Conv2dShape, Conv2dPadding } from '../ref/conv2d.js';

/** Default threads per workgroup of every conv2d and maxpool2d kernel. */
export const CONV_WG = 64;

const FIELDS = ['B', 'C', 'H', 'W', 'F', 'KH', 'KW', 'OH', 'OW', 'PH', 'PW'] as const;
export type Conv2dField = (typeof FIELDS)[number];
/** The Params struct every conv2d shader declares, in this order. */
export const conv2dUniforms = uniformLayout(FIELDS.map((f) => [f, 'u32'] as const));

/** Validates the shape and returns the uniform values (B = the batch capacity). */
export function conv2dParams(s: Conv2dShape): Record<Conv2dField, number> {
  const g = conv2dGeometry(s);
  return { B: s.B, C: s.C, H: s.H, W: s.W, F: s.F, KH: s.KH, KW: s.KW, ...g };
}

/** Throws unless `mask` (when given) holds a packed u8 mask for the F·C·KH·KW weights. */
export function checkConvMask(mask: GPUBuffer | undefined, n: number): void {
  if (mask !== undefined) checkBuffer(mask, 'mask', maskBytes(n), 'ceil(F·C·KH·KW/4)·4');
}

/** Workgroup size from the args (default CONV_WG), checked. */
export function workgroupSize(args: { workgroupSize?: number | undefined }): number {
  const wg = args.workgroupSize ?? CONV_WG;
  checkWorkgroupSize(wg);
  return wg;
}

export interface BatchedKernel<F extends string> extends BoundKernel<F> {
  /** The batch rows the buffers were checked for: the most B can be. */
  readonly capacity: number;
  /** Runs on the first `b` batch rows from the next submit on (uniform B and grid). */
  setBatch(b: number): void;
}

/**
 * bindKernel for a kernel with a uniform B of valid batch rows. setParams accepts
 * only a new B (1 to the capacity; every other value as prepared) and resizes the
 * dispatch with `grid(B)`; setBatch(b) is its shorthand.
 */
export async function bindBatchedKernel<F extends string>(
  ctx: GpuContext,
  def: ShaderDef<F | 'B'>,
  opts: {
    label: string;
    constants: Record<string, number | boolean>;
    params: Readonly<Record<F | 'B', number>>;
    buffers: readonly GPUBuffer[];
    grid: (b: number) => readonly [number, number];
  },
): Promise<BatchedKernel<F | 'B'>> {
  const prepared = opts.params;
  const capacity = prepared.B;
  const validate = (v: Readonly<Record<F | 'B', number>>): void => {
    for (const [f] of def.uniforms.fields) {
      if (f !== 'B') checkInt(v[f], f, prepared[f], prepared[f], `${prepared[f]} (as prepared)`);
    }
    checkInt(v.B, 'B', 1, capacity, `the prepared batch ${capacity}`);
  };
  const k = guardParams(await bindKernel(ctx, def, { ...opts, grid: opts.grid(capacity) }), validate, (v) => opts.grid(v.B));
  return {
    ...k,
    capacity,
    setBatch(b) {
      k.setParams({ ...prepared, B: b });
    },
  };
}

const forward: ShaderDef<Conv2dField> = {
  label: 'conv2d',
  code: conv2dSrc,
  bindings: ['uniform', 'read', 'read', 'storage', 'read', 'read'],
  uniforms: conv2dUniforms,
};

export interface Conv2dArgs extends Conv2dShape {
  /** Input, B×C×H×W. */
  x: GPUBuffer;
  /** Weights, F×C×KH×KW. */
  w: GPUBuffer;
  /** Output, B×F×OH×OW. */
  y: GPUBuffer;
  bias?: GPUBuffer | undefined;
  /** u8 mask over W's layout, 4 per u32 word (1 = kept). */
  mask?: GPUBuffer | undefined;
  relu?: boolean;
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export function conv2dLabel(s: Conv2dShape): string {
  return `${s.B}×${s.C}×${s.H}×${s.W} ∗ ${s.F}×${s.C}×${s.KH}×${s.KW} ${s.padding}`;
}

export async function prepareConv2d(ctx: GpuContext, args: Conv2dArgs): Promise<BatchedKernel<Conv2dField>> {
  const params = conv2dParams(args);
  const wg = workgroupSize(args);
  const { B, C, H, W, F, KH, KW, OH, OW } = params;
  checkBuffer(args.x, 'x', B * C * H * W * 4, 'B·C·H·W·4');
  checkBuffer(args.w, 'w', F * C * KH * KW * 4, 'F·C·KH·KW·4');
  checkBuffer(args.y, 'y', B * F * OH * OW * 4, 'B·F·OH·OW·4');
  if (args.bias !== undefined) checkBuffer(args.bias, 'bias', F * 4, 'F·4');
  checkConvMask(args.mask, F * C * KH * KW);
  checkDistinct({ x: args.x, w: args.w, bias: args.bias, mask: args.mask, y: args.y });
  return bindBatchedKernel(ctx, forward, {
    label: args.label ?? `conv2d ${conv2dLabel(args)}`,
    constants: { WG: wg, HAS_BIAS: args.bias !== undefined, HAS_MASK: args.mask !== undefined, RELU: !!args.relu },
    params,
    buffers: [args.x, args.w, args.y, args.bias ?? ctx.dummy, args.mask ?? ctx.dummy],
    grid: (b) => grid1d(b * Math.ceil(F / 4) * OH * Math.ceil(OW / 4), wg),
  });
}
