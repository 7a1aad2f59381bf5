// Thin wrappers over shaders/score-elementwise.wgsl and shaders/score-min.wgsl: the
// per-weight arithmetic of the pruning criteria (abs, products accumulated over
// batches or steps, seeded uniforms, SynFlow's rescaled |W|, movement's shift by the
// minimum). See the shader header for each op's formula.
import src from '../../shaders/score-elementwise.wgsl';
import minSrc from '../../shaders/score-min.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkInt } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

const WG = 256;
export const SCORE_OPS = { abs: 0, accProd: 1, accAbsProd: 2, finishAbs: 3, random: 4, absScale: 5, mulAbs: 6, shift: 7 } as const;
export type ScoreOp = keyof typeof SCORE_OPS;

type Field = 'n' | 'rowStride' | 'scale' | 'seed';
const def: ShaderDef<Field> = {
  label: 'score-elementwise',
  code: src,
  bindings: ['uniform', 'read', 'read', 'storage'],
  uniforms: uniformLayout([['n', 'u32'], ['rowStride', 'u32'], ['scale', 'f32'], ['seed', 'u32']] as const),
};
const minDef: ShaderDef<'n' | 'rowStride'> = {
  label: 'score-min',
  code: minSrc,
  bindings: ['uniform', 'read', 'storage'],
  uniforms: uniformLayout([['n', 'u32'], ['rowStride', 'u32']] as const),
};

/** Which inputs each op reads (the rest are bound to the context's dummy buffer). */
const READS: Record<ScoreOp, { a: boolean; b: boolean }> = {
  abs: { a: true, b: false }, accProd: { a: true, b: true }, accAbsProd: { a: true, b: true }, finishAbs: { a: false, b: false },
  random: { a: false, b: false }, absScale: { a: true, b: false }, mulAbs: { a: true, b: false }, shift: { a: false, b: true },
};

export interface ScoreOpArgs {
  op: ScoreOp;
  n: number;
  a?: GPUBuffer;
  /** f32[n], or for 'shift' the one-word ordered minimum key written by prepareScoreMin. */
  b?: GPUBuffer;
  out: GPUBuffer;
  scale?: number;
  seed?: number;
  label?: string;
}

export async function prepareScoreOp(ctx: GpuContext, args: ScoreOpArgs): Promise<BoundKernel<Field>> {
  checkInt(args.n, 'n', 1, 2 ** 31 - 1, '2³¹ − 1');
  const reads = READS[args.op];
  if (reads.a) checkBuffer(args.a, 'a', args.n * 4, 'n·4');
  if (reads.b) checkBuffer(args.b, 'b', args.op === 'shift' ? 4 : args.n * 4, args.op === 'shift' ? '4' : 'n·4');
  checkBuffer(args.out, 'out', args.n * 4, 'n·4');
  const grid = grid1d(args.n, WG);
  return bindKernel(ctx, def, {
    label: args.label ?? `score ${args.op} n=${args.n}`,
    constants: { WG, OP: SCORE_OPS[args.op] },
    params: { n: args.n, rowStride: grid[0], scale: args.scale ?? 1, seed: (args.seed ?? 0) >>> 0 },
    buffers: [reads.a ? args.a! : ctx.dummy, reads.b ? args.b! : ctx.dummy, args.out],
    grid,
  });
}

/** atomicMin of the ordered keys of x[0..n) into minKey[0] (which must start at 0xffffffff). */
export async function prepareScoreMin(ctx: GpuContext, args: { n: number; x: GPUBuffer; minKey: GPUBuffer; label?: string }): Promise<BoundKernel<'n' | 'rowStride'>> {
  checkInt(args.n, 'n', 1, 2 ** 31 - 1, '2³¹ − 1');
  checkBuffer(args.x, 'x', args.n * 4, 'n·4');
  checkBuffer(args.minKey, 'minKey', 4, '4');
  const grid = grid1d(args.n, WG);
  return bindKernel(ctx, minDef, {
    label: args.label ?? `score-min n=${args.n}`,
    constants: { WG },
    params: { n: args.n, rowStride: grid[0] },
    buffers: [args.x, args.minKey],
    grid,
  });
}
