// Scores of a (possibly cut) tree on some rows: accuracy, per-class P/R/F1 and
// macro-F1 through the shared metrics module; a regression tree's MSE, MAE and R²
// are evaluateRegressor's (regress.ts).
import { check } from '../errors.js';
import { classificationMetrics, confusionMatrix, type ClassificationMetrics } from '../metrics/classification.js';
import { checkTask, predict, type Cut, type DecisionTree, type TreeData } from './tree.js';

export function checkCompatible(tree: DecisionTree, data: TreeData, field: string): void {
  checkTask(tree, 'classification');
  check(data.numFeatures === tree.numFeatures, `${field}.numFeatures`, `${tree.numFeatures}, as the tree was fitted on`, data.numFeatures);
  check(data.numClasses <= tree.numClasses, `${field}.numClasses`, `at most ${tree.numClasses}, as the tree was fitted on`, data.numClasses);
}

export function evaluateTree(tree: DecisionTree, data: TreeData, cut?: Cut): ClassificationMetrics {
  checkCompatible(tree, data, 'data');
  const pred = predict(tree, data.x, cut);
  return classificationMetrics(confusionMatrix(data.y, pred, tree.numClasses), tree.numClasses);
}
