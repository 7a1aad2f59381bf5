// Wrapper for shaders/im2col.wgsl: conv windows unrolled into (B·OH·OW) × (C·KH·KW)
// rows, for the sparse and int8 convs (a conv = rows · Wᵀ). Copies 32-bit words, so
// it takes f32 activations or i32 quantized ones alike.
import src from '../../shaders/im2col.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { checkBuffer, checkDistinct, checkInt } from './args.js';
import { grid1d, type ShaderDef } from './kernel.js';
import { bindBatchedKernel, workgroupSize, type BatchedKernel } from './batched.js';
import { conv2dLabel, conv2dParams, conv2dUniforms, type Conv2dField, type Conv2dShape } from './conv2d.js';

const SHADER: ShaderDef<Conv2dField> = { label: 'im2col', code: src, bindings: ['uniform', 'read', 'storage'], uniforms: conv2dUniforms };

export interface Im2colArgs extends Conv2dShape {
  /** B×C×H×W, 32-bit words. */
  x: GPUBuffer;
  /** (B·OH·OW) × (C·KH·KW). */
  cols: GPUBuffer;
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

/** Words of the im2col result for this shape. */
export function im2colWords(s: Conv2dShape): number {
  const p = conv2dParams(s);
  return p.B * p.OH * p.OW * p.C * p.KH * p.KW;
}

export function prepareIm2col(ctx: GpuContext, a: Im2colArgs): Promise<BatchedKernel<Conv2dField>> {
  const p = conv2dParams(a);
  const wg = workgroupSize(a);
  const perSample = p.OH * p.OW * p.C * p.KH * p.KW;
  checkInt(p.B * perSample, 'B', 1, 2 ** 31 - 1, 'what keeps B·OH·OW·C·KH·KW below 2³¹');
  checkBuffer(a.x, 'x', p.B * p.C * p.H * p.W * 4, 'B·C·H·W·4');
  checkBuffer(a.cols, 'cols', p.B * perSample * 4, 'B·OH·OW·C·KH·KW·4');
  checkDistinct({ x: a.x, cols: a.cols });
  return bindBatchedKernel(ctx, SHADER, {
    label: a.label ?? `im2col ${conv2dLabel(a)}`,
    constants: { WG: wg },
    params: p,
    buffers: [a.x, a.cols],
    grid: (b) => grid1d(b * perSample, wg),
  });
}
