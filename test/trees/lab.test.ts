// The lab run behind the page's table and charts: rows for every method, scored on
// the same split, agreeing with the engine functions called directly.
import { expect } from '@esm-bundle/chai';
import { PruneLabError } from '../../src/errors.js';
import { synthetic } from '../../src/data/synthetic.js';
import { fitTree } from '../../src/trees/cart.js';
import { subsetRows } from '../../src/trees/data.js';
import { bounds2d, decisionRegions, runLab } from '../../src/trees/lab.js';
import { reducedErrorPrune } from '../../src/trees/rep.js';
import { splitRows } from '../../src/trees/split.js';
import { predict, treeSize } from '../../src/trees/tree.js';
import { runRegressionLab } from '../../src/worker/tree-regress-lab.js';

describe('tree lab run', () => {
  const data = synthetic('moons', { n: 300, noise: 0.3, seed: 2 });

  it('splits with the seed and reports a row per method', () => {
    const r = runLab(data, { pre: { maxDepth: 4, minSamplesLeaf: 5 }, seed: 1 });
    expect(r.sizes).to.deep.equal({ train: 180, val: 60, test: 60 });
    expect(r.rows.map((x) => x.kind)).to.deep.equal(['unpruned', 'pre', 'pre', 'pre', 'ccp', 'rep', 'pep']);
    expect(r.rows[1]!.label).to.equal('maxDepth = 4');
    expect(r.rows[1]!.depth).to.be.at.most(4);
    const unpruned = r.rows[0]!;
    expect(unpruned.trainAccuracy).to.equal(1);
    for (const row of r.rows) {
      expect(row.leaves).to.be.at.most(unpruned.leaves);
      expect(row.testAccuracy).to.be.a('number');
      expect(row.fitMs).to.be.at.least(0);
    }
    // The post-pruning rows work on the pre-pruned tree (depth ≤ 4, leaves of ≥ 5).
    expect(treeSize(r.tree).depth).to.be.at.most(4);
    expect(Math.min(...Array.from(r.tree.nSamples))).to.be.at.least(5);
  });

  it('agrees with REP run directly on the same split', () => {
    const r = runLab(data, { seed: 3 });
    const s = splitRows(data.n, { valFraction: 0.2, testFraction: 0.2, seed: 3 });
    const tree = fitTree(subsetRows(data, s.train));
    expect(Array.from(r.tree.threshold)).to.deep.equal(Array.from(tree.threshold));
    expect(Array.from(r.cuts.rep)).to.deep.equal(Array.from(reducedErrorPrune(tree, subsetRows(data, s.val)).cut));
  });

  it('traces accuracy along the path, with the best alpha at the best validation score', () => {
    const r = runLab(data, { seed: 4 });
    expect(r.curve[0]!.trainAccuracy).to.equal(1);
    expect(r.curve[r.curve.length - 1]!.leaves).to.equal(1);
    const best = Math.max(...r.curve.map((p) => p.valAccuracy));
    const chosen = r.curve.find((p) => p.step === r.bestStep)!;
    expect(chosen.valAccuracy).to.equal(best);
    expect(chosen.alpha).to.equal(r.bestAlpha);
    expect(r.rows.find((x) => x.kind === 'ccp')!.leaves).to.equal(chosen.leaves);
  });

  it('draws decision regions that agree with predict', () => {
    const tree = fitTree(data, { maxDepth: 3 });
    const b = bounds2d(data);
    const res = 16;
    const grid = decisionRegions(tree, undefined, b, res);
    const pts = new Float32Array(2 * res * res);
    for (let r = 0; r < res; r++) {
      for (let q = 0; q < res; q++) {
        pts[2 * (r * res + q)] = b.x0 + ((q + 0.5) / res) * (b.x1 - b.x0);
        pts[2 * (r * res + q) + 1] = b.y1 - ((r + 0.5) / res) * (b.y1 - b.y0);
      }
    }
    expect(Array.from(grid)).to.deep.equal(Array.from(predict(tree, pts)));
    expect(new Set(grid).size).to.equal(2);
  });

  it('validates its configuration', () => {
    expect(() => runLab(data, { valFraction: 0 })).to.throw(PruneLabError, 'valFraction');
    expect(() => runLab(data, { pre: { maxDepth: 0 } })).to.throw(PruneLabError, 'maxDepth');
    expect(() => runLab(data, { pre: { depth: 3 } as never })).to.throw(PruneLabError, 'pre.depth');
    expect(() => runLab(data, { confidence: 2 })).to.throw(PruneLabError, 'confidence');
  });

  it('checks and splits a regression set as it does classes, with the same pre-pruning rows', () => {
    // The same rows as `data`, with a real target: both labs share labSplit and prePruningRows.
    const reg = { x: data.x, n: data.n, numFeatures: data.numFeatures, y: Float64Array.from(data.y, (c, i) => c + data.x[2 * i]!) };
    for (const bad of [{ valFraction: 0 }, { valFraction: 1 }, { pre: { depth: 3 } as never }, { testFraction: 1 }]) {
      let a: unknown, b: unknown;
      try { runLab(data, bad); } catch (e) { a = (e as Error).message; }
      try { runRegressionLab(reg, bad); } catch (e) { b = (e as Error).message; }
      expect(a, JSON.stringify(bad)).to.be.a('string');
      expect(b).to.equal(a);
    }
    const config = { pre: { maxDepth: 4, minSamplesLeaf: 5 }, seed: 1 };
    const c = runLab(data, config);
    const r = runRegressionLab(reg, config);
    expect(r.sizes).to.deep.equal(c.sizes);
    expect(r.rows.slice(0, 4).map((x) => [x.kind, x.label])).to.deep.equal(c.rows.slice(0, 4).map((x) => [x.kind, x.label]));
    expect(r.rows.map((x) => x.kind)).to.deep.equal(['unpruned', 'pre', 'pre', 'pre', 'ccp', 'rep']);
    expect(r.rows[4]!.label).to.match(/ of the pre-pruned tree$/);
  });
});
