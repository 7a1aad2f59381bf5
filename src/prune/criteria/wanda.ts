// Wanda (Sun et al. 2023): S_ij = |W_ij| · ‖X_j‖₂, the weight's magnitude times the
// L2 norm of its input over the calibration set (conv: over every im2col row, i.e.
// every image and output position), with no weight update. The paper compares the
// scores within each output row (Linear: a strided column of the K×N storage; conv:
// a filter's C·k·k weights); `selectPerRow` does that on the GPU with the shared tie
// rule, pruning exactly round(s·N) weights of a layer spread as evenly as possible
// over its rows (⌊k/rows⌋ each, one more in the first k mod rows rows). The scores
// also serve the shared top-k (per layer or global) and C3's N:M selection.
//
// Differences from the reference (locuslab/wanda, prune_wanda): the reference scales
// its norms by 1/n (no effect on any comparison inside a layer) and recomputes each
// block's inputs through the blocks already pruned; as a criterion, this scores every
// layer from one pass over the network as it is.
import { pruneCount } from '../../layout/mask.js';
import { prepareWandaScore } from '../../kernels/wanda-score.js';
import { prepareRowTopk, type RowTopkPlan } from '../../kernels/row-topk.js';
import { runKernels, type BoundKernel } from '../../kernels/kernel.js';
import { check } from '../../errors.js';
import type { Network } from '../../nn/network.js';
import { accumulateInputStats, calibrationOf, rowLayout } from './activations.js';
import type { ScoreInput, WeightCriterion } from './criterion.js';

export const wanda: WeightCriterion = {
  name: 'wanda',
  needs: { calibration: true, gradients: false, activations: true, updatesWeights: false },
  async score(input: ScoreInput, out: readonly GPUBuffer[]): Promise<void> {
    calibrationOf(input, 'wanda');
    check(out.length === input.layers.length, 'out', `one score buffer per layer (${input.layers.length})`, out.length);
    const { ctx, net } = input;
    const stats = await accumulateInputStats(input, input.layers, 'sumsq');
    const kernels: BoundKernel[] = [];
    try {
      for (const [j, s] of stats.entries()) {
        const l = net.layers[s.layer]!;
        kernels.push(await prepareWandaScore(ctx, { ...rowLayout(l.op), w: l.w, sumsq: s.buffer, scores: out[j]!, label: `wanda ${l.op.name}` }));
      }
      runKernels(ctx, 'wanda scores', kernels);
    } finally {
      for (const k of kernels) k.release();
      for (const s of stats) ctx.pool.release(s.buffer);
    }
  },
};

/**
 * Per-output-row selection over `scores` (one buffer per layer in `layers`): layer j
 * prunes exactly round(sparsity[j]·N_j) weights, writing `masks[j]` (default the
 * layer's own mask). Weights already pruned count and stay pruned. Returns after the
 * submit; the caller zeroes pruned weights (net.applyMasks) when the masks are the net's.
 */
export async function selectPerRow(net: Network, layers: readonly number[], scores: readonly GPUBuffer[], sparsity: readonly number[], masks?: readonly GPUBuffer[]): Promise<void> {
  check(scores.length === layers.length, 'scores', `one buffer per layer (${layers.length})`, scores.length);
  check(sparsity.length === layers.length, 'sparsity', `one value per layer (${layers.length})`, sparsity.length);
  sparsity.forEach((s, j) => check(Number.isFinite(s) && s >= 0 && s < 1, `sparsity[${j}]`, 'a number in [0, 1)', s));
  const plans: RowTopkPlan[] = [];
  try {
    for (const [j, li] of layers.entries()) {
      const l = net.layers[li]!;
      plans.push(await prepareRowTopk(net.ctx, { ...rowLayout(l.op), scores: scores[j]!, mask: masks?.[j] ?? l.mask }, pruneCount(sparsity[j]!, l.op.weightCount)));
    }
    const enc = net.ctx.device.createCommandEncoder({ label: 'per-row selection' });
    const pass = enc.beginComputePass({ label: 'per-row selection' });
    for (const p of plans) p.encode(pass);
    pass.end();
    net.ctx.device.queue.submit([enc.finish()]);
  } finally {
    for (const p of plans) p.release();
  }
}
