// AvgPool2d (NCHW, window S×S, stride T (default S), floor mode: ONNX AveragePool
// without padding), one wrapper per shader:
//   forward  Y = window means;
//   backward dX = Σ dY / (S·S) over the windows holding each element, 0 elsewhere
//   (every element written).
import forwardSrc from '../../shaders/avgpool2d.wgsl';
import backwardSrc from '../../shaders/avgpool2d-backward.wgsl';
import type { GpuContext } from '../gpu/context.js';
import type { MaxPool2dShape as AvgPool2dShape } from '../layout/maxpool2d.js';
import { pool2dLabel, pool2dParams, pool2dUniforms, type MaxPool2dField } from './maxpool2d.js';
import { grid1d, type ShaderDef } from './kernel.js';
import { checkBuffer, checkDistinct } from './args.js';
import { bindBatchedKernel, workgroupSize, type BatchedKernel } from './batched.js';

export type { MaxPool2dShape as AvgPool2dShape } from '../layout/maxpool2d.js';

export type AvgPool2dField = MaxPool2dField;
const uniforms = pool2dUniforms;

const forward: ShaderDef<AvgPool2dField> = { label: 'avgpool2d', code: forwardSrc, bindings: ['uniform', 'read', 'storage'], uniforms };
const backward: ShaderDef<AvgPool2dField> = { label: 'avgpool2d-backward', code: backwardSrc, bindings: ['uniform', 'read', 'storage'], uniforms };

interface PoolArgs extends AvgPool2dShape {
  /** Threads per workgroup: a power of two up to 256 (default 64). */
  workgroupSize?: number;
  label?: string;
}

/** One pass of either shader: `from` into `to` (X → Y forward, dY → dX backward), one thread per element of `to`. */
async function prepare(ctx: GpuContext, def: ShaderDef<AvgPool2dField>, args: PoolArgs, io: { from: [string, GPUBuffer]; to: [string, GPUBuffer] }, isBackward: boolean): Promise<BatchedKernel<AvgPool2dField>> {
  const p = pool2dParams(args);
  const wg = workgroupSize(args);
  const small = p.C * p.OH * p.OW;
  const big = p.C * p.H * p.W;
  const [fromName, from] = io.from;
  const [toName, to] = io.to;
  checkBuffer(from, fromName, p.B * (isBackward ? small : big) * 4, isBackward ? 'B·C·OH·OW·4' : 'B·C·H·W·4');
  checkBuffer(to, toName, p.B * (isBackward ? big : small) * 4, isBackward ? 'B·C·H·W·4' : 'B·C·OH·OW·4');
  checkDistinct({ [fromName]: from, [toName]: to });
  const per = isBackward ? big : small;
  return bindBatchedKernel(ctx, def, {
    label: args.label ?? `${def.label} ${pool2dLabel(args)}`,
    constants: { WG: wg },
    params: p,
    buffers: [from, to],
    grid: (b) => grid1d(b * per, wg),
  });
}

export interface AvgPool2dArgs extends PoolArgs {
  /** Input, B×C×H×W. */
  x: GPUBuffer;
  /** Output, B×C×OH×OW. */
  y: GPUBuffer;
}

export function prepareAvgPool2d(ctx: GpuContext, args: AvgPool2dArgs): Promise<BatchedKernel<AvgPool2dField>> {
  return prepare(ctx, forward, args, { from: ['x', args.x], to: ['y', args.y] }, false);
}

export interface AvgPool2dBackwardArgs extends PoolArgs {
  /** Upstream gradient, B×C×OH×OW. */
  dy: GPUBuffer;
  /** Input gradient (written, all of it), B×C×H×W. */
  dx: GPUBuffer;
}

export function prepareAvgPool2dBackward(ctx: GpuContext, args: AvgPool2dBackwardArgs): Promise<BatchedKernel<AvgPool2dField>> {
  return prepare(ctx, backward, args, { from: ['dy', args.dy], to: ['dx', args.dx] }, true);
}
