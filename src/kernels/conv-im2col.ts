// The conv layer as matmuls over im2col rows (NCHW, any stride and pads): the fast
// path beside the direct conv2d kernels, which stay as its oracle and fallback.
//   forward   rows = im2col(X); Yr = rows · (W⊙M)ᵀ [+ b] [ReLU]; Y = Yrᵀ per sample
//   backward  dYr = dYᵀ per sample; dW = dYrᵀ · rows (pruned → 0); db = Σ dYr;
//             drows = dYr · (W⊙M); dX = col2im(drows)
// Letters: P = OH·OW, K = C·KH·KW. rows is (B·P)×K, Yr/dYr are (B·P)×F. One batched
// matmul covers the whole mini-batch. The backward pass reads the forward's rows and
// then overwrites them with drows, so one rows buffer serves both (the dispatches of
// one pass run in order).
import type { GpuContext } from '../gpu/context.js';
import { conv2dGeometry, type Conv2dShape } from '../layout/conv2d.js';
import { checkConvMask, type Conv2dArgs } from './conv2d.js';
import { checkBuffer, checkDistinct } from './args.js';
import type { BoundKernel } from './kernel.js';
import { prepareMatmul } from './matmul.js';
import { prepareIm2col, prepareCol2im } from './im2col.js';
import { prepareTranspose } from './transpose.js';
import { prepareBiasGrad } from './bias-grad.js';

/** Bytes of the two scratch buffers for this shape: rows ((B·P)×K) and Yr/dYr ((B·P)×F). */
export function convIm2colScratchBytes(s: Conv2dShape): { rows: number; out: number } {
  const { OH, OW } = conv2dGeometry(s);
  const BP = s.B * OH * OW;
  return { rows: BP * s.C * s.KH * s.KW * 4, out: BP * s.F * 4 };
}

export interface ConvIm2colScratch {
  /** (B·P)×K f32: the forward's im2col rows, then the backward's drows. */
  rows: GPUBuffer;
  /** (B·P)×F f32: the forward's Yr, then the backward's dYr. */
  out: GPUBuffer;
}

function checkScratch(s: Conv2dShape, scratch: ConvIm2colScratch): void {
  const need = convIm2colScratchBytes(s);
  checkBuffer(scratch.rows, 'rows', need.rows, 'B·OH·OW·C·KH·KW·4');
  checkBuffer(scratch.out, 'out', need.out, 'B·OH·OW·F·4');
}

export interface ConvIm2colForwardArgs extends Omit<Conv2dArgs, 'workgroupSize'>, ConvIm2colScratch {}

/** The forward pass's kernels, to be encoded in this order. */
export async function prepareConvIm2colForward(ctx: GpuContext, a: ConvIm2colForwardArgs): Promise<BoundKernel[]> {
  const { OH, OW } = conv2dGeometry(a);
  const { B, C, H, W, F, KH, KW } = a;
  const P = OH * OW;
  const K = C * KH * KW;
  checkScratch(a, a);
  checkBuffer(a.x, 'x', B * C * H * W * 4, 'B·C·H·W·4');
  checkBuffer(a.w, 'w', F * K * 4, 'F·C·KH·KW·4');
  checkBuffer(a.y, 'y', B * F * P * 4, 'B·F·OH·OW·4');
  if (a.bias !== undefined) checkBuffer(a.bias, 'bias', F * 4, 'F·4');
  checkConvMask(a.mask, F * K);
  checkDistinct({ x: a.x, w: a.w, bias: a.bias, mask: a.mask, y: a.y, rows: a.rows, out: a.out });
  const label = a.label ?? 'conv im2col';
  return [
    await prepareIm2col(ctx, { ...a, x: a.x, cols: a.rows, label: `${label} im2col` }),
    await prepareMatmul(ctx, { M: B * P, K, N: F, a: a.rows, b: a.w, c: a.out, transB: true, bias: a.bias, mask: a.mask, relu: a.relu, label: `${label} rows·Wᵀ` }),
    await prepareTranspose(ctx, { B, R: P, S: F, x: a.out, y: a.y, label: `${label} to NCHW` }),
  ];
}

export interface ConvIm2colBackwardArgs extends Conv2dShape, ConvIm2colScratch {
  /** Upstream gradient, B×F×OH×OW (after any ReLU backward). */
  dy: GPUBuffer;
  /** Weights, F×C×KH×KW. */
  w: GPUBuffer;
  /** Weight gradient (written), F×C×KH×KW; pruned weights get exactly 0. */
  dw: GPUBuffer;
  /** Bias gradient (written), [F]. */
  db: GPUBuffer;
  /** Input gradient (written), B×C×H×W; omitted for the first layer. */
  dx?: GPUBuffer | undefined;
  /** The forward pass's u8 mask over W (1 = kept). */
  mask?: GPUBuffer | undefined;
  label?: string;
}

/**
 * The backward pass's kernels, in order. `rows` must still hold the forward's
 * im2col rows of this batch when they run (it is overwritten by drows).
 */
export async function prepareConvIm2colBackward(ctx: GpuContext, a: ConvIm2colBackwardArgs): Promise<BoundKernel[]> {
  const { OH, OW } = conv2dGeometry(a);
  const { B, C, H, W, F, KH, KW } = a;
  const P = OH * OW;
  const K = C * KH * KW;
  checkScratch(a, a);
  checkBuffer(a.dy, 'dy', B * F * P * 4, 'B·F·OH·OW·4');
  checkBuffer(a.w, 'w', F * K * 4, 'F·C·KH·KW·4');
  checkBuffer(a.dw, 'dw', F * K * 4, 'F·C·KH·KW·4');
  checkBuffer(a.db, 'db', F * 4, 'F·4');
  if (a.dx !== undefined) checkBuffer(a.dx, 'dx', B * C * H * W * 4, 'B·C·H·W·4');
  checkConvMask(a.mask, F * K);
  checkDistinct({ dy: a.dy, w: a.w, dw: a.dw, db: a.db, dx: a.dx, mask: a.mask, rows: a.rows, out: a.out });
  const label = a.label ?? 'conv im2col';
  const ks: BoundKernel[] = [
    await prepareTranspose(ctx, { B, R: F, S: P, x: a.dy, y: a.out, label: `${label} dY to rows` }),
    await prepareMatmul(ctx, { M: F, K: B * P, N: K, a: a.out, b: a.rows, c: a.dw, transA: true, mask: a.mask, maskOn: 'c', label: `${label} dW` }),
    await prepareBiasGrad(ctx, { B: B * P, N: F, dY: a.out, db: a.db, label: `${label} db` }),
  ];
  if (a.dx) {
    ks.push(await prepareMatmul(ctx, { M: B * P, K: F, N: K, a: a.out, b: a.w, c: a.rows, mask: a.mask, label: `${label} drows` }));
    ks.push(await prepareCol2im(ctx, { ...a, dcols: a.rows, dx: a.dx, label: `${label} col2im` }));
  }
  return ks;
}
