// Regression trees against scikit-learn 1.2.1's DecisionTreeRegressor (fixtures of
// fixtures/gen_regress.py: sine, Friedman #1, a step function, weighted Friedman #1;
// three criteria × seven pre-pruning settings, kept where scikit-learn's result does
// not hang on its random tie-breaking), and cases worked out by hand.
import { expect } from '@esm-bundle/chai';
import { regressionMetrics } from '../../src/metrics/regression.js';
import { fitTree, presort } from '../../src/trees/cart.js';
import { ccpPath, cutForAlpha } from '../../src/trees/ccp.js';
import { regressionData, subsetRows } from '../../src/trees/data.js';
import { evaluateTree } from '../../src/trees/evaluate.js';
import { pessimisticPrune } from '../../src/trees/pep.js';
import { evaluateRegressor, fitRegressor } from '../../src/trees/regress.js';
import { reducedErrorPrune } from '../../src/trees/rep.js';
import { applyCut, predict, predictValues, treeSize, type DecisionTree, type RegressionData } from '../../src/trees/tree.js';
import type { RegressorParams } from '../../src/trees/params.js';
import { expectClose } from '../helpers/compare.js';
import { regressionSet } from '../../src/trees/datasets.js';
import { dataB, throwsField, type SkTree } from './helpers.js';

interface SkRegTree extends Omit<SkTree, 'splitIsDetermined'> {
  value: number[];
}
interface SkRegRun {
  params: RegressorParams;
  nodeCount: number;
  leaves: number;
  depth: number;
  determined: boolean;
  ccpAlphas: number[];
  ccpImpurities: number[];
  predictions?: number[];
  trainPredictions?: number[];
  ccpAt: Array<{ alpha: number; leaves: number; nodes: number; predictions?: number[]; trainPredictions?: number[] }>;
  tree?: SkRegTree;
}
interface SkRegCase {
  name: string;
  n: number;
  numFeatures: number;
  x: number[];
  y: number[];
  sampleWeight: number[] | null;
  query: number[];
  runs: SkRegRun[];
}

const RTOL = 1e-6;
/** Predictions are means of the same rows: equal but for the order of summation. */
const PRED = { rtol: 1e-9, atol: 1e-12 };

async function loadCases(): Promise<SkRegCase[]> {
  const res = await fetch(new URL('./fixtures/sklearn-regress.json', import.meta.url));
  if (!res.ok) throw new Error(`fixture: HTTP ${res.status}`);
  const body = (await res.json()) as { sklearn: string; cases: SkRegCase[] };
  expect(body.sklearn).to.equal('1.2.1');
  return body.cases;
}

const dataOf = (c: SkRegCase): RegressionData => ({ x: Float32Array.from(c.x), y: Float64Array.from(c.y), n: c.n, numFeatures: c.numFeatures });
const fit = (c: SkRegCase, r: SkRegRun): DecisionTree => fitRegressor(dataOf(c), r.params, c.sampleWeight ? { sampleWeight: c.sampleWeight } : {});

describe('regression trees against scikit-learn fixtures', () => {
  let cases: SkRegCase[] = [];
  before(async () => {
    cases = await loadCases();
  });

  it('covers every criterion and pre-pruning parameter, weighted and unweighted', () => {
    const runs = cases.flatMap((c) => c.runs);
    expect(runs.length).to.be.at.least(50);
    expect(new Set(runs.map((r) => r.params.criterion))).to.deep.equal(new Set(['squared_error', 'friedman_mse', 'absolute_error']));
    expect(runs.filter((r) => r.params.criterion === 'absolute_error').length).to.be.at.least(8);
    for (const key of ['maxDepth', 'minSamplesSplit', 'minSamplesLeaf', 'minImpurityDecrease', 'maxLeafNodes']) {
      expect(runs.some((r) => key in r.params), key).to.equal(true);
    }
    expect(cases.some((c) => c.sampleWeight !== null && c.sampleWeight.includes(0))).to.equal(true);
  });

  it('grows trees of the same leaves, nodes and depth, and the same predictions', () => {
    let checked = 0;
    for (const c of cases) {
      const q = Float32Array.from(c.query);
      for (const r of c.runs) {
        const t = fit(c, r);
        const what = `${c.name} ${JSON.stringify(r.params)}`;
        const size = treeSize(t);
        expect(size.leaves, `${what} leaves`).to.equal(r.leaves);
        expect(size.nodes, `${what} nodes`).to.equal(r.nodeCount);
        expect(size.depth, `${what} depth`).to.equal(r.depth);
        if (r.predictions) expectClose(predictValues(t, q), r.predictions, PRED, `${what} query predictions`);
        if (r.trainPredictions) expectClose(predictValues(t, dataOf(c).x), r.trainPredictions, PRED, `${what} training predictions`);
        checked++;
      }
    }
    expect(checked).to.be.at.least(50);
  });

  it('matches the unpruned trees node by node (split, threshold, impurity, value)', () => {
    let compared = 0;
    for (const c of cases) {
      for (const r of c.runs.filter((x) => x.tree)) {
        const t = fit(c, r);
        const sk = r.tree!;
        const what = `${c.name} ${JSON.stringify(r.params)}`;
        expect(t.nodeCount, `${what} nodeCount`).to.equal(sk.left.length);
        expect(Array.from(t.left), `${what} left`).to.deep.equal(sk.left);
        expect(Array.from(t.right), `${what} right`).to.deep.equal(sk.right);
        expect(Array.from(t.feature), `${what} feature`).to.deep.equal(sk.feature.map((f) => (f < 0 ? -1 : f)));
        expect(Array.from(t.threshold), `${what} threshold`).to.deep.equal(sk.threshold);
        expect(Array.from(t.nSamples), `${what} samples`).to.deep.equal(sk.nSamples);
        expectClose(t.weightedNSamples, sk.weightedNSamples, { rtol: 1e-12, atol: 0 }, `${what} weighted samples`);
        // Variances come from Σw·y² − (Σw·y)²/W: a small one carries the rounding of the large sums.
        expectClose(t.impurity, sk.impurity, { rtol: 1e-9, atol: 1e-12 }, `${what} impurity`);
        expectClose(t.value, sk.value, PRED, `${what} value`);
        compared += t.nodeCount;
      }
    }
    expect(compared).to.be.at.least(400);
  });

  it('gives the same cost-complexity pruning path (alphas and impurities, rtol 1e-6)', () => {
    for (const c of cases) {
      for (const r of c.runs) {
        const path = ccpPath(fit(c, r));
        const what = `${c.name} ${JSON.stringify(r.params)}`;
        expectClose(path.alphas, r.ccpAlphas, { rtol: RTOL, atol: 1e-12 }, `${what} alphas`);
        expectClose(path.impurities, r.ccpImpurities, { rtol: RTOL, atol: 1e-12 }, `${what} impurities`);
      }
    }
  });

  it('prunes at a given ccp_alpha to the same tree and predictions', () => {
    let checked = 0;
    for (const c of cases) {
      const q = Float32Array.from(c.query);
      for (const r of c.runs) {
        const t = fit(c, r);
        for (const a of r.ccpAt) {
          const what = `${c.name} ${JSON.stringify(r.params)} ccp_alpha=${a.alpha}`;
          const pruned = applyCut(t, cutForAlpha(t, a.alpha));
          expect(treeSize(pruned).leaves, `${what} leaves`).to.equal(a.leaves);
          expect(pruned.nodeCount, `${what} nodes`).to.equal(a.nodes);
          if (a.predictions) expectClose(predictValues(pruned, q), a.predictions, PRED, `${what} predictions`);
          if (a.trainPredictions) expectClose(predictValues(pruned, dataOf(c).x), a.trainPredictions, PRED, `${what} training predictions`);
          checked++;
        }
      }
    }
    expect(checked).to.be.at.least(100);
  });

  it('fits every stage of a boosting-like loop on one presort (new targets, same features)', () => {
    const c = cases.find((k) => k.name === 'friedman1')!;
    const base = dataOf(c);
    const pre = presort(base);
    const r = c.runs.find((k) => k.params.criterion === 'friedman_mse' && k.params.maxDepth === 3)!;
    const residual = { ...base, y: base.y.map((v, i) => v - (i % 3)) };
    const a = fitRegressor(residual, r.params, { presorted: pre });
    const b = fitRegressor(residual, r.params);
    expect(Array.from(a.threshold)).to.deep.equal(Array.from(b.threshold));
    expect(Array.from(a.value)).to.deep.equal(Array.from(b.value));
    throwsField(() => fitRegressor({ ...base, x: base.x.slice() }, r.params, { presorted: pre }), 'options.presorted');
  });
});

describe('regression trees by hand', () => {
  // x = 1..4, y = 1 2 4 8. squared_error: root 3.75 (variance 7.1875) splits at 3.5
  // (proxy 7²/3 + 8² beats 3²/2 + 12²/2 and 1 + 14²/3); its left {1,2,4} (mean 7/3,
  // variance 14/9) at 2.5, then {1,2} (variance 1/4) at 1.5.
  // R(t) = N_t/N·impurity: root 7.1875, node 1: 3/4·14/9 = 7/6, node 2: 2/4·1/4 = 1/8.
  // Weakest links: node 2 at 1/8; then node 1 at 7/6 − 1/8 = 25/24; then the root at
  // 7.1875 − 7/6 = 289/48. absolute_error: medians 3, 2, 1.5; MAE 2.25, 1, 0.5;
  // R = 2.25, 0.75, 0.25; alphas 0.25, 0.75 − 0.25 = 0.5, 2.25 − 0.75 = 1.5.
  const hand = regressionData([[1], [2], [3], [4]], [1, 2, 4, 8]);

  it('grows the squared_error tree and its path', () => {
    const t = fitRegressor(hand);
    expect(t.task).to.equal('regression');
    expect(t.criterion).to.equal('squared_error');
    expect(Array.from(t.threshold)).to.deep.equal([3.5, 2.5, 1.5, -2, -2, -2, -2]);
    expectClose(t.value, [3.75, 7 / 3, 1.5, 1, 2, 4, 8], { rtol: 1e-15, atol: 0 }, 'values');
    expectClose(t.impurity, [7.1875, 14 / 9, 0.25, 0, 0, 0, 0], { rtol: 1e-12, atol: 1e-15 }, 'impurities');
    const p = ccpPath(t);
    expectClose(p.alphas, [0, 1 / 8, 25 / 24, 289 / 48], { rtol: 1e-12, atol: 0 }, 'alphas');
    expectClose(p.impurities, [0, 1 / 8, 7 / 6, 7.1875], { rtol: 1e-12, atol: 0 }, 'impurities');
    expect(treeSize(t, cutForAlpha(t, 0.5)).leaves).to.equal(3);
    expectClose(predictValues(t, new Float32Array([1, 2, 3, 4]), cutForAlpha(t, 0.5)), [1.5, 1.5, 4, 8], { rtol: 0, atol: 0 }, 'pruned');
  });

  it('grows the absolute_error tree (medians) and its path', () => {
    const t = fitRegressor(hand, { criterion: 'absolute_error' });
    expect(Array.from(t.threshold)).to.deep.equal([3.5, 2.5, 1.5, -2, -2, -2, -2]);
    expect(Array.from(t.value)).to.deep.equal([3, 2, 1.5, 1, 2, 4, 8]);
    expect(Array.from(t.impurity)).to.deep.equal([2.25, 1, 0.5, 0, 0, 0, 0]);
    expectClose(ccpPath(t).alphas, [0, 0.25, 0.5, 1.5], { rtol: 1e-12, atol: 0 }, 'alphas');
  });

  it("weighs rows: a weighted median is scikit-learn's (the mean of the middle pair on an exact half)", () => {
    const d = regressionData([[0], [0], [0], [0]], [1, 2, 3, 10]);
    // Constant feature: the root stays a leaf whose value is the weighted median.
    expect(fitRegressor(d, { criterion: 'absolute_error' }, { sampleWeight: [1, 1, 1, 1] }).value[0]).to.equal(2.5);
    expect(fitRegressor(d, { criterion: 'absolute_error' }, { sampleWeight: [3, 1, 1, 1] }).value[0]).to.equal(1.5);
    expect(fitRegressor(d, { criterion: 'absolute_error' }, { sampleWeight: [1, 1, 1, 4] }).value[0]).to.equal(10);
    expect(fitRegressor(d, {}, { sampleWeight: [1, 1, 1, 5] }).value[0]).to.equal(56 / 8);
  });

  it('friedman_mse and squared_error share values and impurities, and differ in minImpurityDecrease', () => {
    const a = fitRegressor(hand, { criterion: 'friedman_mse' });
    const b = fitRegressor(hand);
    expect(Array.from(a.value)).to.deep.equal(Array.from(b.value));
    // Root split at 3.5: W_L=3, S_L=7, W_R=1, S_R=8: Friedman (1·7 − 3·8)²/(3·1·4) = 289/12 ≈ 24.08;
    // squared_error's weighted decrease is 7.1875 − 3/4·14/9 = 6.02.
    expect(treeSize(fitRegressor(hand, { criterion: 'friedman_mse', minImpurityDecrease: 24 })).leaves).to.be.at.least(2);
    expect(treeSize(fitRegressor(hand, { criterion: 'friedman_mse', minImpurityDecrease: 24.1 })).leaves).to.equal(1);
    expect(treeSize(fitRegressor(hand, { minImpurityDecrease: 6 })).leaves).to.be.at.least(2);
    expect(treeSize(fitRegressor(hand, { minImpurityDecrease: 6.1 })).leaves).to.equal(1);
  });

  it('reduced-error pruning cuts where the validation squared error does not rise', () => {
    const t = fitRegressor(hand);
    // Validation: x=1 → 1.6, x=2 → 1.4 (the pair's mean 1.5 predicts them better than 1 and 2), x=3 → 4, x=4 → 8.
    const val = regressionData([[1], [2], [3], [4]], [1.6, 1.4, 4, 8]);
    const res = reducedErrorPrune(t, val);
    expect(Array.from(res.cut)).to.deep.equal([0, 0, 1, 0, 0, 0, 0]);
    const node2 = res.decisions.find((d) => d.node === 2)!;
    expect(node2.asLeaf).to.be.closeTo(0.01 + 0.01, 1e-12);
    expect(node2.asSubtree).to.be.closeTo(0.36 + 0.36, 1e-12);
    const m = evaluateRegressor(t, val, res.cut);
    expect(m.mse).to.be.closeTo(0.02 / 4, 1e-12);
  });

  it('refuses pessimistic pruning, classification scoring and classifier criteria for regression', () => {
    const t = fitRegressor(hand);
    expect(throwsField(() => pessimisticPrune(t), 'tree').message).to.contain('C4.5 pessimistic pruning is for classification only');
    throwsField(() => predict(t, hand.x), 'tree');
    throwsField(() => predictValues(fitTree(dataB), dataB.x), 'tree');
    throwsField(() => evaluateTree(t, dataB), 'tree');
    expect(throwsField(() => fitRegressor(hand, { criterion: 'gini' as never }), 'criterion').message).to.contain('squared_error, friedman_mse, absolute_error');
    throwsField(() => fitRegressor(regressionData([[1], [2]], [1, NaN])), 'data.y');
    throwsField(() => fitRegressor(hand, { maxDepth: 0 }), 'maxDepth');
    throwsField(() => fitRegressor(hand, {}, { sampleWeight: [1, 1, -1, 1] }), 'sampleWeight[2]');
  });

  it('keeps subsets as regression data', () => {
    const s = subsetRows(hand, [3, 0]);
    expect(Array.from(s.y)).to.deep.equal([8, 1]);
    expect(s.y).to.be.instanceOf(Float64Array);
    expect(Array.from(s.x)).to.deep.equal([4, 1]);
  });
});

describe('regression metrics', () => {
  it('are MSE, MAE and R² as scikit-learn computes them', () => {
    // y = 1 2 3 4, ŷ = 1 2 2 5: errors 0 0 1 −1; SS_res 2, SS_tot 5.
    const m = regressionMetrics([1, 2, 3, 4], [1, 2, 2, 5]);
    expect(m.mse).to.equal(0.5);
    expect(m.mae).to.equal(0.5);
    expect(m.r2).to.be.closeTo(1 - 2 / 5, 1e-15);
    expect(regressionMetrics([3, 3], [3, 3]).r2).to.equal(1);
    expect(regressionMetrics([3, 3], [3, 4]).r2).to.equal(0);
    throwsField(() => regressionMetrics([1, 2], [1]), 'yPred');
  });
});

describe('synthetic regression sets', () => {
  it('are seeded and follow their functions', () => {
    const a = regressionSet('friedman1', { n: 50, seed: 3 });
    expect(a.numFeatures).to.equal(10);
    expect(Array.from(regressionSet('friedman1', { n: 50, seed: 3 }).y)).to.deep.equal(Array.from(a.y));
    expect(Array.from(regressionSet('friedman1', { n: 50, seed: 4 }).y)).to.not.deep.equal(Array.from(a.y));
    for (let i = 0; i < a.n; i++) {
      const r = a.x.subarray(i * 10, i * 10 + 10);
      const f = 10 * Math.sin(Math.PI * r[0]! * r[1]!) + 20 * (r[2]! - 0.5) ** 2 + 10 * r[3]! + 5 * r[4]!;
      expect(a.y[i]).to.be.closeTo(f, 1e-12);
      for (const v of r) expect(v >= 0 && v < 1).to.equal(true);
    }
    const s = regressionSet('step', { n: 40, noise: 0, seed: 1 });
    for (let i = 0; i < s.n; i++) expect(s.y[i]).to.equal(Math.floor(4 * s.x[i]!));
    const sine = regressionSet('sine', { n: 300, seed: 2 });
    const m = evaluateRegressor(fitRegressor(sine, { maxDepth: 4 }), sine);
    // The noise has variance 0.04 and sin x variance 0.5: a depth-4 tree explains most of it.
    expect(m.r2).to.be.above(0.8);
    expect(m.mse).to.be.above(0.02);
    throwsField(() => regressionSet('friedman1', { features: 4 }), 'features');
    throwsField(() => regressionSet('sine', { features: 6 }), 'features');
  });
});
