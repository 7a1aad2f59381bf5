// Model size three ways on hand-counted layers and on LeNet-300-100 (dense, and at
// 95% sparsity where sparse + int8 must be under a tenth of dense f32).
import { expect } from '@esm-bundle/chai';
import { layerSize, modelSize } from '../../src/metrics/size.js';
import { planModel, LENET_300_100, LENET_5 } from '../../src/nn/spec.js';
import { initialValues } from '../../src/nn/network.js';
import { expectArgError } from '../helpers/errors.js';
import { pruneGlobal } from '../infer/helpers.js';

describe('model size', () => {
  it('one layer by hand: 3 rows × 4 columns, 5 kept, 3 biases', () => {
    const s = layerSize('l', 3, 4, 5, 3);
    expect(s.denseF32).to.equal(4 * (12 + 3));
    expect(s.sparse).to.equal(5 * (4 + 2) + 4 * 4 + 4 * 3); // values + u16 columns, row offsets, biases
    expect(s.sparseInt8).to.equal(5 * (1 + 2) + 4 * 4 + 4 * 3 + 4 * 3); // + a scale per row
    expect(layerSize('wide', 1, 70000, 10, 1).sparse).to.equal(10 * (4 + 4) + 8 + 4); // u32 columns past 65,536
  });

  it('refuses an impossible nnz', async () => {
    await expectArgError(() => layerSize('l', 2, 2, 5, 2), 'nnz');
  });

  it('LeNet-300-100 dense is 266,610 × 4 bytes; at 95% sparsity sparse+int8 ≤ 1/10 of dense f32', () => {
    const plan = planModel(LENET_300_100);
    const dense = modelSize(plan, initialValues(plan, 1));
    expect(dense.denseF32).to.equal(266610 * 4);
    expect(dense.nnz).to.equal(266200);
    expect(dense.sparsity).to.equal(0);
    const pruned = modelSize(plan, pruneGlobal(initialValues(plan, 1), 0.95));
    expect(pruned.nnz).to.equal(266200 - Math.round(0.95 * 266200));
    expect(pruned.sparsity).to.be.closeTo(0.95, 1e-6);
    expect(pruned.denseF32).to.equal(dense.denseF32);
    expect(pruned.sparse).to.equal(pruned.nnz * 6 + (301 + 101 + 11) * 4 + 410 * 4);
    expect(pruned.sparseInt8).to.equal(pruned.nnz * 3 + (301 + 101 + 11) * 4 + 410 * 4 + 410 * 4);
    expect(pruned.sparseInt8).to.be.at.most(pruned.denseF32 / 10);
  });

  it('LeNet-5 rows are filters for the convs (F × C·k·k) and neurons for the Linears', () => {
    const plan = planModel(LENET_5);
    const s = modelSize(plan, initialValues(plan, 2));
    expect(s.layers.map((l) => [l.rows, l.cols])).to.deep.equal([[20, 25], [50, 500], [500, 800], [10, 500]]);
    expect(s.denseF32).to.equal(431080 * 4);
  });
});
