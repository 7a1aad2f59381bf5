// CPU oracles of Taylor and SNIP: the gradients of src/ref/network.ts over the same
// consecutive calibration batches as src/prune/criteria/gradients.ts (B = min(batchSize, n),
// floor(n/B) batches), products in float64.
import type { ModelPlan } from '../../nn/spec.js';
import type { LayerValues } from '../../nn/network.js';
import type { ImageDataset } from '../../data/dataset.js';
import { networkRef } from '../network.js';

/** Per layer: Σ_b w⊙g_b ('signed') or Σ_b |w⊙g_b| ('abs'). */
export function gradientProductsRef(plan: ModelPlan, values: LayerValues[], data: ImageDataset, batchSize: number, mode: 'signed' | 'abs'): Float64Array[] {
  const D = data.shape.C * data.shape.H * data.shape.W;
  const B = Math.min(batchSize, data.n);
  const acc = plan.params.map((q) => new Float64Array(q.weightCount));
  for (let b = 0; b < Math.floor(data.n / B); b++) {
    const x = data.images.slice(b * B * D, (b + 1) * B * D);
    const y = Uint32Array.from(data.labels.subarray(b * B, (b + 1) * B));
    const r = networkRef(plan, values, x, y, B);
    acc.forEach((a, i) => {
      const w = values[i]!.w;
      const m = values[i]!.mask;
      const g = r.grads[i]!.w;
      for (let j = 0; j < a.length; j++) {
        const p = m[j] ? w[j]! * g[j]! : 0;
        a[j] += mode === 'signed' ? p : Math.abs(p);
      }
    });
  }
  return acc;
}

/** Taylor: |Σ_b w·g_b|. */
export function taylorScoresRef(plan: ModelPlan, values: LayerValues[], data: ImageDataset, batchSize: number): Float64Array[] {
  return gradientProductsRef(plan, values, data, batchSize, 'signed').map((a) => a.map(Math.abs));
}

/** SNIP: Σ_b |w·g_b| (unnormalized: the normalization does not change the ranking). */
export function snipScoresRef(plan: ModelPlan, values: LayerValues[], data: ImageDataset, batchSize: number): Float64Array[] {
  return gradientProductsRef(plan, values, data, batchSize, 'abs');
}
