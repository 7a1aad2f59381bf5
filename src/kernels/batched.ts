// Kernels whose valid batch rows B can shrink (a smaller last batch) without
// rebinding: the conv2d, maxpool2d and im2col wrappers share this.
import type { GpuContext } from '../gpu/context.js';
import { checkInt, checkWorkgroupSize, guardParams } from './args.js';
import { bindKernel, type BoundKernel, type ShaderDef } from './kernel.js';

/** Default threads per workgroup of every conv2d and maxpool2d kernel. */
export const CONV_WG = 64;

/** Workgroup size from the args (default CONV_WG), checked. */
export function workgroupSize(args: { workgroupSize?: number | undefined }): number {
  const wg = args.workgroupSize ?? CONV_WG;
  checkWorkgroupSize(wg);
  return wg;
}

export interface BatchedKernel<F extends string> extends BoundKernel<F> {
  /** The batch rows the buffers were checked for: the most B can be. */
  readonly capacity: number;
  /** Runs on the first `b` batch rows from the next submit on (uniform B and grid). */
  setBatch(b: number): void;
}

/**
 * bindKernel for a kernel with a uniform B of valid batch rows. setParams accepts
 * only a new B (1 to the capacity; every other value as prepared) and resizes the
 * dispatch with `grid(B)`; setBatch(b) is its shorthand.
 */
export async function bindBatchedKernel<F extends string>(
  ctx: GpuContext,
  def: ShaderDef<F | 'B'>,
  opts: {
    label: string;
    constants: Record<string, number | boolean>;
    params: Readonly<Record<F | 'B', number>>;
    buffers: readonly GPUBuffer[];
    grid: (b: number) => readonly [number, number];
  },
): Promise<BatchedKernel<F | 'B'>> {
  const prepared = opts.params;
  const capacity = prepared.B;
  const validate = (v: Readonly<Record<F | 'B', number>>): void => {
    for (const [f] of def.uniforms.fields) {
      if (f !== 'B') checkInt(v[f], f, prepared[f], prepared[f], `${prepared[f]} (as prepared)`);
    }
    checkInt(v.B, 'B', 1, capacity, `the prepared batch ${capacity}`);
  };
  const k = guardParams(await bindKernel(ctx, def, { ...opts, grid: opts.grid(capacity) }), validate, (v) => opts.grid(v.B));
  return {
    ...k,
    capacity,
    setBatch(b) {
      k.setParams({ ...prepared, B: b });
    },
  };
}
