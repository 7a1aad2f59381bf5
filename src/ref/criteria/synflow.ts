// CPU oracle of SynFlow (src/prune/criteria/synflow.ts): R = 1ᵀ(∏|W|)1 for an all-ones
// input, biases zero, |w| of the masked weights; score = |w|·∂R/∂|w|, in float64,
// unscaled (the GPU's scores carry a power-of-two factor 2^log2Scale on top).
import { convShape, poolShape, type ModelPlan } from '../../nn/spec.js';
import type { LayerValues } from '../../nn/network.js';
import { conv2dBackwardDataRef, conv2dBackwardFilterRef, conv2dRef } from '../conv2d.js';
import { maxPool2dBackwardRef, maxPool2dRef } from '../maxpool2d.js';
import { avgPool2dBackwardRef, avgPool2dRef } from '../avgpool2d.js';

export function synflowScoresRef(plan: ModelPlan, values: LayerValues[]): Float64Array[] {
  const absW = values.map((v) => Float64Array.from(v.w, (x, j) => (v.mask[j] ? Math.abs(x) : 0)));
  const layerOf = new Map(plan.params.map((op, i) => [op, i]));
  const acts: Float64Array[] = [];
  const argmax: Array<ArrayLike<number> | undefined> = [];
  const D = plan.input.C * plan.input.H * plan.input.W;
  let cur: Float64Array = new Float64Array(D).fill(1);
  for (const [i, op] of plan.ops.entries()) {
    if (op.kind === 'linear') {
      const w = absW[layerOf.get(op)!]!;
      const y = new Float64Array(op.out);
      for (let k = 0; k < op.in; k++) for (let n = 0; n < op.out; n++) y[n]! += cur[k]! * w[k * op.out + n]!;
      cur = y;
    } else if (op.kind === 'conv2d') {
      cur = conv2dRef(cur, absW[layerOf.get(op)!]!, convShape(op, 1));
    } else if (op.kind === 'maxpool2d') {
      const r = maxPool2dRef(cur, poolShape(op, 1));
      argmax[i] = r.argmax;
      cur = Float64Array.from(r.y);
    } else if (op.kind === 'avgpool2d') {
      cur = avgPool2dRef(cur, poolShape(op, 1));
    }
    acts.push(cur);
  }
  const scores = plan.params.map((q) => new Float64Array(q.weightCount));
  let dy: Float64Array = new Float64Array(plan.classes).fill(1);
  for (let i = plan.ops.length - 1; i >= 0; i--) {
    const op = plan.ops[i]!;
    const x = i === 0 ? new Float64Array(D).fill(1) : acts[i - 1]!;
    if (op.kind === 'linear') {
      const li = layerOf.get(op)!;
      const w = absW[li]!;
      const dx = new Float64Array(op.in);
      for (let k = 0; k < op.in; k++) for (let n = 0; n < op.out; n++) {
        scores[li]![k * op.out + n] = w[k * op.out + n]! * x[k]! * dy[n]!;
        dx[k]! += dy[n]! * w[k * op.out + n]!;
      }
      dy = dx;
    } else if (op.kind === 'conv2d') {
      const li = layerOf.get(op)!;
      const s = convShape(op, 1);
      const g = conv2dBackwardFilterRef(x, dy, s);
      scores[li] = Float64Array.from(g, (v, j) => Math.abs(absW[li]![j]! * v));
      dy = conv2dBackwardDataRef(dy, absW[li]!, s);
    } else if (op.kind === 'maxpool2d') {
      dy = maxPool2dBackwardRef(dy, argmax[i]!, poolShape(op, 1));
    } else if (op.kind === 'avgpool2d') {
      dy = avgPool2dBackwardRef(dy, poolShape(op, 1));
    }
  }
  return scores;
}
