// Pruning in boosting made visible: counts of what gamma / ccpAlpha / pre-pruning
// removed, losses per stage, and truncation to the best stage on validation.
import { expect } from '@esm-bundle/chai';
import { regressionMetrics } from '../../../src/metrics/regression.js';
import { Rng } from '../../../src/rng.js';
import { regressionData, treeData } from '../../../src/trees/data.js';
import { fitGbdt, gbdtRaw, gbdtStagedRaw } from '../../../src/trees/boost/gbdt.js';
import { nodesIn, pruningCounts, stagedLoss, truncateToBest } from '../../../src/trees/boost/report.js';
import { fitXgb, xgbLoss, xgbMargin } from '../../../src/trees/boost/xgb.js';
import { xgbTreeSize } from '../../../src/trees/boost/xgb-tree.js';
import { treeSize } from '../../../src/trees/tree.js';
import type { RegressionData } from '../../../src/trees/tree.js';
import { expectRefusal } from './helpers.js';

function noisySine(n: number, seed: number): RegressionData {
  const rng = new Rng(seed);
  const xs = Array.from({ length: n }, () => [6 * rng.next(), rng.next()]);
  return regressionData(xs, xs.map(([a]) => Math.sin(a!) + 0.5 * rng.normal()));
}

describe('boosting pruning counts', () => {
  it('xgb: gamma removes the two splits worked out by hand; the grown leaves say why they stopped', () => {
    // x = 1..4, y = 0 10 10 0 (xgb.test.ts): grown root split, left split, 3 leaves; γ = 70 cuts both.
    const data = regressionData([[1], [2], [3], [4]], [0, 10, 10, 0]);
    const m = fitXgb(data, { baseScore: 0, lambda: 0, eta: 1, maxDepth: 2, nEstimators: 1, gamma: 70 });
    const c = pruningCounts(m);
    expect(c.trees).to.equal(1);
    expect(c.grown).to.deep.equal({ nodes: 5, leaves: 3 });
    expect(c.kept).to.deep.equal({ nodes: 1, leaves: 1 });
    expect(c.post).to.deep.equal({ method: 'gamma', splitsRemoved: 2, treesCut: 1 });
    // The two leaves at depth 2 were stopped by maxDepth; the lone row at depth 1 has no split.
    expect(c.pre).to.deep.equal({ maxDepth: 2, maxLeaves: 0, noSplit: 1 });
  });

  it('xgb lossguide: the leaves left with a split to make when maxLeaves is reached count as maxLeaves', () => {
    const data = regressionData([[1], [2], [3], [4]], [0, 10, 10, 0]);
    const m = fitXgb(data, { baseScore: 0, lambda: 0, eta: 1, maxDepth: 0, growPolicy: 'lossguide', maxLeaves: 2, nEstimators: 1 });
    expect(pruningCounts(m).pre).to.deep.equal({ maxDepth: 0, maxLeaves: 1, noSplit: 1 });
  });

  it('gbdt: per-stage ccpAlpha removes splits, counted against the grown trees', () => {
    const data = noisySine(120, 1);
    const grown = fitGbdt(data, { nEstimators: 6, maxDepth: 4, learningRate: 0.3 });
    const cut = fitGbdt(data, { nEstimators: 6, maxDepth: 4, learningRate: 0.3, ccpAlpha: 0.003 });
    const a = pruningCounts(grown);
    const b = pruningCounts(cut);
    expect(a.post).to.deep.equal({ method: null, splitsRemoved: 0, treesCut: 0 });
    expect(b.post.method).to.equal('ccp');
    expect(b.post.splitsRemoved).to.be.greaterThan(0);
    // The first stage's tree is the same tree in both (same residuals) until ccp.
    expect(cut.trees[0]![0]!.grown).to.deep.equal(treeSize(grown.trees[0]![0]!.tree));
    const kept = cut.trees.flat().reduce((s, t) => s + treeSize(t.tree).leaves, 0);
    expect(b.kept.leaves).to.equal(kept);
    expect(b.grown.leaves - b.kept.leaves).to.equal(b.post.splitsRemoved);
    expect(b.grown.nodes - b.kept.nodes).to.equal(2 * b.post.splitsRemoved);
    // Every grown leaf has one reason; depth 4 with 120 rows stops most at maxDepth.
    expect(Object.values(a.pre).reduce((s, v) => s + v, 0)).to.equal(a.grown.leaves);
    expect(a.pre.maxDepth).to.be.greaterThan(0);
  });
});

describe('truncation to the best stage on validation', () => {
  const train = noisySine(80, 2);
  const val = noisySine(60, 3);
  const test = noisySine(60, 4);

  it('gbdt: the validation curve\'s minimum, with sizes, R² and MSE before and after', () => {
    const m = fitGbdt(train, { nEstimators: 40, maxDepth: 5, learningRate: 0.5 });
    const r = truncateToBest(m, val, test);
    // The oracle: the squared-error loss is the MSE of the staged raw predictions.
    const mse = gbdtStagedRaw(m, val.x).map((raw) => regressionMetrics(val.y, raw).mse);
    const best = mse.indexOf(Math.min(...mse)) + 1;
    expect(r.bestStages).to.equal(best);
    expect(best).to.be.lessThan(40);
    expect(r.picked).to.equal('validation-curve');
    expect(r.valLoss).to.have.length(40);
    r.valLoss.forEach((v, i) => expect(v).to.be.closeTo(mse[i]!, 1e-12));
    expect(r.before.stages).to.equal(40);
    expect(r.after).to.include({ stages: best, trees: best, totalNodes: nodesIn(m, best) });
    expect(r.after.totalNodes).to.be.lessThan(r.before.totalNodes);
    expect(r.after.val.loss).to.be.closeTo(Math.min(...mse), 1e-12);
    expect(r.after.val.loss).to.be.at.most(r.before.val.loss);
    const t = regressionMetrics(test.y, gbdtRaw(m, test.x, best));
    expect(r.after.test!.r2).to.be.closeTo(t.r2, 1e-12);
    expect(r.after.test!.mse).to.be.closeTo(t.mse, 1e-12);
    expect(r.after.predictMs).to.be.at.least(0);
  });

  it('xgb: the same for a classifier, with accuracy; early stopping is named when it stopped the fit', () => {
    const rng = new Rng(5);
    const make = (n: number) => {
      const xs = Array.from({ length: n }, () => [rng.next() * 4 - 2, rng.next() * 4 - 2]);
      return treeData(xs, xs.map(([a, b]) => (a! * b! + 0.8 * rng.normal() > 0 ? 1 : 0)));
    };
    const tr = make(100);
    const va = make(80);
    const m = fitXgb(tr, { nEstimators: 60, eta: 0.5, maxDepth: 4, earlyStoppingRounds: 5 }, { val: va });
    expect(m.trees.length).to.be.lessThan(60);
    const r = truncateToBest(m, va);
    expect(r.picked).to.equal('early-stopping');
    expect(r.bestStages).to.equal(m.bestRounds);
    const losses = m.trees.map((_, s) => xgbLoss('binary:logistic', xgbMargin(m, va.x, s + 1), va.y, 1));
    expect(r.valLoss).to.deep.equal(losses);
    expect(stagedLoss(m, va)).to.deep.equal(losses);
    expect(r.after.totalNodes).to.equal(m.trees.slice(0, r.bestStages).flat().reduce((s, t) => s + xgbTreeSize(t).nodes, 0));
    expect(r.after.val.accuracy).to.be.within(0, 1);
    expect(r.before.test).to.equal(null);
  });

  it('refuses rows of the wrong shape or kind, naming them', () => {
    const m = fitGbdt(train, { nEstimators: 3 });
    expectRefusal(() => truncateToBest(m, regressionData([[1, 2, 3]], [0])), 'val.numFeatures');
    expectRefusal(() => truncateToBest(m, treeData([[1, 2]], [0])), 'val');
    expectRefusal(() => truncateToBest(m, val, treeData([[1, 2]], [0])), 'test');
  });
});
