// XGBoost-style second-order boosting with the `exact` tree method, equal to
// xgboost 1.7's predictions (tests: test/trees/boost/xgb*.test.ts): objectives
// reg:squarederror, binary:logistic and multi:softprob (K trees per round),
// base_score, eta, lambda, alpha, gamma (the prune pass, xgb-tree.ts), max_depth,
// min_child_weight, max_delta_step, subsample (our seeded RNG, not xgboost's),
// lossguide growth with max_leaves, staged margins and early stopping on a given
// validation set (xgboost's early_stopping_rounds: stop after that many rounds without
// a strictly better validation metric; best = the best round).
// f32 where xgboost uses f32: predictions (margins summed tree by tree in f32),
// gradients and hessians, the sigmoid and softmax, weights, gains, leaf values;
// gradient sums are f64 as xgboost's GradStats.
import { check, checkFields, PruneLabError } from '../../errors.js';
import { Rng } from '../../rng.js';
import { checkSeed } from '../split.js';
import { checkBoostData, checkInt as int, checkNumber as num, checkValRows, isClassData, orDefault, type BoostData } from './data.js';
import { growXgbTree, sortColumns, xgbLeafOf, type XgbTree, type XgbTreeParams } from './xgb-tree.js';

const f32 = Math.fround;

export const XGB_OBJECTIVES = ['reg:squarederror', 'binary:logistic', 'multi:softprob'] as const;
export type XgbObjective = (typeof XGB_OBJECTIVES)[number];

export interface XgbParams {
  /** Default reg:squarederror for regression data, binary:logistic for 2 classes, multi:softprob for more. */
  objective?: XgbObjective;
  /** Boosting rounds, default 100 (xgboost's scikit-learn API). */
  nEstimators?: number;
  /** Learning rate, default 0.3. */
  eta?: number;
  /** min_split_loss: the prune pass removes splits with loss_chg below it. Default 0. */
  gamma?: number;
  /** Default 6; 0 = unlimited, with lossguide only (exact refuses it, as xgboost). */
  maxDepth?: number;
  /** Default 1. */
  minChildWeight?: number;
  /** L2 on leaf weights, default 1. */
  lambda?: number;
  /** L1 on leaf weights, default 0. */
  alpha?: number;
  /** Default 0 (no clipping). */
  maxDeltaStep?: number;
  /** Initial prediction (a probability for the logistic objective), default 0.5 as xgboost 1.7. */
  baseScore?: number;
  /** Row fraction per tree in (0, 1], default 1; drawn with our RNG (xgboost's draws differ). */
  subsample?: number;
  growPolicy?: 'depthwise' | 'lossguide';
  /** Lossguide only; 0 = unlimited. */
  maxLeaves?: number;
  /** Stop after this many rounds without a better validation loss (needs a validation set). */
  earlyStoppingRounds?: number | null;
  seed?: number;
}

const KEYS = ['objective', 'nEstimators', 'eta', 'gamma', 'maxDepth', 'minChildWeight', 'lambda', 'alpha', 'maxDeltaStep', 'baseScore', 'subsample', 'growPolicy', 'maxLeaves', 'earlyStoppingRounds', 'seed'];

export interface ResolvedXgbParams extends XgbTreeParams {
  objective: XgbObjective;
  nEstimators: number;
  baseScore: number;
  subsample: number;
  earlyStoppingRounds: number | null;
  seed: number;
}

export interface XgbModel {
  kind: 'xgb';
  params: ResolvedXgbParams;
  numFeatures: number;
  /** Trees per round: 1, or the number of classes for multi:softprob. */
  numGroups: number;
  /** Margin every row starts from (f32): base_score, or its logit for binary:logistic. */
  baseMargin: number;
  /** trees[round][group]. */
  trees: XgbTree[][];
  /** Training and validation loss after each round (rmse, logloss or mlogloss, as xgboost's default metric). */
  trainLoss: number[];
  valLoss: number[] | null;
  /** 1-based: rounds kept by the validation loss's best (the best round + 1); null without validation. */
  bestRounds: number | null;
}

/** Fills defaults and validates every field; throws PruneLabError naming the first bad one. */
export function resolveXgbParams(p: XgbParams, data: { numClasses?: number } = {}): ResolvedXgbParams {
  checkFields(p as unknown, 'params', KEYS, 'invalid-argument', '');
  const classes = data.numClasses;
  const objective = orDefault(p.objective, classes === undefined ? 'reg:squarederror' : classes <= 2 ? 'binary:logistic' : 'multi:softprob');
  check((XGB_OBJECTIVES as readonly string[]).includes(objective), 'objective', XGB_OBJECTIVES.join(' | '), objective);
  const r: ResolvedXgbParams = {
    objective,
    nEstimators: orDefault(p.nEstimators, 100),
    eta: orDefault(p.eta, 0.3),
    gamma: orDefault(p.gamma, 0),
    maxDepth: orDefault(p.maxDepth, 6),
    minChildWeight: orDefault(p.minChildWeight, 1),
    lambda: orDefault(p.lambda, 1),
    alpha: orDefault(p.alpha, 0),
    maxDeltaStep: orDefault(p.maxDeltaStep, 0),
    baseScore: orDefault(p.baseScore, 0.5),
    subsample: orDefault(p.subsample, 1),
    growPolicy: orDefault(p.growPolicy, 'depthwise'),
    maxLeaves: orDefault(p.maxLeaves, 0),
    earlyStoppingRounds: p.earlyStoppingRounds ?? null,
    seed: checkSeed(p.seed),
  };
  int(r.nEstimators, 'nEstimators', 1, 10000);
  num(r.eta, 'eta', (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  num(r.gamma, 'gamma', (x) => x >= 0, 'a finite number ≥ 0');
  check(r.growPolicy === 'depthwise' || r.growPolicy === 'lossguide', 'growPolicy', 'depthwise | lossguide', r.growPolicy);
  if (r.growPolicy === 'depthwise') int(r.maxDepth, 'maxDepth', 1, 64);
  else int(r.maxDepth, 'maxDepth', 0, 64);
  num(r.minChildWeight, 'minChildWeight', (x) => x >= 0, 'a finite number ≥ 0');
  num(r.lambda, 'lambda', (x) => x >= 0, 'a finite number ≥ 0');
  num(r.alpha, 'alpha', (x) => x >= 0, 'a finite number ≥ 0');
  num(r.maxDeltaStep, 'maxDeltaStep', (x) => x >= 0, 'a finite number ≥ 0 (0 = no clipping)');
  if (objective === 'binary:logistic') num(r.baseScore, 'baseScore', (x) => x > 0 && x < 1, 'a probability in (0, 1) for binary:logistic');
  else num(r.baseScore, 'baseScore', () => true, 'a finite number');
  num(r.subsample, 'subsample', (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  int(r.maxLeaves, 'maxLeaves', 0, 2 ** 20);
  if (r.maxLeaves !== 0) check(r.growPolicy === 'lossguide', 'maxLeaves', "0 unless growPolicy is 'lossguide' (the exact depthwise grower has no leaf limit)", r.maxLeaves);
  if (r.growPolicy === 'lossguide') check(r.maxDepth > 0 || r.maxLeaves > 0, 'maxLeaves', 'an integer ≥ 2 when maxDepth is 0 (one of them must bound the tree)', r.maxLeaves);
  if (r.earlyStoppingRounds !== null) int(r.earlyStoppingRounds, 'earlyStoppingRounds', 1, 10000);
  if (objective === 'multi:softprob') {
    check(classes !== undefined && classes >= 2, 'objective', 'reg:squarederror or binary:logistic for regression data (multi:softprob needs class labels)', objective);
  }
  if (objective === 'binary:logistic' && classes !== undefined) {
    check(classes <= 2, 'objective', `multi:softprob for ${classes} classes (binary:logistic takes 2)`, objective);
  }
  // xgboost keeps its parameters as f32: each must fit one.
  for (const k of ['eta', 'gamma', 'minChildWeight', 'lambda', 'alpha', 'maxDeltaStep', 'baseScore'] as const) {
    check(Number.isFinite(f32(r[k])), k, 'a number within float32 range (|x| ≤ 3.4e38)', r[k]);
    r[k] = f32(r[k]);
  }
  return r;
}

/** xgboost's common::Sigmoid, in f32. */
export function sigmoid32(m: number): number {
  return f32(1 / f32(f32(Math.exp(Math.min(-m, f32(88.7)))) + 1));
}

function numGroupsOf(objective: XgbObjective, data: BoostData): number {
  return objective === 'multi:softprob' && isClassData(data) ? data.numClasses : 1;
}

/** Labels as the objective reads them (f32), validated: in [0, 1] for binary:logistic. */
function labelsOf(objective: XgbObjective, data: BoostData, field: string): Float32Array {
  const y = Float32Array.from(data.y);
  if (objective === 'binary:logistic') {
    for (let i = 0; i < y.length; i++) {
      if (!(y[i]! >= 0 && y[i]! <= 1)) throw new PruneLabError('invalid-data', `${field}.y: row ${i} has label ${y[i]}; binary:logistic needs labels in [0, 1]`, `${field}.y`);
    }
  }
  return y;
}

function gradients(objective: XgbObjective, margin: Float32Array, y: Float32Array, k: number, grad: Float32Array, hess: Float32Array): void {
  const n = y.length;
  if (objective === 'reg:squarederror') {
    for (let i = 0; i < n; i++) {
      grad[i] = f32(margin[i]! - y[i]!);
      hess[i] = 1;
    }
  } else if (objective === 'binary:logistic') {
    for (let i = 0; i < n; i++) {
      const p = sigmoid32(margin[i]!);
      grad[i] = f32(p - y[i]!);
      hess[i] = Math.max(f32(p * f32(1 - p)), f32(1e-16));
    }
  } else {
    for (let i = 0; i < n; i++) {
      // multiclass_obj.cu: wmax starts at FLT_MIN (the smallest positive float), wsum in f64.
      let wmax = 1.1754943508222875e-38;
      for (let c = 0; c < k; c++) wmax = Math.max(wmax, margin[i * k + c]!);
      let wsum = 0;
      for (let c = 0; c < k; c++) wsum += f32(Math.exp(f32(margin[i * k + c]! - wmax)));
      const ws = f32(wsum);
      for (let c = 0; c < k; c++) {
        const p = f32(f32(Math.exp(f32(margin[i * k + c]! - wmax))) / ws);
        hess[c * n + i] = Math.max(f32(f32(2 * p) * f32(1 - p)), f32(1e-16));
        grad[c * n + i] = y[i] === c ? f32(p - 1) : p;
      }
    }
  }
}

/** The transformed prediction of margins (n × groups): identity, sigmoid, or softmax (f32). */
export function xgbTransform(objective: XgbObjective, margin: Float32Array, k: number): Float32Array {
  if (objective === 'reg:squarederror') return margin.slice();
  const out = new Float32Array(margin.length);
  if (objective === 'binary:logistic') {
    for (let i = 0; i < margin.length; i++) out[i] = sigmoid32(margin[i]!);
    return out;
  }
  for (let i = 0; i < margin.length / k; i++) {
    let wmax = margin[i * k]!;
    for (let c = 1; c < k; c++) wmax = Math.max(wmax, margin[i * k + c]!);
    let wsum = 0;
    for (let c = 0; c < k; c++) {
      out[i * k + c] = f32(Math.exp(f32(margin[i * k + c]! - wmax)));
      wsum += out[i * k + c]!;
    }
    const ws = f32(wsum);
    for (let c = 0; c < k; c++) out[i * k + c] = f32(out[i * k + c]! / ws);
  }
  return out;
}

/** xgboost's default evaluation metric of the objective: rmse, logloss or mlogloss (f64). */
export function xgbLoss(objective: XgbObjective, margin: Float32Array, y: ArrayLike<number>, k: number): number {
  const pred = xgbTransform(objective, margin, k);
  const n = y.length;
  let s = 0;
  const eps = 1e-16;
  for (let i = 0; i < n; i++) {
    if (objective === 'reg:squarederror') s += (pred[i]! - y[i]!) ** 2;
    else if (objective === 'binary:logistic') {
      const p = Math.min(Math.max(pred[i]!, eps), 1 - eps);
      s -= y[i]! * Math.log(p) + (1 - y[i]!) * Math.log(1 - p);
    } else s -= Math.log(Math.min(Math.max(pred[i * k + y[i]!]!, eps), 1 - eps));
  }
  return objective === 'reg:squarederror' ? Math.sqrt(s / n) : s / n;
}

function addRound(model: { trees: XgbTree[][] }, round: number, x: Float32Array, n: number, k: number, margin: Float32Array): void {
  const trees = model.trees[round]!;
  for (let c = 0; c < k; c++) {
    const t = trees[c]!;
    for (let i = 0; i < n; i++) margin[i * k + c] = f32(margin[i * k + c]! + t.value[xgbLeafOf(t, x, i)]!);
  }
}

function initMargin(baseMargin: number, n: number, k: number): Float32Array {
  return new Float32Array(n * k).fill(baseMargin);
}

export interface XgbFitOptions {
  /** Validation rows: their loss is recorded per round, and early stopping reads it. */
  val?: BoostData;
}

export function fitXgb(data: BoostData, params: XgbParams = {}, opts: XgbFitOptions = {}): XgbModel {
  checkBoostData(data, 'data');
  checkFields(opts as unknown, 'opts', ['val'], 'invalid-argument');
  const p = resolveXgbParams(params, isClassData(data) ? data : {});
  const val = opts.val;
  if (val !== undefined) checkValRows(data, val);
  if (p.earlyStoppingRounds !== null) check(val !== undefined, 'earlyStoppingRounds', 'null unless validation rows are given (opts.val)', p.earlyStoppingRounds);
  const y = labelsOf(p.objective, data, 'data');
  const yVal = val ? labelsOf(p.objective, val, 'val') : null;
  const k = numGroupsOf(p.objective, data);
  const n = data.n;
  const baseMargin = p.objective === 'binary:logistic' ? f32(-f32(Math.log(f32(f32(1 / p.baseScore) - 1)))) : p.baseScore;
  const cols = sortColumns(data.x, n, data.numFeatures);
  const margin = initMargin(baseMargin, n, k);
  const marginVal = val ? initMargin(baseMargin, val.n, k) : null;
  const grad = new Float32Array(n * k);
  const hess = new Float32Array(n * k);
  const rng = new Rng(p.seed);
  const model: XgbModel = {
    kind: 'xgb', params: p, numFeatures: data.numFeatures, numGroups: k, baseMargin,
    trees: [], trainLoss: [], valLoss: val ? [] : null, bestRounds: null,
  };
  let best = Infinity;
  let bestRound = -1;
  for (let round = 0; round < p.nEstimators; round++) {
    gradients(p.objective, margin, y, k, grad, hess);
    const trees: XgbTree[] = [];
    for (let c = 0; c < k; c++) {
      let inBag: Uint8Array | undefined;
      if (p.subsample < 1) {
        inBag = new Uint8Array(n);
        for (let i = 0; i < n; i++) inBag[i] = rng.next() < p.subsample ? 1 : 0;
      }
      trees.push(growXgbTree(cols, grad.subarray(c * n, (c + 1) * n), hess.subarray(c * n, (c + 1) * n), p, inBag));
    }
    model.trees.push(trees);
    addRound(model, round, data.x, n, k, margin);
    if (!margin.every(Number.isFinite)) {
      throw new PruneLabError('invalid-argument', `lambda: the leaf weights of round ${round + 1} overflowed float32 (hessians near 0 with lambda ${p.lambda}, minChildWeight ${p.minChildWeight}); raise lambda or minChildWeight, or set maxDeltaStep`, 'lambda');
    }
    model.trainLoss.push(xgbLoss(p.objective, margin, y, k));
    if (val && marginVal && yVal) {
      addRound(model, round, val.x, val.n, k, marginVal);
      const loss = xgbLoss(p.objective, marginVal, yVal, k);
      model.valLoss!.push(loss);
      if (loss < best) {
        best = loss;
        bestRound = round;
      }
      model.bestRounds = bestRound + 1;
      if (p.earlyStoppingRounds !== null && round - bestRound >= p.earlyStoppingRounds) break;
    }
  }
  return model;
}

function checkRounds(model: XgbModel, rounds: number | undefined): number {
  if (rounds === undefined) return model.trees.length;
  check(Number.isInteger(rounds) && rounds >= 0 && rounds <= model.trees.length, 'rounds', `an integer in [0, ${model.trees.length}]`, rounds);
  return rounds;
}

function checkX(x: unknown, numFeatures: number): number {
  check(x instanceof Float32Array && x.length % numFeatures === 0, 'x', `a Float32Array of rows × ${numFeatures} features`, x);
  return x.length / numFeatures;
}

/** Margins (n × groups, f32) of the first `rounds` rounds (default all). */
export function xgbMargin(model: XgbModel, x: Float32Array, rounds?: number): Float32Array {
  const n = checkX(x, model.numFeatures);
  const r = checkRounds(model, rounds);
  const m = initMargin(model.baseMargin, n, model.numGroups);
  for (let s = 0; s < r; s++) addRound(model, s, x, n, model.numGroups, m);
  return m;
}

/** Predictions as xgboost's predict(): values, P(class 1), or class probabilities (n × K). */
export function xgbPredict(model: XgbModel, x: Float32Array, rounds?: number): Float32Array {
  return xgbTransform(model.params.objective, xgbMargin(model, x, rounds), model.numGroups);
}

/** Margins after each round: out[r] is the margin of rounds 0..r. */
export function xgbStagedMargins(model: XgbModel, x: Float32Array): Float32Array[] {
  const n = checkX(x, model.numFeatures);
  const m = initMargin(model.baseMargin, n, model.numGroups);
  const out: Float32Array[] = [];
  for (let s = 0; s < model.trees.length; s++) {
    addRound(model, s, x, n, model.numGroups, m);
    out.push(m.slice());
  }
  return out;
}
