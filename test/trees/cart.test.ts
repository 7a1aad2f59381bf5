// CART on data small enough to work out by hand, each pre-pruning parameter's
// exact effect, and parameter/data validation.
//
// Data B: x = 1..8, y = 0 0 0 1 0 1 1 1. Root gini 0.5. Proxy −(N_L·gini_L + N_R·gini_R)
// per threshold: 1.5: −3.43, 2.5: −2.67, 3.5: −1.6, 4.5: −3, 5.5: −1.6, 6.5: −2.67,
// 7.5: −3.43, so x ≤ 3.5 (first of the tie). Right {4..8} (1,4): 4.5: −1.5, 5.5: −1,
// 6.5: −1.33, 7.5: −1.5, so x ≤ 5.5; then {4, 5} splits at 4.5. Preorder ids:
// 0 (x≤3.5) → 1 leaf(3,0), 2 (x≤5.5) → 3 (x≤4.5) → 4 leaf(0,1), 5 leaf(1,0); 6 leaf(0,3).
// Weighted impurity decreases: root 1·(0.5 − 5/8·0.32) = 0.3, node 2 5/8·(0.32 − 2/5·0.5) = 0.075,
// node 3 2/8·0.5 = 0.125.
import { expect } from '@esm-bundle/chai';
import { Rng } from '../../src/rng.js';
import { fitTree } from '../../src/trees/cart.js';
import { treeData } from '../../src/trees/data.js';
import { resolveTreeParams, type TreeParams } from '../../src/trees/params.js';
import { applyCut, predict, predictProba, treeSize } from '../../src/trees/tree.js';
import { dataB, dataD, throwsField } from './helpers.js';

describe('CART: exact trees by hand', () => {
  it('grows data B exactly (ids, splits, counts, impurities)', () => {
    const t = fitTree(dataB);
    expect(Array.from(t.left)).to.deep.equal([1, -1, 3, 4, -1, -1, -1]);
    expect(Array.from(t.right)).to.deep.equal([2, -1, 6, 5, -1, -1, -1]);
    expect(Array.from(t.parent)).to.deep.equal([-1, 0, 0, 2, 3, 3, 2]);
    expect(Array.from(t.feature)).to.deep.equal([0, -1, 0, 0, -1, -1, -1]);
    expect(Array.from(t.threshold)).to.deep.equal([3.5, -2, 5.5, 4.5, -2, -2, -2]);
    expect(Array.from(t.nSamples)).to.deep.equal([8, 3, 5, 2, 1, 1, 3]);
    expect(Array.from(t.depth)).to.deep.equal([0, 1, 1, 2, 3, 3, 2]);
    expect(Array.from(t.value)).to.deep.equal([4, 4, 3, 0, 1, 4, 1, 1, 0, 1, 1, 0, 0, 3]);
    const imp = [0.5, 0, 1 - 17 / 25, 0.5, 0, 0, 0];
    imp.forEach((v, i) => expect(t.impurity[i]).to.be.closeTo(v, 1e-15));
    expect(treeSize(t)).to.deep.equal({ nodes: 7, leaves: 4, depth: 3 });
    expect(Array.from(predict(t, Float32Array.from([3.5, 3.6, 4.5, 5, 100])))).to.deep.equal([0, 1, 1, 0, 1]);
  });

  it('uses entropy in bits with the same thresholds here', () => {
    const t = fitTree(dataB, { criterion: 'entropy' });
    expect(t.impurity[0]).to.equal(1);
    expect(t.impurity[2]).to.be.closeTo(-(0.2 * Math.log2(0.2) + 0.8 * Math.log2(0.8)), 1e-15);
    expect(Array.from(t.threshold)).to.deep.equal([3.5, -2, 5.5, 4.5, -2, -2, -2]);
  });

  it('puts thresholds at midpoints of distinct f32 values and treats values within 1e-7 as equal', () => {
    const t = fitTree(treeData([[0.1], [0.2], [0.2 + 5e-8], [0.7]], [0, 1, 0, 1]));
    // 0.2 and 0.2+5e-8 are one value: no threshold between them.
    for (let i = 0; i < t.nodeCount; i++) {
      if (t.left[i] !== -1) expect([Math.fround(0.1) / 2 + Math.fround(0.2) / 2, Math.fround(0.2 + 5e-8) / 2 + Math.fround(0.7) / 2]).to.include(t.threshold[i]);
    }
    // Every row identical in x: no split is possible at all.
    expect(fitTree(treeData([[1], [1], [1]], [0, 1, 0])).nodeCount).to.equal(1);
  });

  it('weights samples: a weight of 3 counts as three copies', () => {
    const w = [1, 1, 1, 3, 1, 1, 1, 1];
    const weighted = fitTree(dataB, {}, { sampleWeight: w });
    const copied = fitTree(treeData([1, 2, 3, 4, 4, 4, 5, 6, 7, 8].map((v) => [v]), [0, 0, 0, 1, 1, 1, 0, 1, 1, 1]));
    expect(Array.from(weighted.threshold)).to.deep.equal(Array.from(copied.threshold));
    expect(Array.from(weighted.value)).to.deep.equal(Array.from(copied.value));
    expect(Array.from(weighted.weightedNSamples)).to.deep.equal(Array.from(copied.weightedNSamples));
    // ...but n_samples counts rows, as in scikit-learn.
    expect(weighted.nSamples[0]).to.equal(8);
    expect(copied.nSamples[0]).to.equal(10);
    // Zero weight drops a row entirely.
    const dropped = fitTree(dataB, {}, { sampleWeight: [1, 1, 1, 0, 1, 1, 1, 1] });
    expect(dropped.nSamples[0]).to.equal(7);
    expect(treeSize(dropped).leaves).to.equal(2);
  });

  it('predicts probabilities from leaf class weights', () => {
    const t = fitTree(dataB, { maxDepth: 1 });
    expect(Array.from(predictProba(t, Float32Array.from([1, 8])))).to.deep.equal([1, 0, 0.2, 0.8]);
  });

  it('copies a cut tree with preorder ids', () => {
    const t = fitTree(dataB);
    const cut = new Uint8Array(t.nodeCount);
    cut[2] = 1;
    const p = applyCut(t, cut);
    expect(p.nodeCount).to.equal(3);
    expect(Array.from(p.left)).to.deep.equal([1, -1, -1]);
    expect(Array.from(p.value)).to.deep.equal([4, 4, 3, 0, 1, 4]);
  });
});

describe('CART: pre-pruning parameters, each as scikit-learn defines it', () => {
  const leaves = (p: TreeParams): number => treeSize(fitTree(dataB, p)).leaves;

  it('maxDepth stops at that depth', () => {
    expect(treeSize(fitTree(dataB, { maxDepth: 1 }))).to.deep.equal({ nodes: 3, leaves: 2, depth: 1 });
    expect(treeSize(fitTree(dataB, { maxDepth: 2 }))).to.deep.equal({ nodes: 5, leaves: 3, depth: 2 });
    expect(leaves({ maxDepth: 3 })).to.equal(4);
  });

  it('minSamplesSplit: a node with fewer samples is a leaf', () => {
    expect(leaves({ minSamplesSplit: 6 })).to.equal(2); // node 2 has 5
    expect(leaves({ minSamplesSplit: 5 })).to.equal(3); // node 2 splits, node 3 (2) does not
    expect(leaves({ minSamplesSplit: 2 })).to.equal(4);
  });

  it('minSamplesLeaf: only splits leaving that many on each side', () => {
    const t = fitTree(dataB, { minSamplesLeaf: 2 });
    expect(Array.from(t.nSamples)).to.deep.equal([8, 3, 5, 2, 3]);
    // 3 per side: x ≤ 3.5 (3 | 5) ties x ≤ 5.5 (5 | 3); node 2 (5 < 2·3) cannot split.
    expect(Array.from(fitTree(dataB, { minSamplesLeaf: 3 }).nSamples)).to.deep.equal([8, 3, 5]);
    expect(leaves({ minSamplesLeaf: 5 })).to.equal(1);
  });

  it('minImpurityDecrease uses the weighted formula N_t/N · (…)', () => {
    // Node 2's decrease is 0.075 weighted (0.12 unweighted): 0.1 stops it only under the weighted formula.
    expect(leaves({ minImpurityDecrease: 0.1 })).to.equal(2);
    expect(leaves({ minImpurityDecrease: 0.074 })).to.equal(4);
    expect(leaves({ minImpurityDecrease: 0.076 })).to.equal(2);
    expect(leaves({ minImpurityDecrease: 0.3 })).to.equal(2); // the root's 0.3 (within ε) still splits
    expect(leaves({ minImpurityDecrease: 0.31 })).to.equal(1);
  });

  it('maxLeafNodes grows best-first: the larger decrease is split first', () => {
    // Data D: root splits on feature 1 (x1 ≤ 0.5); the left group (5,1) gains 6/12·0.278 = 0.139,
    // the right group (2,4) gains 6/12·0.444 = 0.222, so with 3 leaves only the right one splits.
    const full = fitTree(dataD);
    expect(treeSize(full).leaves).to.equal(4);
    const t = fitTree(dataD, { maxLeafNodes: 3 });
    expect(Array.from(t.left)).to.deep.equal([1, -1, 3, -1, -1]);
    expect(Array.from(t.feature)).to.deep.equal([1, -1, 0, -1, -1]);
    expect(Array.from(t.nSamples)).to.deep.equal([12, 6, 6, 4, 2]);
    // A depth-first grower stopped at 3 leaves would have split the left child instead.
    expect(full.feature[1]).to.equal(0);
    expect(treeSize(fitTree(dataB, { maxLeafNodes: 2 })).leaves).to.equal(2);
    expect(treeSize(fitTree(dataB, { maxLeafNodes: 3 })).leaves).to.equal(3);
    expect(treeSize(fitTree(dataB, { maxLeafNodes: 100 })).leaves).to.equal(4);
  });

  it('maxFeatures draws features per split from the seeded Rng', () => {
    const rows: number[][] = [];
    const labels: number[] = [];
    const rng = new Rng(5);
    for (let i = 0; i < 60; i++) {
      const r = [rng.next(), rng.next(), rng.next(), rng.next()];
      rows.push(r);
      labels.push(r[0]! + r[2]! > 1 ? 1 : 0);
    }
    const data = treeData(rows, labels);
    const a = fitTree(data, { maxFeatures: 2 }, { rng: new Rng(1) });
    const b = fitTree(data, { maxFeatures: 2 }, { rng: new Rng(1) });
    expect(Array.from(a.threshold)).to.deep.equal(Array.from(b.threshold));
    expect(treeSize(a).leaves).to.be.at.least(2);
  });
});

describe('CART: validation', () => {
  it('names the bad parameter and what it accepts', () => {
    expect(throwsField(() => fitTree(dataB, { maxDepth: 0 }), 'maxDepth').message).to.contain('an integer ≥ 1');
    throwsField(() => fitTree(dataB, { maxDepth: 2.5 }), 'maxDepth');
    expect(throwsField(() => fitTree(dataB, { minSamplesSplit: 1 }), 'minSamplesSplit').message).to.contain('≥ 2');
    throwsField(() => fitTree(dataB, { minSamplesLeaf: 0 }), 'minSamplesLeaf');
    throwsField(() => fitTree(dataB, { minImpurityDecrease: -0.1 }), 'minImpurityDecrease');
    throwsField(() => fitTree(dataB, { minImpurityDecrease: NaN }), 'minImpurityDecrease');
    expect(throwsField(() => fitTree(dataB, { maxLeafNodes: 1 }), 'maxLeafNodes').message).to.contain('≥ 2');
    expect(throwsField(() => fitTree(dataB, { criterion: 'mse' as 'gini' }), 'criterion').message).to.contain('gini, entropy');
    throwsField(() => fitTree(dataB, { maxFeatures: 2 }), 'maxFeatures');
    throwsField(() => fitTree(dataD, { maxFeatures: 1 }), 'options.rng');
    throwsField(() => resolveTreeParams({ maxDepht: 3 } as TreeParams), 'maxDepht');
  });

  it('rejects bad rows, labels and weights before fitting', () => {
    const bad = { ...dataB, x: Float32Array.from([1, 2, NaN, 4, 5, 6, 7, 8]) };
    expect(throwsField(() => fitTree(bad), 'data.x').message).to.contain('row 2');
    throwsField(() => fitTree({ ...dataB, y: Int32Array.from([0, 0, 0, 1, 0, 2, 1, 1]) }), 'data.y');
    throwsField(() => fitTree({ ...dataB, n: 7 }), 'data.x');
    throwsField(() => fitTree(dataB, {}, { sampleWeight: [1, 1] }), 'sampleWeight');
    throwsField(() => fitTree(dataB, {}, { sampleWeight: [1, 1, 1, -1, 1, 1, 1, 1] }), 'sampleWeight[3]');
    throwsField(() => fitTree(dataB, {}, { sampleWeight: new Array<number>(8).fill(0) }), 'sampleWeight');
  });
});
