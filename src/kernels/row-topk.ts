// Wrapper for shaders/row-topk.wgsl: exact per-output-row selection over a score
// buffer (Wanda's comparison groups), with the shared tie rule (already-masked
// weights first, then lowest score, then lowest input index). Two dispatches: the
// keys of the current mask, then the new mask.
import src from '../../shaders/row-topk.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { maskBytes } from '../layout/mask.js';
import { check } from '../errors.js';
import { checkBuffer, checkDistinct, checkInt } from './args.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

type Field = 'n' | 'rows' | 'cols' | 'rowStride' | 'colStride' | 'kBase' | 'kExtra' | 'phase';
const def: ShaderDef<Field> = {
  label: 'row-topk',
  code: src,
  bindings: ['uniform', 'read', 'storage', 'storage'],
  uniforms: uniformLayout([['n', 'u32'], ['rows', 'u32'], ['cols', 'u32'], ['rowStride', 'u32'], ['colStride', 'u32'], ['kBase', 'u32'], ['kExtra', 'u32'], ['phase', 'u32']] as const),
};
const WG = 64;

/** Where weight (row, col) of a layer lies in its storage: row·rowStride + col·colStride. */
export interface RowLayout {
  rows: number;
  cols: number;
  rowStride: number;
  colStride: number;
}

export interface RowTopkLayer extends RowLayout {
  /** f32[rows·cols] scores, finite and ≥ 0. */
  scores: GPUBuffer;
  /** u8-per-weight mask, read as the current mask and rewritten. */
  mask: GPUBuffer;
}

export interface RowTopkPlan {
  /** Records both dispatches into an open compute pass. */
  encode(pass: GPUComputePassEncoder): void;
  release(): void;
}

/** k per row for a layer pruning `k` weights in all: ⌊k/rows⌋ each, one more for the first k mod rows rows. */
export function rowCounts(k: number, rows: number): { kBase: number; kExtra: number } {
  return { kBase: Math.floor(k / rows), kExtra: k % rows };
}

/** Prepares the selection of `k` weights of one layer, spread over its rows as rowCounts says. */
export async function prepareRowTopk(ctx: GpuContext, l: RowTopkLayer, k: number): Promise<RowTopkPlan> {
  const n = l.rows * l.cols;
  checkInt(l.rows, 'rows', 1, 2 ** 31 - 1);
  checkInt(l.cols, 'cols', 1, 2 ** 31 - 1);
  checkLayout(l);
  checkInt(k, 'k', 0, n, `rows·cols = ${n}`);
  checkBuffer(l.scores, 'scores', n * 4, 'rows·cols·4');
  checkBuffer(l.mask, 'mask', maskBytes(n), 'ceil(rows·cols/4)·4');
  checkDistinct({ scores: l.scores, mask: l.mask });
  const keys = ctx.pool.storage('row-topk keys', n * 4);
  const { kBase, kExtra } = rowCounts(k, l.rows);
  const base = { n, rows: l.rows, cols: l.cols, rowStride: l.rowStride, colStride: l.colStride, kBase, kExtra };
  const grid = grid1d(Math.ceil(n / 4), WG);
  const kernels: BoundKernel<Field>[] = [];
  try {
    for (const phase of [0, 1]) {
      kernels.push(await bindKernel(ctx, def, { label: `row-topk ${l.rows}×${l.cols} phase ${phase}`, constants: { WG }, params: { ...base, phase }, buffers: [l.scores, l.mask, keys], grid }));
    }
  } catch (e) {
    for (const kn of kernels) kn.release();
    ctx.pool.release(keys);
    throw e;
  }
  return {
    encode(pass) {
      for (const kn of kernels) kn.encode(pass);
    },
    release() {
      for (const kn of kernels) kn.release();
      ctx.pool.release(keys);
    },
  };
}

/** The two layouts the shaders' index arithmetic assumes: K×N storage (Linear) or row-major rows (conv filters). */
export function checkLayout(l: RowLayout): void {
  const ok = (l.rowStride === 1 && l.colStride === l.rows) || (l.rowStride === l.cols && l.colStride === 1);
  check(ok, 'rowStride', '1 with colStride = rows (K×N storage) or cols with colStride = 1 (row-major rows)', l.rowStride);
}
