// Whole networks on the GPU against the CPU oracle network: logits and every
// weight/bias gradient of one step; the oracle's gradients against central finite
// differences; and model-spec validation.
import { expect } from '@esm-bundle/chai';
import { planModel, LENET_300_100, LENET_5, type ModelSpec } from '../../src/nn/spec.js';
import { initialValues } from '../../src/nn/network.js';
import { PruneLabError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { checkRefGradsByDifferences, expectStepMatchesRef, gpuStep, randomMasks } from '../helpers/network-step.js';

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
      expectStepMatchesRef(await gpuStep(spec, values, x, labels, B), plan, values, x, labels, B);
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
      checkRefGradsByDifferences(plan, values, x, labels, B, 1e-3, 12);
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
