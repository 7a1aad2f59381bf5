// Taylor first order (Molchanov, Tyree, Karras, Aila & Kautz 2017, "Pruning
// Convolutional Neural Networks for Resource Efficient Inference", eq. 8:
// Θ_TE(h) = |1/M Σ_m (∂C/∂h)·h|, here with h = a single weight): the first-order
// estimate of the loss change when w is set to 0, over the whole calibration set:
//   score(w) = | Σ_b w · ∂L_b/∂w |
// We accumulate the signed product w·g per batch and take |·| once at the end (so
// opposite-signed batches cancel, as the loss change over the set does), rather
// than Σ_b |w·g_b| (that is SNIP's per-batch magnitude). The 1/M factor is left
// out: one positive constant for every weight, it does not change the ranking.
// For units (src/prune/structured.ts) the group score of Molchanov et al. 2019
// ("Importance Estimation for Neural Network Pruning", eq. 4: I_S = (Σ_{s∈S} g_s w_s)²)
// is taken over these same accumulated sums (unitScores 'taylor').
import { prepareScoreOp } from '../../kernels/score-elementwise.js';
import { runKernels, type BoundKernel } from '../../kernels/kernel.js';
import { calibrationGradients } from './gradients.js';
import type { ScoreInput, WeightCriterion } from './criterion.js';

export const taylor: WeightCriterion = {
  name: 'taylor',
  needs: { calibration: true, gradients: true, activations: false, updatesWeights: false },
  async score(input: ScoreInput, out: readonly GPUBuffer[]): Promise<void> {
    await calibrationGradients(input, out, 'signed');
    const fin: BoundKernel[] = [];
    for (const [j, li] of input.layers.entries()) {
      fin.push(await prepareScoreOp(input.ctx, { op: 'finishAbs', n: input.net.layers[li]!.op.weightCount, out: out[j]!, label: `taylor |·| ${input.net.layers[li]!.op.name}` }));
    }
    runKernels(input.ctx, 'taylor finish', fin);
    for (const k of fin) k.release();
  },
};
