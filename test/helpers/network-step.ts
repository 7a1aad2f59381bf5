// Whole-network test helpers: one training step on the GPU read back (logits, loss,
// every gradient) and its comparison with the CPU oracle network, random masks, and the
// oracle's gradients checked against central differences of its loss at a spread of
// entries per tensor.
import { expect } from '@esm-bundle/chai';
import { planModel, type ModelSpec, type ModelPlan } from '../../src/nn/spec.js';
import { Network, type ConvPath, type LayerValues } from '../../src/nn/network.js';
import { Executor } from '../../src/nn/executor.js';
import { networkRef } from '../../src/ref/network.js';
import type { Rng } from '../../src/rng.js';
import { expectClose } from './compare.js';
import { gpu, readF32 } from './gpu.js';

/** One training step at lr 0 on the GPU; `convPath` picks the conv kernels (default: the network's own, 'auto'). */
export async function gpuStep(spec: ModelSpec, values: LayerValues[], x: Float32Array, labels: Uint32Array, B: number, convPath?: ConvPath) {
  const ctx = await gpu();
  const plan = planModel(spec);
  const net = Network.create(ctx, plan, { values });
  if (convPath) net.convPath = convPath;
  const ex = await Executor.create(net, B, 'train');
  ex.writeBatch(x, labels, B);
  const enc = ctx.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  ex.encodeTrainStep(pass, 0);
  pass.end();
  ctx.device.queue.submit([enc.finish()]);
  const logits = await readF32(ctx, ex.logits, B * plan.classes);
  const loss = (await readF32(ctx, ex.lossSum, 1))[0]! / B;
  const grads = await Promise.all(net.layers.map(async (l) => ({ w: await readF32(ctx, l.dw, l.op.weightCount), b: await readF32(ctx, l.db, l.op.biasCount) })));
  const convPaths = [...ex.convPaths];
  ex.destroy();
  net.destroy();
  return { logits, loss, grads, convPaths };
}

/** The oracle's dW and db at up to `per` kept entries of each tensor against (L(v+eps) − L(v−eps)) / 2eps. */
export function checkRefGradsByDifferences(plan: ModelPlan, values: LayerValues[], x: Float32Array, labels: Uint32Array, B: number, eps: number, per: number): void {
  const base = networkRef(plan, values, x, labels, B);
  values.forEach((v, li) => {
    for (const which of ['w', 'b'] as const) {
      const arr = v[which];
      for (let t = 0; t < Math.min(arr.length, per); t++) {
        const j = Math.floor((t * arr.length) / Math.min(arr.length, per));
        if (which === 'w' && !v.mask[j]) continue;
        const keep0 = arr[j]!;
        arr[j] = keep0 + eps;
        const up = networkRef(plan, values, x, labels, B).loss;
        arr[j] = keep0 - eps;
        const down = networkRef(plan, values, x, labels, B).loss;
        arr[j] = keep0;
        expectClose([base.grads[li]![which][j]!], [(up - down) / (2 * eps)], { atol: 2e-3, rtol: 2e-2 }, `${plan.params[li]!.name}.${which}[${j}]`);
      }
    }
  });
}

/** Masks keeping each weight with probability `keep` (pruned weights zeroed) and biases in [−0.5, 0.5). */
export function randomMasks(values: LayerValues[], rng: Rng, keep: number): LayerValues[] {
  return values.map((v) => {
    const mask = Uint8Array.from(v.mask, () => (rng.next() < keep ? 1 : 0));
    return { w: v.w.map((x, j) => (mask[j] ? x : 0)), b: v.b.map(() => rng.next() - 0.5), mask };
  });
}

/** A GPU step equals the oracle's: logits, loss and every gradient (pruned weights' dW exactly 0). */
export function expectStepMatchesRef(got: Awaited<ReturnType<typeof gpuStep>>, plan: ModelPlan, values: LayerValues[], x: Float32Array, labels: Uint32Array, B: number): void {
  const want = networkRef(plan, values, x, labels, B);
  const tol = { atol: 2e-5, rtol: 1e-3 };
  expectClose(got.logits, want.logits, tol, 'logits');
  expectClose([got.loss], [want.loss], { atol: 1e-5, rtol: 1e-5 }, 'loss');
  got.grads.forEach((g, i) => {
    expectClose(g.w, want.grads[i]!.w, tol, `${plan.params[i]!.name} dW`);
    expectClose(g.b, want.grads[i]!.b, tol, `${plan.params[i]!.name} db`);
    g.w.forEach((v, j) => { if (!values[i]!.mask[j]) expect(v).to.equal(0); });
  });
}
