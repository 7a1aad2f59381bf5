// MaxPool2d (NCHW, window S×S, stride T (default S), floor mode), one wrapper per shader:
//   forward  Y = window maxima, and the argmax (flat index into X) of each;
//   backward dX = dY routed to those argmaxes and summed where windows overlap, 0
//   elsewhere (every element written). The pool uniform layout lives here; avgpool2d
//   shares it.
import forwardSrc from '../../shaders/maxpool2d.wgsl';
import backwardSrc from '../../shaders/maxpool2d-backward.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { maxPool2dGeometry, type MaxPool2dShape } from '../layout/maxpool2d.js';
import { grid1d, type ShaderDef } from './kernel.js';
import { checkBuffer, checkDistinct } from './args.js';
import { bindBatchedKernel, workgroupSize, type BatchedKernel } from './batched.js';

export type { MaxPool2dShape } from '../layout/maxpool2d.js';

const FIELDS = ['B', 'C', 'H', 'W', 'S', 'OH', 'OW', 'T'] as const;
export type MaxPool2dField = (typeof FIELDS)[number];
/** The Params struct of the four pool shaders (max and average), in this order. */
export const pool2dUniforms = uniformLayout(FIELDS.map((f) => [f, 'u32'] as const));
const uniforms = pool2dUniforms;

const forward: ShaderDef<MaxPool2dField> = {
  label: 'maxpool2d',
  code: forwardSrc,
  bindings: ['uniform', 'read', 'storage', 'storage'],
  uniforms,
};
const backward: ShaderDef<MaxPool2dField> = {
  label: 'maxpool2d-backward',
  code: backwardSrc,
  bindings: ['uniform', 'read', 'read', 'storage'],
  uniforms,
};

/** Validates a pool shape and returns its uniform values (B = the batch capacity). */
export function pool2dParams(s: MaxPool2dShape): Record<MaxPool2dField, number> {
  const g = maxPool2dGeometry(s);
  return { B: s.B, C: s.C, H: s.H, W: s.W, S: s.S, OH: g.OH, OW: g.OW, T: g.T };
}
const params = pool2dParams;

export function pool2dLabel(s: MaxPool2dShape): string {
  return `${s.B}×${s.C}×${s.H}×${s.W} ${s.S}×${s.S}${s.stride !== undefined && s.stride !== s.S ? ` step ${s.stride}` : ''}`;
}
const label = pool2dLabel;

export interface MaxPool2dArgs extends MaxPool2dShape {
  /** Input, B×C×H×W. */
  x: GPUBuffer;
  /** Output, B×C×OH×OW. */
  y: GPUBuffer;
  /** u32 flat index into X of each output's maximum, B×C×OH×OW; omit for inference. */
  argmax?: GPUBuffer | undefined;
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareMaxPool2d(ctx: GpuContext, args: MaxPool2dArgs): Promise<BatchedKernel<MaxPool2dField>> {
  const p = params(args);
  const wg = workgroupSize(args);
  const n = p.B * p.C * p.OH * p.OW;
  checkBuffer(args.x, 'x', p.B * p.C * p.H * p.W * 4, 'B·C·H·W·4');
  checkBuffer(args.y, 'y', n * 4, 'B·C·OH·OW·4');
  if (args.argmax !== undefined) checkBuffer(args.argmax, 'argmax', n * 4, 'B·C·OH·OW·4');
  checkDistinct({ x: args.x, y: args.y, argmax: args.argmax });
  return bindBatchedKernel(ctx, forward, {
    label: args.label ?? `maxpool2d ${label(args)}`,
    constants: { WG: wg, SAVE_ARGMAX: args.argmax !== undefined },
    params: p,
    buffers: [args.x, args.y, args.argmax ?? ctx.dummy],
    grid: (b) => grid1d(b * p.C * p.OH * p.OW, wg),
  });
}

export interface MaxPool2dBackwardArgs extends MaxPool2dShape {
  /** Upstream gradient, B×C×OH×OW. */
  dy: GPUBuffer;
  /** The forward pass's argmax indices (u32), B×C×OH×OW. */
  argmax: GPUBuffer;
  /** Input gradient (written, all of it), B×C×H×W. */
  dx: GPUBuffer;
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareMaxPool2dBackward(ctx: GpuContext, args: MaxPool2dBackwardArgs): Promise<BatchedKernel<MaxPool2dField>> {
  const p = params(args);
  const wg = workgroupSize(args);
  const n = p.B * p.C * p.OH * p.OW;
  checkBuffer(args.dy, 'dy', n * 4, 'B·C·OH·OW·4');
  checkBuffer(args.argmax, 'argmax', n * 4, 'B·C·OH·OW·4');
  checkBuffer(args.dx, 'dx', p.B * p.C * p.H * p.W * 4, 'B·C·H·W·4');
  checkDistinct({ dy: args.dy, argmax: args.argmax, dx: args.dx });
  return bindBatchedKernel(ctx, backward, {
    label: args.label ?? `maxpool2d-backward ${label(args)}`,
    constants: { WG: wg },
    params: p,
    buffers: [args.dy, args.argmax, args.dx],
    grid: (b) => grid1d(b * p.C * p.H * p.W, wg),
  });
}
