// Tabular data for the nets: a CSV with a header and a target column (parsed by
// csv.ts, the parser the trees use) → train / validation / test image datasets of
// shape 1×1×F that the lab trains MLPs on, with the features standardised by
// statistics of the training split alone, and what the report needs to say about it
// (TabularInfo: features in input order, class labels, mean and scale).
//
// Rules (docs/data.md says the same):
// - Classes are the target's labels in csv.ts's order (classOrder), from the
//   training file; at least 2, at most 256 (labels are u8).
// - Without a test file, the rows are split stratified and seeded: test
//   max(1, round(0.2·n)) rows, validation max(1, round(0.1·n)), the rest train; each
//   class gives its share (largest remainder, ties to the lower class index) and
//   keeps at least one training row. With a test file, the validation rows come
//   from the training file the same way and the test set is the test file (its
//   first `test` rows when given); its columns are matched by name. A training
//   subset (`trainSubset` ≥ K rows) is drawn stratified as well.
// - Standardisation as scikit-learn's StandardScaler: mean and population variance
//   in f64 over the training rows; a feature whose variance is within the two-pass
//   algorithm's rounding bound of 0 (n·ε·var + (n·mean·ε)², ε = 2⁻⁵²) is constant and
//   gets scale 1 (it becomes x − mean: 0 on the training rows, the mean being summed
//   as offsets from the first row's value); else scale = √var.
//   x' = (x − mean) / scale, computed in f64, stored as f32; a value that leaves the
//   f32 range is refused naming its row and column.
import { PruneLabError, check } from '../errors.js';
import { Rng } from '../rng.js';
import { parseCsv, type TabularDataset } from './csv.js';
import type { ImageDataset } from './dataset.js';

/** x' = (x − mean) / scale per feature; features listed in `constant` have scale 1. */
export interface Standardization {
  mean: number[];
  scale: number[];
  constant: string[];
}

/** What a tabular run's report records about its data (report.data.tabular). */
export interface TabularInfo {
  /** The target column's name. */
  target: string;
  /** Feature names in the model's input order (the training file's column order). */
  features: string[];
  /** The label of each class index (the model's outputs). */
  classes: string[];
  standardization: Standardization;
}

/** Most classes a tabular target may have (labels are stored as u8). */
export const MAX_TABULAR_CLASSES = 256;
/** Default held-out fractions of the training file. */
export const TABULAR_TEST_FRACTION = 0.2;
export const TABULAR_VALIDATION_FRACTION = 0.1;

export interface TabularSplitOptions {
  /** Seed of the stratified split and of the training-subset draw; default 0. */
  seed?: number;
  /** Test rows: held out of the training file (default max(1, round(0.2·n))), or the first rows of the test file. */
  test?: number;
  /** Validation rows held out of the training file; default max(1, round(0.1·n)). */
  validation?: number;
  /** Train on a seeded draw of this many of the training rows (the statistics are theirs). */
  trainSubset?: number;
  /** The names errors give the options (a runner's `subsets.test`, a CLI flag); by default the option's name. */
  fields?: Partial<Record<'test' | 'validation' | 'trainSubset', string>>;
}

export interface TabularSplits {
  train: ImageDataset;
  validation: ImageDataset;
  test: ImageDataset;
  info: TabularInfo;
  /** Data rows (0-based, ascending) of each split: train and validation in the training file, test in its file. */
  rows: { train: Uint32Array; validation: Uint32Array; test: Uint32Array };
}

function fail(name: string, problem: string, field = name): never {
  throw new PruneLabError('invalid-data', `${name}: ${problem}`, field);
}

/** "row N" as csv.ts says it (the file's line, parseCsv's `lines`); a dataset with no file says its data row. */
function rowName(ds: TabularDataset, i: number): string {
  return ds.lines ? `row ${ds.lines[i]}` : `data row ${i + 1}`;
}

const EPS = 2 ** -52;

/** Mean, population variance and scale of each feature over `rows` (f64, two passes), scikit-learn's rule for constants. */
export function standardizationOf(x: Float32Array, numFeatures: number, rows: ArrayLike<number>, featureNames: readonly string[]): Standardization & { variance: number[] } {
  const d = numFeatures;
  const n = rows.length;
  check(Number.isInteger(d) && d >= 1 && featureNames.length === d, 'featureNames', `${d} names, one per feature`, featureNames);
  check(n >= 1, 'rows', 'at least one row', n);
  // Summed as offsets from the first row's values: a column of one value gets exactly that mean, so x − mean is 0
  // at any row count (a plain f64 sum of f32 values is exact only up to about 2^29 rows).
  const mean = new Float64Array(d);
  const shift = Float64Array.from({ length: d }, (_, f) => x[rows[0]! * d + f]!);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f]! += x[rows[i]! * d + f]! - shift[f]!;
  for (let f = 0; f < d; f++) mean[f] = shift[f]! + mean[f]! / n;
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      const t = x[rows[i]! * d + f]! - mean[f]!;
      variance[f]! += t * t;
    }
  }
  const scale: number[] = [];
  const constant: string[] = [];
  for (let f = 0; f < d; f++) {
    const v = (variance[f]! /= n);
    const m = mean[f]!;
    if (v <= n * EPS * v + (n * m * EPS) ** 2) {
      scale.push(1);
      constant.push(featureNames[f]!);
    } else scale.push(Math.sqrt(v));
  }
  return { mean: Array.from(mean), scale, constant, variance: Array.from(variance) };
}

/** Largest-remainder shares of `total` over classes in proportion to `counts`, each at most `caps[c]`; null when they cannot hold it. */
export function stratifiedShares(total: number, counts: readonly number[], caps: readonly number[]): number[] | null {
  const n = counts.reduce((a, b) => a + b, 0);
  const quota = counts.map((c) => (n > 0 ? (total * c) / n : 0));
  const share = quota.map((q, c) => Math.min(Math.floor(q), caps[c]!));
  let left = total - share.reduce((a, b) => a + b, 0);
  const order = quota.map((q, c) => ({ c, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.c - b.c).map((o) => o.c);
  while (left > 0) {
    let gave = false;
    for (const c of order) {
      if (left === 0) break;
      if (share[c]! < caps[c]!) {
        share[c]!++;
        left--;
        gave = true;
      }
    }
    if (!gave) return null;
  }
  return share;
}

function count(v: number | undefined, field: string, lo: number, hi: number): void {
  if (v === undefined) return;
  check(Number.isInteger(v) && v >= lo && v <= hi, field, hi < lo ? `left unset (${hi} rows are available)` : `an integer in [${lo}, ${hi}]`, v);
}

/** The test file's columns in the training file's feature order, and its labels as training class indices (or an error naming the row). */
function alignTest(train: TabularDataset, test: TabularDataset, target: string): { x: Float32Array; y: Int32Array } {
  const at = new Map(test.featureNames.map((f, j) => [f, j]));
  for (const f of train.featureNames) {
    if (!at.has(f)) fail(test.name, `has no column "${f}", a feature of ${train.name} (its features: ${train.featureNames.join(', ')})`);
  }
  for (const f of test.featureNames) {
    if (!train.featureNames.includes(f)) fail(test.name, `column "${f}" is not a feature of ${train.name} (its columns: ${[...train.featureNames, target].join(', ')}); the files need the same columns`);
  }
  const d = train.numFeatures;
  const x = new Float32Array(test.n * d);
  const perm = train.featureNames.map((f) => at.get(f)!);
  for (let i = 0; i < test.n; i++) for (let f = 0; f < d; f++) x[i * d + f] = test.x[i * d + perm[f]!]!;
  const index = new Map(train.classNames.map((c, k) => [c, k]));
  const y = new Int32Array(test.n);
  for (let i = 0; i < test.n; i++) {
    const label = test.classNames[test.y[i]!]!;
    const k = index.get(label);
    if (k === undefined) {
      fail(test.name, `${rowName(test, i)}, column "${target}": label ${JSON.stringify(label)} is not a class of ${train.name} (its classes: ${train.classNames.join(', ')})`);
    }
    y[i] = k;
  }
  return { x, y };
}

/**
 * Splits parsed CSV data into the lab's three datasets and standardises them by the
 * training rows' statistics (the rules in this file's header). Everything is
 * validated before a dataset is made.
 */
export function splitTabular(train: TabularDataset, test: TabularDataset | undefined, target: string, options: TabularSplitOptions = {}): TabularSplits {
  check(typeof options === 'object' && options !== null, 'options', 'an object { seed?, test?, validation?, trainSubset? }', options);
  const name = (k: 'test' | 'validation' | 'trainSubset'): string => options.fields?.[k] ?? k;
  const seed = options.seed ?? 0;
  check(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, 'seed', 'an integer in [0, 2^32)', seed);
  const K = train.numClasses;
  if (K < 2) {
    fail(train.name, `column "${target}": all ${train.n} data rows have the label ${JSON.stringify(train.classNames[0])}; a classifier needs at least 2 classes`, 'target');
  }
  if (K > MAX_TABULAR_CLASSES) {
    fail(train.name, `column "${target}" has ${K} distinct labels; the nets classify into at most ${MAX_TABULAR_CLASSES} classes (a numeric target is read as class labels: is it a regression target?)`, 'target');
  }
  const n = train.n;
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < n; i++) counts[train.y[i]!]!++;
  // Every class keeps a training row: the held-out rows come from the other n − K.
  const spare = n - K;
  if (test) count(options.test, name('test'), 1, test.n);
  else count(options.test, name('test'), 1, spare - 1);
  const tHeld = test ? 0 : options.test ?? Math.max(1, Math.round(TABULAR_TEST_FRACTION * n));
  count(options.validation, name('validation'), 1, spare - tHeld);
  const v = options.validation ?? Math.max(1, Math.round(TABULAR_VALIDATION_FRACTION * n));
  const testShares = stratifiedShares(tHeld, counts, counts.map((c) => c - 1));
  const valShares = testShares && stratifiedShares(v, counts.map((c, k) => c - testShares[k]!), counts.map((c, k) => c - testShares[k]! - 1));
  if (!testShares || !valShares) {
    const field = options.test !== undefined && !testShares ? name('test') : options.validation !== undefined ? name('validation') : options.test !== undefined ? name('test') : train.name;
    fail(train.name, `${n} data rows are too few to hold out ${test ? '' : `${tHeld} test and `}${v} validation row${v === 1 ? '' : 's'} and keep a training row of each of the ${K} classes (give ${test ? '' : 'a smaller test count, '}a smaller validation count, or more rows)`, field);
  }
  const pool = n - tHeld - v;
  // A training subset keeps a row of every class, so it needs at least K rows.
  count(options.trainSubset, name('trainSubset'), K, pool);

  let aligned: { x: Float32Array; y: Int32Array } | undefined;
  if (test) aligned = alignTest(train, test, target);

  // Stratified seeded split: each class's rows shuffled, the first go to test, the next to validation.
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) byClass[train.y[i]!]!.push(i);
  const rng = new Rng((seed ^ 0x7ab1e5ed) >>> 0);
  const held: number[] = [];
  const val: number[] = [];
  const rest: number[][] = [];
  byClass.forEach((rows, k) => {
    rng.shuffle(rows);
    held.push(...rows.slice(0, testShares[k]));
    val.push(...rows.slice(testShares[k], testShares[k]! + valShares[k]!));
    rest.push(rows.slice(testShares[k]! + valShares[k]!));
  });
  // The training subset: stratified too, one row of each class and the rest by largest remainder (the next of each class's shuffled rows).
  let keep = rest.map((r) => r.length);
  if (options.trainSubset !== undefined) {
    keep = stratifiedShares(options.trainSubset - K, keep.map((c) => c - 1), keep.map((c) => c - 1))!.map((t) => t + 1);
  }
  const asc = (a: number[]): Uint32Array => Uint32Array.from(a).sort();
  const trainRows = asc(rest.flatMap((r, k) => r.slice(0, keep[k])));
  const testRows = test ? Uint32Array.from({ length: options.test ?? test.n }, (_, i) => i) : asc(held);
  const valRows = asc(val);

  const d = train.numFeatures;
  const st = standardizationOf(train.x, d, trainRows, train.featureNames);
  const make = (src: TabularDataset, x: Float32Array, y: Int32Array, rows: Uint32Array): ImageDataset => {
    const images = new Float32Array(rows.length * d);
    const labels = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      for (let f = 0; f < d; f++) {
        const z = Math.fround((x[r * d + f]! - st.mean[f]!) / st.scale[f]!);
        if (!Number.isFinite(z)) {
          fail(src.name, `${rowName(src, r)}, column "${train.featureNames[f]}": ${x[r * d + f]} standardised by the training rows' mean ${st.mean[f]} and scale ${st.scale[f]} leaves the f32 range`);
        }
        images[i * d + f] = z;
      }
      labels[i] = y[r]!;
    }
    return { images, labels, shape: { C: 1, H: 1, W: d }, numClasses: K, n: rows.length };
  };
  const trainSet = make(train, train.x, train.y, trainRows);
  const valSet = make(train, train.x, train.y, valRows);
  const testSet = test ? make(test, aligned!.x, aligned!.y, testRows) : make(train, train.x, train.y, testRows);
  return {
    train: trainSet,
    validation: valSet,
    test: testSet,
    info: { target, features: [...train.featureNames], classes: [...train.classNames], standardization: { mean: st.mean, scale: st.scale, constant: st.constant } },
    rows: { train: trainRows, validation: valRows, test: testRows },
  };
}

export interface TabularCsvOptions extends TabularSplitOptions {
  /** The target (class) column's name. */
  target: string;
  /** The training file's name in messages; default 'csv'. */
  name?: string;
  /** A separate test file (the same columns, in any order). */
  testCsv?: { text: string; name?: string };
}

/** CSV text (and an optional test file) → the lab's standardised splits; every error names the file, row and column. */
export function tabularFromCsv(text: string, options: TabularCsvOptions): TabularSplits {
  check(typeof options === 'object' && options !== null, 'options', 'an object { target, name?, testCsv?, seed?, test?, validation?, trainSubset? }', options);
  const { target, name, testCsv: testFile, ...split } = options;
  const train = parseCsv(text, { target, ...(name !== undefined ? { name } : {}) });
  let test: TabularDataset | undefined;
  if (testFile !== undefined) {
    check(typeof testFile === 'object' && testFile !== null && typeof testFile.text === 'string', 'testCsv', 'an object { text, name? }', testFile);
    test = parseCsv(testFile.text, { target, name: testFile.name ?? 'test csv' });
  }
  return splitTabular(train, test, target, split);
}
