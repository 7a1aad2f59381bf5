// Regression trees with scikit-learn 1.2's DecisionTreeRegressor semantics: the
// same growth as the classifier (cart.ts) with a regression split rule
// (regress-criteria.ts), every pre-pruning parameter with the same meaning, and
// sample weights. The fitted tree is a DecisionTree with task 'regression',
// numClasses 1 and value[node] = the node's prediction (weighted mean, or weighted
// median for absolute_error); CCP (ccp.ts) works on it unchanged.
//
// Ties: features are tried in index order and a boundary replaces the best only if
// strictly better, so among equal scores the lowest feature, then the lowest
// threshold, wins. scikit-learn visits the features in a random_state-dependent
// order, so where two features tie exactly its tree depends on random_state; ours
// is the one it grows for the random_states that visit the tied features in order.
import { check } from '../errors.js';
import { growTree, type FitOptions } from './cart.js';
import { checkFeatureRows, checkTargets } from './data.js';
import { resolveTreeParams, type RegressorParams } from './params.js';
import { MaeRule, MseRule } from './regress-criteria.js';
import { predictValues, type Cut, type DecisionTree, type RegressionData } from './tree.js';
import { regressionMetrics, type RegressionMetrics } from '../metrics/regression.js';

/** Grows a regression tree on `data`. Every parameter and every row is validated first. */
export function fitRegressor(data: RegressionData, params: RegressorParams = {}, options: FitOptions = {}): DecisionTree {
  const p = resolveTreeParams(params, data.numFeatures, 'regression');
  if (!options.presorted) checkFeatureRows(data, 'data', 'RegressionData');
  checkTargets(data);
  const rule = p.criterion === 'absolute_error' ? new MaeRule(data.y) : new MseRule(data.y, p.criterion === 'friedman_mse');
  return growTree(data, p, options, rule, 'regression');
}

/** MSE, MAE and R² of a (possibly cut) regression tree on some rows. */
export function evaluateRegressor(tree: DecisionTree, data: RegressionData, cut?: Cut): RegressionMetrics {
  check(data.numFeatures === tree.numFeatures, 'data.numFeatures', `${tree.numFeatures}, as the tree was fitted on`, data.numFeatures);
  return regressionMetrics(data.y, predictValues(tree, data.x, cut));
}
