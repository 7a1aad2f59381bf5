// Our CART and pruning path against scikit-learn 1.2.1 (fixtures generated with
// DecisionTreeClassifier on several data sets; only settings whose result does not
// depend on scikit-learn's random tie-breaking were kept, see helpers.ts).
import { expect } from '@esm-bundle/chai';
import { fitTree } from '../../src/trees/cart.js';
import { ccpPath, cutForAlpha } from '../../src/trees/ccp.js';
import { treeSize, type DecisionTree } from '../../src/trees/tree.js';
import type { TreeParams } from '../../src/trees/params.js';
import { expectClose } from '../helpers/compare.js';
import { caseData, loadSklearnCases, type SkCase, type SkTree } from './helpers.js';

const RTOL = 1e-6;

function fit(c: SkCase, params: TreeParams): DecisionTree {
  return fitTree(caseData(c), params, c.sampleWeight ? { sampleWeight: c.sampleWeight } : {});
}

/** Walks both trees from the root by the same left/right path while scikit-learn's split there is determined. */
function compareStructure(ours: DecisionTree, sk: SkTree, where: string): number {
  let compared = 0;
  const stack: Array<[number, number]> = [[0, 0]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    const at = `${where} node ${b}`;
    expect(ours.nSamples[a], `${at} samples`).to.equal(sk.nSamples[b]);
    expect(ours.weightedNSamples[a], `${at} weighted samples`).to.be.closeTo(sk.weightedNSamples[b]!, 1e-9);
    expect(ours.impurity[a], `${at} impurity`).to.be.closeTo(sk.impurity[b]!, 1e-12);
    compared++;
    if (!sk.splitIsDetermined[b]) continue;
    if (sk.left[b] === -1) {
      expect(ours.left[a], `${at} is a leaf`).to.equal(-1);
      continue;
    }
    expect(ours.feature[a], `${at} feature`).to.equal(sk.feature[b]);
    expect(ours.threshold[a], `${at} threshold`).to.equal(sk.threshold[b]);
    stack.push([ours.right[a]!, sk.right[b]!], [ours.left[a]!, sk.left[b]!]);
  }
  return compared;
}

describe('CART and CCP against scikit-learn fixtures', () => {
  let cases: SkCase[] = [];
  before(async () => {
    cases = await loadSklearnCases();
  });

  it('has fixtures for several data sets, weighted and unweighted, both criteria', () => {
    expect(cases.length).to.be.at.least(5);
    expect(cases.some((c) => c.sampleWeight !== null)).to.equal(true);
    const runs = cases.flatMap((c) => c.runs);
    expect(runs.length).to.be.at.least(100);
    expect(new Set(runs.map((r) => r.params.criterion))).to.deep.equal(new Set(['gini', 'entropy']));
    for (const key of ['maxDepth', 'minSamplesSplit', 'minSamplesLeaf', 'minImpurityDecrease', 'maxLeafNodes']) {
      expect(runs.some((r) => key in r.params), key).to.equal(true);
    }
  });

  it('grows trees with the same leaves, nodes and depth for every pre-pruning setting', () => {
    let checked = 0;
    for (const c of cases) {
      for (const r of c.runs) {
        const size = treeSize(fit(c, r.params as TreeParams));
        const what = `${c.name} ${JSON.stringify(r.params)}`;
        expect(size.leaves, `${what} leaves`).to.equal(r.leaves);
        expect(size.nodes, `${what} nodes`).to.equal(r.nodeCount);
        expect(size.depth, `${what} depth`).to.equal(r.depth);
        checked++;
      }
    }
    expect(checked).to.be.at.least(100);
  });

  it('gives the same cost-complexity pruning path (alphas and impurities, rtol 1e-6)', () => {
    for (const c of cases) {
      for (const r of c.runs) {
        const path = ccpPath(fit(c, r.params as TreeParams));
        const what = `${c.name} ${JSON.stringify(r.params)}`;
        expectClose(path.alphas, r.ccpAlphas, { rtol: RTOL, atol: 1e-15 }, `${what} alphas`);
        expectClose(path.impurities, r.ccpImpurities, { rtol: RTOL, atol: 1e-15 }, `${what} impurities`);
      }
    }
  });

  it('matches the unpruned trees split by split where scikit-learn is deterministic', () => {
    let compared = 0;
    for (const c of cases) {
      for (const r of c.runs.filter((x) => x.tree)) compared += compareStructure(fit(c, r.params as TreeParams), r.tree!, `${c.name} ${r.params.criterion}`);
    }
    expect(compared).to.be.at.least(100);
  });

  it('prunes at a given ccp_alpha to the same number of leaves', () => {
    let checked = 0;
    for (const c of cases) {
      for (const r of c.runs.filter((x) => x.ccpAlphaLeaves)) {
        const tree = fit(c, r.params as TreeParams);
        for (const [alpha, leaves] of r.ccpAlphaLeaves!) {
          expect(treeSize(tree, cutForAlpha(tree, alpha)).leaves, `${c.name} ${r.params.criterion} ccp_alpha=${alpha}`).to.equal(leaves);
          checked++;
        }
      }
    }
    expect(checked).to.be.at.least(10);
  });
});
