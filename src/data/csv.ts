// CSV with a header row → a numeric tabular dataset: every column but the target
// is a feature and must hold numbers; the target column (chosen by name) holds
// class labels of any text (parseCsv) or real numbers (parseRegressionCsv);
// parseCsvTask infers which, as scikit-learn's type_of_target does: numbers with a
// fractional part are a regression target, integers and text are class labels.
// Every problem is a PruneLabError('invalid-data') naming the file, the row and
// the column.
//
// The format (RFC 4180, read strictly): fields separated by commas, records by
// LF, CRLF or CR; a field that starts with a double quote is quoted, may hold
// commas, line breaks and doubled quotes ("") and must end at its closing quote.
// "row N" in a message is the 1-based line of the file where that record starts
// (the header is row 1 in a file without leading blank lines), so a blank line or
// a quoted line break never shifts the count. Documented acceptances: a leading
// byte-order mark is dropped; lines that are empty or only spaces are skipped;
// spaces around a cell are trimmed. Refused: a quote inside an unquoted field,
// anything after a closing quote, an unclosed quote, a cell over MAX_CELL
// characters, ragged rows, empty or duplicate header names, a missing target
// column, empty targets, and features that are not decimal numbers (no hex, no
// NaN or Infinity) or that overflow f32.
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
  /** The 1-based file line where row i's record starts (what messages call "row N"); set by the CSV parser. */
  readonly lines?: Int32Array;
}

/** Rows of numeric features with a real target: what regression trees (and the CLI) learn from. */
export interface RegressionTable {
  readonly name: string;
  /** Row-major n × numFeatures, f32. */
  readonly x: Float32Array;
  /** The target of each row, f64. */
  readonly y: Float64Array;
  readonly n: number;
  readonly numFeatures: number;
  readonly featureNames: readonly string[];
  readonly targetName: string;
  /** The 1-based file line where row i's record starts; set by the CSV parser. */
  readonly lines?: Int32Array;
}

export type CsvTask = 'classification' | 'regression';
export const CSV_TASKS: readonly CsvTask[] = ['classification', 'regression'];

export interface CsvOptions {
  /** Name of the target (class) column in the header. */
  target: string;
  /** File name used in error messages. */
  name?: string;
}

export interface CsvTaskOptions extends CsvOptions {
  /** Force the task instead of inferring it from the target column. */
  task?: CsvTask;
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

/** The longest cell accepted, in characters (a number needs a few dozen; labels are names). */
export const MAX_CELL = 1000;

// Decimal notation only: Number() would also take "0x10", "0b1", "Infinity" and "".
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  cells: string[];
}

/** Splits text into records, each with the line it starts on; blank lines are dropped. */
function records(text: string, name: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    let quoted = false;
    let end = false;
    while (!end) {
      const col = cells.length + 1;
      let cell = '';
      // Leading spaces before a quote belong to no cell.
      let j = i;
      while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
      if (text[j] === '"') {
        const opened = line;
        quoted = true;
        i = j + 1;
        for (;;) {
          if (i >= n) fail(name, `row ${opened}: column ${col} opens a quote that is never closed (close it with ", and write a quote inside a quoted field as "")`);
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
          cell += ch;
          i++;
          if (cell.length > MAX_CELL) fail(name, `row ${start}: column ${col} is longer than ${MAX_CELL} characters (the longest cell accepted)`);
        }
        while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          fail(name, `row ${line}: column ${col} has ${JSON.stringify(text[i])} after its closing quote (a quoted field must end at its quote; write a quote inside it as "")`);
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') fail(name, `row ${line}: column ${col} has a quote inside an unquoted field (quote the whole field, and double the quotes inside it)`);
          i++;
        }
        cell = text.slice(j, i);
        if (cell.length > MAX_CELL) fail(name, `row ${start}: column ${col} is longer than ${MAX_CELL} characters (the longest cell accepted)`);
      }
      cells.push(cell.trim());
      if (i >= n) end = true;
      else if (text[i] === ',') i++;
      else {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        end = true;
      }
    }
    if (cells.length > 1 || cells[0] !== '' || quoted) out.push({ line: start, cells });
  }
  return out;
}

interface Table {
  name: string;
  header: string[];
  targetName: string;
  x: Float32Array;
  n: number;
  d: number;
  featureNames: string[];
  /** Target cells as written (trimmed, non-empty). */
  targets: string[];
  lines: Int32Array;
}

/** Everything but the meaning of the target (validated completely before anything is returned). */
function parseTable(text: string, options: CsvOptions): Table {
  check(typeof text === 'string', 'text', 'a string', text);
  check(typeof options === 'object' && options !== null && typeof options.target === 'string' && options.target.length > 0,
    'target', 'the name of a column of the header', options?.target);
  check(options.name === undefined || typeof options.name === 'string', 'name', 'a file name (a string)', options.name);
  const name = options.name ?? 'csv';
  const target = options.target;
  const rows = records(text, name);
  if (rows.length === 0) fail(name, 'the file is empty; expected a header row and at least one data row');

  const head = rows[0]!;
  const header = head.cells;
  const seen = new Map<string, number>();
  header.forEach((h, j) => {
    if (h === '') fail(name, `row ${head.line}: header column ${j + 1} has no name`);
    const k = seen.get(h);
    if (k !== undefined) fail(name, `header names column "${h}" twice (columns ${k + 1} and ${j + 1}); names must be unique`);
    seen.set(h, j);
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
  const targets: string[] = [];
  const lines = new Int32Array(n);
  for (let r = 1; r <= n; r++) {
    const { line, cells: row } = rows[r]!;
    lines[r - 1] = line;
    if (row.length !== header.length) {
      fail(name, `row ${line} has ${row.length} field${row.length === 1 ? '' : 's'}, the header has ${header.length} (ragged rows are not allowed)`);
    }
    let f = 0;
    for (let j = 0; j < row.length; j++) {
      const cell = row[j]!;
      if (j === t) {
        if (cell === '') fail(name, `row ${line}, column "${header[j]}": the target is empty`);
        targets.push(cell);
        continue;
      }
      if (!DECIMAL.test(cell)) {
        fail(name, `row ${line}, column "${header[j]}": ${shown(cell)} is not a number (features must be decimal numbers such as 3, -0.5 or 1e-3)`);
      }
      const v = Math.fround(Number(cell));
      if (!Number.isFinite(v)) fail(name, `row ${line}, column "${header[j]}": ${cell.slice(0, 40)} is outside the f32 range (|x| < 3.4e38)`);
      x[(r - 1) * d + f++] = v;
    }
  }
  return { name, header, targetName: target, x, n, d, featureNames, targets, lines };
}

function shown(cell: string): string {
  return cell === '' ? 'empty cell' : JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
}

function classify(tb: Table): TabularDataset {
  const classNames = classOrder(tb.targets);
  const index = new Map(classNames.map((c, i) => [c, i]));
  const y = Int32Array.from(tb.targets, (l) => index.get(l)!);
  return { name: tb.name, x: tb.x, y, n: tb.n, numFeatures: tb.d, numClasses: classNames.length, featureNames: tb.featureNames, classNames, lines: tb.lines };
}

function regress(tb: Table): RegressionTable {
  const y = new Float64Array(tb.n);
  tb.targets.forEach((cell, i) => {
    const at = `row ${tb.lines[i]}, column "${tb.targetName}"`;
    if (!DECIMAL.test(cell)) fail(tb.name, `${at}: ${shown(cell)} is not a number (a regression target must be a decimal number such as 3, -0.5 or 1e-3)`);
    const v = Number(cell);
    if (!Number.isFinite(v)) fail(tb.name, `${at}: ${cell.slice(0, 40)} is outside the f64 range (|y| < 1.8e308)`);
    y[i] = v;
  });
  return { name: tb.name, x: tb.x, y, n: tb.n, numFeatures: tb.d, featureNames: tb.featureNames, targetName: tb.targetName, lines: tb.lines };
}

/** Parses CSV text whose target holds class labels (validated completely before anything is returned). */
export function parseCsv(text: string, options: CsvOptions): TabularDataset {
  return classify(parseTable(text, options));
}

/** Parses CSV text whose target holds real numbers; a target that is not one is refused with its row and column. */
export function parseRegressionCsv(text: string, options: CsvOptions): RegressionTable {
  return regress(parseTable(text, options));
}

/**
 * The task a target column implies, as scikit-learn's type_of_target: 'regression'
 * when every cell is a decimal number and at least one has a non-zero fractional
 * part (a "continuous" target), else 'classification' (text, or integers: class ids).
 */
export function inferTask(targets: readonly string[]): CsvTask {
  let fractional = false;
  for (const c of targets) {
    if (!DECIMAL.test(c)) return 'classification';
    // An overflowing number (1e999) is still a number: regression refuses it by its row.
    const v = Number(c);
    if (Number.isFinite(v) && !Number.isInteger(v)) fractional = true;
  }
  return fractional ? 'regression' : 'classification';
}

export type CsvTaskDataset = { task: 'classification'; data: TabularDataset } | { task: 'regression'; data: RegressionTable };

/** Parses CSV text as a classification or a regression set: `task` if given, else inferred (inferTask). */
export function parseCsvTask(text: string, options: CsvTaskOptions): CsvTaskDataset {
  check(options?.task === undefined || CSV_TASKS.includes(options.task), 'task', `one of ${CSV_TASKS.join(', ')} (or absent: inferred from the target)`, options?.task);
  const tb = parseTable(text, options);
  const task = options.task ?? inferTask(tb.targets);
  return task === 'regression' ? { task, data: regress(tb) } : { task, data: classify(tb) };
}
