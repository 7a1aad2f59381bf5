// LAMP (Lee et al. 2021): score(u) = w_u² / Σ_{v ≥ u} w_v² within each layer, with the
// layer's weights sorted by |w| ascending (ties by index: the later index counts as
// larger); the shared top-k then takes one global threshold over these scores.
// Every step runs on the GPU (src/kernels/score-lamp.ts: a per-layer bitonic sort of
// (|w|, index), a Hillis–Steele suffix scan of w² in f32, the division scattered back),
// one pass for all layers, no readback. Pruned weights are 0 and so score 0.
import { prepareLampScores, type LampPlan } from '../../kernels/score-lamp.js';
import type { ScoreInput, WeightCriterion } from './criterion.js';

export const lamp: WeightCriterion = {
  name: 'lamp',
  needs: { calibration: false, gradients: false, activations: false, updatesWeights: false },
  async score(input: ScoreInput, out: readonly GPUBuffer[]): Promise<void> {
    const { ctx, net } = input;
    const plans: LampPlan[] = [];
    try {
      for (const [j, li] of input.layers.entries()) {
        const l = net.layers[li]!;
        plans.push(await prepareLampScores(ctx, { n: l.op.weightCount, w: l.w, out: out[j]!, label: `lamp ${l.op.name}` }));
      }
      const enc = ctx.device.createCommandEncoder({ label: 'lamp scores' });
      const pass = enc.beginComputePass({ label: 'lamp scores' });
      for (const p of plans) p.encode(pass);
      pass.end();
      ctx.device.queue.submit([enc.finish()]);
    } finally {
      for (const p of plans) p.release();
    }
  },
};
