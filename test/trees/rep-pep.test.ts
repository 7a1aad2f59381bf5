// Reduced-error and pessimistic pruning decisions, worked out by hand on data B's
// tree: 0 (x≤3.5) → 1 leaf(3,0) | 2 (x≤5.5) → [3 (x≤4.5) → 4 leaf(0,1) | 5 leaf(1,0)] | 6 leaf(0,3).
import { expect } from '@esm-bundle/chai';
import { PruneLabError } from '../../src/errors.js';
import { fitTree } from '../../src/trees/cart.js';
import { treeData } from '../../src/trees/data.js';
import { normalQuantile, pessimisticPrune, pessimisticRate } from '../../src/trees/pep.js';
import { reducedErrorPrune } from '../../src/trees/rep.js';
import { dataB } from './helpers.js';

describe('reduced-error pruning', () => {
  // Validation rows: (4.2, 0) and (4.8, 1) reach node 3, (7, 1) node 6, (2, 0) and (3.2, 1) node 1.
  const val = treeData([[4.2], [4.8], [7], [2], [3.2]], [0, 1, 1, 0, 1]);

  it('takes the hand-checked decisions bottom-up', () => {
    const r = reducedErrorPrune(fitTree(dataB), val);
    // Node 3: its leaves get both rows wrong (2); as a leaf (1,1) → class 0 it errs once → prune.
    // Node 2: subtree now 1 + 0; as a leaf (1,4) → class 1, errs on (4.2, 0) only → 1 ≤ 1 → prune.
    // Root: subtree 1 (node 1 errs on (3.2, 1)) + 1 = 2; as a leaf (4,4) → class 0 errs 3 times → keep.
    expect(r.decisions).to.deep.equal([
      { node: 3, asLeaf: 1, asSubtree: 2, pruned: true },
      { node: 2, asLeaf: 1, asSubtree: 1, pruned: true },
      { node: 0, asLeaf: 3, asSubtree: 2, pruned: false },
    ]);
    expect(Array.from(r.cut)).to.deep.equal([0, 0, 1, 0, 0, 0, 0]);
  });

  it('prunes subtrees no validation row reaches', () => {
    // Nothing reaches node 3 (0 errors either way: pruned); node 2 as a leaf (class 1) gets (8, 1)
    // right as its subtree did; the root as a leaf (class 0) would miss (8, 1): kept.
    const r = reducedErrorPrune(fitTree(dataB), treeData([[1], [2], [8]], [0, 0, 1]));
    expect(r.decisions.map((d) => [d.node, d.asLeaf, d.asSubtree, d.pruned])).to.deep.equal([[3, 0, 0, true], [2, 0, 0, true], [0, 1, 0, false]]);
    expect(Array.from(r.cut)).to.deep.equal([0, 0, 1, 0, 0, 0, 0]);
  });

  it('checks the validation set against the tree', () => {
    expect(() => reducedErrorPrune(fitTree(dataB), treeData([[1, 2]], [0]))).to.throw(PruneLabError, 'val.numFeatures');
  });
});

describe('pessimistic (C4.5 error-based) pruning', () => {
  const z = 0.6744897501960817; // Φ⁻¹(0.75)
  const wilson = (e: number, n: number): number =>
    (e + 0.5 + (z * z) / 2 + z * Math.sqrt((e + 0.5) * (1 - (e + 0.5) / n) + (z * z) / 4)) / (n + z * z);

  it('computes the upper confidence limit U_CF(E, N)', () => {
    expect(normalQuantile(0.75)).to.be.closeTo(z, 1e-8);
    expect(normalQuantile(0.975)).to.be.closeTo(1.959963984540054, 1e-8);
    expect(pessimisticRate(0, 1)).to.equal(0.75);
    expect(pessimisticRate(0, 3)).to.be.closeTo(1 - Math.cbrt(0.25), 1e-15);
    expect(pessimisticRate(1, 2)).to.be.closeTo(wilson(1, 2), 1e-8);
    expect(pessimisticRate(1, 2)).to.be.closeTo(0.8957, 1e-4);
    expect(pessimisticRate(0.5, 4)).to.be.closeTo((pessimisticRate(0, 4) + pessimisticRate(1, 4)) / 2, 1e-12);
    expect(pessimisticRate(3, 3)).to.equal(1);
    // A smaller confidence factor is more pessimistic.
    expect(pessimisticRate(2, 10, 0.1)).to.be.greaterThan(pessimisticRate(2, 10, 0.25));
  });

  it('takes the hand-checked decisions at CF = 0.25', () => {
    const r = pessimisticPrune(fitTree(dataB));
    const leaf3 = 3 * (1 - Math.cbrt(0.25)); // a pure leaf of 3: 1.1101
    // Node 3 (N 2, E 1): 2·U(1,2) = 1.7915 > leaves 0.75 + 0.75 → keep.
    // Node 2 (N 5, E 1): 5·U(1,5) = 2.2504 ≤ 1.5 + 1.1101 → prune.
    // Root (N 8, E 4): 8·U(4,8) = 5.394 > 1.1101 + 2.2504 → keep.
    expect(r.decisions.map((d) => [d.node, d.pruned])).to.deep.equal([[3, false], [2, true], [0, false]]);
    expect(r.decisions[0]!.asLeaf).to.be.closeTo(2 * wilson(1, 2), 1e-7);
    expect(r.decisions[0]!.asSubtree).to.be.closeTo(1.5, 1e-12);
    expect(r.decisions[1]!.asLeaf).to.be.closeTo(5 * wilson(1, 5), 1e-7);
    expect(r.decisions[1]!.asSubtree).to.be.closeTo(1.5 + leaf3, 1e-9);
    expect(r.decisions[2]!.asLeaf).to.be.closeTo(8 * wilson(4, 8), 1e-7);
    expect(r.decisions[2]!.asSubtree).to.be.closeTo(leaf3 + 5 * wilson(1, 5), 1e-7);
    expect(Array.from(r.cut)).to.deep.equal([0, 0, 1, 0, 0, 0, 0]);
  });

  it('prunes more at a smaller confidence factor, and validates it', () => {
    // At CF = 0.01 (z = 2.326) node 3 as a leaf, 2·U(1,2) = 1.96, beats its two leaves' 2·0.99.
    const strict = pessimisticPrune(fitTree(dataB), 0.01);
    expect(strict.decisions.map((d) => [d.node, d.pruned])).to.deep.equal([[3, true], [2, true], [0, false]]);
    expect(Array.from(strict.cut)).to.deep.equal([0, 0, 1, 0, 0, 0, 0]);
    expect(() => pessimisticPrune(fitTree(dataB), 0)).to.throw(PruneLabError, 'confidence');
    expect(() => pessimisticPrune(fitTree(dataB), 0.7)).to.throw(PruneLabError, 'confidence');
  });
});
