// A CNN with the geometry ONNX models bring (a stride-2 conv with uneven pads
// [top, left, bottom, right], an overlapping MaxPool2d(3, stride 2), an AvgPool2d)
// through every engine path against the CPU oracle network: one training step
// (logits, loss, every gradient), the oracle's gradients against central
// differences, the GPU inference paths and the plain-JS forward, and SynFlow.
import { expect } from '@esm-bundle/chai';
import { planModel, type ModelSpec } from '../../src/nn/spec.js';
import { Network, initialValues } from '../../src/nn/network.js';
import { networkRef } from '../../src/ref/network.js';
import { prepareInference, type InferencePath } from '../../src/infer/plan.js';
import { CpuForward } from '../../src/infer/cpu.js';
import { prepareSynflow } from '../../src/prune/criteria/synflow.js';
import { synflowScoresRef } from '../../src/ref/criteria/synflow.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { gpu, readF32 } from '../helpers/gpu.js';
import { checkRefGradsByDifferences, expectStepMatchesRef, gpuStep, randomMasks } from '../helpers/network-step.js';

export const GEOMETRY_CNN: ModelSpec = {
  input: { C: 2, H: 14, W: 12 },
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3, stride: 2, pads: [0, 0, 1, 1] }, // 7×6
    { type: 'relu' },
    { type: 'maxpool2d', size: 3, stride: 2 }, // 3×2, windows overlap
    { type: 'conv2d', filters: 5, kernel: 2, pads: [1, 0, 0, 1] }, // 3×2
    { type: 'relu' },
    { type: 'avgpool2d', size: 2, stride: 1 }, // 2×1
    { type: 'flatten' },
    { type: 'linear', units: 6 },
    { type: 'relu' },
    { type: 'linear', units: 3 },
  ],
};

function data(seed: number, B: number) {
  const plan = planModel(GEOMETRY_CNN);
  const rng = new Rng(seed);
  const D = plan.input.C * plan.input.H * plan.input.W;
  return { plan, rng, x: rng.uniformArray(B * D, 0, 1), labels: Uint32Array.from({ length: B }, () => rng.int(plan.classes)) };
}

describe('strided, unevenly padded convs and strided pools through the engine', () => {
  it('plans the shapes the comments say', () => {
    const plan = planModel(GEOMETRY_CNN);
    expect(plan.ops.map((o) => [o.name, o.out])).to.deep.equal([['conv1', 4 * 7 * 6], ['pool1', 4 * 3 * 2], ['conv2', 5 * 3 * 2], ['pool2', 5 * 2 * 1], ['fc1', 6], ['fc2', 3]]);
  });

  for (const [B, keep, convPath] of [[3, 1, 'direct'], [2, 0.6, 'direct'], [3, 1, 'im2col'], [2, 0.6, 'im2col']] as const) {
    it(`one training step on the GPU (${convPath} convs) equals the oracle (B=${B}, keep ${keep}): logits, loss and every gradient`, async () => {
      const { plan, rng, x, labels } = data(5 + B, B);
      const values = randomMasks(initialValues(plan, 1), rng, keep);
      const got = await gpuStep(GEOMETRY_CNN, values, x, labels, B, convPath);
      expect(got.convPaths).to.deep.equal([convPath, convPath]);
      expectStepMatchesRef(got, plan, values, x, labels, B);
      // Gradients reach every layer (the step is not vacuous).
      got.grads.forEach((g, i) => expect(Math.max(...g.w.map(Math.abs)), `${plan.params[i]!.name} dW ≠ 0`).to.be.greaterThan(0));
    });
  }

  it("the oracle's gradients match central finite differences", () => {
    const B = 2;
    const { plan, rng, x, labels } = data(8, B);
    const values = randomMasks(initialValues(plan, 2), rng, 0.9);
    // Small enough that no ReLU or window maximum flips within ±eps at these seeds; the
    // oracle's f32 forward then costs ~1e-7/eps of rounding, inside the tolerance.
    checkRefGradsByDifferences(plan, values, x, labels, B, 2e-4, 16);
  });

  it('inference paths (masked, dense, sparse, auto) and the plain-JS forward give the oracle logits', async () => {
    const ctx = await gpu();
    const B = 4;
    const { plan, rng, x, labels } = data(11, B);
    const values = randomMasks(initialValues(plan, 3), rng, 0.5);
    const want = networkRef(plan, values, x, labels, B).logits;
    const tol = { atol: 1e-4, rtol: 1e-4 };
    const net = Network.create(ctx, plan, { values });
    for (const path of ['masked', 'dense', 'sparse', 'auto'] as InferencePath[]) {
      const p = await prepareInference(net, { path, batch: B, values });
      await p.run(x);
      expectClose(await p.readLogits(B), want, tol, `${path} logits`);
      p.destroy();
    }
    net.destroy();
    for (const sparse of [false, true]) expectClose(new CpuForward(plan, values, sparse).logits(x, B), want, tol, `plain JS ${sparse ? 'CSR' : 'dense'}`);
  });

  it("SynFlow on the GPU is 2^log2Scale × the oracle's scores", async () => {
    const ctx = await gpu();
    const plan = planModel(GEOMETRY_CNN);
    const net = Network.create(ctx, plan, { seed: 4 });
    const layers = net.layers.map((_, i) => i);
    const out = net.layers.map((l) => ctx.pool.storage('synflow out', l.op.weightCount * 4));
    const p = await prepareSynflow({ ctx, net, layers, batchSize: 1, seed: 0 }, out);
    p.run();
    const scores = await Promise.all(out.map((b, i) => readF32(ctx, b, net.layers[i]!.op.weightCount)));
    const want = synflowScoresRef(plan, await net.readValues());
    p.release();
    for (const b of out) ctx.pool.release(b);
    net.destroy();
    scores.forEach((s, i) => {
      const scaled = Float64Array.from(want[i]!, (v) => v * 2 ** p.log2Scale);
      const top = scaled.reduce((m, v) => Math.max(m, v), 0);
      expect(top, `layer ${i} scores > 0`).to.be.greaterThan(0);
      expectClose(s, scaled, { atol: 1e-6 * top, rtol: 1e-4 }, `SynFlow layer ${i}`);
    });
  });
});
