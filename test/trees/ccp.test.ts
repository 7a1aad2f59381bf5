// The weakest-link path worked out by hand on data B (see cart.test.ts for its tree):
// R(t) = N_t/N · gini(t): R(0) = 0.5, R(2) = 5/8 · 0.32 = 0.2, R(3) = 2/8 · 0.5 = 0.125,
// all leaves pure. g(3) = 0.125/1, g(2) = 0.2/(3 − 1) = 0.1, g(0) = 0.5/(4 − 1) = 0.1667:
// node 2 goes first (before its own child 3, whose g is larger), leaving leaf impurity 0.2;
// then g(0) = (0.5 − 0.2)/(2 − 1) = 0.3. Path: alphas 0, 0.1, 0.3; impurities 0, 0.2, 0.5.
import { expect } from '@esm-bundle/chai';
import { PruneLabError } from '../../src/errors.js';
import { fitTree } from '../../src/trees/cart.js';
import { ccpPath, cutAtStep, cutForAlpha, stepForAlpha } from '../../src/trees/ccp.js';
import { treeData } from '../../src/trees/data.js';
import { treeSize } from '../../src/trees/tree.js';
import { dataB } from './helpers.js';

describe('cost-complexity pruning path', () => {
  it('is the hand-computed path on data B', () => {
    const path = ccpPath(fitTree(dataB));
    expect(path.alphas.length).to.equal(3);
    [0, 0.1, 0.3].forEach((a, i) => expect(path.alphas[i]).to.be.closeTo(a, 1e-15));
    [0, 0.2, 0.5].forEach((r, i) => expect(path.impurities[i]).to.be.closeTo(r, 1e-15));
    expect(path.prunedNodes).to.deep.equal([-1, 2, 0]);
    expect(path.leaves).to.deep.equal([4, 2, 1]);
  });

  it('repeats an alpha when two subtrees tie, lowest node id first', () => {
    // x = 1..6, y = 0 0 1 1 1 0: root x ≤ 2.5, node 2 x ≤ 5.5, all leaves pure.
    // g(0) = 0.5/2 = 0.25 and g(2) = (4/6 · 0.375)/1 = 0.25: node 0 (lower id) is taken, collapsing all.
    const t = fitTree(treeData([1, 2, 3, 4, 5, 6].map((v) => [v]), [0, 0, 1, 1, 1, 0]));
    const path = ccpPath(t);
    expect(path.prunedNodes).to.deep.equal([-1, 0]);
    expect(path.alphas[1]).to.be.closeTo(0.25, 1e-15);
    expect(path.impurities).to.deep.equal([0, 0.5]);
  });

  it('prunes at ccpAlpha by taking steps while alpha ≤ ccpAlpha', () => {
    const t = fitTree(dataB);
    const path = ccpPath(t);
    expect(stepForAlpha(path, 0)).to.equal(0);
    expect(stepForAlpha(path, 0.0999)).to.equal(0);
    expect(stepForAlpha(path, path.alphas[1]!)).to.equal(1);
    expect(stepForAlpha(path, 0.29)).to.equal(1);
    expect(stepForAlpha(path, 1)).to.equal(2);
    expect(treeSize(t, cutForAlpha(t, 0.15))).to.deep.equal({ nodes: 3, leaves: 2, depth: 1 });
    expect(treeSize(t, cutForAlpha(t, 0.5)).leaves).to.equal(1);
    expect(Array.from(cutAtStep(t, path, 1))).to.deep.equal([0, 0, 1, 0, 0, 0, 0]);
  });

  it('validates ccpAlpha and steps', () => {
    const t = fitTree(dataB);
    const path = ccpPath(t);
    expect(() => stepForAlpha(path, -1)).to.throw(PruneLabError, 'ccpAlpha');
    expect(() => stepForAlpha(path, Infinity)).to.throw(PruneLabError, 'ccpAlpha');
    expect(() => cutAtStep(t, path, 3)).to.throw(PruneLabError, 'steps');
  });
});
