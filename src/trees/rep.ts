// Reduced-error pruning (Quinlan 1987): bottom-up over a held-out validation set,
// each internal node becomes a leaf (predicting its training majority) when that
// makes no more validation errors than its current, already pruned, subtree.
// Ties prune, so a subtree that no validation row reaches is pruned too.
// For a regression tree the error is the validation squared error Σ(y − value)²
// (a node predicting its training mean, or median for absolute_error), so a cut is
// kept when it does not raise the validation MSE.
import { check } from '../errors.js';
import { checkRegressionData, checkTreeData } from './data.js';
import { checkCompatible } from './evaluate.js';
import { checkTask, nodeClass, type Cut, type DecisionTree, type RegressionData, type TreeData } from './tree.js';

export interface PruneDecision {
  node: number;
  /** Error of the node as a leaf: validation errors (REP) or pessimistic estimate (PEP). */
  asLeaf: number;
  /** Error of its subtree as pruned so far. */
  asSubtree: number;
  pruned: boolean;
}

export interface PruneResult {
  cut: Cut;
  /** One decision per internal node, in the bottom-up order they were taken. */
  decisions: PruneDecision[];
}

/** Internal nodes children-first (reverse preorder works for any id order). */
export function bottomUp(tree: DecisionTree): number[] {
  const pre: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (tree.left[v] === -1) continue;
    pre.push(v);
    stack.push(tree.right[v]!, tree.left[v]!);
  }
  return pre.reverse();
}

/**
 * Runs the pruning rule bottom-up: `leafError(node)` and, for leaves of the grown
 * tree, `leafError` again as their error; a node is cut when leafError ≤ the sum of
 * its children's errors.
 */
export function pruneBottomUp(tree: DecisionTree, leafError: (node: number) => number): PruneResult {
  const err = new Float64Array(tree.nodeCount);
  for (let v = 0; v < tree.nodeCount; v++) if (tree.left[v] === -1) err[v] = leafError(v);
  const cut = new Uint8Array(tree.nodeCount);
  const decisions: PruneDecision[] = [];
  for (const v of bottomUp(tree)) {
    const asLeaf = leafError(v);
    const asSubtree = err[tree.left[v]!]! + err[tree.right[v]!]!;
    const pruned = asLeaf <= asSubtree;
    if (pruned) cut[v] = 1;
    err[v] = pruned ? asLeaf : asSubtree;
    decisions.push({ node: v, asLeaf, asSubtree, pruned });
  }
  // A node inside a cut subtree is not a separate cut.
  for (const v of bottomUp(tree).reverse()) {
    if (cut[v] && hasCutAncestor(tree, cut, v)) cut[v] = 0;
  }
  return { cut, decisions };
}

function hasCutAncestor(tree: DecisionTree, cut: Cut, v: number): boolean {
  for (let a = tree.parent[v]!; a !== -1; a = tree.parent[a]!) if (cut[a]) return true;
  return false;
}

/** Reduced-error pruning on validation rows `val` (class labels, or targets for a regression tree). */
export function reducedErrorPrune(tree: DecisionTree, val: TreeData | RegressionData): PruneResult {
  if (tree.task === 'regression') return reducedErrorPruneRegression(tree, val as RegressionData);
  checkTreeData(val as TreeData, 'val');
  return reducedErrorPruneClasses(tree, val as TreeData);
}

function reducedErrorPruneClasses(tree: DecisionTree, val: TreeData): PruneResult {
  checkCompatible(tree, val, 'val');
  const c = tree.numClasses;
  const reach = new Float64Array(tree.nodeCount * c);
  const total = new Float64Array(tree.nodeCount);
  walkRows(tree, val.x, val.n, (v, i) => {
    reach[v * c + val.y[i]!]++;
    total[v]++;
  });
  return pruneBottomUp(tree, (v) => total[v]! - reach[v * c + nodeClass(tree, v)]!);
}

/** REP of a regression tree: a node's error is the squared error of the validation rows reaching it, predicted by its value. */
function reducedErrorPruneRegression(tree: DecisionTree, val: RegressionData): PruneResult {
  checkTask(tree, 'regression');
  checkRegressionData(val, 'val');
  check(val.numFeatures === tree.numFeatures, 'val.numFeatures', `${tree.numFeatures}, as the tree was fitted on`, val.numFeatures);
  const sse = new Float64Array(tree.nodeCount);
  walkRows(tree, val.x, val.n, (v, i) => (sse[v] += (val.y[i]! - tree.value[v]!) ** 2));
  return pruneBottomUp(tree, (v) => sse[v]!);
}

/** Calls visit(node, row) for every node on each row's root-to-leaf path of the grown tree. */
function walkRows(tree: DecisionTree, x: Float32Array, n: number, visit: (v: number, i: number) => void): void {
  const d = tree.numFeatures;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (;;) {
      visit(v, i);
      if (tree.left[v] === -1) break;
      v = x[i * d + tree.feature[v]!]! <= tree.threshold[v]! ? tree.left[v]! : tree.right[v]!;
    }
  }
}
