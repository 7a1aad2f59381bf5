// Minimal cost-complexity (weakest-link) pruning, defined as scikit-learn's
// cost_complexity_pruning_path: R(t) = N_t/N · impurity(t) (weighted samples),
// R(T_t) = Σ R(leaves of T_t), and a node's effective alpha
// g(t) = (R(t) − R(T_t)) / (|leaves(T_t)| − 1). Each step collapses the node of
// smallest g (lowest id on ties), so equal alphas appear as repeated steps, exactly
// as scikit-learn reports them. Pruning at ccpAlpha collapses steps while g ≤ ccpAlpha.
import { check } from '../errors.js';
import type { Cut, DecisionTree } from './tree.js';

export interface CcpPath {
  /** Effective alpha of each step; step 0 is the unpruned tree with alpha 0. */
  alphas: number[];
  /** Total weighted leaf impurity of the subtree after each step. */
  impurities: number[];
  /** Node collapsed at each step (-1 at step 0). */
  prunedNodes: number[];
  /** Leaves of the subtree after each step. */
  leaves: number[];
}

/** The full weakest-link pruning path, down to the root alone. */
export function ccpPath(tree: DecisionTree): CcpPath {
  const count = tree.nodeCount;
  const { left, right, parent } = tree;
  const total = tree.weightedNSamples[0]!;
  const rNode = new Float64Array(count);
  for (let i = 0; i < count; i++) rNode[i] = (tree.weightedNSamples[i]! * tree.impurity[i]!) / total;
  const rBranch = new Float64Array(count);
  const nLeaves = new Int32Array(count);
  const isLeafNow = new Uint8Array(count);
  const candidate = new Uint8Array(count);
  const inTree = new Uint8Array(count).fill(1);
  for (let i = 0; i < count; i++) {
    isLeafNow[i] = left[i] === -1 ? 1 : 0;
    candidate[i] = 1 - isLeafNow[i]!;
  }
  // Leaf sums bubble up to every ancestor, leaf by leaf in id order.
  for (let leaf = 0; leaf < count; leaf++) {
    if (!isLeafNow[leaf]) continue;
    const r = rNode[leaf]!;
    rBranch[leaf] = r;
    for (let a = leaf; a !== 0; ) {
      a = parent[a]!;
      rBranch[a] += r;
      nLeaves[a]++;
    }
  }
  const path: CcpPath = { alphas: [0], impurities: [rBranch[0]!], prunedNodes: [-1], leaves: [left[0] === -1 ? 1 : nLeaves[0]!] };
  while (candidate[0]) {
    let alpha = Number.MAX_VALUE;
    let pick = -1;
    for (let i = 0; i < count; i++) {
      if (!candidate[i]) continue;
      const g = (rNode[i]! - rBranch[i]!) / (nLeaves[i]! - 1);
      if (g < alpha) {
        alpha = g;
        pick = i;
      }
    }
    if (pick < 0) break;
    const stack = [pick];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (!inTree[v]) continue;
      candidate[v] = 0;
      inTree[v] = 0;
      if (left[v] !== -1) stack.push(left[v]!, right[v]!);
    }
    inTree[pick] = 1;
    const removed = nLeaves[pick]! - 1;
    nLeaves[pick] = 0;
    const diff = rNode[pick]! - rBranch[pick]!;
    rBranch[pick] = rNode[pick]!;
    for (let a = parent[pick]!; a !== -1; a = parent[a]!) {
      nLeaves[a] -= removed;
      rBranch[a] += diff;
    }
    path.alphas.push(alpha);
    path.impurities.push(rBranch[0]!);
    path.prunedNodes.push(pick);
    path.leaves.push(pick === 0 ? 1 : nLeaves[0]!);
  }
  return path;
}

/** The cut of the first `steps` steps of a path (step 0 = nothing cut). */
export function cutAtStep(tree: DecisionTree, path: CcpPath, steps: number): Cut {
  check(Number.isInteger(steps) && steps >= 0 && steps < path.alphas.length, 'steps', `an integer in [0, ${path.alphas.length - 1}]`, steps);
  const cut = new Uint8Array(tree.nodeCount);
  for (let s = 1; s <= steps; s++) cut[path.prunedNodes[s]!] = 1;
  return cut;
}

/**
 * The last step whose collapse scikit-learn's ccp_alpha would perform: steps are
 * taken while their alpha is ≤ ccpAlpha; ccpAlpha = 0 prunes nothing (scikit-learn
 * skips pruning entirely then, even for zero-gain splits).
 */
export function stepForAlpha(path: CcpPath, ccpAlpha: number): number {
  check(typeof ccpAlpha === 'number' && Number.isFinite(ccpAlpha) && ccpAlpha >= 0, 'ccpAlpha', 'a finite number ≥ 0', ccpAlpha);
  if (ccpAlpha === 0) return 0;
  let s = 0;
  while (s + 1 < path.alphas.length && path.alphas[s + 1]! <= ccpAlpha) s++;
  return s;
}

/** The cut that pruning at ccpAlpha makes (as DecisionTreeClassifier(ccp_alpha=…)). */
export function cutForAlpha(tree: DecisionTree, ccpAlpha: number, path: CcpPath = ccpPath(tree)): Cut {
  return cutAtStep(tree, path, stepForAlpha(path, ccpAlpha));
}
