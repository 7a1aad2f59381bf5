// SNIP (Lee, Ajanthan & Torr 2019, "SNIP: Single-shot Network Pruning based on
// Connection Sensitivity", eq. 6): s_j = |g_j(w; D)| / Σ_k |g_k(w; D)|, where g_j is
// ∂L/∂c_j for the connection gate c_j (c = 1), which is w_j·∂L/∂w_j. Defined at
// initialization (prune once, then train); scoring a trained net is the same formula.
// Here: score(w) = Σ_b |w · ∂L_b/∂w| over the calibration batches (the paper uses one
// batch; more batches average it). The normalization by Σ_k is one positive constant
// for every weight: it does not change the ranking, so it is left out.
import { prepareScoreOp } from '../../kernels/score-elementwise.js';
import { runKernels, type BoundKernel } from '../../kernels/kernel.js';
import { calibrationGradients } from './gradients.js';
import type { ScoreInput, WeightCriterion } from './criterion.js';

export const snip: WeightCriterion = {
  name: 'snip',
  needs: { calibration: true, gradients: true, activations: false, updatesWeights: false },
  async score(input: ScoreInput, out: readonly GPUBuffer[]): Promise<void> {
    await calibrationGradients(input, out, 'abs');
    // Sanitize (NaN → 0, ∞ → the largest f32): the values are ≥ 0 already.
    const fin: BoundKernel[] = [];
    for (const [j, li] of input.layers.entries()) {
      fin.push(await prepareScoreOp(input.ctx, { op: 'finishAbs', n: input.net.layers[li]!.op.weightCount, out: out[j]!, label: `snip finish ${input.net.layers[li]!.op.name}` }));
    }
    runKernels(input.ctx, 'snip finish', fin);
    for (const k of fin) k.release();
  },
};
