// N:M semi-structured masks on the GPU from any criterion's score buffer: in every
// group of m consecutive weights along an output's input dimension (a Linear's K,
// strided in its K×N storage; a conv filter's C·k·k, contiguous), the n highest
// scores are kept (shaders/nm-mask.wgsl; oracle src/ref/nm.ts).
//
// Tie rule (the top-k's): among equal scores the lowest in-group index is pruned
// first. Already-masked weights count as the lowest scores and stay pruned, so a
// group that already had more than m − n pruned keeps fewer than n; otherwise every
// group keeps exactly n. Masks only: zeroing the pruned weights and optimizer state
// is the caller's (Network.encodeMaskApply).
import { check, checkDim } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { maskBytes } from '../layout/mask.js';
import { checkNmPattern, checkNmShape } from '../layout/nm.js';
import type { WeightLayout } from '../layout/weights.js';
import type { ParamOp } from '../nn/spec.js';
import { prepareNmMaskKernels } from '../kernels/nm-mask.js';
import type { BoundKernel } from '../kernels/kernel.js';
import { readBuffer } from '../gpu/readback.js';

export { checkNmShape } from '../layout/nm.js';

export interface NmLayer {
  /** f32 per weight, ≥ 0 (|score| is compared). */
  scores: GPUBuffer;
  /** The layer's u8-per-weight mask (u32 words): read as the current mask, rewritten. */
  mask: GPUBuffer;
  /** Outputs (Linear out, conv filters F) and inputs per output (Linear in, conv C·k·k). */
  rows: number;
  cols: number;
  /** How the weights are stored: 'in-out' (Linear K×N) or 'out-in' (conv F×C·k·k). */
  layout: WeightLayout;
}

/** rows, cols and layout of a prunable op, for an NmLayer. */
export function nmLayerShape(op: ParamOp): Pick<NmLayer, 'rows' | 'cols' | 'layout'> {
  return op.conv
    ? { rows: op.conv.F, cols: op.conv.C * op.conv.k * op.conv.k, layout: 'out-in' }
    : { rows: op.out, cols: op.in, layout: 'in-out' };
}

export interface NmMaskPlan {
  /**
   * Records the selection of every layer into an open compute pass (masks rewritten
   * in place), and queues the zeroing of the kept counters (so submit the pass's
   * commands before encoding again).
   */
  encode(pass: GPUComputePassEncoder): void;
  /** Per layer, the weights the new masks keep (read after the submit that ran `encode`). */
  readKept(): Promise<number[]>;
  release(): void;
}

/**
 * Prepares N:M selection over `layers` at n:m. Every argument is checked before any
 * GPU work: the pattern (field 'nm'), each layer's shape (`layers[i]`: its inputs
 * per output a multiple of m) and buffers.
 */
export async function prepareNmMasks(ctx: GpuContext, layers: readonly NmLayer[], n: number, m: number): Promise<NmMaskPlan> {
  checkNmPattern({ n, m }, 'nm');
  check(Array.isArray(layers) && layers.length > 0, 'layers', 'a non-empty list of layers', layers);
  layers.forEach((l, i) => {
    checkDim(l.rows, `layers[${i}].rows`);
    checkDim(l.cols, `layers[${i}].cols`);
    checkNmShape(l.cols, m, `layers[${i}]`, 'invalid-argument');
    check(l.layout === 'in-out' || l.layout === 'out-in', `layers[${i}].layout`, "'in-out' or 'out-in'", l.layout);
  });
  const scratch = ctx.pool.storage('nm-mask scratch', Math.max(16, ...layers.map((l) => maskBytes(l.rows * l.cols))));
  const kept = ctx.pool.storage('nm-mask kept counts', Math.max(16, layers.length * 4));
  const kernels: BoundKernel[] = [];
  const release = (): void => {
    for (const k of kernels) k.release();
    ctx.pool.release(scratch);
    ctx.pool.release(kept);
  };
  try {
    for (const [i, l] of layers.entries()) {
      kernels.push(...await prepareNmMaskKernels(ctx, { ...l, scratch, kept, keptAt: i, pattern: { n, m }, label: `nm-mask ${n}:${m} layers[${i}]` }));
    }
  } catch (e) {
    release();
    throw e;
  }
  const zeros = new Uint32Array(layers.length);
  return {
    encode(pass) {
      ctx.device.queue.writeBuffer(kept, 0, zeros);
      for (const k of kernels) k.encode(pass);
    },
    async readKept() {
      return Array.from(new Uint32Array(await readBuffer(ctx.device, kept, layers.length * 4)));
    },
    release,
  };
}
