// Whole networks on the GPU against the CPU oracle network: logits and every
// weight/bias gradient of one step; the oracle's gradients against central finite
// differences; and model-spec validation.
import { expect } from '@esm-bundle/chai';
import { planModel, LENET_300_100, LENET_5, type ModelSpec } from '../../src/nn/spec.js';
import { Network, initialValues, type LayerValues } from '../../src/nn/network.js';
import { Executor } from '../../src/nn/executor.js';
import { networkRef } from '../../src/ref/network.js';
import { PruneLabError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { gpu, readF32 } from '../helpers/gpu.js';

const SMALL_CNN: ModelSpec = {
  input: { C: 2, H: 9, W: 9 },
  layers: [
    { type: 'conv2d', filters: 3, kernel: 3, padding: 'same' },
    { type: 'relu' },
    { type: 'maxpool2d', size: 2 },
    { type: 'relu' },
    { type: 'conv2d', filters: 5, kernel: 3 },
    { type: 'flatten' },
    { type: 'linear', units: 7 },
    { type: 'relu' },
    { type: 'linear', units: 4 },
  ],
};
const SMALL_MLP: ModelSpec = { input: { C: 1, H: 5, W: 7 }, layers: [{ type: 'linear', units: 17 }, { type: 'relu' }, { type: 'linear', units: 3 }] };

function randomMasks(values: LayerValues[], rng: Rng, keep: number): LayerValues[] {
  return values.map((v) => {
    const mask = Uint8Array.from(v.mask, () => (rng.next() < keep ? 1 : 0));
    return { w: v.w.map((x, j) => (mask[j] ? x : 0)), b: v.b.map(() => rng.next() - 0.5), mask };
  });
}

async function gpuStep(spec: ModelSpec, values: LayerValues[], x: Float32Array, labels: Uint32Array, B: number) {
  const ctx = await gpu();
  const plan = planModel(spec);
  const net = Network.create(ctx, plan, { values });
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
  ex.destroy();
  net.destroy();
  return { logits, loss, grads };
}

describe('networks on the GPU vs the CPU oracle', () => {
  for (const [name, spec, B, keep] of [
    ['MLP 35-17-3', SMALL_MLP, 5, 1],
    ['masked MLP', SMALL_MLP, 3, 0.5],
    ['CNN: conv same + relu + pool + relu + conv valid + fc', SMALL_CNN, 3, 1],
    ['masked CNN', SMALL_CNN, 2, 0.6],
    ['LeNet-300-100 masked, B=4', LENET_300_100, 4, 0.3],
    ['LeNet-5, B=2', LENET_5, 2, 1],
  ] as const) {
    it(`${name}: logits, loss and every gradient`, async () => {
      const plan = planModel(spec);
      const rng = new Rng(3);
      const values = randomMasks(initialValues(plan, 1), rng, keep);
      const D = plan.input.C * plan.input.H * plan.input.W;
      const x = rng.uniformArray(B * D, 0, 1);
      const labels = Uint32Array.from({ length: B }, () => rng.int(plan.classes));
      const got = await gpuStep(spec, values, x, labels, B);
      const want = networkRef(plan, values, x, labels, B);
      const tol = { atol: 2e-5, rtol: 1e-3 };
      expectClose(got.logits, want.logits, tol, 'logits');
      expectClose([got.loss], [want.loss], { atol: 1e-5, rtol: 1e-5 }, 'loss');
      got.grads.forEach((g, i) => {
        expectClose(g.w, want.grads[i]!.w, tol, `${plan.params[i]!.name} dW`);
        expectClose(g.b, want.grads[i]!.b, tol, `${plan.params[i]!.name} db`);
        g.w.forEach((v, j) => { if (!values[i]!.mask[j]) expect(v).to.equal(0); });
      });
    });
  }

  it("the oracle's gradients match central finite differences (every layer type)", () => {
    for (const spec of [SMALL_MLP, SMALL_CNN]) {
      const plan = planModel(spec);
      const rng = new Rng(8);
      const values = randomMasks(initialValues(plan, 2), rng, 0.8);
      const B = 2;
      const D = plan.input.C * plan.input.H * plan.input.W;
      const x = rng.uniformArray(B * D, 0, 1);
      const labels = Uint32Array.from({ length: B }, () => rng.int(plan.classes));
      const base = networkRef(plan, values, x, labels, B);
      const eps = 1e-3;
      values.forEach((v, li) => {
        for (const which of ['w', 'b'] as const) {
          const arr = v[which];
          // A spread of entries per tensor keeps the check fast.
          for (let t = 0; t < Math.min(arr.length, 12); t++) {
            const j = Math.floor((t * arr.length) / Math.min(arr.length, 12));
            if (which === 'w' && !v.mask[j]) continue;
            const keep0 = arr[j]!;
            arr[j] = keep0 + eps;
            const up = networkRef(plan, values, x, labels, B).loss;
            arr[j] = keep0 - eps;
            const down = networkRef(plan, values, x, labels, B).loss;
            arr[j] = keep0;
            const fd = (up - down) / (2 * eps);
            expectClose([base.grads[li]![which][j]!], [fd], { atol: 2e-3, rtol: 2e-2 }, `${plan.params[li]!.name}.${which}[${j}]`);
          }
        }
      });
    }
  });
});

describe('model specs', () => {
  it('LeNet-300-100 has 266,610 parameters and LeNet-5 431,080', () => {
    expect(planModel(LENET_300_100).paramCount).to.equal(266610);
    expect(planModel(LENET_5).paramCount).to.equal(431080);
    expect(planModel(LENET_5).params.map((p) => p.name)).to.deep.equal(['conv1', 'conv2', 'fc1', 'fc2']);
  });

  it('rejects impossible shapes and unknown fields, naming the field', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'model'],
      [{ input: { C: 1, H: 28 }, layers: [] }, 'model.input.W'],
      [{ input: { C: 1, H: 4, W: 4 }, layers: [] }, 'model.layers'],
      [{ input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'dense', units: 3 }] }, 'model.layers[0].type'],
      [{ input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'linear', units: 0 }] }, 'model.layers[0].units'],
      [{ input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'linear', units: 3, bias: false }] }, 'model.layers[0].bias'],
      [{ input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'conv2d', filters: 2, kernel: 5 }, { type: 'linear', units: 2 }] }, 'model.layers[0].kernel'],
      [{ input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'conv2d', filters: 2, kernel: 2, padding: 'same' }, { type: 'linear', units: 2 }] }, 'model.layers[0].kernel'],
      [{ input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'linear', units: 8 }, { type: 'conv2d', filters: 2, kernel: 1 }, { type: 'linear', units: 2 }] }, 'model.layers[1]'],
      [{ input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'maxpool2d', size: 5 }, { type: 'linear', units: 2 }] }, 'model.layers[0].size'],
      [{ input: { C: 1, H: 4, W: 4 }, layers: [{ type: 'linear', units: 8 }, { type: 'relu' }] }, 'model.layers'],
    ];
    for (const [spec, field] of cases) {
      let err: unknown;
      try {
        planModel(spec);
      } catch (e) {
        err = e;
      }
      expect(err, field).to.be.instanceOf(PruneLabError);
      expect((err as PruneLabError).field, (err as Error).message).to.equal(field);
    }
  });
});
