// Gradient boosting: stages worked out by hand for each loss, the early-stopping
// rule, then against scikit-learn 1.2.1's GradientBoosting* (fixtures from
// fixtures/gen_boost.py: only settings free of tied gains), and bad parameters.
import { expect } from '@esm-bundle/chai';
import { regressionData, treeData } from '../../../src/trees/data.js';
import { earlyStoppingSplit, fitGbdt, gbdtClasses, gbdtProbaOfRaw, gbdtRaw, gbdtStagedRaw, type GbdtParams } from '../../../src/trees/boost/gbdt.js';
import { percentile, weightedPercentile } from '../../../src/trees/boost/percentile.js';
import type { BoostData } from '../../../src/trees/boost/data.js';
import { expectClose } from '../../helpers/compare.js';
import { expectRefusal, loadFixture, type FixtureData } from './helpers.js';

const RTOL = 1e-6;

interface GbdtRun {
  params: GbdtParams;
  stages: number[];
  stagedTest: number[][];
  rawTrain: number[];
  trainScore: number[];
  leaves: number[];
  nodes: number[];
}

interface GbdtFixture {
  cases: Array<FixtureData & {
    runs: GbdtRun[];
    early: { params: GbdtParams; nEstimators: number; trainScore: number[]; xTrain: number[]; yTrain: number[]; xVal: number[]; yVal: number[] };
  }>;
}

function rows(c: FixtureData, x: number[], y: number[]): BoostData {
  const xs = Float32Array.from(x);
  if (c.numClasses === null) return { x: xs, y: Float64Array.from(y), n: y.length, numFeatures: c.numFeatures };
  return { x: xs, y: Int32Array.from(y), n: y.length, numFeatures: c.numFeatures, numClasses: c.numClasses };
}

describe('gradient boosting stages by hand', () => {
  const x = [[1], [2], [3], [4]];
  const one: GbdtParams = { nEstimators: 1, learningRate: 0.5, maxDepth: 1 };

  it('squared_error: init = mean, tree on the residuals, raw += lr × leaf mean', () => {
    // y = 1 2 3 10: init 4, residuals −3 −2 −1 6. Friedman's improvement nL·nR/n·(ΔmeanL,R)²:
    // x≤1.5: 3/4·16 = 12; x≤2.5: 1·25 = 25; x≤3.5: 3/4·64 = 48 → leaves −2 and 6.
    const m = fitGbdt(regressionData(x, [1, 2, 3, 10]), one);
    expect(Array.from(m.init)).to.deep.equal([4]);
    expect(m.trees[0]![0]!.tree.threshold[0]).to.equal(3.5);
    expect(Array.from(gbdtRaw(m, Float32Array.of(1, 2, 3, 4)))).to.deep.equal([3, 3, 3, 7]);
    expect(m.trainLoss[0]).to.equal((4 + 1 + 0 + 9) / 4);
  });

  it('absolute_error: init = median (interpolated), leaves = the lower weighted median of y − raw', () => {
    // init np.percentile 50 of 1 2 3 10 = 2.5; signs −1 −1 1 1 split at 2.5; left y − raw = −1.5, −0.5
    // → _weighted_percentile takes −1.5 (the first whose weight CDF reaches half); right 0.5, 7.5 → 0.5.
    const m = fitGbdt(regressionData(x, [1, 2, 3, 10]), { ...one, loss: 'absolute_error' });
    expect(Array.from(m.init)).to.deep.equal([2.5]);
    expect(Array.from(gbdtRaw(m, Float32Array.of(1, 2, 3, 4)))).to.deep.equal([1.75, 1.75, 2.75, 2.75]);
    expect(m.trainLoss[0]).to.equal((0.75 + 0.25 + 0.25 + 7.25) / 4);
  });

  it('huber: gradients clipped at the alpha quantile of |y − raw|, leaves median + mean clipped deviation', () => {
    // init 2.5; |diff| = 1.5 .5 .5 7.5, alpha 0.5 → gamma = weighted 50th = 0.5; residuals −.5 −.5 .5 .5.
    // Split at 2.5. Left diffs −1.5, −0.5: median −1.5, deviations 0, 1 clipped to 0, .5 → −1.5 + .25.
    // Right .5, 7.5: median .5, deviations 0, 7 → .5 + (0 + .5)/2 = .75.
    const m = fitGbdt(regressionData(x, [1, 2, 3, 10]), { ...one, loss: 'huber', alpha: 0.5 });
    expectClose(gbdtRaw(m, Float32Array.of(1, 2, 3, 4)), [2.5 - 0.625, 2.5 - 0.625, 2.5 + 0.375, 2.5 + 0.375], { atol: 1e-15, rtol: 0 });
  });

  it('log_loss (binary): prior log-odds, Newton leaves Σr / Σp(1 − p), deviance 2 × log-loss', () => {
    // Prior ½ → raw 0, residuals ∓½; left leaf −1 / (4 · ¼ · ½ · 2) … = −1/0.5 = −2, right 2; lr 0.1 → ∓0.2.
    const m = fitGbdt(treeData(x, [0, 0, 1, 1]), { nEstimators: 1, learningRate: 0.1, maxDepth: 1 });
    expect(Array.from(m.init)).to.deep.equal([0]);
    const raw = gbdtRaw(m, Float32Array.of(1, 2, 3, 4));
    expectClose(raw, [-0.2, -0.2, 0.2, 0.2], { atol: 1e-15, rtol: 0 });
    expect(m.trainLoss[0]).to.be.closeTo(2 * Math.log1p(Math.exp(-0.2)), 1e-15);
    expect(Array.from(gbdtClasses(m, raw))).to.deep.equal([0, 0, 1, 1]);
  });

  it('log_loss (3 classes): K trees per stage on y == k − softmax, numerator × (K − 1)/K', () => {
    // Priors ⅓ each → raw log ⅓; class 0's tree: residuals ⅔ −⅓ −⅓ on x = 1 2 3 splits at 1.5:
    // left ⅔ / (⅓·⅔) · ⅔ = 2, right (−⅔)/(2·⅓·⅔)·⅔ = −1.
    const m = fitGbdt(treeData([[1], [2], [3]], [0, 1, 2]), { nEstimators: 1, learningRate: 1, maxDepth: 1, minSamplesLeaf: 1 });
    expect(m.numGroups).to.equal(3);
    const raw = gbdtRaw(m, Float32Array.of(1));
    expect(raw[0]! - Math.log(1 / 3)).to.be.closeTo(2, 1e-12);
    const p = gbdtProbaOfRaw(m, raw);
    expect(p[0]! + p[1]! + p[2]!).to.be.closeTo(1, 1e-12);
  });

  it('percentiles: numpy linear interpolation and scikit-learn\'s weighted lower percentile', () => {
    expect(percentile([4, 1, 3, 2], 50)).to.equal(2.5);
    expect(percentile([1, 2, 3, 4], 90)).to.be.closeTo(3.7, 1e-15);
    expect(weightedPercentile([4, 1, 3, 2], [1, 1, 1, 1], 50)).to.equal(2);
    expect(weightedPercentile([1, 2, 3], [0, 0, 1], 0)).to.equal(3);
    expect(weightedPercentile([1, 2, 3], [3, 1, 1], 50)).to.equal(1);
  });

  it('early stopping: stops at the first stage whose loss + tol is not below any of the last nIterNoChange, keeping it', () => {
    const d = regressionData(Array.from({ length: 30 }, (_, i) => [i]), Array.from({ length: 30 }, (_, i) => Math.sin(i)));
    const val = regressionData([[2.5], [7.5], [12.5]], [0, 1, 0]);
    // A tol too large to ever beat: the history starts at +∞, so nIterNoChange stages pass, the next stops.
    for (const k of [1, 2, 4]) {
      const m = fitGbdt(d, { nEstimators: 50, nIterNoChange: k, tol: 1e9 }, { val });
      expect(m.trees.length, `nIterNoChange ${k}`).to.equal(k + 1);
      expect(m.stoppedEarly).to.equal(true);
      expect(m.valLoss!.length).to.equal(k + 1);
    }
    // tol 0 on training rows as validation: the loss falls every stage, so it never stops.
    const m = fitGbdt(d, { nEstimators: 12, nIterNoChange: 1, tol: 0 }, { val: d });
    expect([m.trees.length, m.stoppedEarly]).to.deep.equal([12, false]);
  });

  it('our early-stopping split: ceil(fraction · n) rows, stratified by class, seeded', () => {
    const labels = [...Array(30).fill(0), ...Array(10).fill(1), ...Array(20).fill(2)];
    const d = treeData(labels.map((_, i) => [i]), labels);
    const s = earlyStoppingSplit(d, 0.25, 7);
    expect(s.val.length).to.equal(15);
    expect(s.train.length).to.equal(45);
    const counts = [0, 0, 0];
    for (const i of s.val) counts[labels[i]!]++;
    expect(counts).to.deep.equal([8, 2, 5]);
    expect(Array.from(earlyStoppingSplit(d, 0.25, 7).val)).to.deep.equal(Array.from(s.val));
    expect(Array.from(earlyStoppingSplit(d, 0.25, 8).val)).to.not.deep.equal(Array.from(s.val));
    const m = fitGbdt(d, { nEstimators: 5, nIterNoChange: 2 });
    expect(m.split!.val.length).to.equal(Math.ceil(0.1 * 60));
  });

  it('subsample draws the same rows for the same seed, others for another', () => {
    const d = regressionData(Array.from({ length: 40 }, (_, i) => [i, (i * 7) % 13]), Array.from({ length: 40 }, (_, i) => Math.cos(i / 3)));
    const a = gbdtRaw(fitGbdt(d, { nEstimators: 5, subsample: 0.5, seed: 1 }), d.x);
    const b = gbdtRaw(fitGbdt(d, { nEstimators: 5, subsample: 0.5, seed: 1 }), d.x);
    const c = gbdtRaw(fitGbdt(d, { nEstimators: 5, subsample: 0.5, seed: 2 }), d.x);
    expect(Array.from(a)).to.deep.equal(Array.from(b));
    expect(Array.from(a)).to.not.deep.equal(Array.from(c));
  });
});

describe('gradient boosting against scikit-learn 1.2.1', () => {
  let fx: GbdtFixture;
  before(async () => {
    fx = await loadFixture<GbdtFixture>('gbdt.json');
  });

  it('has fixtures for every loss, binary and 3 classes, every growth parameter', () => {
    const runs = fx.cases.flatMap((c) => c.runs);
    expect(runs.length).to.be.at.least(18);
    expect(new Set(runs.map((r) => r.params.loss ?? 'log_loss'))).to.deep.equal(new Set(['squared_error', 'absolute_error', 'huber', 'log_loss']));
    expect(fx.cases.map((c) => c.numClasses)).to.include.members([2, 3]);
    const keys = new Set(runs.flatMap((r) => Object.keys(r.params)));
    for (const k of ['learningRate', 'maxDepth', 'minSamplesSplit', 'minSamplesLeaf', 'minImpurityDecrease', 'maxLeafNodes', 'ccpAlpha', 'criterion', 'alpha']) expect(keys.has(k), k).to.equal(true);
  });

  it('stages: the same raw predictions (staged), train_score_ and leaves per tree, within 1e-6 relative', () => {
    for (const c of fx.cases) {
      const data = rows(c, c.x, c.y);
      const xTest = Float32Array.from(c.xTest);
      for (const r of c.runs) {
        const what = `${c.name} ${JSON.stringify(r.params)}`;
        const m = fitGbdt(data, { nEstimators: 10, ...r.params });
        expectClose(gbdtRaw(m, data.x), r.rawTrain, { atol: 1e-12, rtol: RTOL }, `${what} train raw`);
        const staged = gbdtStagedRaw(m, xTest);
        r.stages.forEach((s, k) => expectClose(staged[s - 1]!, r.stagedTest[k]!, { atol: 1e-12, rtol: RTOL }, `${what} test raw after ${s}`));
        expectClose(m.trainLoss, r.trainScore, { atol: 0, rtol: RTOL }, `${what} train_score_`);
        const trees = m.trees.flat();
        expect(trees.map((t) => t.tree.left.filter((v) => v === -1).length), `${what} leaves`).to.deep.equal(r.leaves);
        expect(trees.map((t) => t.tree.nodeCount), `${what} nodes`).to.deep.equal(r.nodes);
      }
    }
  });

  it('early stopping on scikit-learn\'s own validation split stops at the same stage', () => {
    for (const c of fx.cases) {
      const e = c.early;
      const m = fitGbdt(rows(c, e.xTrain, e.yTrain), e.params, { val: rows(c, e.xVal, e.yVal) });
      expect(m.trees.length, `${c.name} stages`).to.equal(e.nEstimators);
      expect(m.stoppedEarly, c.name).to.equal(true);
      expectClose(m.trainLoss, e.trainScore, { atol: 0, rtol: RTOL }, `${c.name} train_score_`);
    }
  });
});

describe('gradient-boosting parameters are checked before fitting', () => {
  const reg = regressionData([[1], [2], [3], [4]], [0, 1, 2, 3]);
  const cls = treeData([[1], [2], [3], [4]], [0, 1, 0, 1]);
  const bad: Array<[BoostData, GbdtParams, string]> = [
    [reg, { learningRate: 0 }, 'learningRate'],
    [reg, { nEstimators: 1.5 }, 'nEstimators'],
    [reg, { subsample: 1.1 }, 'subsample'],
    [reg, { loss: 'log_loss' }, 'loss'],
    [cls, { loss: 'huber' }, 'loss'],
    [reg, { loss: 'quantile' as never }, 'loss'],
    [reg, { criterion: 'absolute_error' as never }, 'criterion'],
    [reg, { maxDepth: 0 }, 'maxDepth'],
    [reg, { minSamplesLeaf: 0 }, 'minSamplesLeaf'],
    [reg, { minSamplesSplit: 1 }, 'minSamplesSplit'],
    [reg, { maxLeafNodes: 1 }, 'maxLeafNodes'],
    [reg, { minImpurityDecrease: -1 }, 'minImpurityDecrease'],
    [reg, { ccpAlpha: -0.1 }, 'ccpAlpha'],
    [reg, { alpha: 1 }, 'alpha'],
    [reg, { validationFraction: 0 }, 'validationFraction'],
    [reg, { nIterNoChange: 0 }, 'nIterNoChange'],
    [reg, { tol: NaN }, 'tol'],
    [reg, { seed: -1 }, 'seed'],
    [reg, { max_depth: 3 } as never, 'max_depth'],
    [treeData([[1], [2]], [0, 0], 2), {}, 'data.y'],
  ];
  for (const [data, params, field] of bad) {
    it(`refuses ${JSON.stringify(params)} naming ${field}`, () => {
      expectRefusal(() => fitGbdt(data, params), field);
    });
  }
});
