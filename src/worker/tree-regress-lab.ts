// The tree lab's regression mode, engine side (TreeLabApi.loadAndRunRegression /
// runRegressionLab / regressionGrid): split a regression set (seeded), grow the
// unpruned tree and one per pre-pruning setting, post-prune the grown tree by CCP
// (alpha picked by validation MSE, ties to the larger alpha) and REP, and score all of
// them by MSE and R² on the same rows, as runLab does for classes (src/trees/lab.ts).
import { check } from '../errors.js';
import type { RegressionTable } from '../data/csv.js';
import { reachableSteps } from '../trees/alpha.js';
import { ccpPath, cutAtStep } from '../trees/ccp.js';
import { PRE_PRUNING_KEYS, type Bounds, type PrePruning } from '../trees/lab.js';
import { resolveTreeParams, type RegressorParams } from '../trees/params.js';
import { evaluateRegressor, fitRegressor } from '../trees/regress.js';
import { reducedErrorPrune } from '../trees/rep.js';
import { splitRows } from '../trees/split.js';
import { subsetRows } from '../trees/data.js';
import { leafOf, treeSize, type Cut, type DecisionTree, type RegressionData } from '../trees/tree.js';
import type { RegressionLabConfig, RegressionLabReport, RegressionLabRow, RegressionPathPoint, RegressionSummary } from './tree-api.js';

export function runRegressionLab(data: RegressionData, config: RegressionLabConfig = {}): RegressionLabReport {
  const criterion = config.criterion ?? 'squared_error';
  const pre: PrePruning = config.pre ?? {};
  for (const k of Object.keys(pre)) check((PRE_PRUNING_KEYS as readonly string[]).includes(k), `pre.${k}`, `one of ${PRE_PRUNING_KEYS.join(', ')}`);
  resolveTreeParams({ criterion, ...pre }, data.numFeatures, 'regression');
  const valFraction = config.valFraction ?? 0.2;
  check(typeof valFraction === 'number' && valFraction > 0 && valFraction < 1, 'valFraction', 'a number in (0, 1): REP and the choice of alpha need validation rows', valFraction);
  const split = splitRows(data.n, { valFraction, testFraction: config.testFraction ?? 0.2, seed: config.seed ?? 0 });
  const train = subsetRows(data, split.train);
  const val = subsetRows(data, split.val);
  const test = split.test.length > 0 ? subsetRows(data, split.test) : null;

  const score = (kind: RegressionLabRow['kind'], label: string, tree: DecisionTree, cut: Cut | undefined, fitMs: number, pruneMs: number): RegressionLabRow => {
    const m = (d: RegressionData): { mse: number; r2: number } => {
      const r = evaluateRegressor(tree, d, cut);
      return { mse: r.mse, r2: r.r2 };
    };
    return { kind, label, ...treeSize(tree, cut), train: m(train), val: m(val), test: test ? m(test) : null, fitMs, pruneMs };
  };
  const grow = (params: PrePruning): { tree: DecisionTree; ms: number } => {
    const t0 = performance.now();
    const tree = fitRegressor(train, { criterion, ...params } as RegressorParams);
    return { tree, ms: performance.now() - t0 };
  };
  const rows: RegressionLabRow[] = [];
  const unpruned = grow({});
  rows.push(score('unpruned', 'unpruned', unpruned.tree, undefined, unpruned.ms, 0));
  const set = PRE_PRUNING_KEYS.filter((k) => pre[k] !== undefined && pre[k] !== null);
  let grown = unpruned;
  for (const k of set) {
    grown = grow({ [k]: pre[k] });
    rows.push(score('pre', `${k} = ${pre[k]}`, grown.tree, undefined, grown.ms, 0));
  }
  if (set.length > 1) {
    grown = grow(pre);
    rows.push(score('pre', `all pre-pruning (${set.join(', ')})`, grown.tree, undefined, grown.ms, 0));
  }
  const tree = grown.tree;
  const on = set.length > 0 ? ' of the pre-pruned tree' : '';
  let t0 = performance.now();
  const path = ccpPath(tree);
  const steps = reachableSteps(path);
  const valMse = steps.map((s) => evaluateRegressor(tree, val, cutAtStep(tree, path, s)).mse);
  let best = 0;
  for (let i = 1; i < steps.length; i++) if (valMse[i]! <= valMse[best]!) best = i;
  const bestStep = steps[best]!;
  const ccpCut = cutAtStep(tree, path, bestStep);
  rows.push(score('ccp', `CCP α = ${path.alphas[bestStep]!.toPrecision(3)} (best on validation)${on}`, tree, ccpCut, grown.ms, performance.now() - t0));
  t0 = performance.now();
  const rep = reducedErrorPrune(tree, val);
  rows.push(score('rep', `REP (validation)${on}`, tree, rep.cut, grown.ms, performance.now() - t0));
  const curve = steps.map((step): RegressionPathPoint => {
    const r = score('ccp', '', tree, cutAtStep(tree, path, step), 0, 0);
    return { step, alpha: path.alphas[step]!, leaves: r.leaves, trainMse: r.train.mse, valMse: r.val.mse, testMse: r.test?.mse ?? null };
  });
  return {
    sizes: { train: split.train.length, val: split.val.length, test: split.test.length },
    tree, path, curve, bestStep, bestAlpha: path.alphas[bestStep]!, cuts: { ccp: ccpCut, rep: rep.cut }, rows,
  };
}

/** The plotting range of every feature (5% margin), for sets of 1 or 2 features. */
function bounds(data: RegressionData): Bounds | null {
  if (data.numFeatures > 2) return null;
  const d = data.numFeatures;
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i < data.n; i++) {
    for (let f = 0; f < d; f++) {
      lo[f] = Math.min(lo[f]!, data.x[i * d + f]!);
      hi[f] = Math.max(hi[f]!, data.x[i * d + f]!);
    }
  }
  const m = (f: number): number => (hi[f]! - lo[f]!) * 0.05 || 1;
  return d === 1
    ? { x0: lo[0]! - m(0), x1: hi[0]! + m(0), y0: 0, y1: 0 }
    : { x0: lo[0]! - m(0), x1: hi[0]! + m(0), y0: lo[1]! - m(1), y1: hi[1]! + m(1) };
}

export function regressionSummary(data: RegressionTable): RegressionSummary {
  const b = bounds(data);
  return {
    name: data.name, n: data.n, numFeatures: data.numFeatures, featureNames: [...data.featureNames], targetName: data.targetName,
    points: b ? { x: data.x.slice(), y: data.y.slice(), bounds: b } : null,
  };
}

/**
 * What the (cut) tree predicts at the centres of a grid over the set's bounds: res
 * cells left to right for 1 feature; res × res for 2, row-major, row 0 at the top
 * (largest second feature), as decisionRegions.
 */
export function regressionGrid(tree: DecisionTree, data: RegressionData, cut: Cut | undefined, res: number): Float64Array {
  const b = bounds(data);
  check(b !== null, 'dataset', 'a regression set of 1 or 2 features for the prediction view', data.numFeatures);
  check(Number.isInteger(res) && res >= 2 && res <= 1024, 'res', 'an integer in [2, 1024]', res);
  check(cut === undefined || cut.length === tree.nodeCount, 'cut', `a cut of nodeCount (${tree.nodeCount}) entries`, cut?.length);
  const d = data.numFeatures;
  const p = new Float32Array(d);
  const at = (i: number, lo: number, hi: number): number => lo + ((i + 0.5) / res) * (hi - lo);
  if (d === 1) {
    return Float64Array.from({ length: res }, (_, q) => {
      p[0] = at(q, b!.x0, b!.x1);
      return tree.value[leafOf(tree, p, 0, cut)]!;
    });
  }
  const out = new Float64Array(res * res);
  for (let r = 0; r < res; r++) {
    p[1] = b!.y1 - ((r + 0.5) / res) * (b!.y1 - b!.y0);
    for (let q = 0; q < res; q++) {
      p[0] = at(q, b!.x0, b!.x1);
      out[r * res + q] = tree.value[leafOf(tree, p, 0, cut)]!;
    }
  }
  return out;
}
