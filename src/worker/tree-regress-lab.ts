// The tree lab's regression mode, engine side (TreeLabApi.loadAndRunRegression /
// runRegressionLab / regressionGrid): split a regression set (seeded), grow the
// unpruned tree and one per pre-pruning setting, post-prune the grown tree by CCP
// (alpha picked by validation MSE, ties to the larger alpha) and REP, and score all of
// them by MSE and R² on the same rows, as runLab does for classes (src/trees/lab.ts).
import { check } from '../errors.js';
import type { RegressionTable } from '../data/csv.js';
import { reachableSteps } from '../trees/alpha.js';
import { ccpPath, cutAtStep } from '../trees/ccp.js';
import { labSplit, prePruningRows, type Bounds, type Grown, type PrePruning } from '../trees/lab.js';
import { resolveTreeParams, type RegressorParams } from '../trees/params.js';
import { evaluateRegressor, fitRegressor } from '../trees/regress.js';
import { reducedErrorPrune } from '../trees/rep.js';
import { leafOf, treeSize, type Cut, type DecisionTree, type RegressionData } from '../trees/tree.js';
import type { RegressionLabConfig, RegressionLabReport, RegressionLabRow, RegressionPathPoint, RegressionSummary } from './tree-api.js';

export function runRegressionLab(data: RegressionData, config: RegressionLabConfig = {}): RegressionLabReport {
  const criterion = config.criterion ?? 'squared_error';
  const { pre, train, val, test, sizes } = labSplit(data, config);
  resolveTreeParams({ criterion, ...pre }, data.numFeatures, 'regression');

  const score = (kind: RegressionLabRow['kind'], label: string, tree: DecisionTree, cut: Cut | undefined, fitMs: number, pruneMs: number): RegressionLabRow => {
    const m = (d: RegressionData): { mse: number; r2: number } => {
      const r = evaluateRegressor(tree, d, cut);
      return { mse: r.mse, r2: r.r2 };
    };
    return { kind, label, ...treeSize(tree, cut), train: m(train), val: m(val), test: test ? m(test) : null, fitMs, pruneMs };
  };
  const grow = (params: PrePruning): Grown => {
    const t0 = performance.now();
    const tree = fitRegressor(train, { criterion, ...params } as RegressorParams);
    return { tree, ms: performance.now() - t0 };
  };
  const { rows, grown, on } = prePruningRows(pre, grow, (kind, label, g) => score(kind, label, g.tree, undefined, g.ms, 0));
  const tree = grown.tree;
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
    sizes, tree, path, curve, bestStep, bestAlpha: path.alphas[bestStep]!, cuts: { ccp: ccpCut, rep: rep.cut }, rows,
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
