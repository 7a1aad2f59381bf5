// CPU oracle for a whole network: forward to logits, and the mean softmax
// cross-entropy loss with its gradients for every weight and bias, composed from
// the per-layer oracles. Masks enter as W⊙M, and masked weights get zero gradient.
import { convShape, poolShape, type ModelPlan } from '../nn/spec.js';
import type { LayerValues } from '../nn/network.js';
import { matmulRef } from './matmul.js';
import { conv2dRef, conv2dBackwardDataRef, conv2dBackwardFilterRef, conv2dBiasGradRef } from './conv2d.js';
import { maxPool2dRef, maxPool2dBackwardRef } from './maxpool2d.js';
import { avgPool2dBackwardRef, avgPool2dRef } from './avgpool2d.js';
import { softmaxXentRef } from './softmax-xent.js';
import { biasGradRef } from './bias-grad.js';

export interface NetworkRefResult {
  logits: Float32Array;
  loss: number;
  grads: Array<{ w: Float32Array; b: Float32Array }>;
}

function f32(a: ArrayLike<number>): Float32Array {
  return Float32Array.from(a);
}

export function networkRef(plan: ModelPlan, values: LayerValues[], x: Float32Array, labels: Uint32Array, B: number): NetworkRefResult {
  const acts: Float32Array[] = [];
  const argmaxes: Array<Uint32Array | undefined> = [];
  const byOp = new Map(plan.params.map((op, i) => [op, values[i]!]));
  let cur: Float32Array = x;
  for (const op of plan.ops) {
    let out: Float32Array;
    if (op.kind === 'linear') {
      const v = byOp.get(op)!;
      out = matmulRef(cur, v.w, B, op.in, op.out, { bias: v.b, relu: op.relu, mask: v.mask });
    } else if (op.kind === 'conv2d') {
      const v = byOp.get(op)!;
      out = f32(conv2dRef(cur, v.w, convShape(op, B), { bias: v.b, relu: op.relu, mask: v.mask }));
    } else if (op.kind === 'maxpool2d') {
      const r = maxPool2dRef(cur, poolShape(op, B));
      out = f32(r.y);
      argmaxes[acts.length] = r.argmax;
    } else if (op.kind === 'avgpool2d') {
      out = f32(avgPool2dRef(cur, poolShape(op, B)));
    } else {
      out = cur.map((v) => Math.max(v, 0));
    }
    acts.push(out);
    cur = out;
  }
  const C = plan.classes;
  const sx = softmaxXentRef(cur, labels, B, C, B, 1 / B);
  const loss = sx.rowLoss.reduce((s, v) => s + v, 0) / B;
  const grads: NetworkRefResult['grads'] = plan.params.map((op) => ({ w: new Float32Array(op.weightCount), b: new Float32Array(op.biasCount) }));
  let dy: Float32Array = Float32Array.from(sx.dLogits);
  for (let i = plan.ops.length - 1; i >= 0; i--) {
    const op = plan.ops[i]!;
    const xin = i === 0 ? x : acts[i - 1]!;
    if (op.kind === 'linear' || op.kind === 'conv2d') {
      const pi = plan.params.indexOf(op);
      const v = values[pi]!;
      if (op.relu) dy = dy.map((g, j) => (acts[i]![j]! > 0 ? g : 0));
      if (op.kind === 'linear') {
        grads[pi]!.w = matmulRef(xin, dy, op.in, B, op.out, { transA: true, mask: v.mask, maskOn: 'c' });
        grads[pi]!.b = biasGradRef(dy, B, op.out);
        dy = matmulRef(dy, v.w, B, op.out, op.in, { transB: true, mask: v.mask });
      } else {
        const s = convShape(op, B);
        grads[pi]!.w = f32(conv2dBackwardFilterRef(xin, dy, s, v.mask));
        grads[pi]!.b = f32(conv2dBiasGradRef(dy, s));
        dy = f32(conv2dBackwardDataRef(dy, v.w, s, v.mask));
      }
    } else if (op.kind === 'maxpool2d') {
      dy = f32(maxPool2dBackwardRef(dy, argmaxes[i]!, poolShape(op, B)));
    } else if (op.kind === 'avgpool2d') {
      dy = f32(avgPool2dBackwardRef(dy, poolShape(op, B)));
    } else {
      dy = dy.map((g, j) => (acts[i]![j]! > 0 ? g : 0));
    }
  }
  return { logits: cur, loss, grads };
}
