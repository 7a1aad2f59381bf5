// Wrapper for shaders/spmm-nm.wgsl: the product over the N:M compressed format
// (src/layout/nm.ts), one dispatch, fixed work per output.
import nmSrc from '../../shaders/spmm-nm.wgsl';
import { check, checkDim } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkNmPattern, nmIndexBits, nmPerWord, type NmMatrix } from '../layout/nm.js';
import { checkBuffer, checkDistinct } from './args.js';
import { bindKernel, foldGrid, type ShaderDef } from './kernel.js';
import { chain, checkSparseRows, type KernelChain } from './spmm.js';

/** What the kernel needs to know of an N:M matrix (the arrays stay on the CPU). */
export type NmShape = Pick<NmMatrix, 'n' | 'm' | 'rows' | 'cols' | 'slots' | 'quads' | 'words'>;

/** The format on the GPU. */
export interface NmBuffers {
  /** quads·4·R f32 (a vec4 per quad of slots). */
  values: GPUBuffer;
  /** words·R u32 of packed in-group indices. */
  index: GPUBuffer;
}

const DEF: ShaderDef<'M' | 'K' | 'R' | 'S' | 'Q' | 'POS'> = {
  label: 'spmm-nm',
  code: nmSrc,
  bindings: ['uniform', 'read', 'read', 'read', 'read', 'storage'],
  uniforms: uniformLayout([['M', 'u32'], ['K', 'u32'], ['R', 'u32'], ['S', 'u32'], ['Q', 'u32'], ['POS', 'u32']] as const),
};

/** Uploads the format's two arrays. */
export function uploadNm(ctx: GpuContext, f: NmMatrix, label: string): NmBuffers & { all: GPUBuffer[] } {
  const values = ctx.pool.upload(`${label} n:m values`, f.values);
  const index = ctx.pool.upload(`${label} n:m indices`, f.index);
  return { values, index, all: [values, index] };
}

export interface SpmmNmArgs {
  /** Rows of X (batch × positions). */
  M: number;
  format: NmShape;
  buffers: NmBuffers;
  /** M × K f32. */
  x: GPUBuffer;
  /** M × R (NCHW when pos > 1). */
  y: GPUBuffer;
  bias?: GPUBuffer | undefined;
  relu?: boolean;
  /** Rows of X per sample: 1 for a Linear, OH·OW for a conv over im2col rows (default 1). */
  pos?: number;
  /** Rows of X per thread, 1 or 4 (default 4 when M ≥ 4). */
  rowsPerThread?: 1 | 4;
  label?: string;
}

/** Y = X · Ŵᵀ [+ bias] [ReLU] over the N:M format. */
export async function prepareSpmmNm(ctx: GpuContext, a: SpmmNmArgs): Promise<KernelChain> {
  const f = a.format;
  checkNmPattern(f, 'format', true);
  checkDim(f.rows, 'format.rows');
  checkDim(f.cols, 'format.cols');
  check(f.cols % f.m === 0, 'format.cols', `a multiple of m = ${f.m}`, f.cols);
  const per = nmPerWord(f.m);
  check(f.slots === (f.cols / f.m) * f.n, 'format.slots', `(cols / m)·n = ${(f.cols / f.m) * f.n}`, f.slots);
  check(f.quads === Math.ceil(f.slots / 4), 'format.quads', `ceil(slots / 4) = ${Math.ceil(f.slots / 4)}`, f.quads);
  check(f.words === Math.ceil(f.slots / per), 'format.words', `ceil(slots / ${per}) = ${Math.ceil(f.slots / per)}`, f.words);
  const { pos, mt } = checkSparseRows(a);
  const { rows: R, cols: K } = f;
  checkBuffer(a.x, 'x', a.M * K * 4, 'M·K·4');
  checkBuffer(a.y, 'y', a.M * R * 4, 'M·R·4');
  if (a.bias !== undefined) checkBuffer(a.bias, 'bias', R * 4, 'R·4');
  checkBuffer(a.buffers.values, 'buffers.values', f.quads * R * 16, 'quads·R·16');
  checkBuffer(a.buffers.index, 'buffers.index', f.words * R * 4, 'words·R·4');
  checkDistinct({ x: a.x, y: a.y, bias: a.bias, values: a.buffers.values, index: a.buffers.index });
  const wgx = Math.min(64, Math.max(4, 2 ** Math.ceil(Math.log2(R))));
  const wgy = 64 / wgx;
  const label = a.label ?? `spmm-nm ${f.n}:${f.m} ${a.M}×${K}·${R}`;
  const k = await bindKernel(ctx, DEF, {
    label,
    constants: { WG_X: wgx, WG_Y: wgy, MT: mt, NK: f.n, GM: f.m, BITS: nmIndexBits(f.m), PER: per, PADDED: f.slots % 4 !== 0, HAS_BIAS: a.bias !== undefined, RELU: !!a.relu },
    params: { M: a.M, K, R, S: f.slots, Q: f.quads, POS: pos },
    grid: foldGrid(Math.ceil(R / wgx), Math.ceil(a.M / (mt * wgy))),
    buffers: [a.x, a.buffers.values, a.buffers.index, a.bias ?? ctx.dummy, a.y],
  });
  return chain([k]);
}
