// Validation and reshaping of the rows a tree learns from: checks once, then hands
// trusted typed arrays to the grower, subsets rows for splits and folds, and builds
// TreeData from plain arrays (tests, CSV, synthetic sets).
import { PruneLabError, check } from '../errors.js';
import type { TreeData } from './tree.js';

/** Throws PruneLabError('invalid-data') naming the first bad row, feature or label. */
export function checkTreeData(data: TreeData, what = 'data'): void {
  check(typeof data === 'object' && data !== null, what, 'a TreeData object', data);
  const { x, y, n, numFeatures: d, numClasses: c } = data;
  check(Number.isInteger(n) && n >= 1, `${what}.n`, 'an integer ≥ 1 (at least one row)', n);
  check(Number.isInteger(d) && d >= 1, `${what}.numFeatures`, 'an integer ≥ 1', d);
  check(Number.isInteger(c) && c >= 1 && c <= 65536, `${what}.numClasses`, 'an integer in [1, 65536]', c);
  check(x instanceof Float32Array && x.length === n * d, `${what}.x`, `a Float32Array of n × numFeatures = ${n * d} values`, x);
  check(y instanceof Int32Array && y.length === n, `${what}.y`, `an Int32Array of n = ${n} labels`, y);
  for (let i = 0; i < n * d; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new PruneLabError('invalid-data', `${what}.x: row ${Math.floor(i / d)}, feature ${i % d} is ${x[i]}; features must be finite`, `${what}.x`);
    }
  }
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (!(v >= 0 && v < c)) {
      throw new PruneLabError('invalid-data', `${what}.y: row ${i} has label ${v}; labels must be integers in [0, ${c - 1}]`, `${what}.y`);
    }
  }
}

/** TreeData from rows of numbers and labels (validated). Features are stored as f32, as scikit-learn does. */
export function treeData(rows: ArrayLike<ArrayLike<number>>, labels: ArrayLike<number>, numClasses?: number): TreeData {
  check(rows.length >= 1, 'rows', 'at least one row', rows.length);
  const d = rows[0]!.length;
  const n = rows.length;
  check(labels.length === n, 'labels', `one label per row (${n})`, labels.length);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    check(rows[i]!.length === d, `rows[${i}]`, `${d} values, like rows[0]`, rows[i]!.length);
    for (let f = 0; f < d; f++) x[i * d + f] = rows[i]![f]!;
  }
  const y = Int32Array.from(labels);
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, y[i]!);
  const data = { x, y, n, numFeatures: d, numClasses: numClasses ?? max + 1 };
  checkTreeData(data);
  return data;
}

/** The rows at `indices`, in that order, as new TreeData. */
export function subsetRows(data: TreeData, indices: ArrayLike<number>): TreeData {
  const d = data.numFeatures;
  const m = indices.length;
  for (let i = 0; i < m; i++) {
    const k = indices[i]!;
    check(Number.isInteger(k) && k >= 0 && k < data.n, `indices[${i}]`, `an integer in [0, ${data.n - 1}]`, k);
  }
  const x = new Float32Array(m * d);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const k = indices[i]!;
    x.set(data.x.subarray(k * d, (k + 1) * d), i * d);
    y[i] = data.y[k]!;
  }
  return { x, y, n: m, numFeatures: d, numClasses: data.numClasses };
}
