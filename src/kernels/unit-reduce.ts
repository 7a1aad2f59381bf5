// Wrapper for shaders/unit-reduce.wgsl: one sum per unit (|x|, x² or x) over a
// strided slice of a weight tensor, the reductions behind the unit criteria (L1, L2,
// norm product, unit Taylor) of src/prune/structured.ts. Several reductions write
// into one output buffer at their own offsets, so a whole model's unit sums come
// back in one readback.
import src from '../../shaders/unit-reduce.wgsl';
import { check } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct, checkInt, checkWorkgroupSize } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

export const UNIT_REDUCE_OPS = { abs: 0, square: 1, sum: 2 } as const;
export type UnitReduceOp = keyof typeof UNIT_REDUCE_OPS;

type F = 'U' | 'A' | 'B' | 'su' | 'sa' | 'outOffset' | 'rowStride';
const SHADER: ShaderDef<F> = {
  label: 'unit-reduce',
  code: src,
  bindings: ['uniform', 'read', 'storage'],
  uniforms: uniformLayout([['U', 'u32'], ['A', 'u32'], ['B', 'u32'], ['su', 'u32'], ['sa', 'u32'], ['outOffset', 'u32'], ['rowStride', 'u32']] as const),
};

/** Where unit u's terms lie: x[u·unitStride + a·outerStride + b] for a < outer, b < inner. */
export interface UnitSlices {
  units: number;
  outer: number;
  inner: number;
  unitStride: number;
  outerStride: number;
}

export interface UnitReduceArgs extends UnitSlices {
  op: UnitReduceOp;
  x: GPUBuffer;
  /** f32; the kernel writes out[outOffset + u] for u < units. */
  out: GPUBuffer;
  /** Default 0. */
  outOffset?: number;
  /**
   * Threads per unit's workgroup: a power of two up to 256. Default 8: the slices are
   * short (hundreds to a few thousand terms) and the tree's barriers dominate on a
   * software adapter (SwiftShader, LeNet-300-100's fc1, 300 units × 784 terms: about
   * 4–5 ms at 4–8 threads, 25 ms at 64); on a GPU the whole model is microseconds either way.
   */
  workgroupSize?: number;
  label?: string;
}

/** Elements of x that unit slices reach: (U−1)·su + (A−1)·sa + B. */
export function sliceExtent(s: UnitSlices): number {
  return (s.units - 1) * s.unitStride + (s.outer - 1) * s.outerStride + s.inner;
}

export async function prepareUnitReduce(ctx: GpuContext, args: UnitReduceArgs): Promise<BoundKernel<F>> {
  const wg = args.workgroupSize ?? 8;
  checkWorkgroupSize(wg);
  const big = 2 ** 31 - 1;
  check(Object.hasOwn(UNIT_REDUCE_OPS, args.op), 'op', `one of ${Object.keys(UNIT_REDUCE_OPS).join(', ')}`, args.op);
  checkInt(args.units, 'units', 1, big, '2³¹ − 1');
  checkInt(args.outer, 'outer', 1, big, '2³¹ − 1');
  checkInt(args.inner, 'inner', 1, big, '2³¹ − 1');
  checkInt(args.outer * args.inner, 'inner', 1, big, '(2³¹ − 1) / outer');
  checkInt(args.unitStride, 'unitStride', 0, big, '2³¹ − 1');
  checkInt(args.outerStride, 'outerStride', 0, big, '2³¹ − 1');
  const outOffset = args.outOffset ?? 0;
  checkInt(outOffset, 'outOffset', 0, big, '2³¹ − 1');
  const extent = sliceExtent(args);
  checkInt(extent, 'x', 1, big, '2³¹ − 1 elements');
  checkBuffer(args.x, 'x', extent * 4, '((units−1)·unitStride + (outer−1)·outerStride + inner)·4');
  checkBuffer(args.out, 'out', (outOffset + args.units) * 4, '(outOffset + units)·4');
  checkDistinct({ x: args.x, out: args.out });
  const grid = grid1d(args.units, 1);
  return bindKernel(ctx, SHADER, {
    label: args.label ?? `unit-reduce ${args.op} U=${args.units}`,
    constants: { WG: wg, OP: UNIT_REDUCE_OPS[args.op] },
    params: { U: args.units, A: args.outer, B: args.inner, su: args.unitStride, sa: args.outerStride, outOffset, rowStride: grid[0] },
    buffers: [args.x, args.out],
    grid,
  });
}
