// Exact top-k magnitude selection on the GPU, over many layers at once (global) or
// per layer (local): radix selection over u32 keys of |w| with atomic histograms,
// three 11/11/10-bit passes to find the threshold key, three more over indices to
// break ties, then one pass that writes the masks. No sort; only the small state
// (threshold, tie counts, kept counts) is read back.
//
// Tie rule: among weights of equal |w| at the threshold, the lowest global index
// (layer order, then element order) is pruned first. Weights already masked have the
// lowest key, so they are pruned first and stay pruned: when k is below their count,
// exactly the masked ones stay pruned and nothing else is.
import histSrc from '../../shaders/topk-histogram.wgsl';
import histSharedSrc from '../../shaders/topk-histogram-shared.wgsl';
import selectSrc from '../../shaders/topk-select.wgsl';
import maskSrc from '../../shaders/topk-mask.wgsl';
import { check } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { uniformLayout } from '../gpu/uniforms.js';
import { readBuffer } from '../gpu/readback.js';
import { maskBytes } from '../layout/mask.js';
import { bindKernel, grid1d, type BoundKernel, type ShaderDef } from './kernel.js';

export type PruneScope = 'global' | 'local';

const BINS = 2048;
const STATE_WORDS = 8;

/** Bytes of the top-k scratch for `layers` layers in `groups` threshold groups (histogram, state). */
export function topkScratchBytes(layers: number, groups: number): { histogram: number; state: number } {
  return { histogram: groups * BINS * 4, state: (groups * STATE_WORDS + layers) * 4 };
}
const PASSES = [
  { shift: 21, width: 11 },
  { shift: 10, width: 11 },
  { shift: 0, width: 10 },
] as const;
const WG = 256;

/** Where the radix histogram is counted: straight into global atomics, or per workgroup first. */
export type TopkHistogram = 'global' | 'shared';
const histUniforms = uniformLayout([['n', 'u32'], ['offset', 'u32'], ['shift', 'u32'], ['width', 'u32'], ['hiMask', 'u32'], ['phase', 'u32'], ['group', 'u32'], ['rowStride', 'u32']] as const);
const histBindings = ['uniform', 'read', 'read', 'storage', 'read'] as const;
const HIST_DEFS: Record<TopkHistogram, ShaderDef<(typeof histUniforms.fields)[number][0]>> = {
  global: { label: 'topk-histogram', code: histSrc, bindings: histBindings, uniforms: histUniforms },
  shared: { label: 'topk-histogram-shared', code: histSharedSrc, bindings: histBindings, uniforms: histUniforms },
};
const selectDef: ShaderDef<'shift' | 'width' | 'phase' | 'last'> = {
  label: 'topk-select',
  code: selectSrc,
  bindings: ['uniform', 'storage', 'storage'],
  uniforms: uniformLayout([['shift', 'u32'], ['width', 'u32'], ['phase', 'u32'], ['last', 'u32']] as const),
};
const maskDef: ShaderDef<'n' | 'offset' | 'group' | 'keptAt' | 'rowStride'> = {
  label: 'topk-mask',
  code: maskSrc,
  bindings: ['uniform', 'read', 'storage', 'storage'],
  uniforms: uniformLayout([['n', 'u32'], ['offset', 'u32'], ['group', 'u32'], ['keptAt', 'u32'], ['rowStride', 'u32']] as const),
};

export interface TopkLayer {
  /** f32[n] weights. */
  weights: GPUBuffer;
  /** u8-per-weight mask packed in u32 words; read as the current mask and rewritten. */
  mask: GPUBuffer;
  n: number;
}

export interface TopkResult {
  /** Per group: the largest pruned |w| (0 when nothing was selected). */
  thresholds: number[];
  /** Per group: the k that was asked. */
  k: number[];
  /** Per group: how many weights tie at the threshold, and how many of those were pruned. */
  ties: number[];
  tiesPruned: number[];
  /** Per layer: weights kept by the new masks. */
  kept: number[];
}

export interface TopkPlan {
  readonly scope: PruneScope | 'grouped';
  /** One group for global scope, one per layer for local scope, or as grouped. */
  readonly groups: number;
  /** Weights per group (the N that k is a fraction of). */
  readonly groupSizes: readonly number[];
  /** Queues the state reset for the next run: k weights to prune per group (0 keeps the masks as they are). */
  setK(k: readonly number[]): void;
  /** Records the whole selection and the mask writes into an open compute pass. */
  encode(pass: GPUComputePassEncoder): void;
  /** Reads the few words of state after the submit that ran `encode`. */
  readResult(): Promise<TopkResult>;
  release(): void;
}

function hiMaskFor(shift: number, width: number): number {
  const top = shift + width;
  return top >= 32 ? 0 : ~((1 << top) - 1) >>> 0;
}

/**
 * Prepares the selection. `grouping` is 'global' (one group over all layers),
 * 'local' (one group per layer), or a group index per layer (0…G−1, each used):
 * layers of a group share one threshold, as when some layers get their own ratio.
 */
export async function prepareTopk(ctx: GpuContext, layers: readonly TopkLayer[], grouping: PruneScope | readonly number[], histogram: TopkHistogram = 'global'): Promise<TopkPlan> {
  check(histogram === 'global' || histogram === 'shared', 'histogram', "'global' or 'shared'", histogram);
  check(layers.length > 0, 'layers', 'a non-empty list of layers', layers.length);
  check(grouping === 'global' || grouping === 'local' || Array.isArray(grouping), 'grouping', "'global', 'local' or a group index per layer", grouping);
  const groupIds: number[] = grouping === 'global' ? layers.map(() => 0) : grouping === 'local' ? layers.map((_, i) => i) : [...(grouping as readonly number[])];
  check(groupIds.length === layers.length, 'grouping', `one group index per layer (${layers.length})`, groupIds.length);
  const groups = groupIds.length === 0 ? 0 : Math.max(...groupIds) + 1;
  for (let g = 0; g < groups; g++) check(groupIds.includes(g), 'grouping', `group indices 0…${groups - 1}, each used`, groupIds);
  groupIds.forEach((g, i) => check(Number.isInteger(g) && g >= 0, `grouping[${i}]`, 'an integer ≥ 0', g));
  const scope: PruneScope | 'grouped' = grouping === 'global' || grouping === 'local' ? grouping : 'grouped';
  let total = 0;
  layers.forEach((l, i) => {
    check(Number.isInteger(l.n) && l.n >= 1, `layers[${i}].n`, 'an integer ≥ 1', l.n);
    check(l.weights.size >= l.n * 4, `layers[${i}].weights`, `a buffer of at least ${l.n * 4} bytes`, l.weights.size);
    check(l.mask.size >= maskBytes(l.n), `layers[${i}].mask`, `a buffer of at least ${maskBytes(l.n)} bytes`, l.mask.size);
    total += l.n;
  });
  check(total < 2 ** 31, 'layers', 'fewer than 2^31 weights in all', total);

  const groupSizes = Array.from({ length: groups }, (_, g) => layers.reduce((t, l, i) => t + (groupIds[i] === g ? l.n : 0), 0));
  const stateWords = groups * STATE_WORDS + layers.length;
  const scratch = topkScratchBytes(layers.length, groups);
  const hist = ctx.pool.storage('topk histogram', scratch.histogram);
  const state = ctx.pool.storage('topk state', scratch.state);

  // Global index of each weight within its group: layer order, then element order.
  const offsets: number[] = [];
  const filled = new Array<number>(groups).fill(0);
  layers.forEach((l, i) => {
    offsets.push(filled[groupIds[i]!]!);
    filled[groupIds[i]!]! += l.n;
  });
  const groupOf = (li: number): number => groupIds[li]!;
  const perThread = histogram === 'shared' ? (total >= 1 << 20 ? 64 : 16) : 16;

  const kernels: BoundKernel[] = [];
  for (const phase of [0, 1]) {
    for (let pi = 0; pi < PASSES.length; pi++) {
      const { shift, width } = PASSES[pi]!;
      for (let li = 0; li < layers.length; li++) {
        const l = layers[li]!;
        const grid = grid1d(Math.ceil(l.n / (WG * perThread)), 1);
        kernels.push(
          await bindKernel(ctx, HIST_DEFS[histogram], {
            label: `topk histogram L${li} phase${phase} pass${pi}`,
            constants: { WG, PER_THREAD: perThread },
            params: { n: l.n, offset: offsets[li]!, shift, width, hiMask: hiMaskFor(shift, width), phase, group: groupOf(li), rowStride: grid[0] },
            buffers: [l.weights, l.mask, hist, state],
            grid,
          }),
        );
      }
      kernels.push(
        await bindKernel(ctx, selectDef, {
          label: `topk select phase${phase} pass${pi}`,
          params: { shift, width, phase, last: pi === PASSES.length - 1 ? 1 : 0 },
          buffers: [hist, state],
          grid: [groups, 1],
        }),
      );
    }
  }
  for (let li = 0; li < layers.length; li++) {
    const l = layers[li]!;
    const grid = grid1d(Math.ceil(l.n / 4), WG);
    kernels.push(
      await bindKernel(ctx, maskDef, {
        label: `topk mask L${li}`,
        constants: { WG },
        params: { n: l.n, offset: offsets[li]!, group: groupOf(li), keptAt: groups * STATE_WORDS + li, rowStride: grid[0] },
        buffers: [l.weights, l.mask, state],
        grid,
      }),
    );
  }

  return {
    scope,
    groups,
    groupSizes,
    setK(k) {
      check(k.length === groups, 'k', `${groups} value(s), one per group`, k.length);
      const init = new Uint32Array(stateWords);
      k.forEach((kg, g) => {
        check(Number.isInteger(kg) && kg >= 0 && kg <= groupSizes[g]!, `k[${g}]`, `an integer in [0, ${groupSizes[g]!}]`, kg);
        init[g * STATE_WORDS + 0] = kg;
        init[g * STATE_WORDS + 6] = kg;
      });
      ctx.device.queue.writeBuffer(state, 0, init);
    },
    encode(pass) {
      for (const k of kernels) k.encode(pass);
    },
    async readResult() {
      const s = new Uint32Array(await readBuffer(ctx.device, state, stateWords * 4));
      const f = new Float32Array(1);
      const u = new Uint32Array(f.buffer);
      const thresholds: number[] = [];
      const k: number[] = [];
      const ties: number[] = [];
      const tiesPruned: number[] = [];
      for (let g = 0; g < groups; g++) {
        const t = s[g * STATE_WORDS + 1]!;
        u[0] = t === 0 ? 0 : t - 1;
        thresholds.push(f[0]!);
        k.push(s[g * STATE_WORDS + 6]!);
        ties.push(s[g * STATE_WORDS + 5]!);
        tiesPruned.push(s[g * STATE_WORDS + 0]!);
      }
      const kept = layers.map((_, li) => s[groups * STATE_WORDS + li]!);
      return { thresholds, k, ties, tiesPruned, kept };
    },
    release() {
      for (const k of kernels) k.release();
      ctx.pool.release(hist);
      ctx.pool.release(state);
    },
  };
}
