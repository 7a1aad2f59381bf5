// Pruning in boosting, made visible, for both kinds of model:
// - per model, what pruning removed: splits and leaves cut by post-pruning (gamma's
//   prune pass, or each stage tree's ccpAlpha), and the grown leaves each
//   pre-pruning rule stopped;
// - the losses per stage (train, validation) and the stage count the validation
//   curve picks (its minimum, earliest on ties) beside the one early stopping kept;
// - ensemble pruning by truncation to that best stage, reported like the forest's
//   ensemble pruning (forest.ts): trees kept, total nodes, accuracy or R² and MSE,
//   prediction time before and after.
import { check } from '../../errors.js';
import { accuracy } from '../../metrics/classification.js';
import { latencyStats } from '../../metrics/latency.js';
import { regressionMetrics } from '../../metrics/regression.js';
import { treeSize } from '../tree.js';
import { isClassData, type BoostData } from './data.js';
import { gbdtClasses, gbdtRaw, gbdtStagedRaw, type GbdtModel } from './gbdt.js';
import { stageLoss } from './gbdt-loss.js';
import { STOP, xgbTreeSize } from './xgb-tree.js';
import { xgbLoss, xgbMargin, xgbStagedMargins, xgbTransform, type XgbModel } from './xgb.js';

export type BoostModel = XgbModel | GbdtModel;

export interface PruningCounts {
  trees: number;
  /** Totals over every tree as grown (before post-pruning). */
  grown: { nodes: number; leaves: number };
  /** Totals over the trees as kept. */
  kept: { nodes: number; leaves: number };
  /** What post-pruning removed: gamma (xgb) or ccpAlpha (gbdt); null when it is off. Each split removed is one leaf and two nodes fewer. */
  post: { method: 'gamma' | 'ccp' | null; splitsRemoved: number; treesCut: number };
  /**
   * Grown leaves by the pre-pruning rule that stopped them. xgb: maxDepth, maxLeaves
   * (lossguide), noSplit (no split with loss_chg > 1e-6 whose sides both reach
   * minChildWeight); gbdt: maxDepth, minSamples, pure, other (gbdt.ts leafStops).
   */
  pre: Record<string, number>;
}

export function pruningCounts(model: BoostModel): PruningCounts {
  const out: PruningCounts = {
    trees: 0, grown: { nodes: 0, leaves: 0 }, kept: { nodes: 0, leaves: 0 },
    post: { method: null, splitsRemoved: 0, treesCut: 0 }, pre: {},
  };
  if (model.kind === 'xgb') {
    out.post.method = model.params.gamma > 0 ? 'gamma' : null;
    const names = Object.keys(STOP) as Array<keyof typeof STOP>;
    out.pre = { maxDepth: 0, maxLeaves: 0, noSplit: 0 };
    for (const t of model.trees.flat()) {
      add(out, xgbTreeSize(t, true), xgbTreeSize(t));
      for (let v = 0; v < t.nodeCount; v++) if (t.left[v] === -1) out.pre[names[t.stop[v]!]!]!++;
    }
  } else {
    out.post.method = model.params.ccpAlpha > 0 ? 'ccp' : null;
    out.pre = { maxDepth: 0, minSamples: 0, pure: 0, other: 0 };
    for (const { tree, grown, stops } of model.trees.flat()) {
      add(out, grown, treeSize(tree));
      for (const [k, v] of Object.entries(stops)) out.pre[k]! += v;
    }
  }
  return out;
}

function add(out: PruningCounts, grown: { nodes: number; leaves: number }, kept: { nodes: number; leaves: number }): void {
  out.trees++;
  out.grown.nodes += grown.nodes;
  out.grown.leaves += grown.leaves;
  out.kept.nodes += kept.nodes;
  out.kept.leaves += kept.leaves;
  // A binary tree loses one leaf per split removed.
  out.post.splitsRemoved += grown.leaves - kept.leaves;
  if (grown.leaves > kept.leaves) out.post.treesCut++;
}

export function stageCount(model: BoostModel): number {
  return model.trees.length;
}

/** Nodes in the first `stages` stages (all trees of each). */
export function nodesIn(model: BoostModel, stages: number): number {
  let s = 0;
  for (const stage of model.trees.slice(0, stages)) {
    for (const t of stage) s += 'cut' in t ? xgbTreeSize(t).nodes : t.tree.nodeCount;
  }
  return s;
}

export interface BoostScore {
  /** The model's own loss (xgb: rmse / logloss / mlogloss; gbdt: scikit-learn's stage loss). */
  loss: number;
  accuracy?: number;
  r2?: number;
  mse?: number;
  mae?: number;
}

function checkRows(model: BoostModel, data: BoostData, field: string): void {
  check(data.numFeatures === model.numFeatures, `${field}.numFeatures`, `${model.numFeatures}, as the model was fitted on`, data.numFeatures);
  // Class labels for classifiers (xgb's binary:logistic also reads real targets in [0, 1]); real targets for regressors.
  const needsClasses = model.kind === 'xgb' ? model.params.objective === 'multi:softprob' : model.numClasses > 0;
  const takesClasses = needsClasses || (model.kind === 'xgb' && model.params.objective === 'binary:logistic');
  check(isClassData(data) ? takesClasses : !needsClasses, field, needsClasses ? 'rows with class labels' : 'rows with real targets');
}

/** Scores of raw predictions (xgb margins, gbdt raw) of `data` after `stages` stages. */
function scoreRaw(model: BoostModel, raw: Float32Array | Float64Array, data: BoostData, stages: number): BoostScore {
  if (model.kind === 'xgb') {
    const obj = model.params.objective;
    const k = model.numGroups;
    const m = raw as Float32Array;
    const out: BoostScore = { loss: xgbLoss(obj, m, data.y, k) };
    const pred = xgbTransform(obj, m, k);
    if (obj === 'reg:squarederror') Object.assign(out, pick(regressionMetrics(data.y, pred)));
    else if (isClassData(data)) out.accuracy = accuracy(data.y, classesOf(pred, obj === 'binary:logistic' ? 1 : k));
    return out;
  }
  const p = model.params;
  const k = model.numGroups;
  const state = { alpha: p.alpha, gamma: stages > 0 ? model.gammas[stages - 1] ?? null : null };
  const out: BoostScore = { loss: stageLoss(p.loss, data.y, raw as Float64Array, k, null, state) };
  if (model.numClasses > 0) out.accuracy = accuracy(data.y, gbdtClasses(model, raw as Float64Array));
  else Object.assign(out, pick(regressionMetrics(data.y, raw)));
  return out;
}

function pick(m: { mse: number; mae: number; r2: number }): Pick<BoostScore, 'mse' | 'mae' | 'r2'> {
  return { r2: m.r2, mse: m.mse, mae: m.mae };
}

function classesOf(pred: Float32Array, k: number): Int32Array {
  if (k === 1) return Int32Array.from(pred, (p) => (p > 0.5 ? 1 : 0));
  return Int32Array.from({ length: pred.length / k }, (_, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (pred[i * k + c]! > pred[i * k + best]!) best = c;
    return best;
  });
}

function rawOf(model: BoostModel, x: Float32Array, stages: number): Float32Array | Float64Array {
  return model.kind === 'xgb' ? xgbMargin(model, x, stages) : gbdtRaw(model, x, stages);
}

/** Loss and accuracy (classes) or R², MSE, MAE (real targets) of the first `stages` stages (default all) on `data`. */
export function scoreModel(model: BoostModel, data: BoostData, stages = model.trees.length): BoostScore {
  checkRows(model, data, 'data');
  check(Number.isInteger(stages) && stages >= 0 && stages <= model.trees.length, 'stages', `an integer in [0, ${model.trees.length}]`, stages);
  return scoreRaw(model, rawOf(model, data.x, stages), data, stages);
}

/** The model's loss on `data` after each stage. */
export function stagedLoss(model: BoostModel, data: BoostData): number[] {
  checkRows(model, data, 'data');
  const staged = model.kind === 'xgb' ? xgbStagedMargins(model, data.x) : gbdtStagedRaw(model, data.x);
  return staged.map((raw, s) => scoreRaw(model, raw, data, s + 1).loss);
}

export interface BoostEnsembleStats {
  stages: number;
  trees: number;
  totalNodes: number;
  val: BoostScore;
  /** On the test rows, when given. */
  test: BoostScore | null;
  /** Median wall time to predict the evaluation rows (test if given, else validation), in ms. */
  predictMs: number;
}

export interface BoostTruncationReport {
  /** Stage count at the validation loss's minimum (earliest on ties). */
  bestStages: number;
  /** 'early-stopping' when the fit stopped early (then it kept bestStages or more), else 'validation-curve'. */
  picked: 'early-stopping' | 'validation-curve';
  valLoss: number[];
  before: BoostEnsembleStats;
  after: BoostEnsembleStats;
}

/** Median of 11 timed runs after one warm-up, as the forest's ensemble report. */
function timeMs(fn: () => void): number {
  fn();
  return latencyStats(Array.from({ length: 11 }, () => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  })).p50;
}

function ensembleStats(model: BoostModel, stages: number, val: BoostData, test: BoostData | undefined): BoostEnsembleStats {
  const evalRows = test ?? val;
  return {
    stages,
    trees: stages * model.numGroups,
    totalNodes: nodesIn(model, stages),
    val: scoreRaw(model, rawOf(model, val.x, stages), val, stages),
    test: test ? scoreRaw(model, rawOf(model, test.x, stages), test, stages) : null,
    predictMs: timeMs(() => rawOf(model, evalRows.x, stages)),
  };
}

/** Truncates the ensemble to the stage count with the lowest validation loss and reports before/after. */
export function truncateToBest(model: BoostModel, val: BoostData, test?: BoostData): BoostTruncationReport {
  checkRows(model, val, 'val');
  if (test) checkRows(model, test, 'test');
  const valLoss = stagedLoss(model, val);
  let best = 0;
  for (let s = 1; s < valLoss.length; s++) if (valLoss[s]! < valLoss[best]!) best = s;
  const stopped = model.kind === 'gbdt' ? model.stoppedEarly : model.params.earlyStoppingRounds !== null && model.trees.length < model.params.nEstimators;
  const all = model.trees.length;
  return {
    bestStages: best + 1,
    picked: stopped ? 'early-stopping' : 'validation-curve',
    valLoss,
    before: ensembleStats(model, all, val, test),
    after: ensembleStats(model, best + 1, val, test),
  };
}
