// The fitted decision tree as plain struct-of-arrays (structured-clonable, so it
// crosses the Worker boundary as is), and what every pruning method works on:
// prediction, size, and copying a tree with some internal nodes cut to leaves.
import { check } from '../errors.js';

/** Classification criteria. */
export type Criterion = 'gini' | 'entropy';
/** Regression criteria, as scikit-learn's DecisionTreeRegressor. */
export type RegressionCriterion = 'squared_error' | 'friedman_mse' | 'absolute_error';
export type TreeTask = 'classification' | 'regression';

/** Node ids are preorder for depth-first growth (left before right), as in scikit-learn. */
export interface DecisionTree {
  /** What `value` holds: weighted class counts (classification) or the node's prediction (regression). */
  readonly task: TreeTask;
  readonly numFeatures: number;
  /** Entries of `value` per node: the classes, or 1 for a regression tree. */
  readonly numClasses: number;
  readonly criterion: Criterion | RegressionCriterion;
  readonly nodeCount: number;
  /** Child ids; -1 for a leaf (both). */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** -1 for a parent-less root. */
  readonly parent: Int32Array;
  /** Split feature, -1 at leaves. A sample goes left when x[feature] ≤ threshold. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** Node impurity under `criterion` (entropy in bits; weighted variance for squared_error and friedman_mse; mean absolute deviation from the median for absolute_error). */
  readonly impurity: Float64Array;
  readonly nSamples: Int32Array;
  readonly weightedNSamples: Float64Array;
  /** Weighted class counts, nodeCount × numClasses, row-major; for regression one value per node: the weighted mean (median for absolute_error). */
  readonly value: Float64Array;
  readonly depth: Int32Array;
}

/** Rows of features, row-major n × numFeatures (f32, as scikit-learn stores them). */
export interface FeatureRows {
  readonly x: Float32Array;
  readonly n: number;
  readonly numFeatures: number;
}

/** Rows of features with class indices. */
export interface TreeData extends FeatureRows {
  readonly y: Int32Array;
  readonly numClasses: number;
}

/** Rows of features with real targets (f64, as scikit-learn's y). */
export interface RegressionData extends FeatureRows {
  readonly y: Float64Array;
}

/** A cut mask: cut[node] = 1 turns that internal node into a leaf (its subtree is pruned). */
export type Cut = Uint8Array;

export function isLeaf(tree: DecisionTree, node: number, cut?: Cut): boolean {
  return tree.left[node] === -1 || (cut !== undefined && cut[node] === 1);
}

/** The majority class of a node (the first on ties, as numpy's argmax). */
export function nodeClass(tree: DecisionTree, node: number): number {
  const c = tree.numClasses;
  let best = 0;
  let bestV = tree.value[node * c]!;
  for (let k = 1; k < c; k++) {
    const v = tree.value[node * c + k]!;
    if (v > bestV) {
      bestV = v;
      best = k;
    }
  }
  return best;
}

/** The leaf that row `i` of a row-major matrix reaches. */
export function leafOf(tree: DecisionTree, x: ArrayLike<number>, i: number, cut?: Cut): number {
  const d = tree.numFeatures;
  let node = 0;
  while (tree.left[node] !== -1 && (cut === undefined || cut[node] !== 1)) {
    node = x[i * d + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}

function checkRows(tree: DecisionTree, x: ArrayLike<number>, cut?: Cut): number {
  check(x.length % tree.numFeatures === 0, 'x', `a multiple of numFeatures (${tree.numFeatures}) values`, x.length);
  if (cut !== undefined) check(cut.length === tree.nodeCount, 'cut', `a Uint8Array of nodeCount (${tree.nodeCount})`, cut);
  return x.length / tree.numFeatures;
}

/** Refuses a regression tree where a class is needed (and the reverse), naming `field`. */
export function checkTask(tree: DecisionTree, task: TreeTask, field = 'tree'): void {
  check(tree.task === task, field, `a ${task} tree${task === 'regression' ? ' (fitRegressor)' : ' (fitTree)'}`, tree.task);
}

/** Predicted class of every row (x row-major, numFeatures columns). */
export function predict(tree: DecisionTree, x: ArrayLike<number>, cut?: Cut): Int32Array {
  checkTask(tree, 'classification');
  const n = checkRows(tree, x, cut);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = nodeClass(tree, leafOf(tree, x, i, cut));
  return out;
}

/** The regression tree's prediction for every row: its leaf's value (mean, or median for absolute_error). */
export function predictValues(tree: DecisionTree, x: ArrayLike<number>, cut?: Cut): Float64Array {
  checkTask(tree, 'regression');
  const n = checkRows(tree, x, cut);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = tree.value[leafOf(tree, x, i, cut)]!;
  return out;
}

/** Class probabilities (leaf class weights normalised), n × numClasses row-major. */
export function predictProba(tree: DecisionTree, x: ArrayLike<number>, cut?: Cut): Float64Array {
  checkTask(tree, 'classification');
  const n = checkRows(tree, x, cut);
  const c = tree.numClasses;
  const out = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    const leaf = leafOf(tree, x, i, cut);
    const w = tree.weightedNSamples[leaf]!;
    for (let k = 0; k < c; k++) out[i * c + k] = w > 0 ? tree.value[leaf * c + k]! / w : 0;
  }
  return out;
}

export interface TreeSize {
  nodes: number;
  leaves: number;
  /** Edges from the root to the deepest leaf (a lone root has depth 0). */
  depth: number;
}

/** Size of the tree as pruned by `cut` (nodes below a cut node are not counted). */
export function treeSize(tree: DecisionTree, cut?: Cut): TreeSize {
  let nodes = 0;
  let leaves = 0;
  let depth = 0;
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    nodes++;
    if (isLeaf(tree, node, cut)) {
      leaves++;
      if (tree.depth[node]! > depth) depth = tree.depth[node]!;
    } else {
      stack.push(tree.right[node]!, tree.left[node]!);
    }
  }
  return { nodes, leaves, depth };
}

/**
 * A standalone copy of the tree with `cut` applied, nodes renumbered in preorder.
 * Used where a pruned tree leaves the engine (CLI output, forests); inside the lab a
 * cut mask over the grown tree is kept instead, so the diagram can grey what was cut.
 */
export function applyCut(tree: DecisionTree, cut: Cut): DecisionTree {
  check(cut.length === tree.nodeCount, 'cut', `a Uint8Array of nodeCount (${tree.nodeCount})`, cut);
  const order: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    if (!isLeaf(tree, node, cut)) stack.push(tree.right[node]!, tree.left[node]!);
  }
  const m = order.length;
  const c = tree.numClasses;
  const newId = new Int32Array(tree.nodeCount).fill(-1);
  order.forEach((old, i) => (newId[old] = i));
  const out = {
    task: tree.task,
    numFeatures: tree.numFeatures,
    numClasses: c,
    criterion: tree.criterion,
    nodeCount: m,
    left: new Int32Array(m),
    right: new Int32Array(m),
    parent: new Int32Array(m),
    feature: new Int32Array(m),
    threshold: new Float64Array(m),
    impurity: new Float64Array(m),
    nSamples: new Int32Array(m),
    weightedNSamples: new Float64Array(m),
    value: new Float64Array(m * c),
    depth: new Int32Array(m),
  };
  order.forEach((old, i) => {
    const leaf = isLeaf(tree, old, cut);
    out.left[i] = leaf ? -1 : newId[tree.left[old]!]!;
    out.right[i] = leaf ? -1 : newId[tree.right[old]!]!;
    out.parent[i] = old === 0 ? -1 : newId[tree.parent[old]!]!;
    out.feature[i] = leaf ? -1 : tree.feature[old]!;
    out.threshold[i] = leaf ? -2 : tree.threshold[old]!;
    out.impurity[i] = tree.impurity[old]!;
    out.nSamples[i] = tree.nSamples[old]!;
    out.weightedNSamples[i] = tree.weightedNSamples[old]!;
    out.value.set(tree.value.subarray(old * c, (old + 1) * c), i * c);
    out.depth[i] = tree.depth[old]!;
  });
  return out;
}
