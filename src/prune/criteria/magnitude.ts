// Magnitude: score = |w|. The score pruner does not call this for its own selection
// (the top-k keys are |w| already, so it selects over the weights with no copy);
// it is here for callers that want the scores themselves.
import { prepareScoreOp } from '../../kernels/score-elementwise.js';
import { runKernels } from '../../kernels/kernel.js';
import type { ScoreInput, WeightCriterion } from './criterion.js';

export const magnitude: WeightCriterion = {
  name: 'magnitude',
  needs: { calibration: false, gradients: false, activations: false, updatesWeights: false },
  async score(input: ScoreInput, out: readonly GPUBuffer[]): Promise<void> {
    const kernels = await Promise.all(input.layers.map((li, j) => {
      const l = input.net.layers[li]!;
      return prepareScoreOp(input.ctx, { op: 'abs', n: l.op.weightCount, a: l.w, out: out[j]!, label: `magnitude ${l.op.name}` });
    }));
    runKernels(input.ctx, 'magnitude scores', kernels);
    for (const k of kernels) k.release();
  },
};
