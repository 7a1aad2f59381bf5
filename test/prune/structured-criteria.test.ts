// Unit criteria taylor and norm-product: scores against src/ref/criteria/units.ts on an
// MLP and a CNN (conv → conv → flatten → linear), the Taylor sums from the GPU against
// the CPU gradients, and shrunk outputs equal to masked outputs for selections by both.
import { expect } from '@esm-bundle/chai';
import { planModel, type ModelSpec } from '../../src/nn/spec.js';
import { Network, initialValues } from '../../src/nn/network.js';
import { maskUnits, selectUnits, shrink, unitCount, unitScores, unitTaylorSums } from '../../src/prune/structured.js';
import { normProductRef, unitTaylorRef } from '../../src/ref/criteria/units.js';
import { gradientProductsRef } from '../../src/ref/criteria/gradients.js';
import { networkRef } from '../../src/ref/network.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu } from '../helpers/gpu.js';

const MLP: ModelSpec = { input: { C: 1, H: 1, W: 17 }, layers: [{ type: 'linear', units: 15 }, { type: 'relu' }, { type: 'linear', units: 7 }, { type: 'relu' }, { type: 'linear', units: 3 }] };
const CNN: ModelSpec = { input: { C: 2, H: 8, W: 8 }, layers: [{ type: 'conv2d', filters: 5, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'maxpool2d', size: 2 }, { type: 'conv2d', filters: 3, kernel: 3 }, { type: 'relu' }, { type: 'flatten' }, { type: 'linear', units: 4 }] };

function dataset(spec: ModelSpec, n: number, classes: number, seed: number) {
  const rng = new Rng(seed);
  const D = spec.input.C * spec.input.H * spec.input.W;
  return { images: rng.uniformArray(n * D, 0, 1), labels: Uint8Array.from({ length: n }, () => rng.int(classes)), shape: spec.input, numClasses: classes, n };
}

describe('unit criteria taylor and norm-product', () => {
  for (const [name, spec, classes] of [['MLP', MLP, 3], ['CNN', CNN, 4]] as const) {
    it(`${name}: scores equal the oracle; GPU Σ w·g equals the CPU gradients'`, async () => {
      const ctx = await gpu();
      const plan = planModel(spec);
      const values = initialValues(plan, 3);
      for (let i = 0; i < plan.params.length - 1; i++) {
        expectClose(unitScores(plan, values, i, 'norm-product').raw, normProductRef(plan, values, i), { atol: 1e-12, rtol: 1e-9 }, `norm-product layer ${i}`);
      }
      const data = dataset(spec, 10, classes, 1);
      const net = Network.create(ctx, plan, { values });
      const sums = await unitTaylorSums(net, data, 4);
      const ref = gradientProductsRef(plan, values, data, 4, 'signed');
      sums.forEach((s, i) => {
        const top = ref[i]!.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        expectClose(s, ref[i]!, { atol: 1e-4 * top + 1e-9, rtol: 1e-3 }, `Σ w·g layer ${i}`);
        const got = unitScores(plan, values, i, 'taylor', sums).raw;
        expectClose(got, unitTaylorRef(plan, s, i), { atol: 1e-12, rtol: 1e-6 }, `taylor layer ${i}`);
      });
      net.destroy();
    });

    for (const criterion of ['taylor', 'norm-product'] as const) {
      for (const scope of ['local', 'global'] as const) {
        it(`${name} ${criterion} ${scope}: exact unit counts, the lowest scores go, shrunk logits = masked logits`, async () => {
          const plan = planModel(spec);
          const values = initialValues(plan, 5).map((v) => ({ ...v, b: v.b.map((_, i) => 0.01 * ((i % 5) - 2)) }));
          const data = dataset(spec, 8, classes, 2);
          const taylor = criterion === 'taylor' ? gradientProductsRef(plan, values, data, 4, 'signed').map((a) => Float32Array.from(a)) : undefined;
          const original = plan.params.map((_, i) => unitCount(plan, i));
          const sel = selectUnits(plan, values, { fraction: 0.4, criterion, scope, original, ...(taylor ? { taylor } : {}) });
          const hidden = original.slice(0, -1);
          expect(sel.removed.reduce((t, r) => t + r.length, 0)).to.equal(hidden.reduce((t, u) => t + Math.round(0.4 * u), 0));
          expect(sel.removed.at(-1)).to.deep.equal([]);
          if (scope === 'local') {
            hidden.forEach((u, i) => {
              expect(sel.removed[i]!.length).to.equal(Math.round(0.4 * u));
              const sc = unitScores(plan, values, i, criterion, taylor).raw;
              const maxGone = Math.max(...sel.removed[i]!.map((x) => sc[x]!));
              const minKept = Math.min(...sc.filter((_, x) => !sel.removed[i]!.includes(x)));
              expect(maxGone).to.be.at.most(minKept);
            });
          }
          const small = shrink(plan, values, sel);
          const B = 3;
          const x = data.images.slice(0, B * spec.input.C * spec.input.H * spec.input.W);
          const y = new Uint32Array(B);
          const a = networkRef(planModel(small.spec), small.values, x, y, B).logits;
          const b = networkRef(plan, maskUnits(plan, values, sel), x, y, B).logits;
          expectClose(a, b, { atol: 1e-5, rtol: 1e-5 }, 'shrunk vs masked');
        });
      }
    }
  }

  it("taylor without the sums is refused by name", async () => {
    const plan = planModel(MLP);
    await expectArgError(() => selectUnits(plan, initialValues(plan, 1), { fraction: 0.5, criterion: 'taylor', scope: 'local', original: plan.params.map((_, i) => unitCount(plan, i)) }), 'taylor[0]');
  });
});
