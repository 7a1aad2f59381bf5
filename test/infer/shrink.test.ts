// Shrinking a model (CPU): the shrunk network's logits equal the original's with
// the removed units' incoming and outgoing weights masked, through conv → pool →
// flatten → Linear; the spec and FLOPs shrink; bad keeps are refused.
import { expect } from '@esm-bundle/chai';
import { shrinkNetwork, keepByNorm } from '../../src/infer/shrink.js';
import { paddedMlpWidths } from '../../src/infer/layers.js';
import { networkRef } from '../../src/ref/network.js';
import { planModel, type ModelSpec } from '../../src/nn/spec.js';
import { initialValues, type LayerValues } from '../../src/nn/network.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { maskRemovedUnits } from './helpers.js';

const CNN: ModelSpec = {
  input: { C: 1, H: 10, W: 10 },
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3 }, { type: 'maxpool2d', size: 2 },
    { type: 'conv2d', filters: 5, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'flatten' },
    { type: 'linear', units: 6 }, { type: 'relu' }, { type: 'linear', units: 3 },
  ],
};

describe('shrinkNetwork', () => {
  it('a CNN keeping filters {0, 2} of conv1, {1, 3, 4} of conv2 and 4 of 6 neurons equals the masked original', () => {
    const plan = planModel(CNN);
    const rng = new Rng(5);
    const values: LayerValues[] = initialValues(plan, 2).map((v) => ({ ...v, b: rng.uniformArray(v.b.length, -0.5, 0.5) }));
    const keep = [Uint8Array.from([1, 0, 1, 0]), Uint8Array.from([0, 1, 0, 1, 1]), Uint8Array.from([1, 1, 0, 1, 0, 1])];
    const shrunk = shrinkNetwork(plan, values, keep);
    const small = planModel(shrunk.spec);
    expect(small.params.map((p) => (p.conv ? p.conv.F : p.out))).to.deep.equal([2, 3, 4, 3]);
    expect(small.params.map((p) => p.in)).to.deep.equal([100, 2 * 16, 3 * 16, 4]);
    expect(small.flopsPerSample).to.be.below(plan.flopsPerSample);
    const masked = maskRemovedUnits(plan, values, keep);
    const x = rng.uniformArray(3 * 100, 0, 1);
    const labels = new Uint32Array(3);
    expectClose(networkRef(small, shrunk.values, x, labels, 3).logits, networkRef(plan, masked, x, labels, 3).logits, { atol: 1e-6, rtol: 1e-5 }, 'shrunk vs masked');
  });

  it('keepByNorm keeps the largest-L1 units (ties: lower index), at least one', () => {
    const plan = planModel({ input: { C: 1, H: 1, W: 2 }, layers: [{ type: 'linear', units: 4 }, { type: 'linear', units: 2 }] });
    const w = Float32Array.from([1, -3, 2, 2, 1, 0, -1, 2]); // K×N = 2×4: column norms 2, 3, 3, 4
    const values = [{ w, b: new Float32Array(4), mask: new Uint8Array(8).fill(1) }, { w: new Float32Array(8), b: new Float32Array(2), mask: new Uint8Array(8).fill(1) }];
    expect(Array.from(keepByNorm(plan, values, 0.5)[0]!)).to.deep.equal([0, 1, 0, 1]);
    expect(Array.from(keepByNorm(plan, values, 0.01)[0]!)).to.deep.equal([0, 0, 0, 1]);
    // Rounded to a multiple of 2: 0.01·4 → 1 → 2 units; of 8: capped at all 4.
    expect(Array.from(keepByNorm(plan, values, 0.01, 2)[0]!)).to.deep.equal([0, 1, 0, 1]);
    expect(Array.from(keepByNorm(plan, values, 0.5, 8)[0]!)).to.deep.equal([1, 1, 1, 1]);
    expect(() => keepByNorm(plan, values, 0.5, 0)).to.throw(/roundTo/);
  });

  it('refuses a keep for the class layer, a wrong length and keeping nothing', async () => {
    const plan = planModel(CNN);
    const values = initialValues(plan, 1);
    await expectArgError(() => shrinkNetwork(plan, values, [undefined, undefined, undefined, new Uint8Array(3)]), 'keep');
    await expectArgError(() => shrinkNetwork(plan, values, [new Uint8Array(3)]), 'keep[0]');
    await expectArgError(() => shrinkNetwork(plan, values, [new Uint8Array(4)]), 'keep[0]');
  });

  it('pads an MLP\'s hidden widths to multiples of 4 for the dense path, and only when needed', () => {
    const lin = (i: number, o: number) => ({ kind: 'linear', in: i, out: o });
    expect(paddedMlpWidths([lin(784, 150), lin(150, 50), lin(50, 10)])).to.deep.equal([{ in: 784, out: 152 }, { in: 152, out: 52 }, { in: 52, out: 10 }]);
    expect(paddedMlpWidths([lin(784, 300), lin(300, 100), lin(100, 10)])).to.equal(undefined);
    expect(paddedMlpWidths([lin(785, 150), lin(150, 10)])).to.equal(undefined);
    expect(paddedMlpWidths([{ kind: 'conv2d', in: 784, out: 150 }, lin(150, 10)])).to.equal(undefined);
    expect(paddedMlpWidths([lin(784, 10)])).to.equal(undefined);
  });
});
