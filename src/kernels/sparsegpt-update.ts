// Wrapper for shaders/sparsegpt-update.wgsl: SparseGPT's lazy batch update
// W[:, i2:] −= E · U[i1:i2, i2:] after each block, on the GPU.
import src from '../../shaders/sparsegpt-update.wgsl';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { checkBuffer, checkDistinct, checkInt } from './args.js';
import { bindKernel, type BoundKernel, type ShaderDef } from './kernel.js';
import { checkLayout, type RowLayout } from './row-topk.js';

type Field = 'rows' | 'K' | 'i1' | 'i2' | 'count' | 'rowStride' | 'colStride';
const def: ShaderDef<Field> = {
  label: 'sparsegpt-update',
  code: src,
  bindings: ['uniform', 'read', 'read', 'storage'],
  uniforms: uniformLayout([['rows', 'u32'], ['K', 'u32'], ['i1', 'u32'], ['i2', 'u32'], ['count', 'u32'], ['rowStride', 'u32'], ['colStride', 'u32']] as const),
};
const WG = 64;

export interface SparseGptUpdate {
  /** Sets the block (columns i1…i2−1) for the next submit and records the update of columns ≥ i2. */
  encode(pass: GPUComputePassEncoder, i1: number, i2: number): void;
  release(): void;
}

/**
 * One kernel per block (uniforms are queued writes, so each block of a submit needs
 * its own): `blocks` lists [i1, i2) for every block that has columns after it.
 */
export async function prepareSparseGptUpdate(
  ctx: GpuContext,
  a: RowLayout & { blockSize: number; e: GPUBuffer; u: GPUBuffer; w: GPUBuffer },
): Promise<SparseGptUpdate> {
  checkLayout(a);
  const K = a.cols;
  checkInt(a.blockSize, 'blockSize', 1, 65535);
  checkInt(K, 'cols', 1, 65535);
  checkBuffer(a.e, 'e', Math.min(a.blockSize, K) * a.rows * 4, 'min(blockSize, cols)·rows·4');
  checkBuffer(a.u, 'u', K * K * 4, 'cols²·4');
  checkBuffer(a.w, 'w', a.rows * K * 4, 'rows·cols·4');
  checkDistinct({ e: a.e, u: a.u, w: a.w });
  const kernels = new Map<number, BoundKernel<Field>>();
  try {
    for (let i1 = 0; i1 + a.blockSize < K; i1 += a.blockSize) {
      const i2 = Math.min(i1 + a.blockSize, K);
      kernels.set(i1, await bindKernel(ctx, def, {
        label: `sparsegpt-update ${a.rows}×${K} block ${i1}…${i2 - 1}`,
        constants: { WG },
        params: { rows: a.rows, K, i1, i2, count: i2 - i1, rowStride: a.rowStride, colStride: a.colStride },
        buffers: [a.e, a.u, a.w],
        grid: [Math.ceil(a.rows / WG), K - i2],
      }));
    }
  } catch (e) {
    for (const k of kernels.values()) k.release();
    throw e;
  }
  return {
    encode(pass, i1, i2) {
      if (i2 >= K) return;
      const k = kernels.get(i1);
      if (!k) throw new Error(`sparsegpt-update: no block at ${i1}`);
      k.encode(pass);
    },
    release() {
      for (const k of kernels.values()) k.release();
    },
  };
}
