// XGBoost-style boosting: a stage and gamma pruning worked out by hand, then our
// trees and predictions against xgboost 1.7.4 (tree_method='exact', nthread=1;
// fixtures from fixtures/gen_boost.py), and refusals of bad parameters.
import { expect } from '@esm-bundle/chai';
import { regressionData, treeData } from '../../../src/trees/data.js';
import { fitXgb, xgbMargin, xgbPredict, xgbStagedMargins, type XgbParams } from '../../../src/trees/boost/xgb.js';
import { gammaPrune, xgbTreeSize, type XgbTree } from '../../../src/trees/boost/xgb-tree.js';
import { expectClose } from '../../helpers/compare.js';
import { expectRefusal, fixtureData, loadFixture, type XgbFixture } from './helpers.js';

const RTOL = 1e-4;

function splits(t: XgbTree): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let v = 0; v < t.nodeCount; v++) if (t.left[v] !== -1) out.push([v, t.feature[v]!, t.threshold[v]!]);
  return out;
}

describe('xgboost-style boosting by hand', () => {
  // x = 1..4, y = 0 10 10 0, base 0, λ = 0, η = 1: grad = −y, hess = 1.
  // Root G = −20, H = 4, gain 400/4 = 100. Splits: x<1.5: 0 + 400/3 − 100 = 33.3;
  // x<2.5: 50 + 50 − 100 = 0; x<3.5: 33.3 (tied with x<1.5: the backward scan meets 3.5
  // first and keeps it). Left {0, 10, 10}: 400/3; x<1.5: 0 + 200 − 133.3 = 66.7 → split.
  const data = regressionData([[1], [2], [3], [4]], [0, 10, 10, 0]);
  const base: XgbParams = { baseScore: 0, lambda: 0, eta: 1, maxDepth: 2, nEstimators: 1 };

  it('grows the splits and gains worked out by hand', () => {
    const t = fitXgb(data, base).trees[0]![0]!;
    expect(splits(t)).to.deep.equal([[0, 0, 3.5], [1, 0, 1.5]]);
    expect(t.gain[0]).to.be.closeTo(100 / 3, 1e-5);
    expect(t.gain[1]).to.be.closeTo(200 / 3, 1e-5);
    expect(Array.from(xgbPredict(fitXgb(data, base), data.x))).to.deep.equal([0, 10, 10, 0]);
  });

  it('gamma prunes bottom-up: a weak split above a strong one stays; both go once both are weak', () => {
    // γ = 40: the root's 33.3 < 40 but its left child (66.7) stays, so the root is not a leaf's parent: kept.
    let m = fitXgb(data, { ...base, gamma: 40 });
    expect(Array.from(m.trees[0]![0]!.cut)).to.deep.equal([0, 0, 0, 0, 0]);
    expect(Array.from(xgbPredict(m, data.x))).to.deep.equal([0, 10, 10, 0]);
    // γ = 70: the child goes (66.7 < 70), then the root (33.3 < 70): one leaf, weight 20/4.
    m = fitXgb(data, { ...base, gamma: 70 });
    const t = m.trees[0]![0]!;
    expect(Array.from(t.cut.subarray(0, 2))).to.deep.equal([1, 1]);
    expect(xgbTreeSize(t)).to.deep.equal({ nodes: 1, leaves: 1, depth: 0 });
    expect(xgbTreeSize(t, true)).to.deep.equal({ nodes: 5, leaves: 3, depth: 2 });
    expect(Array.from(xgbPredict(m, data.x))).to.deep.equal([5, 5, 5, 5]);
    // gammaPrune alone, on the grown tree: γ = 0 restores it, γ = 67 removes both again.
    expect(gammaPrune(t, 0)).to.equal(0);
    expect(xgbTreeSize(t).leaves).to.equal(3);
    expect(gammaPrune(t, 67)).to.equal(2);
  });

  it('gamma between a strong root and a weak child removes the child only', () => {
    // y = 1 1 3 9 (λ = 0): root 196/4 = 49; x<3.5: 25/3 + 81 − 49 = 40.33 (best; x<2.5 gives 25,
    // x<1.5 gives 8.33). Left {1, 1, 3}: x<2.5: 2 + 9 − 25/3 = 2.667. γ = 3 cuts that split only.
    const d = regressionData([[1], [2], [3], [4]], [1, 1, 3, 9]);
    const m = fitXgb(d, { ...base, gamma: 3 });
    const t = m.trees[0]![0]!;
    expect(t.gain[0]).to.be.closeTo(121 / 3, 1e-5);
    expect(t.gain[1]).to.be.closeTo(8 / 3, 1e-5);
    expect(Array.from(t.cut.subarray(0, 2))).to.deep.equal([0, 1]);
    expectClose(xgbPredict(m, d.x), [5 / 3, 5 / 3, 5 / 3, 9], { atol: 1e-6, rtol: 0 });
  });

  it('one logistic round by hand: gradients p − y, hessians p(1 − p), weights −G/(H + λ)', () => {
    // base 0.5 → margin 0, p = 0.5: g = ±0.5, h = 0.25. x<2.5: 2·(1/1.5) − 0 = 1.333;
    // leaves ∓1/1.5, times η = 0.3: ∓0.2.
    const d = treeData([[1], [2], [3], [4]], [0, 0, 1, 1]);
    const m = fitXgb(d, { nEstimators: 2, maxDepth: 1, minChildWeight: 0.1 });
    const t = m.trees[0]![0]!;
    expect(splits(t)).to.deep.equal([[0, 0, 2.5]]);
    expect(t.gain[0]).to.be.closeTo(4 / 3, 1e-6);
    expectClose(xgbStagedMargins(m, d.x)[0]!, [-0.2, -0.2, 0.2, 0.2], { atol: 1e-7, rtol: 0 });
    expect(m.trainLoss[0]).to.be.closeTo(Math.log1p(Math.exp(-0.2)), 1e-6);
    // Round 2 from p = σ(∓0.2): g = p − y, h = p(1 − p), the same on each side by symmetry.
    const p = 1 / (1 + Math.exp(0.2));
    const w = (-2 * p) / (2 * p * (1 - p) + 1);
    expectClose(xgbMargin(m, d.x), [-0.2 + 0.3 * w, -0.2 + 0.3 * w, 0.2 - 0.3 * w, 0.2 - 0.3 * w], { atol: 1e-6, rtol: 0 });
  });

  it('subsample: each tree sees only its seeded bag (root cover = rows drawn, hessian 1 each)', () => {
    const d = regressionData(Array.from({ length: 200 }, (_, i) => [i % 17, i % 5]), Array.from({ length: 200 }, (_, i) => Math.sin(i)));
    const m = fitXgb(d, { subsample: 0.5, nEstimators: 3, seed: 3 });
    const covers = m.trees.map((r) => r[0]!.sumHess[0]!);
    for (const c of covers) {
      expect(c).to.be.within(70, 130);
      expect(Number.isInteger(c)).to.equal(true);
    }
    expect(m.trees.map((r) => r[0]!.nSamples[0])).to.deep.equal(covers);
    expect(new Set(covers).size, 'bags differ between trees').to.be.greaterThan(1);
    const again = fitXgb(d, { subsample: 0.5, nEstimators: 3, seed: 3 });
    expect(Array.from(xgbMargin(again, d.x))).to.deep.equal(Array.from(xgbMargin(m, d.x)));
    expect(fitXgb(d, { subsample: 1, nEstimators: 1 }).trees[0]![0]!.sumHess[0]).to.equal(200);
  });

  it('lossguide grows the highest-gain leaf first, up to maxLeaves', () => {
    // The same data: root split (33.3), then its left child (66.7); with 2 leaves only the root splits.
    const two = fitXgb(data, { ...base, maxDepth: 0, growPolicy: 'lossguide', maxLeaves: 2 }).trees[0]![0]!;
    expect(splits(two)).to.deep.equal([[0, 0, 3.5]]);
    const three = fitXgb(data, { ...base, maxDepth: 0, growPolicy: 'lossguide', maxLeaves: 3 }).trees[0]![0]!;
    expect(splits(three)).to.deep.equal([[0, 0, 3.5], [1, 0, 1.5]]);
  });
});

describe('xgboost-style boosting against xgboost 1.7.4 (exact)', () => {
  let fx: XgbFixture;
  before(async () => {
    fx = await loadFixture<XgbFixture>('xgb.json');
  });

  it('has fixtures for the three objectives and every parameter', () => {
    expect(fx.cases.map((c) => c.objective)).to.deep.equal(['reg:squarederror', 'binary:logistic', 'multi:softprob']);
    const keys = new Set(fx.cases.flatMap((c) => c.runs.flatMap((r) => Object.keys(r.params))));
    for (const k of ['eta', 'gamma', 'maxDepth', 'minChildWeight', 'lambda', 'alpha', 'maxDeltaStep', 'baseScore']) expect(keys.has(k), k).to.equal(true);
  });

  it('predicts the same margins at every stage, and the same probabilities, within 1e-4 relative', () => {
    for (const c of fx.cases) {
      const { data, xTest } = fixtureData(c);
      for (const r of c.runs) {
        const what = `${c.name} ${JSON.stringify(r.params)}`;
        const m = fitXgb(data, { objective: c.objective, nEstimators: r.rounds, ...r.params });
        expectClose(xgbMargin(m, data.x), r.marginTrain, { atol: 1e-6, rtol: RTOL }, `${what} train margin`);
        r.stages.forEach((s, k) => expectClose(xgbMargin(m, xTest, s), r.stagedTest[k]!, { atol: 1e-6, rtol: RTOL }, `${what} test margin, ${s} rounds`));
        expectClose(xgbPredict(m, xTest), r.predictTest, { atol: 1e-6, rtol: RTOL }, `${what} predict`);
      }
    }
  });

  it('keeps the same leaves per tree after gamma pruning, and the same splits, gains and covers', () => {
    let pruned = 0;
    for (const c of fx.cases) {
      const { data } = fixtureData(c);
      for (const r of c.runs) {
        const what = `${c.name} ${JSON.stringify(r.params)}`;
        const m = fitXgb(data, { objective: c.objective, nEstimators: r.rounds, ...r.params });
        const trees = m.trees.flat();
        expect(trees.map((t) => xgbTreeSize(t).leaves), `${what} leaves`).to.deep.equal(r.leaves);
        pruned += trees.reduce((s, t) => s + xgbTreeSize(t, true).leaves - xgbTreeSize(t).leaves, 0);
        r.firstTrees.forEach((nodes, k) => {
          const t = trees[k]!;
          for (const [id, node] of Object.entries(nodes)) {
            const v = Number(id);
            const at = `${what} tree ${k} node ${v}`;
            expect(t.sumHess[v], `${at} cover`).to.be.closeTo(node.cover, 1e-4 * Math.max(1, node.cover));
            if (node.leaf !== undefined) {
              expect(t.left[v] === -1 || t.cut[v] === 1, `${at} is a leaf`).to.equal(true);
              expect(t.value[v], `${at} leaf`).to.be.closeTo(node.leaf, 1e-6 + RTOL * Math.abs(node.leaf));
            } else {
              expect([t.feature[v], t.left[v], t.right[v], t.cut[v]], `${at} split`).to.deep.equal([node.feature, node.yes, node.no, 0]);
              expect(t.threshold[v], `${at} threshold`).to.equal(Math.fround(node.threshold!));
              expect(t.gain[v], `${at} gain`).to.be.closeTo(node.gain!, 1e-5 + RTOL * Math.abs(node.gain!));
            }
          }
        });
      }
    }
    expect(pruned, 'leaves removed by gamma over all fixtures').to.be.greaterThan(20);
  });

  it('lossguide: the same training margins and leaves per tree as hist lossguide with a bin per distinct value', () => {
    expect(fx.lossguide.length).to.equal(2);
    for (const c of fx.lossguide) {
      const { data } = fixtureData({ ...c, xTest: [] });
      for (const r of c.runs) {
        const what = `${c.name} ${JSON.stringify(r.params)}`;
        const m = fitXgb(data, { objective: c.objective, nEstimators: r.rounds, ...r.params });
        expectClose(xgbMargin(m, data.x), r.marginTrain, { atol: 1e-6, rtol: RTOL }, `${what} train margin`);
        expect(m.trees.flat().map((t) => xgbTreeSize(t).leaves), `${what} leaves`).to.deep.equal(r.leaves);
      }
    }
  });
});

describe('xgboost-style parameters are checked before fitting', () => {
  const data = regressionData([[1], [2], [3], [4]], [0, 1, 2, 3]);
  const bad: Array<[XgbParams, string]> = [
    [{ eta: 0 }, 'eta'],
    [{ eta: 1.5 }, 'eta'],
    [{ gamma: -1 }, 'gamma'],
    [{ gamma: Infinity }, 'gamma'],
    [{ maxDepth: 0 }, 'maxDepth'],
    [{ maxDepth: 2.5 }, 'maxDepth'],
    [{ lambda: -0.1 }, 'lambda'],
    [{ alpha: NaN }, 'alpha'],
    [{ minChildWeight: -1 }, 'minChildWeight'],
    [{ nEstimators: 0 }, 'nEstimators'],
    [{ subsample: 0 }, 'subsample'],
    [{ maxLeaves: 4 }, 'maxLeaves'],
    [{ objective: 'multi:softmax' as never }, 'objective'],
    [{ objective: 'multi:softprob' }, 'objective'],
    [{ objective: 'binary:logistic' }, 'data.y'],
    [{ earlyStoppingRounds: 3 }, 'earlyStoppingRounds'],
    [{ growPolicy: 'lossguide', maxDepth: 0 }, 'maxLeaves'],
    [{ maxdepth: 3 } as never, 'maxdepth'],
  ];
  for (const [params, field] of bad) {
    it(`refuses ${JSON.stringify(params)} naming ${field}`, () => {
      expectRefusal(() => fitXgb(data, params), field);
    });
  }
});
