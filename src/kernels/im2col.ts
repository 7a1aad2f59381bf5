// Wrappers for shaders/im2col.wgsl and shaders/col2im.wgsl: conv windows (any stride
// and pads) unrolled into (B·OH·OW) × (C·KH·KW) rows, and those rows' gradient summed
// back onto the input. im2col serves the sparse and int8 convs and Wanda/SparseGPT's
// calibration (a conv = rows · Wᵀ) and the im2col training path; it copies 32-bit
// words, so it takes f32 activations or i32 quantized ones alike.
import im2colSrc from '../../shaders/im2col.wgsl';
import col2imSrc from '../../shaders/col2im.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { conv2dGeometry, type Conv2dShape } from '../layout/conv2d.js';
import { checkBuffer, checkDistinct, checkInt } from './args.js';
import { grid1d, type ShaderDef } from './kernel.js';
import { conv2dLabel } from './conv2d.js';
import { bindBatchedKernel, workgroupSize, type BatchedKernel } from './batched.js';

const FIELDS = ['B', 'C', 'H', 'W', 'KH', 'KW', 'OH', 'OW', 'S', 'PT', 'PL'] as const;
export type Im2colField = (typeof FIELDS)[number];
/** The Params struct of im2col.wgsl and col2im.wgsl, in this order. */
const uniforms = uniformLayout(FIELDS.map((f) => [f, 'u32'] as const));
const IM2COL: ShaderDef<Im2colField> = { label: 'im2col', code: im2colSrc, bindings: ['uniform', 'read', 'storage'], uniforms };
const COL2IM: ShaderDef<Im2colField> = { label: 'col2im', code: col2imSrc, bindings: ['uniform', 'read', 'storage'], uniforms };

/** Validates the shape and returns the im2col/col2im uniform values (B = the batch capacity). */
export function im2colParams(s: Conv2dShape): Record<Im2colField, number> {
  const g = conv2dGeometry(s);
  return { B: s.B, C: s.C, H: s.H, W: s.W, KH: s.KH, KW: s.KW, OH: g.OH, OW: g.OW, S: g.S, PT: g.PH, PL: g.PW };
}

/** Words of the im2col result for this shape. */
export function im2colWords(s: Conv2dShape): number {
  const p = im2colParams(s);
  return p.B * p.OH * p.OW * p.C * p.KH * p.KW;
}

export interface Im2colArgs extends Conv2dShape {
  /** B×C×H×W, 32-bit words. */
  x: GPUBuffer;
  /** (B·OH·OW) × (C·KH·KW). */
  cols: GPUBuffer;
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export function prepareIm2col(ctx: GpuContext, a: Im2colArgs): Promise<BatchedKernel<Im2colField>> {
  const p = im2colParams(a);
  const wg = workgroupSize(a);
  const perSample = p.OH * p.OW * p.C * p.KH * p.KW;
  checkInt(p.B * perSample, 'B', 1, 2 ** 31 - 1, 'what keeps B·OH·OW·C·KH·KW below 2³¹');
  checkBuffer(a.x, 'x', p.B * p.C * p.H * p.W * 4, 'B·C·H·W·4');
  checkBuffer(a.cols, 'cols', p.B * perSample * 4, 'B·OH·OW·C·KH·KW·4');
  checkDistinct({ x: a.x, cols: a.cols });
  return bindBatchedKernel(ctx, IM2COL, {
    label: a.label ?? `im2col ${conv2dLabel(a)}`,
    constants: { WG: wg },
    params: p,
    buffers: [a.x, a.cols],
    grid: (b) => grid1d(b * perSample, wg),
  });
}

export interface Col2imArgs extends Conv2dShape {
  /** (B·OH·OW) × (C·KH·KW) f32: the gradient of im2col's rows. */
  dcols: GPUBuffer;
  /** B×C×H×W f32 (written). */
  dx: GPUBuffer;
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

export function prepareCol2im(ctx: GpuContext, a: Col2imArgs): Promise<BatchedKernel<Im2colField>> {
  const p = im2colParams(a);
  const wg = workgroupSize(a);
  const perSample = p.OH * p.OW * p.C * p.KH * p.KW;
  const image = p.C * p.H * p.W;
  checkInt(p.B * Math.max(perSample, image), 'B', 1, 2 ** 31 - 1, 'what keeps B·OH·OW·C·KH·KW and B·C·H·W below 2³¹');
  checkBuffer(a.dcols, 'dcols', p.B * perSample * 4, 'B·OH·OW·C·KH·KW·4');
  checkBuffer(a.dx, 'dx', p.B * image * 4, 'B·C·H·W·4');
  checkDistinct({ dcols: a.dcols, dx: a.dx });
  return bindBatchedKernel(ctx, COL2IM, {
    label: a.label ?? `col2im ${conv2dLabel(a)}`,
    constants: { WG: wg },
    params: p,
    buffers: [a.dcols, a.dx],
    grid: (b) => grid1d(b * image, wg),
  });
}
