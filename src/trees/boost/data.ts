// The rows boosting learns from: class labels (TreeData) or real targets
// (RegressionData), the same shapes the single trees take.
import { check } from '../../errors.js';
import { checkRegressionData, checkTreeData, subsetRows } from '../data.js';
import type { RegressionData, TreeData } from '../tree.js';

export type BoostData = TreeData | RegressionData;

export function isClassData(d: BoostData): d is TreeData {
  return 'numClasses' in d;
}

/** Validates either shape; throws PruneLabError naming the first bad field, row or feature. */
export function checkBoostData(d: BoostData, what: string): void {
  if (typeof d === 'object' && d !== null && 'numClasses' in d) checkTreeData(d, what);
  else checkRegressionData(d as RegressionData, what);
}

/** Validation rows must be the same kind as the training rows, with their features (and no more classes). */
export function checkValRows(data: BoostData, val: BoostData): void {
  checkBoostData(val, 'val');
  check(val.numFeatures === data.numFeatures, 'val.numFeatures', `${data.numFeatures}, as the training rows`, val.numFeatures);
  check(isClassData(val) === isClassData(data), 'val', `${isClassData(data) ? 'class labels' : 'real targets'}, as the training rows`);
  if (isClassData(val) && isClassData(data)) check(val.numClasses <= data.numClasses, 'val.numClasses', `at most ${data.numClasses}`, val.numClasses);
}

/** A finite number passing `ok`, else invalid-argument naming `field` with `says`. */
export function checkNumber(v: unknown, field: string, ok: (x: number) => boolean, says: string): void {
  check(typeof v === 'number' && Number.isFinite(v) && ok(v), field, says, v);
}

/** An integer in [lo, hi]. */
export function checkInt(v: unknown, field: string, lo: number, hi: number, says = `an integer in [${lo}, ${hi}]`): void {
  check(typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi, field, says, v);
}

/** An absent field takes its default; null is a value (refused where the field is not nullable). */
export function orDefault<T, D>(v: T | undefined, d: D): T | D {
  return v === undefined ? d : v;
}

/** The rows at `indices`, of either kind. */
export function subsetBoostRows(data: BoostData, indices: ArrayLike<number>): BoostData {
  return isClassData(data) ? subsetRows(data, indices) : subsetRows(data, indices);
}
