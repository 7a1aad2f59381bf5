// A model checked against the adapter's limits before the first submit: every
// storage buffer a run of this plan binds must fit maxStorageBufferBindingSize and
// maxBufferSize, so that an over-large layer is a PruneLabError naming the layer and
// the limit, never a GPU validation error.
import { PruneLabError } from '../errors.js';
import type { ModelPlan } from './spec.js';

/** The limits this check reads (a GPUSupportedLimits fits). */
export type DeviceLimits = Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize' | 'maxComputeWorkgroupsPerDimension'>;

/**
 * Throws PruneLabError('invalid-config', field = 'model.layers[i]' of the layer) when a
 * buffer that training or inference at `batchSize` rows would bind exceeds a limit.
 */
export function checkModelLimits(plan: ModelPlan, limits: DeviceLimits, batchSize: number): void {
  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  plan.params.forEach((q) => {
    const sizes: [string, number][] = [
      ['weights', q.weightCount * 4],
      ['activations', batchSize * Math.max(q.in, q.out) * 4],
    ];
    for (const [what, bytes] of sizes) {
      if (bytes > maxBinding) {
        throw new PruneLabError('invalid-config', `layer ${q.name}: its ${what} need ${bytes} bytes, over this adapter's maxStorageBufferBindingSize/maxBufferSize of ${maxBinding} bytes (make the layer or the batch smaller)`, `model.${q.name}`);
      }
    }
  });
}
