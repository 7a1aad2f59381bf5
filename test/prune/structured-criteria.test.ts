// Unit criteria taylor and norm-product: GPU scores (scoreUnits, the unit-reduce
// kernel) against src/ref/criteria/units.ts on an MLP and a CNN (conv → conv → flatten
// → linear), the unit Taylor scores from the GPU gradients against the CPU gradients',
// and shrunk outputs equal to masked outputs for selections by both.
import { expect } from '@esm-bundle/chai';
import { planModel, type ModelSpec } from '../../src/nn/spec.js';
import { Network, initialValues } from '../../src/nn/network.js';
import { maskUnits, scoreUnits, selectUnits, shrink, unitCount } from '../../src/prune/structured.js';
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
    it(`${name}: GPU scores equal the oracle (norm-product; taylor from the CPU gradients)`, async () => {
      const ctx = await gpu();
      const plan = planModel(spec);
      const values = initialValues(plan, 3);
      const net = Network.create(ctx, plan, { values });
      const np = await scoreUnits(net, 'norm-product');
      np.forEach((sc, i) => expectClose(sc, normProductRef(plan, values, i), { atol: 1e-7, rtol: 1e-5 }, `norm-product layer ${i}`));
      const data = dataset(spec, 10, classes, 1);
      const got = await scoreUnits(net, 'taylor', { calibration: data, batchSize: 4 });
      const ref = gradientProductsRef(plan, values, data, 4, 'signed');
      expect(got.length).to.equal(plan.params.length - 1);
      got.forEach((sc, i) => {
        const want = unitTaylorRef(plan, Float64Array.from(ref[i]!), i);
        const top = Math.max(...want);
        expectClose(sc, want, { atol: 1e-3 * top + 1e-12, rtol: 1e-3 }, `taylor layer ${i}`);
      });
      net.destroy();
    });

    for (const criterion of ['taylor', 'norm-product'] as const) {
      for (const scope of ['local', 'global'] as const) {
        it(`${name} ${criterion} ${scope}: exact unit counts, the lowest scores go, shrunk logits = masked logits`, async () => {
          const plan = planModel(spec);
          const values = initialValues(plan, 5).map((v) => ({ ...v, b: v.b.map((_, i) => 0.01 * ((i % 5) - 2)) }));
          const data = dataset(spec, 8, classes, 2);
          const net = Network.create(await gpu(), plan, { values });
          const scores = await scoreUnits(net, criterion, criterion === 'taylor' ? { calibration: data, batchSize: 4 } : undefined);
          net.destroy();
          const original = plan.params.map((_, i) => unitCount(plan, i));
          const sel = selectUnits(plan, { fraction: 0.4, criterion, scope, original, scores });
          const hidden = original.slice(0, -1);
          expect(sel.removed.reduce((t, r) => t + r.length, 0)).to.equal(hidden.reduce((t, u) => t + Math.round(0.4 * u), 0));
          expect(sel.removed.at(-1)).to.deep.equal([]);
          if (scope === 'local') {
            hidden.forEach((u, i) => {
              expect(sel.removed[i]!.length).to.equal(Math.round(0.4 * u));
              const sc = scores[i]!;
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

  it('taylor without its calibration, and a selection without scores, are refused by name', async () => {
    const plan = planModel(MLP);
    const net = Network.create(await gpu(), plan, { seed: 1 });
    await expectArgError(() => scoreUnits(net, 'taylor'), 'taylor');
    net.destroy();
    await expectArgError(() => selectUnits(plan, { fraction: 0.5, criterion: 'l1', scope: 'local', original: plan.params.map((_, i) => unitCount(plan, i)), scores: [[1]] }), 'scores[0]');
  });
});
