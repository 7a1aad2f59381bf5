// CSV with a header row → a numeric tabular dataset: every column but the target
// is a feature and must hold numbers; the target column (chosen by name) holds
// class labels of any text. Parsed by papaparse (quotes, escaped quotes, CRLF);
// every problem is a PruneLabError('invalid-data') naming the file, row and column.
// Rows are counted as in the file, the header being row 1.
import Papa from 'papaparse';
import { PruneLabError, check } from '../errors.js';

/** Rows of numeric features with class labels: what trees (and the CLI) learn from. */
export interface TabularDataset {
  readonly name: string;
  /** Row-major n × numFeatures, f32. */
  readonly x: Float32Array;
  /** Class index of each row, in [0, numClasses). */
  readonly y: Int32Array;
  readonly n: number;
  readonly numFeatures: number;
  readonly numClasses: number;
  readonly featureNames: readonly string[];
  /** Label of each class index. */
  readonly classNames: readonly string[];
}

export interface CsvOptions {
  /** Name of the target (class) column in the header. */
  target: string;
  /** File name used in error messages. */
  name?: string;
}

function fail(name: string, problem: string, field = name): never {
  throw new PruneLabError('invalid-data', `${name}: ${problem}`, field);
}

/**
 * Classes in scikit-learn's order (np.unique): numerically when every label is a
 * number, otherwise by code point.
 */
export function classOrder(labels: readonly string[]): string[] {
  const distinct = [...new Set(labels)];
  const numeric = distinct.every((s) => s.trim() !== '' && Number.isFinite(Number(s)));
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Parses CSV text (validated completely before anything is returned). */
export function parseCsv(text: string, options: CsvOptions): TabularDataset {
  check(typeof text === 'string', 'text', 'a string', text);
  check(typeof options === 'object' && options !== null && typeof options.target === 'string' && options.target.length > 0,
    'target', 'the name of a column of the header', options?.target);
  const name = options.name ?? 'csv';
  const target = options.target;
  if (text.trim() === '') fail(name, 'the file is empty; expected a header row and at least one data row');

  const parsed = Papa.parse<string[]>(text, { header: false, delimiter: ',', skipEmptyLines: 'greedy' });
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) fail(name, `row ${(quoteError.row ?? 0) + 1}: ${quoteError.message}`);
  const rows = parsed.data;
  const header = rows[0]!.map((h) => h.trim());
  const seen = new Set<string>();
  header.forEach((h, j) => {
    if (h === '') fail(name, `header column ${j + 1} has no name`);
    if (seen.has(h)) fail(name, `header names column "${h}" twice`);
    seen.add(h);
  });
  const t = header.indexOf(target);
  if (t < 0) {
    throw new PruneLabError('invalid-argument', `${name}: target column "${target}" is not in the header; columns: ${header.join(', ')}`, 'target');
  }
  if (header.length < 2) fail(name, `needs at least one feature column besides the target "${target}"`);
  const n = rows.length - 1;
  if (n < 1) fail(name, 'has a header but no data rows');

  const d = header.length - 1;
  const featureNames = header.filter((_, j) => j !== t);
  const x = new Float32Array(n * d);
  const labels: string[] = [];
  for (let r = 1; r <= n; r++) {
    const row = rows[r]!;
    if (row.length !== header.length) {
      fail(name, `row ${r + 1} has ${row.length} field${row.length === 1 ? '' : 's'}, the header has ${header.length} (ragged rows are not allowed)`);
    }
    let f = 0;
    for (let j = 0; j < row.length; j++) {
      const cell = row[j]!.trim();
      if (j === t) {
        if (cell === '') fail(name, `row ${r + 1}, column "${header[j]}": the target is empty`);
        labels.push(cell);
        continue;
      }
      const v = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) {
        fail(name, `row ${r + 1}, column "${header[j]}": ${cell === '' ? 'empty cell' : JSON.stringify(row[j])} is not a number (features must be numeric)`);
      }
      x[(r - 1) * d + f++] = v;
    }
  }
  const classNames = classOrder(labels);
  const index = new Map(classNames.map((c, i) => [c, i]));
  const y = Int32Array.from(labels, (l) => index.get(l)!);
  return { name, x, y, n, numFeatures: d, numClasses: classNames.length, featureNames, classNames };
}
