// Wrappers for the sparse products over sliced-ELL row pieces: shaders/spmm-sell.wgsl
// (f32), shaders/spmm-sell-int8-dot4.wgsl and spmm-sell-int8.wgsl (int8, with and
// without packed dot products), and shaders/spmm-reduce.wgsl, which sums the
// pieces of split rows. A product is one dispatch, or two when rows were split.
import sellSrc from '../../shaders/spmm-sell.wgsl';
import int8Dot4Src from '../../shaders/spmm-sell-int8-dot4.wgsl';
import int8Src from '../../shaders/spmm-sell-int8.wgsl';
import reduceSrc from '../../shaders/spmm-reduce.wgsl';
import { check, checkDim } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct } from './args.js';
import { bindKernel, foldGrid, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

/** What the kernels need to know of a sliced-ELL matrix (src/infer/sell.ts builds them). */
export interface SellShape {
  /** Outputs (R). */
  rows: number;
  /** Columns (K). */
  cols: number;
  pieces: number;
  slice: number;
  slices: number;
  /** Groups of 4 entries, padding included. */
  groups: number;
  /** Some row has several pieces: partial sums and a reduce pass. */
  split: boolean;
}

/** The format on the GPU. `vals` (f32 vec4 per group) or `wq` (4 int8 per group) holds the values. */
export interface SellBuffers {
  /** u16 columns, 4 per group (8 bytes). */
  cols: GPUBuffer;
  /** [sliceStart | pieceRow], u32. */
  sell: GPUBuffer;
  /** [rowPtr | pieceIds], u32 (read only when split). */
  map: GPUBuffer;
  vals?: GPUBuffer | undefined;
  wq?: GPUBuffer | undefined;
  /** f32 per row (int8 only). */
  wScale?: GPUBuffer | undefined;
}

/** int8 product with dot4I8Packed, or unpacking the bytes one by one. */
export type Int8Variant = 'dot4' | 'unpack';

/** True when the context's WGSL (from the GPU object the face handed down) has packed_4x8_integer_dot_product (dot4I8Packed). */
export function hasDot4(ctx: GpuContext): boolean {
  return ctx.wgslLanguageFeatures.has('packed_4x8_integer_dot_product');
}

/** One or more kernels encoded back to back. */
export interface KernelChain {
  readonly kernels: readonly BoundKernel[];
  encode(pass: GPUComputePassEncoder): void;
  release(): void;
}

export function chain(kernels: BoundKernel[]): KernelChain {
  return {
    kernels,
    encode(pass) {
      for (const k of kernels) k.encode(pass);
    },
    release() {
      for (const k of kernels) k.release();
    },
  };
}

type SpmmField = 'M' | 'K' | 'R' | 'P' | 'S' | 'POS' | 'rowOff';
const spmmUniforms = uniformLayout([['M', 'u32'], ['K', 'u32'], ['R', 'u32'], ['P', 'u32'], ['S', 'u32'], ['POS', 'u32'], ['rowOff', 'u32']] as const);
const F32_DEF: ShaderDef<SpmmField> = {
  label: 'spmm-sell',
  code: sellSrc,
  bindings: ['uniform', 'read', 'read', 'read', 'read', 'read', 'storage'],
  uniforms: spmmUniforms,
};
const int8Bindings = ['uniform', 'read', 'read', 'read', 'read', 'read', 'read', 'read', 'storage'] as const;
const INT8_DEFS: Record<Int8Variant, ShaderDef<SpmmField>> = {
  dot4: { label: 'spmm-sell-int8-dot4', code: int8Dot4Src, bindings: int8Bindings, uniforms: spmmUniforms },
  unpack: { label: 'spmm-sell-int8', code: int8Src, bindings: int8Bindings, uniforms: spmmUniforms },
};
const REDUCE_DEF: ShaderDef<'M' | 'R' | 'P' | 'POS' | 'mapOff'> = {
  label: 'spmm-reduce',
  code: reduceSrc,
  bindings: ['uniform', 'read', 'read', 'read', 'storage'],
  uniforms: uniformLayout([['M', 'u32'], ['R', 'u32'], ['P', 'u32'], ['POS', 'u32'], ['mapOff', 'u32']] as const),
};

export interface SpmmArgs {
  /** Rows of X (batch × positions). */
  M: number;
  format: SellShape;
  buffers: SellBuffers;
  /** M × K: f32, or i32 quantized (int8). */
  x: GPUBuffer;
  /** Output, M × R (written NCHW when pos > 1). */
  y: GPUBuffer;
  bias?: GPUBuffer | undefined;
  relu?: boolean;
  /** Rows of X per sample: 1 for a Linear, OH·OW for a conv over im2col rows (default 1). */
  pos?: number;
  /** Scratch of at least M·P f32 for the piece sums; needed when the format is split. */
  partial?: GPUBuffer | undefined;
  /** int8 only: one f32 scale per sample (from quantize-rows). */
  xScale?: GPUBuffer | undefined;
  /** Rows of X per thread, 1 or 4 (default 4 when M ≥ 4). */
  rowsPerThread?: 1 | 4;
  label?: string;
}

/** Bytes of the partial-sum scratch a product of M rows needs (0 when no row is split). */
export function spmmPartialBytes(format: SellShape, M: number): number {
  return format.split ? M * format.pieces * 4 : 0;
}

function checkFormat(f: SellShape): void {
  for (const k of ['rows', 'cols', 'pieces', 'slice', 'slices'] as const) checkDim(f[k], `format.${k}`);
  check(f.pieces >= f.rows, 'format.pieces', `at least format.rows = ${f.rows} (every row has a piece)`, f.pieces);
  check(f.slices === Math.ceil(f.pieces / f.slice), 'format.slices', `ceil(pieces / slice) = ${Math.ceil(f.pieces / f.slice)}`, f.slices);
  check(Number.isInteger(f.groups) && f.groups >= 0, 'format.groups', 'an integer ≥ 0', f.groups);
}

/** The batch arguments every sparse product shares: M rows (a multiple of pos) and 1 or 4 rows per thread. */
export function checkSparseRows(a: { M: number; pos?: number | undefined; rowsPerThread?: number | undefined }): { pos: number; mt: number } {
  checkDim(a.M, 'M');
  const pos = a.pos ?? 1;
  checkDim(pos, 'pos');
  check(a.M % pos === 0, 'M', `a multiple of pos = ${pos}`, a.M);
  const mt = a.rowsPerThread ?? (a.M >= 4 ? 4 : 1);
  check(mt === 1 || mt === 4, 'rowsPerThread', '1 or 4', mt);
  return { pos, mt };
}

async function bindSpmm(ctx: GpuContext, a: SpmmArgs, int8: Int8Variant | undefined): Promise<KernelChain> {
  const f = a.format;
  checkFormat(f);
  const { pos, mt } = checkSparseRows(a);
  const K = f.cols;
  const R = f.rows;
  const P = f.pieces;
  const b = a.buffers;
  checkBuffer(a.x, 'x', a.M * K * 4, 'M·K·4');
  checkBuffer(a.y, 'y', a.M * R * 4, 'M·R·4');
  if (a.bias !== undefined) checkBuffer(a.bias, 'bias', R * 4, 'R·4');
  checkBuffer(b.cols, 'buffers.cols', f.groups * 8, 'groups·8');
  checkBuffer(b.sell, 'buffers.sell', (f.slices + 1 + P) * 4, '(slices + 1 + pieces)·4');
  if (int8) {
    check(K < 133_000, 'format.cols', 'below 133,000 (int8 sums must fit an i32)', K);
    checkBuffer(b.wq, 'buffers.wq', f.groups * 4, 'groups·4');
    checkBuffer(b.wScale, 'buffers.wScale', R * 4, 'R·4');
    checkBuffer(a.xScale, 'xScale', (a.M / pos) * 4, 'samples·4');
  } else {
    checkBuffer(b.vals, 'buffers.vals', f.groups * 16, 'groups·16');
  }
  if (f.split) {
    checkBuffer(a.partial, 'partial', a.M * P * 4, 'M·pieces·4');
    checkBuffer(b.map, 'buffers.map', (R + 1 + P) * 4, '(rows + 1 + pieces)·4');
  }
  checkDistinct({ x: a.x, y: a.y, partial: a.partial, xScale: a.xScale, bias: a.bias, cols: b.cols, sell: b.sell, vals: b.vals, wq: b.wq, wScale: b.wScale });

  const wgx = Math.min(64, Math.max(4, 2 ** Math.ceil(Math.log2(P))));
  const wgy = 64 / wgx;
  const out = f.split ? a.partial! : a.y;
  const label = a.label ?? `spmm${int8 ? `-int8(${int8})` : ''} ${a.M}×${K}·${R} (${P} pieces)`;
  const constants = { WG_X: wgx, WG_Y: wgy, MT: mt, FUSED: !f.split, HAS_BIAS: a.bias !== undefined, RELU: !!a.relu };
  const params = { M: a.M, K, R, P, S: f.slice, POS: pos, rowOff: f.slices + 1 };
  const grid = foldGrid(Math.ceil(P / wgx), Math.ceil(a.M / (mt * wgy)));
  const bias = a.bias ?? ctx.dummy;
  const main = int8
    ? await bindKernel(ctx, INT8_DEFS[int8], { label, constants, params, grid, buffers: [a.x, a.xScale!, b.wq!, b.cols, b.sell, b.wScale!, bias, out] })
    : await bindKernel(ctx, F32_DEF, { label, constants, params, grid, buffers: [a.x, b.vals!, b.cols, b.sell, bias, out] });
  if (!f.split) return chain([main]);
  const reduce = await bindKernel(ctx, REDUCE_DEF, {
    label: `${label} reduce`,
    constants: { WG: 64, HAS_BIAS: a.bias !== undefined, RELU: !!a.relu },
    params: { M: a.M, R, P, POS: pos, mapOff: R + 1 },
    buffers: [a.partial!, b.map, bias, a.y],
    grid: grid1d(a.M * R, 64),
  });
  return chain([main, reduce]);
}

/** Y = X · (W⊙M)ᵀ [+ bias] [ReLU] over the kept weights (f32). */
export function prepareSpmm(ctx: GpuContext, args: SpmmArgs): Promise<KernelChain> {
  return bindSpmm(ctx, args, undefined);
}

/** Y = (Xq · Wqᵀ)·xScale·wScale [+ bias] [ReLU], int8 weights and activations. */
export function prepareSpmmInt8(ctx: GpuContext, args: SpmmArgs & { variant?: Int8Variant }): Promise<KernelChain> {
  const variant = args.variant ?? (hasDot4(ctx) ? 'dot4' : 'unpack');
  check(variant === 'dot4' || variant === 'unpack', 'variant', "'dot4' or 'unpack'", variant);
  if (variant === 'dot4') check(hasDot4(ctx), 'variant', "'unpack' on this device (its WGSL lacks packed_4x8_integer_dot_product)", variant);
  return bindSpmm(ctx, args, variant);
}
