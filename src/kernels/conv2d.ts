// Conv2d forward (NCHW, stride S, pads [top, left, bottom, right]): Y = conv(X, W⊙M)
// [+ bias] [ReLU], plus what the conv wrappers share: the conv uniform layout and
// shape checks.
import conv2dSrc from '../../shaders/conv2d.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { conv2dGeometry, type Conv2dShape } from '../layout/conv2d.js';
import { maskBytes } from '../layout/mask.js';
import { checkBuffer, checkDistinct } from './args.js';
import { grid1d, type ShaderDef } from './kernel.js';
import { bindBatchedKernel, workgroupSize, type BatchedKernel } from './batched.js';


export type { Conv2dShape, Conv2dPadding } from '../layout/conv2d.js';

const FIELDS = ['B', 'C', 'H', 'W', 'F', 'KH', 'KW', 'OH', 'OW', 'PH', 'PW', 'S'] as const;
export type Conv2dField = (typeof FIELDS)[number];
/** The Params struct every conv2d shader declares, in this order. */
export const conv2dUniforms = uniformLayout(FIELDS.map((f) => [f, 'u32'] as const));

/** Validates the shape and returns the uniform values (B = the batch capacity). */
export function conv2dParams(s: Conv2dShape): Record<Conv2dField, number> {
  const g = conv2dGeometry(s);
  return { B: s.B, C: s.C, H: s.H, W: s.W, F: s.F, KH: s.KH, KW: s.KW, OH: g.OH, OW: g.OW, PH: g.PH, PW: g.PW, S: g.S };
}

/** Throws unless `mask` (when given) holds a packed u8 mask for the F·C·KH·KW weights. */
export function checkConvMask(mask: GPUBuffer | undefined, n: number): void {
  if (mask !== undefined) checkBuffer(mask, 'mask', maskBytes(n), 'ceil(F·C·KH·KW/4)·4');
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
  const pad = s.pads !== undefined ? `pads ${s.pads.join(',')}` : (s.padding ?? 'valid');
  return `${s.B}×${s.C}×${s.H}×${s.W} ∗ ${s.F}×${s.C}×${s.KH}×${s.KW} ${pad}${(s.stride ?? 1) !== 1 ? ` /${s.stride}` : ''}`;
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
