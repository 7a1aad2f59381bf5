// Validation and reshaping of the rows a tree learns from: checks once, then hands
// trusted typed arrays to the grower, subsets rows for splits and folds, and builds
// TreeData from plain arrays (tests, CSV, synthetic sets).
import { PruneLabError, check } from '../errors.js';
import type { FeatureRows, RegressionData, TreeData } from './tree.js';

/** Throws PruneLabError naming the first bad shape or non-finite feature (row, feature). */
export function checkFeatureRows(data: FeatureRows, what = 'data', kind = 'TreeData'): void {
  check(typeof data === 'object' && data !== null, what, `a ${kind} object`, data);
  const { x, n, numFeatures: d } = data;
  check(Number.isInteger(n) && n >= 1, `${what}.n`, 'an integer ≥ 1 (at least one row)', n);
  check(Number.isInteger(d) && d >= 1, `${what}.numFeatures`, 'an integer ≥ 1', d);
  check(x instanceof Float32Array && x.length === n * d, `${what}.x`, `a Float32Array of n × numFeatures = ${n * d} values`, x);
  for (let i = 0; i < n * d; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new PruneLabError('invalid-data', `${what}.x: row ${Math.floor(i / d)}, feature ${i % d} is ${x[i]}; features must be finite`, `${what}.x`);
    }
  }
}

/** Throws PruneLabError('invalid-data') naming the first bad row, feature or label. */
export function checkTreeData(data: TreeData, what = 'data'): void {
  checkFeatureRows(data, what);
  checkLabels(data, what);
}

/** The label checks of checkTreeData alone (the features were checked already, e.g. by a presort). */
export function checkLabels(data: TreeData, what = 'data'): void {
  const { y, n, numClasses: c } = data;
  check(Number.isInteger(c) && c >= 1 && c <= 65536, `${what}.numClasses`, 'an integer in [1, 65536]', c);
  check(y instanceof Int32Array && y.length === n, `${what}.y`, `an Int32Array of n = ${n} labels`, y);
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (!(v >= 0 && v < c)) {
      throw new PruneLabError('invalid-data', `${what}.y: row ${i} has label ${v}; labels must be integers in [0, ${c - 1}]`, `${what}.y`);
    }
  }
}

/** Rows of numbers as a row-major f32 matrix, with one `what` per row (`count` of them). */
function rowMatrix(rows: ArrayLike<ArrayLike<number>>, count: number, what: string): { x: Float32Array; n: number; d: number } {
  check(rows.length >= 1, 'rows', 'at least one row', rows.length);
  const d = rows[0]!.length;
  const n = rows.length;
  check(count === n, `${what}s`, `one ${what} per row (${n})`, count);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    check(rows[i]!.length === d, `rows[${i}]`, `${d} values, like rows[0]`, rows[i]!.length);
    for (let f = 0; f < d; f++) x[i * d + f] = rows[i]![f]!;
  }
  return { x, n, d };
}

/** TreeData from rows of numbers and labels (validated). Features are stored as f32, as scikit-learn does. */
export function treeData(rows: ArrayLike<ArrayLike<number>>, labels: ArrayLike<number>, numClasses?: number): TreeData {
  const { x, n, d } = rowMatrix(rows, labels.length, 'label');
  const y = Int32Array.from(labels);
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, y[i]!);
  const data = { x, y, n, numFeatures: d, numClasses: numClasses ?? max + 1 };
  checkTreeData(data);
  return data;
}

/** Throws PruneLabError naming the first bad shape, feature or target (row). */
export function checkRegressionData(data: RegressionData, what = 'data'): void {
  checkFeatureRows(data, what, 'RegressionData');
  checkTargets(data, what);
}

/** The target checks of checkRegressionData alone: one finite f64 per row. */
export function checkTargets(data: RegressionData, what = 'data'): void {
  const { y, n } = data;
  check(y instanceof Float64Array && y.length === n, `${what}.y`, `a Float64Array of n = ${n} targets`, y);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i]!)) throw new PruneLabError('invalid-data', `${what}.y: row ${i} has target ${y[i]}; targets must be finite numbers`, `${what}.y`);
  }
}

/** RegressionData from rows of numbers and real targets (validated; features as f32, targets as f64). */
export function regressionData(rows: ArrayLike<ArrayLike<number>>, targets: ArrayLike<number>): RegressionData {
  const { x, n, d } = rowMatrix(rows, targets.length, 'target');
  const data = { x, y: Float64Array.from(targets), n, numFeatures: d };
  checkRegressionData(data);
  return data;
}

/** The rows at `indices`, in that order, as new TreeData (or RegressionData). */
export function subsetRows(data: TreeData, indices: ArrayLike<number>): TreeData;
export function subsetRows(data: RegressionData, indices: ArrayLike<number>): RegressionData;
export function subsetRows(data: TreeData | RegressionData, indices: ArrayLike<number>): TreeData | RegressionData {
  const d = data.numFeatures;
  const m = indices.length;
  for (let i = 0; i < m; i++) {
    const k = indices[i]!;
    check(Number.isInteger(k) && k >= 0 && k < data.n, `indices[${i}]`, `an integer in [0, ${data.n - 1}]`, k);
  }
  const x = new Float32Array(m * d);
  const y = data.y instanceof Int32Array ? new Int32Array(m) : new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const k = indices[i]!;
    x.set(data.x.subarray(k * d, (k + 1) * d), i * d);
    y[i] = data.y[k]!;
  }
  if ('numClasses' in data) return { x, y: y as Int32Array, n: m, numFeatures: d, numClasses: data.numClasses };
  return { x, y: y as Float64Array, n: m, numFeatures: d };
}
