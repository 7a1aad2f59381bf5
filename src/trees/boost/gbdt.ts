// Gradient boosting with scikit-learn 1.2's GradientBoostingRegressor/Classifier
// semantics: each stage fits K regression trees (fitRegressor, friedman_mse by
// default) on the negative gradient, prunes each at ccpAlpha (as the tree's own
// ccp_alpha does), replaces the leaf values by the loss's line search
// (gbdt-loss.ts) and adds learningRate × leaf to the raw predictions. init is
// scikit-learn's default (mean, median, prior log-odds / log-priors).
// Where we differ by necessity: subsample draws its rows with our seeded RNG, and
// the early-stopping validation split is our seeded (stratified for classes) split,
// not train_test_split's; a given split (opts.val) is used as is. The stopping rule
// is scikit-learn's: stop at the first stage whose validation loss + tol is not below
// any of the last nIterNoChange ones; that stage is kept, as there.
import { check, checkFields, PruneLabError } from '../../errors.js';
import { Rng } from '../../rng.js';
import { presort } from '../cart.js';
import { cutForAlpha } from '../ccp.js';
import { resolveTreeParams, type RegressorParams } from '../params.js';
import { fitRegressor } from '../regress.js';
import { checkSeed } from '../split.js';
import { applyCut, leafOf, treeSize, type DecisionTree, type RegressionData, type TreeSize } from '../tree.js';
import { checkBoostData, checkInt, checkNumber as num, checkValRows, isClassData, orDefault, subsetBoostRows, type BoostData } from './data.js';
import { GBDT_LOSSES, initRaw, leafValue, negativeGradient, stageLoss, type GbdtLoss, type LossState } from './gbdt-loss.js';

export interface GbdtParams {
  /** Default squared_error for real targets, log_loss for class labels. */
  loss?: GbdtLoss;
  /** Default 0.1. */
  learningRate?: number;
  /** Default 100. */
  nEstimators?: number;
  /** Row fraction per stage in (0, 1], default 1 (our RNG). */
  subsample?: number;
  /** Split criterion of the stage trees: friedman_mse (default) or squared_error. */
  criterion?: 'friedman_mse' | 'squared_error';
  /** Default 3; null = unlimited. */
  maxDepth?: number | null;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  minImpurityDecrease?: number;
  maxLeafNodes?: number | null;
  /** Cost-complexity pruning of every stage tree, default 0. */
  ccpAlpha?: number;
  /** Huber's quantile, default 0.9. */
  alpha?: number;
  /** Share of the training rows held out for early stopping, default 0.1. */
  validationFraction?: number;
  /** Early stopping: stop when the validation loss has not improved by tol in this many stages; null = off. */
  nIterNoChange?: number | null;
  /** Default 1e-4. */
  tol?: number;
  seed?: number;
}

const KEYS = ['loss', 'learningRate', 'nEstimators', 'subsample', 'criterion', 'maxDepth', 'minSamplesSplit', 'minSamplesLeaf', 'minImpurityDecrease', 'maxLeafNodes', 'ccpAlpha', 'alpha', 'validationFraction', 'nIterNoChange', 'tol', 'seed'];

export interface ResolvedGbdtParams {
  loss: GbdtLoss;
  learningRate: number;
  nEstimators: number;
  subsample: number;
  tree: RegressorParams;
  ccpAlpha: number;
  alpha: number;
  validationFraction: number;
  nIterNoChange: number | null;
  tol: number;
  seed: number;
}

export interface GbdtTree {
  /** The stage tree as kept (after ccpAlpha). */
  tree: DecisionTree;
  /** Per node of `tree`: the line-search value at leaves (the tree's own mean for squared_error). */
  leafValue: Float64Array;
  /** Size as grown, before ccpAlpha. */
  grown: TreeSize;
  /** Leaves of the grown tree by the pre-pruning rule that stopped them (see leafStops). */
  stops: LeafStops;
}

/**
 * Grown leaves by what stopped them: maxDepth; minSamples (fewer rows than
 * minSamplesSplit or 2 × minSamplesLeaf); pure (zero impurity, nothing to gain);
 * other (minImpurityDecrease, maxLeafNodes, or no threshold between distinct values).
 */
export interface LeafStops {
  maxDepth: number;
  minSamples: number;
  pure: number;
  other: number;
}

export function leafStops(tree: DecisionTree, p: RegressorParams): LeafStops {
  const out: LeafStops = { maxDepth: 0, minSamples: 0, pure: 0, other: 0 };
  const maxDepth = p.maxDepth ?? Infinity;
  const minRows = Math.max(p.minSamplesSplit ?? 2, 2 * (p.minSamplesLeaf ?? 1));
  for (let v = 0; v < tree.nodeCount; v++) {
    if (tree.left[v] !== -1) continue;
    if (tree.depth[v]! >= maxDepth) out.maxDepth++;
    else if (tree.nSamples[v]! < minRows) out.minSamples++;
    else if (tree.impurity[v]! <= 0) out.pure++;
    else out.other++;
  }
  return out;
}

export interface GbdtModel {
  kind: 'gbdt';
  params: ResolvedGbdtParams;
  numFeatures: number;
  /** 0 for regression. */
  numClasses: number;
  /** Trees per stage: 1, or the number of classes when there are more than 2. */
  numGroups: number;
  /** Raw prediction before any stage (K values). */
  init: Float64Array;
  /** trees[stage][group]. */
  trees: GbdtTree[][];
  /** scikit-learn's train_score_: the loss after each stage (in-bag rows when subsampled). */
  trainLoss: number[];
  /** Validation loss after each stage, when there are validation rows. */
  valLoss: number[] | null;
  /** Huber's gamma of each stage (its loss reads it, as scikit-learn's stateful loss); empty for other losses. */
  gammas: number[];
  /** True when early stopping ended the fit before nEstimators stages. */
  stoppedEarly: boolean;
  /** The rows used as training and validation when the fit split them off itself (indices into the data given). */
  split: { train: Int32Array; val: Int32Array } | null;
}

/** Fills defaults and validates every field (the tree's too); throws PruneLabError naming the first bad one. */
export function resolveGbdtParams(p: GbdtParams, data: { numClasses?: number; numFeatures?: number } = {}): ResolvedGbdtParams {
  checkFields(p as unknown, 'params', KEYS, 'invalid-argument', '');
  const classes = data.numClasses;
  const loss = orDefault(p.loss, classes === undefined ? 'squared_error' : 'log_loss');
  check((GBDT_LOSSES as readonly string[]).includes(loss), 'loss', GBDT_LOSSES.join(' | '), loss);
  if (classes !== undefined) check(loss === 'log_loss', 'loss', 'log_loss for class labels', loss);
  else check(loss !== 'log_loss', 'loss', 'squared_error | absolute_error | huber for real targets (log_loss needs class labels)', loss);
  const r: ResolvedGbdtParams = {
    loss,
    learningRate: orDefault(p.learningRate, 0.1),
    nEstimators: orDefault(p.nEstimators, 100),
    subsample: orDefault(p.subsample, 1),
    tree: {
      criterion: orDefault(p.criterion, 'friedman_mse'),
      maxDepth: p.maxDepth === undefined ? 3 : p.maxDepth,
      minSamplesSplit: orDefault(p.minSamplesSplit, 2),
      minSamplesLeaf: orDefault(p.minSamplesLeaf, 1),
      minImpurityDecrease: orDefault(p.minImpurityDecrease, 0),
      maxLeafNodes: p.maxLeafNodes ?? null,
    },
    ccpAlpha: orDefault(p.ccpAlpha, 0),
    alpha: orDefault(p.alpha, 0.9),
    validationFraction: orDefault(p.validationFraction, 0.1),
    nIterNoChange: p.nIterNoChange ?? null,
    tol: orDefault(p.tol, 1e-4),
    seed: checkSeed(p.seed),
  };
  num(r.learningRate, 'learningRate', (x) => x > 0, 'a finite number > 0');
  checkInt(r.nEstimators, 'nEstimators', 1, 10000);
  num(r.subsample, 'subsample', (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  check(r.tree.criterion === 'friedman_mse' || r.tree.criterion === 'squared_error', 'criterion', 'friedman_mse | squared_error', r.tree.criterion);
  resolveTreeParams(r.tree, data.numFeatures, 'regression');
  num(r.ccpAlpha, 'ccpAlpha', (x) => x >= 0, 'a finite number ≥ 0');
  num(r.alpha, 'alpha', (x) => x > 0 && x < 1, 'a number in (0, 1) (the huber quantile)');
  num(r.validationFraction, 'validationFraction', (x) => x > 0 && x < 1, 'a number in (0, 1)');
  if (r.nIterNoChange !== null) {
    checkInt(r.nIterNoChange, 'nIterNoChange', 1, 10000, 'an integer in [1, 10000] or null (no early stopping)');
  }
  num(r.tol, 'tol', (x) => x >= 0, 'a finite number ≥ 0');
  return r;
}

/**
 * Our validation split for early stopping: ceil(fraction · n) rows held out (as
 * train_test_split's test_size), drawn by a seeded shuffle; for class labels,
 * per class in proportion (largest remainders first, ties to the lower class), so
 * every class keeps its share. Indices ascending.
 */
export function earlyStoppingSplit(data: BoostData, fraction: number, seed: number): { train: Int32Array; val: Int32Array } {
  const n = data.n;
  const nVal = Math.ceil(fraction * n);
  check(nVal >= 1 && n - nVal >= 1, 'validationFraction', `a share leaving rows on both sides of ${n}`, fraction);
  const rng = new Rng(seed);
  const val: number[] = [];
  if (isClassData(data)) {
    const byClass: number[][] = Array.from({ length: data.numClasses }, () => []);
    for (let i = 0; i < n; i++) byClass[data.y[i]!]!.push(i);
    const exact = byClass.map((rows) => (rows.length * nVal) / n);
    const take = exact.map(Math.floor);
    let left = nVal - take.reduce((s, v) => s + v, 0);
    const order = exact.map((e, c) => [e - Math.floor(e), c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [, c] of order) {
      if (left === 0) break;
      if (take[c]! < byClass[c]!.length) {
        take[c]!++;
        left--;
      }
    }
    byClass.forEach((rows, c) => val.push(...rng.shuffle(rows.slice()).slice(0, take[c])));
  } else {
    val.push(...rng.shuffle(Int32Array.from({ length: n }, (_, i) => i)).slice(0, nVal));
  }
  const mark = new Uint8Array(n);
  for (const i of val) mark[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < n; i++) if (!mark[i]) train.push(i);
  return { train: Int32Array.from(train), val: Int32Array.from(val).sort() };
}

/** Adds stage `s` (learningRate × leaf values) to raw (n × K). */
function addStage(model: GbdtModel, s: number, x: Float32Array, n: number, raw: Float64Array): void {
  const k = model.numGroups;
  const lr = model.params.learningRate;
  model.trees[s]!.forEach((t, g) => {
    for (let i = 0; i < n; i++) raw[i * k + g] += lr * t.leafValue[leafOf(t.tree, x, i)]!;
  });
}

/** The column of group g of raw (n × K), or raw itself when K = 1. */
function column(raw: Float64Array, n: number, k: number, g: number): Float64Array {
  if (k === 1) return raw;
  return Float64Array.from({ length: n }, (_, i) => raw[i * k + g]!);
}

export interface GbdtFitOptions {
  /** Validation rows: with nIterNoChange they are the early-stopping split (the fit does not split); else only recorded. */
  val?: BoostData;
}

export function fitGbdt(data: BoostData, params: GbdtParams = {}, opts: GbdtFitOptions = {}): GbdtModel {
  checkBoostData(data, 'data');
  checkFields(opts as unknown, 'opts', ['val'], 'invalid-argument');
  const p = resolveGbdtParams(params, isClassData(data) ? data : { numFeatures: data.numFeatures });
  if (isClassData(data)) {
    const seen = new Set(data.y);
    check(data.numClasses >= 2 && seen.size === data.numClasses, 'data.y', `labels of every class 0..${data.numClasses - 1} (at least 2 classes)`, seen.size);
  }
  let train = data;
  let val = opts.val;
  let split: GbdtModel['split'] = null;
  if (val !== undefined) checkValRows(data, val);
  else if (p.nIterNoChange !== null) {
    split = earlyStoppingSplit(data, p.validationFraction, p.seed);
    train = subsetBoostRows(data, split.train);
    val = subsetBoostRows(data, split.val);
    if (isClassData(train) && new Set(train.y).size !== train.numClasses) {
      throw new PruneLabError('invalid-data', 'the training rows left after the early-stopping split miss a class; give more rows or a smaller validationFraction', 'validationFraction');
    }
  }
  const n = train.n;
  const numClasses = isClassData(train) ? train.numClasses : 0;
  const k = numClasses > 2 ? numClasses : 1;
  const y = train.y;
  const init = initRaw(p.loss, y, k, numClasses);
  const raw = new Float64Array(n * k);
  for (let i = 0; i < n; i++) raw.set(init, i * k);
  const model: GbdtModel = {
    kind: 'gbdt', params: p, numFeatures: train.numFeatures, numClasses, numGroups: k, init,
    trees: [], trainLoss: [], valLoss: val ? [] : null, gammas: [], stoppedEarly: false, split,
  };
  const valRaw = val ? new Float64Array(val.n * k) : null;
  if (val && valRaw) for (let i = 0; i < val.n; i++) valRaw.set(init, i * k);
  const pre = presort(train);
  const rng = new Rng(p.seed);
  const ones = new Float64Array(n).fill(1);
  const state: LossState = { alpha: p.alpha, gamma: null };
  const residual = new Float64Array(n);
  const yk = k > 1 ? new Float64Array(n) : null;
  const history = p.nIterNoChange !== null ? new Float64Array(p.nIterNoChange).fill(Infinity) : null;
  const nInBag = Math.max(1, Math.floor(p.subsample * n));
  for (let s = 0; s < p.nEstimators; s++) {
    let weight = ones;
    let inBag: Int32Array | null = null;
    if (p.subsample < 1) {
      inBag = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i)).slice(0, nInBag).sort();
      weight = new Float64Array(n);
      for (const i of inBag) weight[i] = 1;
    }
    const rawStart = raw.slice();
    const stage: GbdtTree[] = [];
    for (let g = 0; g < k; g++) {
      let target: ArrayLike<number> = y;
      if (yk) {
        for (let i = 0; i < n; i++) yk[i] = y[i] === g ? 1 : 0;
        target = yk;
      }
      negativeGradient(p.loss, target, rawStart, k, g, ones, state, residual);
      const fitData: RegressionData = { x: train.x, y: residual, n, numFeatures: train.numFeatures };
      const grownTree = fitRegressor(fitData, p.tree, { presorted: pre, sampleWeight: weight });
      const tree = p.ccpAlpha > 0 ? applyCut(grownTree, cutForAlpha(grownTree, p.ccpAlpha)) : grownTree;
      const leafOfRow = new Int32Array(n);
      for (let i = 0; i < n; i++) leafOfRow[i] = leafOf(tree, train.x, i);
      const values = Float64Array.from(tree.value);
      if (p.loss !== 'squared_error') {
        const rowsOf = new Map<number, number[]>();
        for (let i = 0; i < n; i++) {
          if (weight[i] === 0) continue;
          const list = rowsOf.get(leafOfRow[i]!);
          if (list) list.push(i);
          else rowsOf.set(leafOfRow[i]!, [i]);
        }
        const rawG = column(raw, n, k, g);
        for (const [leaf, rows] of rowsOf) values[leaf] = leafValue(p.loss, rows, target, residual, rawG, k, weight, state);
      }
      for (let i = 0; i < n; i++) raw[i * k + g] += p.learningRate * values[leafOfRow[i]!]!;
      if (!raw.every(Number.isFinite)) {
        throw new PruneLabError('invalid-argument', `learningRate: the predictions of stage ${s + 1} overflowed (learningRate ${p.learningRate}); give a smaller one`, 'learningRate');
      }
      stage.push({ tree, leafValue: values, grown: treeSize(grownTree), stops: leafStops(grownTree, p.tree) });
    }
    model.trees.push(stage);
    if (state.gamma !== null) model.gammas.push(state.gamma);
    model.trainLoss.push(stageLoss(p.loss, y, raw, k, weight, state, inBag ?? undefined));
    if (val && valRaw) {
      addStage(model, s, val.x, val.n, valRaw);
      const loss = stageLoss(p.loss, val.y, valRaw, k, null, state);
      model.valLoss!.push(loss);
      if (history) {
        if (history.some((h) => loss + p.tol < h)) history[s % history.length] = loss;
        else {
          model.stoppedEarly = s + 1 < p.nEstimators;
          break;
        }
      }
    }
  }
  return model;
}

function checkStages(model: GbdtModel, stages: number | undefined): number {
  if (stages === undefined) return model.trees.length;
  check(Number.isInteger(stages) && stages >= 0 && stages <= model.trees.length, 'stages', `an integer in [0, ${model.trees.length}]`, stages);
  return stages;
}

function rowsOf(model: GbdtModel, x: unknown): number {
  check(x instanceof Float32Array && x.length % model.numFeatures === 0, 'x', `a Float32Array of rows × ${model.numFeatures} features`, x);
  return x.length / model.numFeatures;
}

/** Raw predictions (n × K) of the first `stages` stages (default all): scikit-learn's decision_function / predict for regression. */
export function gbdtRaw(model: GbdtModel, x: Float32Array, stages?: number): Float64Array {
  const n = rowsOf(model, x);
  const s = checkStages(model, stages);
  const raw = new Float64Array(n * model.numGroups);
  for (let i = 0; i < n; i++) raw.set(model.init, i * model.numGroups);
  for (let t = 0; t < s; t++) addStage(model, t, x, n, raw);
  return raw;
}

/** Raw predictions after each stage (out[s] after stages 0..s): staged_predict / staged_decision_function. */
export function gbdtStagedRaw(model: GbdtModel, x: Float32Array): Float64Array[] {
  const n = rowsOf(model, x);
  const raw = gbdtRaw(model, x, 0);
  const out: Float64Array[] = [];
  for (let t = 0; t < model.trees.length; t++) {
    addStage(model, t, x, n, raw);
    out.push(raw.slice());
  }
  return out;
}

/** Class probabilities n × numClasses from raw predictions (expit, or softmax). */
export function gbdtProbaOfRaw(model: GbdtModel, raw: Float64Array): Float64Array {
  check(model.numClasses >= 2, 'model', 'a classifier (log_loss)', model.params.loss);
  const c = model.numClasses;
  const n = raw.length / model.numGroups;
  const out = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    if (c === 2) {
      const p1 = 1 / (1 + Math.exp(-raw[i]!));
      out[i * 2] = 1 - p1;
      out[i * 2 + 1] = p1;
      continue;
    }
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, raw[i * c + k]!);
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(raw[i * c + k]! - m);
    for (let k = 0; k < c; k++) out[i * c + k] = Math.exp(raw[i * c + k]! - m) / s;
  }
  return out;
}

/** Predicted classes (argmax of the probabilities, first on ties). */
export function gbdtClasses(model: GbdtModel, raw: Float64Array): Int32Array {
  const p = gbdtProbaOfRaw(model, raw);
  const c = model.numClasses;
  return Int32Array.from({ length: p.length / c }, (_, i) => {
    let best = 0;
    for (let k = 1; k < c; k++) if (p[i * c + k]! > p[i * c + best]!) best = k;
    return best;
  });
}
