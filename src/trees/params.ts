// Growth (pre-pruning) parameters of CART, with scikit-learn's names, defaults and
// meanings, and their validation: every field is checked before anything is fitted.
import { check, PruneLabError } from '../errors.js';
import type { Criterion, RegressionCriterion, TreeTask } from './tree.js';

export interface TreeParams {
  /** Split quality: Gini impurity or entropy (bits). Default 'gini'. */
  criterion?: Criterion;
  /** Deepest a node may be (root = 0); null or absent = unlimited. */
  maxDepth?: number | null;
  /** A node with fewer samples is a leaf. Default 2. */
  minSamplesSplit?: number;
  /** A split leaving fewer samples on either side is not considered. Default 1. */
  minSamplesLeaf?: number;
  /**
   * A node splits only if its weighted impurity decrease
   * N_t/N · (impurity − N_tR/N_t · impurity_R − N_tL/N_t · impurity_L) reaches this
   * (N in weighted samples). Default 0.
   */
  minImpurityDecrease?: number;
  /** Grow best-first (largest impurity decrease first) up to this many leaves; null = depth-first, unlimited. */
  maxLeafNodes?: number | null;
  /** Features drawn at random per split (forests); null or absent = all features, in order. */
  maxFeatures?: number | null;
}

/** The same parameters for a regression tree (scikit-learn's DecisionTreeRegressor); criterion default 'squared_error'. */
export interface RegressorParams extends Omit<TreeParams, 'criterion'> {
  /**
   * squared_error: weighted variance, node value the weighted mean; friedman_mse: the same
   * impurity and value, splits chosen by Friedman's improvement; absolute_error: mean
   * absolute deviation from the weighted median, node value that median.
   */
  criterion?: RegressionCriterion;
}

export interface ResolvedTreeParams {
  criterion: Criterion | RegressionCriterion;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minImpurityDecrease: number;
  maxLeafNodes: number | null;
  maxFeatures: number | null;
}

export const CRITERIA: readonly Criterion[] = ['gini', 'entropy'];
export const REGRESSION_CRITERIA: readonly RegressionCriterion[] = ['squared_error', 'friedman_mse', 'absolute_error'];

const KEYS = ['criterion', 'maxDepth', 'minSamplesSplit', 'minSamplesLeaf', 'minImpurityDecrease', 'maxLeafNodes', 'maxFeatures'];

/** "Unlimited" depth, as scikit-learn's max_depth=None (int32 max). */
export const UNLIMITED_DEPTH = 2 ** 31 - 1;

function intAtLeast(v: unknown, lo: number, field: string, nullable: boolean): void {
  const ok = typeof v === 'number' && Number.isInteger(v) && v >= lo && v < 2 ** 31;
  check(ok || (nullable && v === null), field, `an integer ≥ ${lo}${nullable ? ' or null (unlimited)' : ''}`, v);
}

/**
 * Fills defaults and validates; throws PruneLabError naming the first bad field.
 * `task` picks the criteria allowed and the default (gini, or squared_error).
 */
export function resolveTreeParams(p: TreeParams | RegressorParams = {}, numFeatures?: number, task: TreeTask = 'classification'): ResolvedTreeParams {
  check(typeof p === 'object' && p !== null, 'params', 'an object', p);
  for (const k of Object.keys(p)) {
    if (!KEYS.includes(k)) throw new PruneLabError('invalid-argument', `params.${k} is not a tree parameter; allowed: ${KEYS.join(', ')}`, k);
  }
  const allowed: readonly string[] = task === 'regression' ? REGRESSION_CRITERIA : CRITERIA;
  const criterion = p.criterion ?? (task === 'regression' ? 'squared_error' : 'gini');
  check(allowed.includes(criterion), 'criterion', `one of ${allowed.join(', ')}${task === 'regression' ? ' (regression)' : ''}`, criterion);
  if (p.maxDepth !== undefined) intAtLeast(p.maxDepth, 1, 'maxDepth', true);
  if (p.minSamplesSplit !== undefined) intAtLeast(p.minSamplesSplit, 2, 'minSamplesSplit', false);
  if (p.minSamplesLeaf !== undefined) intAtLeast(p.minSamplesLeaf, 1, 'minSamplesLeaf', false);
  if (p.minImpurityDecrease !== undefined) {
    const v = p.minImpurityDecrease;
    check(typeof v === 'number' && Number.isFinite(v) && v >= 0, 'minImpurityDecrease', 'a finite number ≥ 0', v);
  }
  if (p.maxLeafNodes !== undefined) intAtLeast(p.maxLeafNodes, 2, 'maxLeafNodes', true);
  if (p.maxFeatures !== undefined) {
    intAtLeast(p.maxFeatures, 1, 'maxFeatures', true);
    if (numFeatures !== undefined && p.maxFeatures !== null) {
      check(p.maxFeatures <= numFeatures, 'maxFeatures', `an integer in [1, ${numFeatures}] (the number of features) or null`, p.maxFeatures);
    }
  }
  return {
    criterion,
    maxDepth: p.maxDepth ?? UNLIMITED_DEPTH,
    minSamplesSplit: p.minSamplesSplit ?? 2,
    minSamplesLeaf: p.minSamplesLeaf ?? 1,
    minImpurityDecrease: p.minImpurityDecrease ?? 0,
    maxLeafNodes: p.maxLeafNodes ?? null,
    maxFeatures: p.maxFeatures ?? null,
  };
}
