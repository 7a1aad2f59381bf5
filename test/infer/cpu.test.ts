// The plain-JS floor against the whole-network oracle: dense and CSR forward passes
// of masked MLP and CNN weights give the oracle's logits and the same classes.
import { expect } from '@esm-bundle/chai';
import { CpuForward } from '../../src/infer/cpu.js';
import { networkRef } from '../../src/ref/network.js';
import { planModel, LENET_5, type ModelSpec } from '../../src/nn/spec.js';
import { initialValues } from '../../src/nn/network.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { pruneGlobal } from './helpers.js';

const CNN_SAME: ModelSpec = {
  input: { C: 2, H: 9, W: 9 },
  layers: [{ type: 'conv2d', filters: 3, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'maxpool2d', size: 2 }, { type: 'flatten' }, { type: 'linear', units: 5 }],
};
const MLP: ModelSpec = { input: { C: 1, H: 5, W: 7 }, layers: [{ type: 'linear', units: 17 }, { type: 'relu' }, { type: 'linear', units: 3 }] };

describe('plain-JS forward (the floor)', () => {
  for (const [name, spec, B] of [['MLP', MLP, 4], ['CNN with same padding', CNN_SAME, 3], ['LeNet-5', LENET_5, 2]] as const) {
    it(`${name}: dense and CSR logits equal the oracle's (60% pruned)`, () => {
      const plan = planModel(spec);
      const rng = new Rng(11);
      const values = pruneGlobal(initialValues(plan, 4), 0.6).map((v) => ({ ...v, b: rng.uniformArray(v.b.length, -0.1, 0.1) }));
      const D = plan.input.C * plan.input.H * plan.input.W;
      const x = rng.uniformArray(B * D, 0, 1);
      const want = networkRef(plan, values, x, new Uint32Array(B), B).logits;
      for (const sparse of [false, true]) {
        const f = new CpuForward(plan, values, sparse);
        expectClose(f.logits(x, B), want, { atol: 1e-5, rtol: 1e-4 }, `${name} ${sparse ? 'CSR' : 'dense'}`);
        const pred = f.predict(x, B);
        for (let b = 0; b < B; b++) {
          const row = Array.from(want.subarray(b * plan.classes, (b + 1) * plan.classes));
          expect(pred[b]).to.equal(row.indexOf(Math.max(...row)));
        }
      }
    });
  }
});
