// Choosing ccpAlpha: candidates are the distinct alphas of the pruning path (each
// names one subtree), scored by validation accuracy or by k-fold cross-validated
// accuracy; the best score wins, and a tie goes to the larger alpha (smaller tree).
import { accuracy } from '../metrics/classification.js';
import { fitTree } from './cart.js';
import { ccpPath, cutAtStep, stepForAlpha, type CcpPath } from './ccp.js';
import { checkTreeData, subsetRows } from './data.js';
import { checkCompatible } from './evaluate.js';
import type { TreeParams } from './params.js';
import { complement, kFolds } from './split.js';
import { predict, type DecisionTree, type TreeData } from './tree.js';

export interface AlphaChoice {
  method: 'validation' | 'cv';
  /** The chosen ccpAlpha, and the step of the tree's own path it prunes to. */
  alpha: number;
  step: number;
  /** Candidate alphas (increasing) and their steps on the tree's path. */
  candidates: number[];
  steps: number[];
  /** Validation accuracy, or mean accuracy over the folds, of each candidate. */
  scores: number[];
}

/** Steps that some ccpAlpha reaches: step 0, then the last step of each distinct alpha. */
export function reachableSteps(path: CcpPath): number[] {
  const out = [0];
  for (let s = 1; s < path.alphas.length; s++) {
    if (s + 1 === path.alphas.length || path.alphas[s + 1]! > path.alphas[s]!) {
      if (stepForAlpha(path, path.alphas[s]!) === s) out.push(s);
    }
  }
  return out;
}

function pick(method: AlphaChoice['method'], path: CcpPath, steps: number[], scores: number[]): AlphaChoice {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! >= scores[best]!) best = i;
  return { method, alpha: path.alphas[steps[best]!]!, step: steps[best]!, candidates: steps.map((s) => path.alphas[s]!), steps, scores };
}

/** Scores every reachable subtree of `tree` on held-out rows `val`. */
export function chooseAlphaByValidation(tree: DecisionTree, val: TreeData, path: CcpPath = ccpPath(tree)): AlphaChoice {
  checkTreeData(val, 'val');
  checkCompatible(tree, val, 'val');
  const steps = reachableSteps(path);
  const scores = steps.map((s) => accuracy(val.y, predict(tree, val.x, cutAtStep(tree, path, s))));
  return pick('validation', path, steps, scores);
}

export interface CvOptions {
  folds?: number;
  seed?: number;
}

/**
 * k-fold cross-validation: a tree grown on all of `data` gives the candidates; for
 * each fold a tree grown on the other folds is pruned at every candidate alpha and
 * scored on the fold. The mean accuracy picks the alpha.
 */
export function chooseAlphaByCv(data: TreeData, params: TreeParams = {}, options: CvOptions = {}): AlphaChoice & { tree: DecisionTree; path: CcpPath } {
  const k = options.folds ?? 5;
  const folds = kFolds(data.n, k, options.seed ?? 0);
  const tree = fitTree(data, params);
  const path = ccpPath(tree);
  const steps = reachableSteps(path);
  const sums = new Array<number>(steps.length).fill(0);
  for (const fold of folds) {
    const train = subsetRows(data, complement(data.n, fold));
    const held = subsetRows(data, fold);
    const t = fitTree(train, params);
    const p = ccpPath(t);
    steps.forEach((s, i) => {
      const cut = cutAtStep(t, p, stepForAlpha(p, path.alphas[s]!));
      sums[i] += accuracy(held.y, predict(t, held.x, cut));
    });
  }
  return { ...pick('cv', path, steps, sums.map((v) => v / k)), tree, path };
}
