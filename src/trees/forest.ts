// A seeded random forest built from the same CART (bootstrap rows + a random subset
// of features at every split, as scikit-learn's RandomForestClassifier), soft
// voting, and greedy ensemble pruning: drop trees one at a time while validation
// accuracy does not fall, reporting size, accuracy and prediction time before/after.
import { check } from '../errors.js';
import { accuracy } from '../metrics/classification.js';
import { Rng } from '../rng.js';
import { fitTree, presort } from './cart.js';
import { checkTreeData } from './data.js';
import { checkCompatible } from './evaluate.js';
import { resolveTreeParams, type TreeParams } from './params.js';
import { checkSeed } from './split.js';
import { leafOf, type DecisionTree, type TreeData } from './tree.js';

export interface ForestParams extends TreeParams {
  /** Number of trees, default 25. */
  nTrees?: number;
  /** Draw n rows with replacement per tree (default true); false fits every tree on all rows. */
  bootstrap?: boolean;
  seed?: number;
}

export interface Forest {
  trees: DecisionTree[];
  numFeatures: number;
  numClasses: number;
}

/** Fits `nTrees` trees; maxFeatures defaults to ⌊√numFeatures⌋ (scikit-learn's 'sqrt'). */
export function fitForest(data: TreeData, params: ForestParams = {}): Forest {
  const { nTrees = 25, bootstrap = true, seed, ...treeParams } = params;
  check(Number.isInteger(nTrees) && nTrees >= 1 && nTrees <= 10000, 'nTrees', 'an integer in [1, 10000]', nTrees);
  check(typeof bootstrap === 'boolean', 'bootstrap', 'true or false', bootstrap);
  const s = checkSeed(seed);
  const tp: TreeParams = { ...treeParams, maxFeatures: treeParams.maxFeatures ?? Math.max(1, Math.floor(Math.sqrt(data.numFeatures))) };
  resolveTreeParams(tp, data.numFeatures);
  checkTreeData(data);
  const pre = presort(data);
  const master = new Rng(s);
  const trees: DecisionTree[] = [];
  for (let t = 0; t < nTrees; t++) {
    const rng = new Rng(Math.floor(master.next() * 2 ** 32));
    let sampleWeight: Float64Array | undefined;
    if (bootstrap) {
      // Bootstrap draws become integer weights: a row drawn k times counts k times.
      sampleWeight = new Float64Array(data.n);
      for (let k = 0; k < data.n; k++) sampleWeight[rng.int(data.n)]++;
    }
    trees.push(fitTree(data, tp, { presorted: pre, rng, sampleWeight }));
  }
  return { trees, numFeatures: data.numFeatures, numClasses: data.numClasses };
}

function checkMembers(forest: Forest, members: readonly number[]): void {
  check(members.length >= 1, 'members', 'at least one tree index');
  for (const m of members) check(Number.isInteger(m) && m >= 0 && m < forest.trees.length, 'members', `tree indices in [0, ${forest.trees.length - 1}]`, m);
}

/** Mean of the member trees' leaf class distributions, n × numClasses. */
export function forestProba(forest: Forest, x: Float32Array, members: readonly number[] = forest.trees.map((_, i) => i)): Float64Array {
  checkMembers(forest, members);
  check(x.length % forest.numFeatures === 0, 'x', `a multiple of numFeatures (${forest.numFeatures}) values`, x.length);
  const n = x.length / forest.numFeatures;
  const c = forest.numClasses;
  const out = new Float64Array(n * c);
  for (const m of members) {
    const t = forest.trees[m]!;
    for (let i = 0; i < n; i++) {
      const leaf = leafOf(t, x, i);
      const w = t.weightedNSamples[leaf]!;
      for (let k = 0; k < c; k++) out[i * c + k] += t.value[leaf * c + k]! / w;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= members.length;
  return out;
}

export function predictForest(forest: Forest, x: Float32Array, members?: readonly number[]): Int32Array {
  const p = forestProba(forest, x, members);
  const c = forest.numClasses;
  const n = p.length / c;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (p[i * c + k]! > p[i * c + best]!) best = k;
    out[i] = best;
  }
  return out;
}

export interface EnsembleStats {
  trees: number;
  totalNodes: number;
  valAccuracy: number;
  /** On the test rows, when given. */
  testAccuracy: number | null;
  /** Median wall time to predict the evaluation rows (test if given, else validation), in ms. */
  predictMs: number;
}

export interface EnsemblePruneReport {
  before: EnsembleStats;
  after: EnsembleStats;
  /** Indices of the trees kept, ascending. */
  kept: number[];
  /** Trees dropped, in order, with the validation accuracy after each drop. */
  dropped: Array<{ tree: number; valAccuracy: number }>;
}

function timeMs(fn: () => void, repeats = 11): number {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(repeats / 2)]!;
}

function stats(forest: Forest, members: number[], val: TreeData, test: TreeData | undefined): EnsembleStats {
  const evalRows = test ?? val;
  return {
    trees: members.length,
    totalNodes: members.reduce((s, m) => s + forest.trees[m]!.nodeCount, 0),
    valAccuracy: accuracy(val.y, predictForest(forest, val.x, members)),
    testAccuracy: test ? accuracy(test.y, predictForest(forest, test.x, members)) : null,
    predictMs: timeMs(() => predictForest(forest, evalRows.x, members)),
  };
}

/**
 * Greedy backward elimination: at each round drop the tree whose removal gives the
 * highest validation accuracy (ties: the larger tree, then the lower index), as long
 * as that accuracy is not below the current one. At least one tree stays.
 */
export function pruneEnsemble(forest: Forest, val: TreeData, test?: TreeData): EnsemblePruneReport {
  checkTreeData(val, 'val');
  if (test) checkTreeData(test, 'test');
  for (const t of forest.trees.slice(0, 1)) {
    checkCompatible(t, val, 'val');
    if (test) checkCompatible(t, test, 'test');
  }
  const all = forest.trees.map((_, i) => i);
  let kept = all.slice();
  let current = accuracy(val.y, predictForest(forest, val.x, kept));
  const dropped: EnsemblePruneReport['dropped'] = [];
  while (kept.length > 1) {
    let bestTree = -1;
    let bestAcc = -1;
    for (const t of kept) {
      const acc = accuracy(val.y, predictForest(forest, val.x, kept.filter((m) => m !== t)));
      const better = acc > bestAcc || (acc === bestAcc && forest.trees[t]!.nodeCount > forest.trees[bestTree]!.nodeCount);
      if (better) {
        bestAcc = acc;
        bestTree = t;
      }
    }
    if (bestAcc < current) break;
    kept = kept.filter((m) => m !== bestTree);
    current = bestAcc;
    dropped.push({ tree: bestTree, valAccuracy: bestAcc });
  }
  return { before: stats(forest, all, val, test), after: stats(forest, kept, val, test), kept, dropped };
}
