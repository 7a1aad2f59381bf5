// scikit-learn 1.2's gradient-boosting losses (ensemble/_gb_losses.py): the init
// prediction, the negative gradient each stage's tree is fit on, the leaf values
// that replace the tree's own (the line search), and the loss recorded per stage
// (train_score_; binary log-loss is recorded as the deviance, 2 × log-loss, as there).
import { percentile, weightedPercentile } from './percentile.js';

export const GBDT_LOSSES = ['squared_error', 'absolute_error', 'huber', 'log_loss'] as const;
export type GbdtLoss = (typeof GBDT_LOSSES)[number];

/** float32 machine epsilon: the clip of the prior probabilities. */
const EPS32 = 1.1920928955078125e-7;

function expit(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** log(Σ exp(raw[i*k .. i*k+k))). */
function logSumExp(raw: ArrayLike<number>, i: number, k: number): number {
  let m = -Infinity;
  for (let c = 0; c < k; c++) m = Math.max(m, raw[i * k + c]!);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (let c = 0; c < k; c++) s += Math.exp(raw[i * k + c]! - m);
  return m + Math.log(s);
}

/** numpy's logaddexp(0, v) = log(1 + e^v), without overflow. */
function log1pExp(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

export interface LossState {
  /** Huber's alpha: gamma is this quantile of |y − raw|. */
  alpha: number;
  /** Huber's gamma of the last negative gradient (the loss reads it, as scikit-learn's stateful loss). */
  gamma: number | null;
}

/**
 * The init estimator's raw predictions (K values): the mean, the median, or the
 * prior log-odds (binary) / log-priors (K classes), priors clipped to [eps, 1 − eps].
 */
export function initRaw(loss: GbdtLoss, y: ArrayLike<number>, k: number, numClasses: number): Float64Array {
  const n = y.length;
  if (loss === 'squared_error') {
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i]!;
    return Float64Array.of(s / n);
  }
  if (loss !== 'log_loss') return Float64Array.of(percentile(y, 50));
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) counts[y[i]!]++;
  const clip = (p: number): number => Math.min(Math.max(p, EPS32), 1 - EPS32);
  if (k === 1) {
    const p = clip(counts[1]! / n);
    return Float64Array.of(Math.log(p / (1 - p)));
  }
  return Float64Array.from(counts, (c) => Math.log(clip(c / n)));
}

/** Negative gradient of class/group `g` at raw (n × k), into out. `y` is the 0/1 indicator of class g for K classes. */
export function negativeGradient(loss: GbdtLoss, y: ArrayLike<number>, raw: Float64Array, k: number, g: number, weight: Float64Array, state: LossState, out: Float64Array): void {
  const n = y.length;
  if (loss === 'squared_error') for (let i = 0; i < n; i++) out[i] = y[i]! - raw[i]!;
  else if (loss === 'absolute_error') for (let i = 0; i < n; i++) out[i] = y[i]! - raw[i]! > 0 ? 1 : -1;
  else if (loss === 'huber') {
    const absDiff = Float64Array.from({ length: n }, (_, i) => Math.abs(y[i]! - raw[i]!));
    const gamma = weightedPercentile(absDiff, weight, state.alpha * 100);
    for (let i = 0; i < n; i++) {
      const diff = y[i]! - raw[i]!;
      out[i] = Math.abs(diff) <= gamma ? diff : gamma * Math.sign(diff);
    }
    state.gamma = gamma;
  } else if (k === 1) for (let i = 0; i < n; i++) out[i] = y[i]! - expit(raw[i]!);
  else for (let i = 0; i < n; i++) out[i] = y[i]! - Math.exp(raw[i * k + g]! - logSumExp(raw, i, k));
}

/**
 * The leaf value that replaces the tree's mean, from the in-bag rows of the leaf
 * (rows[], with weights): the median of y − raw (absolute_error), Huber's
 * median + mean of the clipped deviations, or the Newton step Σw·r / Σw·(y−r)(1−y+r)
 * (× (K−1)/K for K classes). squared_error keeps the tree's value.
 */
export function leafValue(
  loss: GbdtLoss, rows: readonly number[], y: ArrayLike<number>, residual: Float64Array, raw: Float64Array,
  k: number, weight: Float64Array, state: LossState,
): number {
  if (loss === 'absolute_error' || loss === 'huber') {
    const diff = rows.map((i) => y[i]! - raw[i]!);
    const median = weightedPercentile(diff, rows.map((i) => weight[i]!), 50);
    if (loss === 'absolute_error') return median;
    let s = 0;
    for (const d of diff) s += Math.sign(d - median) * Math.min(Math.abs(d - median), state.gamma!);
    return median + s / diff.length;
  }
  let num = 0;
  let den = 0;
  for (const i of rows) {
    const r = residual[i]!;
    num += weight[i]! * r;
    den += weight[i]! * (y[i]! - r) * (1 - y[i]! + r);
  }
  if (k > 1) num *= (k - 1) / k;
  return Math.abs(den) < 1e-150 ? 0 : num / den;
}

/** The loss scikit-learn records per stage (weighted mean over `rows`, all rows when absent). */
export function stageLoss(loss: GbdtLoss, y: ArrayLike<number>, raw: Float64Array, k: number, weight: ArrayLike<number> | null, state: LossState, rows?: ArrayLike<number>): number {
  const n = rows ? rows.length : y.length;
  const at = (j: number): number => (rows ? rows[j]! : j);
  const w = (i: number): number => (weight ? weight[i]! : 1);
  let sw = 0;
  let s = 0;
  let gamma = state.gamma;
  if (loss === 'huber' && gamma === null) {
    const ad = Array.from({ length: n }, (_, j) => Math.abs(y[at(j)]! - raw[at(j)]!));
    gamma = weightedPercentile(ad, Array.from({ length: n }, (_, j) => w(at(j))), state.alpha * 100);
  }
  for (let j = 0; j < n; j++) {
    const i = at(j);
    const wi = w(i);
    sw += wi;
    if (loss === 'squared_error') s += wi * (y[i]! - raw[i]!) ** 2;
    else if (loss === 'absolute_error') s += wi * Math.abs(y[i]! - raw[i]!);
    else if (loss === 'huber') {
      const d = Math.abs(y[i]! - raw[i]!);
      s += wi * (d <= gamma! ? 0.5 * d * d : gamma! * (d - gamma! / 2));
    } else if (k === 1) s += wi * -2 * (y[i]! * raw[i]! - log1pExp(raw[i]!));
    else s += wi * (logSumExp(raw, i, k) - raw[i * k + y[i]!]!);
  }
  return s / sw;
}
