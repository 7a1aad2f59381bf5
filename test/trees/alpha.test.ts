// Choosing ccpAlpha by a validation split and by k-fold cross-validation.
import { expect } from '@esm-bundle/chai';
import { Rng } from '../../src/rng.js';
import { chooseAlphaByCv, chooseAlphaByValidation, reachableSteps } from '../../src/trees/alpha.js';
import { fitTree } from '../../src/trees/cart.js';
import { ccpPath, cutAtStep } from '../../src/trees/ccp.js';
import { treeData } from '../../src/trees/data.js';
import { accuracy } from '../../src/metrics/classification.js';
import { predict, treeSize } from '../../src/trees/tree.js';
import { dataB } from './helpers.js';

/** y = [x0 > 0.5] with 20% of labels flipped: the full tree overfits the flips. */
function noisyStep(n: number, seed: number): ReturnType<typeof treeData> {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = [rng.next(), rng.next()];
    rows.push(r);
    y.push((r[0]! > 0.5 ? 1 : 0) ^ (rng.next() < 0.2 ? 1 : 0));
  }
  return treeData(rows, y, 2);
}

describe('choosing ccpAlpha', () => {
  it('scores each reachable subtree on validation and keeps the best, larger alpha on ties', () => {
    const t = fitTree(dataB);
    // Validation agrees with the 2-leaf tree (x ≤ 3.5 → 0, else 1) but not with node 3's split.
    const val = treeData([[1], [4], [5], [6]], [0, 1, 1, 1]);
    const c = chooseAlphaByValidation(t, val);
    expect(c.steps).to.deep.equal([0, 1, 2]);
    expect(c.scores).to.deep.equal([0.75, 1, 0.25]);
    expect(c.step).to.equal(1);
    expect(c.alpha).to.be.closeTo(0.1, 1e-15);
    // All equal: the largest alpha (the root alone) wins.
    const flat = chooseAlphaByValidation(t, treeData([[1], [2]], [0, 0]));
    expect(flat.step).to.equal(2);
  });

  it('skips steps that no ccpAlpha reaches (repeated alphas)', () => {
    const path = { alphas: [0, 0.1, 0.1, 0.2], impurities: [0, 0, 0, 0], prunedNodes: [-1, 1, 2, 0], leaves: [4, 3, 2, 1] };
    expect(reachableSteps(path)).to.deep.equal([0, 2, 3]);
  });

  it('picks a pruned tree that beats the full tree on held-out noisy data', () => {
    const train = noisyStep(300, 1);
    const val = noisyStep(300, 2);
    const test = noisyStep(1000, 3);
    const t = fitTree(train);
    const path = ccpPath(t);
    const c = chooseAlphaByValidation(t, val, path);
    const cut = cutAtStep(t, path, c.step);
    expect(treeSize(t, cut).leaves).to.be.below(treeSize(t).leaves / 4);
    expect(accuracy(test.y, predict(t, test.x, cut))).to.be.greaterThan(accuracy(test.y, predict(t, test.x)) + 0.05);
  });

  it('cross-validates with seeded folds', () => {
    const data = noisyStep(200, 4);
    const a = chooseAlphaByCv(data, {}, { folds: 5, seed: 9 });
    const b = chooseAlphaByCv(data, {}, { folds: 5, seed: 9 });
    expect(a.alpha).to.equal(b.alpha);
    expect(a.scores).to.deep.equal(b.scores);
    expect(a.candidates.length).to.equal(a.scores.length);
    const best = Math.max(...a.scores);
    expect(a.scores[a.steps.indexOf(a.step)]).to.equal(best);
    expect(a.scores[0]).to.be.below(best);
    expect(treeSize(a.tree, cutAtStep(a.tree, a.path, a.step)).leaves).to.be.below(treeSize(a.tree).leaves / 4);
    expect(() => chooseAlphaByCv(data, {}, { folds: 1 })).to.throw('folds');
  });
});
