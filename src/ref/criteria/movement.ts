// CPU oracle of movement pruning as the lab runs it (src/nn/train.ts with
// MovementScores.encode in its beforeOptimizer hook): `steps` plain-SGD steps (no
// momentum or weight decay, constant lr) over the training loop's seeded epoch order
// (epochPermutation(n, seed, e), batches of B rows, the last partial batch of each
// epoch left out), and at every step S −= lr·g⊙W with W before that step's update
// (Sanh et al. 2020, eq. 7). Gradients from src/ref/network.ts; S in float64.
import type { ModelPlan } from '../../nn/spec.js';
import type { LayerValues } from '../../nn/network.js';
import type { ImageDataset } from '../../data/dataset.js';
import { epochPermutation } from '../../data/batches.js';
import { networkRef } from '../network.js';
import { sgdRef } from '../sgd.js';

export interface MovementRefOptions {
  steps: number;
  lr: number;
  batchSize: number;
  seed: number;
}

/** S per layer after the steps (values are copied, not changed). */
export function movementScoresRef(plan: ModelPlan, values: readonly LayerValues[], data: ImageDataset, o: MovementRefOptions): Float64Array[] {
  const D = data.shape.C * data.shape.H * data.shape.W;
  const B = o.batchSize;
  const perEpoch = Math.floor(data.n / B);
  const cur = values.map((v) => ({ w: Float32Array.from(v.w), b: Float32Array.from(v.b), mask: v.mask }));
  const S = plan.params.map((q) => new Float64Array(q.weightCount));
  const sgd = { lr: o.lr, momentum: 0, weightDecay: 0 };
  for (let step = 0; step < o.steps; step++) {
    const e = Math.floor(step / perEpoch);
    const s = step % perEpoch;
    const idx = epochPermutation(data.n, o.seed, e).subarray(s * B, (s + 1) * B);
    const x = new Float32Array(B * D);
    const y = new Uint32Array(B);
    idx.forEach((k, r) => {
      x.set(data.images.subarray(k * D, (k + 1) * D), r * D);
      y[r] = data.labels[k]!;
    });
    const g = networkRef(plan, cur, x, y, B).grads;
    cur.forEach((v, i) => {
      const gw = g[i]!.w;
      for (let j = 0; j < gw.length; j++) S[i]![j]! -= o.lr * gw[j]! * v.w[j]!;
      sgdRef(v.w, gw, new Float32Array(v.w.length), sgd, v.mask);
      sgdRef(v.b, g[i]!.b, new Float32Array(v.b.length), sgd);
    });
  }
  return S;
}
