// Random: a seeded uniform score in (0, 1] per weight, from a hash of (seed, layer,
// index) on the GPU (src/ref/criteria/random.ts computes the same values). The
// selection is the shared top-k, so counts are exact; the random control of the lab
// gives it per-layer kept counts (ScorePruner.prune's `kept`, from the magnitude
// twin or fixedKeptCounts) so that each layer loses what magnitude would remove.
// The scores do not change between rounds: weights already pruned stay pruned
// (they sort first), and among the rest a fixed random order is a uniform choice.
import { prepareScoreOp } from '../../kernels/score-elementwise.js';
import { runKernels } from '../../kernels/kernel.js';
import { layerSeed } from '../../ref/criteria/random.js';
import type { ScoreInput, WeightCriterion } from './criterion.js';

export const random: WeightCriterion = {
  name: 'random',
  needs: { calibration: false, gradients: false, activations: false, updatesWeights: false },
  async score(input: ScoreInput, out: readonly GPUBuffer[]): Promise<void> {
    const kernels = await Promise.all(input.layers.map((li, j) => {
      const l = input.net.layers[li]!;
      return prepareScoreOp(input.ctx, { op: 'random', n: l.op.weightCount, out: out[j]!, seed: layerSeed(input.seed, li), label: `random ${l.op.name}` });
    }));
    runKernels(input.ctx, 'random scores', kernels);
    for (const k of kernels) k.release();
  },
};
