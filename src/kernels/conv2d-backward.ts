// Conv2d backward (NCHW, stride S, pads [top, left, bottom, right]), one wrapper per shader:
//   dX = conv_transpose(dY, W⊙M)            conv2d-backward-data
//   dW = Σ_b correlate(X, dY), pruned → 0    conv2d-backward-filter
//   db = Σ_{b,y,x} dY                         conv2d-bias-grad
// Each writes (never accumulates into) its output, over the valid batch rows only.
import dataSrc from '../../shaders/conv2d-backward-data.wgsl';
import filterSrc from '../../shaders/conv2d-backward-filter.wgsl';
import biasSrc from '../../shaders/conv2d-bias-grad.wgsl';
import type { GpuContext } from '../gpu/context.js';
import type { ShaderDef } from './kernel.js';
import { grid1d } from './kernel.js';
import { checkBuffer, checkDistinct } from './args.js';
import { bindBatchedKernel, workgroupSize, type BatchedKernel } from './batched.js';
import { checkConvMask, conv2dLabel, conv2dParams, conv2dUniforms, type Conv2dField, type Conv2dShape } from './conv2d.js';

const backwardData: ShaderDef<Conv2dField> = {
  label: 'conv2d-backward-data',
  code: dataSrc,
  bindings: ['uniform', 'read', 'read', 'storage', 'read'],
  uniforms: conv2dUniforms,
};
const backwardFilter: ShaderDef<Conv2dField> = {
  label: 'conv2d-backward-filter',
  code: filterSrc,
  bindings: ['uniform', 'read', 'read', 'storage', 'read'],
  uniforms: conv2dUniforms,
};
const biasGrad: ShaderDef<Conv2dField> = {
  label: 'conv2d-bias-grad',
  code: biasSrc,
  bindings: ['uniform', 'read', 'storage'],
  uniforms: conv2dUniforms,
};

export interface Conv2dBackwardDataArgs extends Conv2dShape {
  /** Upstream gradient, B×F×OH×OW. */
  dy: GPUBuffer;
  /** Weights, F×C×KH×KW. */
  w: GPUBuffer;
  /** Input gradient (written), B×C×H×W. */
  dx: GPUBuffer;
  /** The forward pass's u8 mask over W (1 = kept). */
  mask?: GPUBuffer | undefined;
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareConv2dBackwardData(ctx: GpuContext, args: Conv2dBackwardDataArgs): Promise<BatchedKernel<Conv2dField>> {
  const params = conv2dParams(args);
  const wg = workgroupSize(args);
  const { B, C, H, W, F, KH, KW, OH, OW } = params;
  checkBuffer(args.dy, 'dy', B * F * OH * OW * 4, 'B·F·OH·OW·4');
  checkBuffer(args.w, 'w', F * C * KH * KW * 4, 'F·C·KH·KW·4');
  checkBuffer(args.dx, 'dx', B * C * H * W * 4, 'B·C·H·W·4');
  checkConvMask(args.mask, F * C * KH * KW);
  checkDistinct({ dy: args.dy, w: args.w, mask: args.mask, dx: args.dx });
  return bindBatchedKernel(ctx, backwardData, {
    label: args.label ?? `conv2d-backward-data ${conv2dLabel(args)}`,
    constants: { WG: wg, HAS_MASK: args.mask !== undefined },
    params,
    buffers: [args.dy, args.w, args.dx, args.mask ?? ctx.dummy],
    grid: (b) => grid1d(b * Math.ceil(C / 4) * H * Math.ceil(W / 4), wg),
  });
}

export interface Conv2dBackwardFilterArgs extends Conv2dShape {
  /** The forward pass's input, B×C×H×W. */
  x: GPUBuffer;
  /** Upstream gradient, B×F×OH×OW. */
  dy: GPUBuffer;
  /** Weight gradient (written), F×C×KH×KW. */
  dw: GPUBuffer;
  /** u8 mask over W (1 = kept): pruned weights get a gradient of exactly 0. */
  mask?: GPUBuffer | undefined;
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareConv2dBackwardFilter(ctx: GpuContext, args: Conv2dBackwardFilterArgs): Promise<BatchedKernel<Conv2dField>> {
  const params = conv2dParams(args);
  const wg = workgroupSize(args);
  const { B, C, H, W, F, KH, KW, OH, OW } = params;
  checkBuffer(args.x, 'x', B * C * H * W * 4, 'B·C·H·W·4');
  checkBuffer(args.dy, 'dy', B * F * OH * OW * 4, 'B·F·OH·OW·4');
  checkBuffer(args.dw, 'dw', F * C * KH * KW * 4, 'F·C·KH·KW·4');
  checkConvMask(args.mask, F * C * KH * KW);
  checkDistinct({ x: args.x, dy: args.dy, mask: args.mask, dw: args.dw });
  // One workgroup per 4 filters × 4 taps: the batch only lengthens each reduction.
  const groups = grid1d(Math.ceil(F / 4) * C * Math.ceil((KH * KW) / 4), 1);
  return bindBatchedKernel(ctx, backwardFilter, {
    label: args.label ?? `conv2d-backward-filter ${conv2dLabel(args)}`,
    constants: { WG: wg, HAS_MASK: args.mask !== undefined },
    params,
    buffers: [args.x, args.dy, args.dw, args.mask ?? ctx.dummy],
    grid: () => groups,
  });
}

export interface Conv2dBiasGradArgs extends Conv2dShape {
  /** Upstream gradient, B×F×OH×OW. */
  dy: GPUBuffer;
  /** Bias gradient (written), [F]. */
  db: GPUBuffer;
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export async function prepareConv2dBiasGrad(ctx: GpuContext, args: Conv2dBiasGradArgs): Promise<BatchedKernel<Conv2dField>> {
  const params = conv2dParams(args);
  const wg = workgroupSize(args);
  const { B, F, OH, OW } = params;
  checkBuffer(args.dy, 'dy', B * F * OH * OW * 4, 'B·F·OH·OW·4');
  checkBuffer(args.db, 'db', F * 4, 'F·4');
  checkDistinct({ dy: args.dy, db: args.db });
  const groups = grid1d(F, 1);
  return bindBatchedKernel(ctx, biasGrad, {
    label: args.label ?? `conv2d-bias-grad ${conv2dLabel(args)}`,
    constants: { WG: wg },
    params,
    buffers: [args.dy, args.db],
    grid: () => groups,
  });
}
