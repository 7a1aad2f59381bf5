// Random forest from the same CART, and greedy ensemble pruning (one case by hand).
import { expect } from '@esm-bundle/chai';
import { PruneLabError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { fitTree } from '../../src/trees/cart.js';
import { treeData } from '../../src/trees/data.js';
import { fitForest, forestProba, predictForest, pruneEnsemble, type Forest } from '../../src/trees/forest.js';
import { accuracy } from '../../src/metrics/classification.js';
import { predict } from '../../src/trees/tree.js';
import { dataB } from './helpers.js';

function noisyXor(n: number, seed: number): ReturnType<typeof treeData> {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = [rng.next(), rng.next(), rng.next(), rng.next()];
    rows.push(r);
    y.push(((r[0]! > 0.5) !== (r[1]! > 0.5) ? 1 : 0) ^ (rng.next() < 0.15 ? 1 : 0));
  }
  return treeData(rows, y, 2);
}

describe('random forest', () => {
  const train = noisyXor(300, 1);
  const test = noisyXor(500, 2);

  it('is reproducible from its seed, and each tree sees a bootstrap sample', () => {
    const a = fitForest(train, { nTrees: 5, seed: 3 });
    const b = fitForest(train, { nTrees: 5, seed: 3 });
    const c = fitForest(train, { nTrees: 5, seed: 4 });
    expect(a.trees.map((t) => Array.from(t.threshold))).to.deep.equal(b.trees.map((t) => Array.from(t.threshold)));
    expect(a.trees.map((t) => t.nodeCount)).to.not.deep.equal(c.trees.map((t) => t.nodeCount));
    for (const t of a.trees) {
      expect(t.weightedNSamples[0]).to.equal(300); // 300 draws with replacement...
      expect(t.nSamples[0]).to.be.within(150, 230); // ...of about 63% distinct rows
    }
  });

  it('applies the same pre-pruning parameters to every tree', () => {
    const f = fitForest(train, { nTrees: 4, seed: 1, maxDepth: 2 });
    for (const t of f.trees) expect(Math.max(...t.depth)).to.be.at.most(2);
  });

  it('averages leaf distributions and beats a single tree on noisy XOR', () => {
    const f = fitForest(train, { nTrees: 30, seed: 7, maxFeatures: 2 });
    const p = forestProba(f, test.x);
    for (let i = 0; i < test.n; i++) expect(p[2 * i]! + p[2 * i + 1]!).to.be.closeTo(1, 1e-12);
    const single = accuracy(test.y, predict(fitTree(train), test.x));
    expect(accuracy(test.y, predictForest(f, test.x))).to.be.greaterThan(single);
  });

  it('validates its parameters', () => {
    expect(() => fitForest(train, { nTrees: 0 })).to.throw(PruneLabError, 'nTrees');
    expect(() => fitForest(train, { maxFeatures: 5 })).to.throw(PruneLabError, 'maxFeatures');
    expect(() => fitForest(train, { seed: -1 })).to.throw(PruneLabError, 'seed');
  });
});

describe('ensemble pruning', () => {
  it('drops trees greedily while validation accuracy holds (by hand)', () => {
    // A and B: x ≤ 3.5 → (1, 0), else (0.2, 0.8). C, fitted on flipped labels, votes the other way.
    const a = fitTree(dataB, { maxDepth: 1 });
    const flipped = { ...dataB, y: dataB.y.map((v) => 1 - v) };
    const cTree = fitTree(flipped, { maxDepth: 1 });
    const forest: Forest = { trees: [a, a, cTree], numFeatures: 1, numClasses: 2 };
    // All three: 7/8 on data B. Without C: 7/8 (kept). Without A or B: ties → class 0, 4/8.
    // Then A and B are equal (7/8 either way, same size): the lower index goes.
    const r = pruneEnsemble(forest, dataB);
    expect(r.dropped).to.deep.equal([{ tree: 2, valAccuracy: 7 / 8 }, { tree: 0, valAccuracy: 7 / 8 }]);
    expect(r.kept).to.deep.equal([1]);
    expect(r.before).to.include({ trees: 3, totalNodes: 9, valAccuracy: 7 / 8, testAccuracy: null });
    expect(r.after).to.include({ trees: 1, totalNodes: 3, valAccuracy: 7 / 8 });
    expect(r.after.predictMs).to.be.at.least(0);
  });

  it('keeps validation accuracy and reports test accuracy on a real forest', () => {
    const train = noisyXor(300, 5);
    const val = noisyXor(200, 6);
    const test = noisyXor(300, 8);
    const f = fitForest(train, { nTrees: 25, seed: 2, maxFeatures: 2 });
    const r = pruneEnsemble(f, val, test);
    expect(r.kept.length + r.dropped.length).to.equal(25);
    expect(r.after.valAccuracy).to.be.at.least(r.before.valAccuracy);
    expect(r.after.totalNodes).to.equal(r.kept.reduce((s, i) => s + f.trees[i]!.nodeCount, 0));
    expect(r.after.testAccuracy).to.equal(accuracy(test.y, predictForest(f, test.x, r.kept)));
    expect(r.dropped.length).to.be.at.least(1);
  });
});
