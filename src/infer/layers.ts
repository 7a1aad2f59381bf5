// One prunable layer (Linear or Conv2d) made ready for inference in one of four
// implementations, with what it needs in shared scratch, and bound to any input and
// output buffers. The inference plan strings these together; the chooser times
// them one layer at a time.
//
//   dense   the layer's weights as they are, dense kernels, no mask
//   masked  dense kernels with the mask fused (the reference)
//   sparse  sliced-ELL pieces of the kept weights (conv: im2col first)
//   int8    the same pieces with int8 weights (per-row scales) and activations
//           quantized per sample (quantize-rows)
//   nm      the N:M compressed format (src/layout/nm.ts: n values and packed
//           in-group indices per group of m; conv: im2col first), fixed work per output
import { prepareMatmul } from '../kernels/matmul.js';
import { prepareConv2d } from '../kernels/conv2d.js';
import { prepareIm2col } from '../kernels/im2col.js';
import { prepareQuantizeRows } from '../kernels/quantize.js';
import { chain, prepareSpmm, prepareSpmmInt8, spmmPartialBytes, type Int8Variant, type KernelChain } from '../kernels/spmm.js';
import type { GpuContext } from '../gpu/context.js';
import type { LayerValues, ParamLayer } from '../nn/network.js';
import { convShape, type ParamOp } from '../nn/spec.js';
import { prepareSpmmNm, uploadNm } from '../kernels/spmm-nm.js';
import { buildNm, nmFit, type NmPattern } from '../layout/nm.js';
import { buildSell, uploadSell, type SellMatrix, type SellOptions } from './sell.js';

export type LayerImpl = 'dense' | 'masked' | 'sparse' | 'int8' | 'nm';
export const LAYER_IMPLS: readonly LayerImpl[] = ['dense', 'masked', 'sparse', 'int8', 'nm'];

/** Bytes of shared scratch a layer needs at a batch (each kind is sized to the largest need). */
export interface ScratchNeeds {
  /** im2col rows. */
  cols: number;
  /** Quantized activations (i32). */
  xq: number;
  /** Per-sample activation scales. */
  xScale: number;
  /** Partial sums of split rows. */
  partial: number;
}
export type ScratchBuffers = Record<keyof ScratchNeeds, GPUBuffer>;
export const SCRATCH_KINDS: readonly (keyof ScratchNeeds)[] = ['cols', 'xq', 'xScale', 'partial'];

export interface LayerInfo {
  name: string;
  kind: 'linear' | 'conv2d';
  impl: LayerImpl;
  weights: number;
  /** Kept nonzero weights (all weights for dense). */
  nnz: number;
  /** GPU bytes of the layer's weights as this implementation holds them (weights, indices, scales, bias, mask). */
  modelBytes: number;
  /** Sparse formats: pieces, and whether rows were split. */
  pieces?: number;
  split?: boolean;
  /** nm: the pattern the layer runs at (n = m = 1 when its mask fits none: every weight stored). */
  nm?: NmPattern;
}

export interface PreparedLayer {
  readonly info: LayerInfo;
  readonly op: ParamOp;
  /** Buffers this layer made (released by `release`). */
  readonly owned: GPUBuffer[];
  scratch(B: number): ScratchNeeds;
  /** Binds the layer for B samples from x (B × in) to y (B × out). */
  bind(B: number, x: GPUBuffer, y: GPUBuffer, scratch: ScratchBuffers): Promise<KernelChain>;
  release(): void;
}

export interface LayerOptions {
  sell?: SellOptions;
  int8Variant?: Int8Variant | undefined;
  /** nm: the pattern every layer must fit (default: each layer's tightest, from its mask). */
  nm?: NmPattern | undefined;
}

/** (rows, cols) of the layer as an output-major matrix: Linear N × K, conv F × C·k·k. */
export function layerMatrix(op: ParamOp): { rows: number; cols: number } {
  return op.conv ? { rows: op.conv.F, cols: op.conv.C * op.conv.k * op.conv.k } : { rows: op.out, cols: op.in };
}

function countKept(v: LayerValues): number {
  let n = 0;
  for (let i = 0; i < v.w.length; i++) if (v.mask[i] && v.w[i] !== 0) n++;
  return n;
}

/** True when every weight under a 0 of the mask is exactly 0 (W = W⊙M). */
export function weightsMasked(v: LayerValues): boolean {
  for (let i = 0; i < v.w.length; i++) if (!v.mask[i] && v.w[i] !== 0) return false;
  return true;
}

/**
 * Prepares a layer. dense and masked use the network's buffers (`bakedWeights`
 * makes dense use W⊙M from `values` instead, for layers the chooser keeps dense);
 * sparse, int8 and nm convert `values` on the CPU and upload the format.
 */
export function prepareLayer(
  ctx: GpuContext, layer: ParamLayer, impl: LayerImpl, values: LayerValues | undefined, opts: LayerOptions & { bakedWeights?: boolean } = {},
): PreparedLayer {
  const op = layer.op;
  const pool = ctx.pool;
  const owned: GPUBuffer[] = [];
  const { rows, cols } = layerMatrix(op);
  const base = { name: op.name, kind: op.kind, impl, weights: op.weightCount };
  const biasBytes = layer.b.size;
  const release = (): void => {
    for (const b of owned) pool.release(b);
    owned.length = 0;
  };

  if (impl === 'dense' || impl === 'masked') {
    let w = layer.w;
    if (impl === 'dense' && opts.bakedWeights && values && !weightsMasked(values)) {
      w = pool.upload(`${op.name}.weight⊙mask`, values.w.map((x, j) => (values.mask[j] ? x : 0)));
      owned.push(w);
    }
    const mask = impl === 'masked' ? layer.mask : undefined;
    const info: LayerInfo = { ...base, nnz: impl === 'masked' && values ? countKept(values) : op.weightCount, modelBytes: w.size + biasBytes + (mask?.size ?? 0) };
    return {
      info, op, owned,
      scratch: () => ({ cols: 0, xq: 0, xScale: 0, partial: 0 }),
      async bind(B, x, y) {
        const label = `${op.name} ${impl}`;
        if (op.kind === 'linear') {
          return chain([await prepareMatmul(ctx, { M: B, K: op.in, N: op.out, a: x, b: w, c: y, bias: layer.b, mask, relu: op.relu, label })]);
        }
        return chain([await prepareConv2d(ctx, { ...convShape(op, B), x, w, y, bias: layer.b, mask, relu: op.relu, label })]);
      },
      release,
    };
  }

  // Rows of the product: one per sample (Linear) or per output position (conv).
  const pos = op.conv ? op.conv.OH * op.conv.OW : 1;
  if (impl === 'nm') {
    const layout = op.kind === 'linear' ? 'in-out' : 'out-in';
    const nm = buildNm(values!.w, values!.mask, rows, cols, layout, nmFit(values!.mask, rows, cols, layout, opts.nm, op.name));
    const up = uploadNm(ctx, nm, op.name);
    owned.push(...up.all);
    const info: LayerInfo = { ...base, nnz: countKept(values!), nm: { n: nm.n, m: nm.m }, modelBytes: up.all.reduce((t, b) => t + b.size, 0) + biasBytes };
    return {
      info, op, owned,
      scratch: (B) => ({ cols: op.conv ? B * pos * cols * 4 : 0, xq: 0, xScale: 0, partial: 0 }),
      async bind(B, x, y, scratch) {
        const label = `${op.name} nm ${nm.n}:${nm.m}`;
        const kernels = [];
        let src = x;
        if (op.conv) {
          kernels.push(await prepareIm2col(ctx, { ...convShape(op, B), x, cols: scratch.cols, label: `${label} im2col` }));
          src = scratch.cols;
        }
        const product = await prepareSpmmNm(ctx, { M: B * pos, format: nm, buffers: up, x: src, y, bias: layer.b, relu: op.relu, pos, label });
        kernels.push(...product.kernels);
        return chain(kernels);
      },
      release,
    };
  }

  const int8 = impl === 'int8';
  const sell: SellMatrix = buildSell(values!.w, values!.mask, rows, cols, op.kind === 'linear' ? 'in-out' : 'out-in', { ...opts.sell, int8 });
  const up = uploadSell(ctx, sell, op.name, int8);
  owned.push(...up.all);
  const info: LayerInfo = {
    ...base, nnz: sell.nnz, pieces: sell.pieces, split: sell.split,
    modelBytes: up.all.reduce((t, b) => t + b.size, 0) + biasBytes,
  };
  return {
    info, op, owned,
    scratch: (B) => ({
      cols: op.conv ? B * pos * cols * 4 : 0,
      xq: int8 ? B * op.in * 4 : 0,
      xScale: int8 ? B * 4 : 0,
      partial: spmmPartialBytes(sell, B * pos),
    }),
    async bind(B, x, y, scratch) {
      const label = `${op.name} ${impl}`;
      const kernels = [];
      let src = x;
      if (int8) {
        kernels.push(await prepareQuantizeRows(ctx, { rows: B, n: op.in, x, q: scratch.xq, scale: scratch.xScale, label: `${label} quantize` }));
        src = scratch.xq;
      }
      if (op.conv) {
        kernels.push(await prepareIm2col(ctx, { ...convShape(op, B), x: src, cols: scratch.cols, label: `${label} im2col` }));
        src = scratch.cols;
      }
      const args = { M: B * pos, format: sell, buffers: up, x: src, y, bias: layer.b, relu: op.relu, pos, partial: sell.split ? scratch.partial : undefined, label };
      const product = int8
        ? await prepareSpmmInt8(ctx, { ...args, xScale: scratch.xScale, ...(opts.int8Variant ? { variant: opts.int8Variant } : {}) })
        : await prepareSpmm(ctx, args);
      kernels.push(...product.kernels);
      return chain(kernels);
    },
    release,
  };
}

/** n rounded up to a multiple of 4. */
const ceil4 = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * Widths for running an MLP's dense path with every hidden width padded to a
 * multiple of 4, so the vec4 matmul fits (a structurally shrunk model keeps widths
 * such as 150 and 50, where it would fall back to the blocked kernel). Per Linear
 * layer: padded inputs and outputs; the last layer's outputs (the classes) and the
 * first layer's inputs (the image) stay as they are. Undefined when the model is
 * not an MLP, its input is not a multiple of 4, or nothing needs padding.
 */
export function paddedMlpWidths(ops: readonly { kind: string; in: number; out: number }[]): Array<{ in: number; out: number }> | undefined {
  if (ops.length < 2 || !ops.every((op) => op.kind === 'linear') || ops[0]!.in % 4 !== 0) return undefined;
  const last = ops.length - 1;
  if (ops.slice(0, last).every((op) => op.out % 4 === 0)) return undefined;
  return ops.map((op, i) => ({ in: i === 0 ? op.in : ceil4(ops[i - 1]!.out), out: i === last ? op.out : ceil4(op.out) }));
}

/**
 * A Linear layer's dense implementation (every weight, no mask, as 'dense' is) on a
 * zero-padded copy of W (in × out, padded to `width.in` × `width.out`) and of its
 * bias: the extra outputs are 0 (ReLU keeps them 0) and the extra inputs meet zero
 * rows, so the real outputs are the layer's own.
 */
export function preparePaddedDense(ctx: GpuContext, layer: ParamLayer, values: LayerValues, width: { in: number; out: number }): PreparedLayer {
  const op = layer.op;
  const Kp = width.in;
  const Np = width.out;
  const w = new Float32Array(Kp * Np);
  for (let k = 0; k < op.in; k++) {
    for (let n = 0; n < op.out; n++) {
      w[k * Np + n] = values.w[k * op.out + n]!;
    }
  }
  const b = new Float32Array(Np);
  b.set(values.b);
  const owned = [ctx.pool.upload(`${op.name}.weight padded ${Kp}×${Np}`, w), ctx.pool.upload(`${op.name}.bias padded ${Np}`, b)];
  const info: LayerInfo = { name: op.name, kind: 'linear', impl: 'dense', weights: op.weightCount, nnz: op.weightCount, modelBytes: owned[0]!.size + owned[1]!.size };
  return {
    info, op, owned,
    scratch: () => ({ cols: 0, xq: 0, xScale: 0, partial: 0 }),
    async bind(B, x, y) {
      return chain([await prepareMatmul(ctx, { M: B, K: Kp, N: Np, a: x, b: owned[0]!, c: y, bias: owned[1]!, relu: op.relu, label: `${op.name} dense (padded ${Kp}×${Np})` })]);
    },
    release() {
      for (const buf of owned) ctx.pool.release(buf);
      owned.length = 0;
    },
  };
}

/** Allocates scratch for the largest of `needs` (at least 16 bytes each, so every binding is valid). */
export function allocScratch(ctx: GpuContext, needs: readonly ScratchNeeds[], label: string): ScratchBuffers {
  const size = (k: keyof ScratchNeeds): number => Math.max(16, ...needs.map((n) => n[k]));
  return {
    cols: ctx.pool.storage(`${label} im2col scratch`, size('cols')),
    xq: ctx.pool.storage(`${label} quantized scratch`, size('xq')),
    xScale: ctx.pool.storage(`${label} scale scratch`, size('xScale')),
    partial: ctx.pool.storage(`${label} partial-sum scratch`, size('partial')),
  };
}
