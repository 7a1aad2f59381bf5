// The benchmark's N:M masks (nmMagnitudeValues): magnitude 2:4 on the GPU equals the
// oracle over |w| on every layer whose inputs are a multiple of 4, pruned weights are
// 0, and a layer that cannot be tiled (LeNet-5's conv1: 25 inputs) stays unpruned and is named.
import { expect } from '@esm-bundle/chai';
import { planModel, LENET_5 } from '../../src/nn/spec.js';
import { Network } from '../../src/nn/network.js';
import { nmMagnitudeValues } from '../../src/infer/bench.js';
import { nmLayerShape } from '../../src/prune/nm.js';
import { nmMaskRef } from '../../src/ref/nm.js';
import { gpu } from '../helpers/gpu.js';

describe('bench: magnitude N:M masks', () => {
  it('LeNet-5 at 2:4: conv2, fc1, fc2 equal the oracle over |w|; conv1 (25 inputs) unpruned', async () => {
    const ctx = await gpu();
    const plan = planModel(LENET_5);
    const init = Network.create(ctx, plan, { seed: 4 });
    const dense = await init.readValues();
    init.destroy();
    const { values, unpruned } = await nmMagnitudeValues(ctx, plan, dense, { n: 2, m: 4 });
    expect(unpruned).to.deep.equal(['conv1']);
    plan.params.forEach((op, i) => {
      const { rows, cols, layout } = nmLayerShape(op);
      const want = op.name === 'conv1' ? new Uint8Array(op.weightCount).fill(1) : nmMaskRef(dense[i]!.w, rows, cols, layout, 2, 4);
      expect(Array.from(values[i]!.mask), op.name).to.deep.equal(Array.from(want));
      values[i]!.w.forEach((w, j) => {
        if (w !== (want[j] ? dense[i]!.w[j] : 0)) throw new Error(`${op.name} weight ${j}: ${w}`);
      });
    });
  });
});
