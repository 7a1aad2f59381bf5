// Door: CSV files for the tree lab and the CLI's `tree --csv` (parseCsv, and
// parseCsvTask for regression targets).
// Mutations of a valid 4-feature file: ragged rows, stray quotes, a BOM, empty
// text, blank lines, huge cells, a missing target column, non-numeric cells,
// duplicate or empty header names, CRLF, and random text. Regression files (a
// real-valued target, read with task 'regression' or inferred) add: a target
// that is text, NaN, Infinity, hex, out of the f64 range, or empty; and integer
// targets, which the inference must read as class labels.
// A refusal about one record must give its row as the file's line (header = row 1).
// Documented acceptance: changes that keep the file valid (a blank line, CRLF, a
// numeric cell replaced by another number, extra spaces). Then the dataset must
// have its rows and features, finite features and labels < numClasses.
import { parseCsv, parseCsvTask, type CsvTask } from '../../../src/data/csv.js';
import type { Door, FuzzCase } from '../harness.js';
import { pick } from '../mutate.js';

interface CsvCase extends FuzzCase {
  text: string;
  target: string;
  /** The file line of the damaged record, which the message must give as "row N". */
  line?: number;
  /** Parse with parseCsvTask: the task forced, or 'infer'; absent = parseCsv (class labels). */
  task?: CsvTask | 'infer';
  /** With task 'infer', the task the inference must find on an accepted file. */
  expectTask?: CsvTask;
}

const HEADER = ['a', 'b', 'c', 'd', 'label'];
const ROWS = Array.from({ length: 8 }, (_, i) => [String(i * 0.5), String(-i), String(i % 3), '1e-3', ['x', 'y', 'z'][i % 3]!]);

/** The same rows with a real target: fractional values, so the inference reads regression. */
const REG_ROWS = ROWS.map((r, i) => [...r.slice(0, 4), String(i * 0.75 - 2)]);

function regressionCase(rng: Parameters<Door<CsvCase>['generate']>[0]): CsvCase {
  const rows = [HEADER.slice(), ...REG_ROWS.map((r) => r.slice())];
  const row = 1 + rng.int(REG_ROWS.length);
  const task = pick(rng, ['regression', 'infer'] as const);
  const r = rng.int(4);
  let what: string;
  let line: number | undefined;
  let expectTask: CsvTask = 'regression';
  if (r === 0) {
    rows[row]![4] = pick(rng, ['abc', 'NaN', 'Infinity', '-Infinity', '0x10', '1e999', '-1e400', '1,5', '--2', '1e']);
    what = `regression target ${JSON.stringify(rows[row]![4])} in row ${row + 1}`;
    line = row + 1;
    // Inferred, a target that is not a decimal number makes the column class labels (a valid file);
    // one split by its comma is a ragged row either way; an overflowing number is still a number.
    if (task === 'infer' && !/^(1e999|-1e400|1,5)$/.test(rows[row]![4]!)) {
      expectTask = 'classification';
      line = undefined;
    }
  } else if (r === 1) {
    rows[row]![4] = '';
    what = `empty regression target in row ${row + 1}`;
    line = row + 1;
  } else if (r === 2) {
    for (let i = 1; i < rows.length; i++) rows[i]![4] = String(i % 4);
    what = 'integer targets';
    expectTask = task === 'regression' ? 'regression' : 'classification';
  } else {
    rows[row]![4] = pick(rng, ['1e-300', '-0', '+3.5', '.5', '7.', '1.5E+3', '123456789012345678901234567890.5']);
    what = `valid regression target ${JSON.stringify(rows[row]![4])} in row ${row + 1}`;
  }
  const text = rows.map((x) => x.join(',')).join(rng.int(2) ? '\r\n' : '\n');
  return {
    repro: `${what} (task ${task}): ${JSON.stringify(text.slice(0, 160))}`,
    fields: ['csv', `row ${line ?? row + 1}`, 'task'], text, target: 'label', task, expectTask,
    ...(line !== undefined ? { line } : {}),
  };
}

export const csvDoor: Door<CsvCase> = {
  name: 'csv',
  fastCases: 80,
  generate(rng) {
    if (rng.int(4) === 0) return regressionCase(rng);
    const rows = [HEADER.slice(), ...ROWS.map((r) => r.slice())];
    let target = 'label';
    const r = rng.int(13);
    const row = 1 + rng.int(ROWS.length);
    const col = rng.int(HEADER.length);
    let what: string;
    let text: string | undefined;
    let fields = [`row ${row + 1}`, 'csv'];
    switch (r) {
      case 0: rows[row]!.splice(col, 1); what = `row ${row + 1} lacks a field`; break;
      case 1: rows[row]!.push('9'); what = `row ${row + 1} has an extra field`; break;
      case 2: rows[row]![col] = `"${rows[row]![col]}`; what = `unclosed quote in row ${row + 1}`; break;
      case 3: text = ''; what = 'empty text'; break;
      case 4: rows[row]![col] = pick(rng, ['1'.repeat(100000), 'x'.repeat(70000), '9'.repeat(400)]); what = `huge cell in row ${row + 1}, column ${col + 1}`; break;
      case 5: target = pick(rng, ['Label', 'target', '', ' label', 'constructor', '__proto__']); what = `target ${JSON.stringify(target)}`; fields = ['target']; break;
      case 6: rows[row]![col === 4 ? 0 : col] = pick(rng, ['abc', 'NaN', 'Infinity', '', '1,5', '0x10', '--1', '1e999']); what = `non-numeric feature in row ${row + 1}`; break;
      case 7: rows[0]![col] = pick(rng, ['', rows[0]![(col + 1) % 5]!]); what = `header column ${col + 1} empty or duplicated`; fields = ['header', 'csv']; break;
      case 8: rows.splice(1); what = 'header only'; break;
      case 9: rows[row]![4] = ''; what = `empty target in row ${row + 1}`; break;
      default: {
        const garbage = Array.from({ length: rng.int(200) }, () => String.fromCharCode(pick(rng, [34, 44, 10, 13, 32, 48 + rng.int(10), 97 + rng.int(26), 0xfeff, 0]))).join('');
        text = garbage;
        what = `random text ${JSON.stringify(garbage.slice(0, 60))}`;
        fields = ['csv', 'target'];
      }
    }
    text ??= rows.map((x) => x.join(',')).join('\n');
    // Extras that keep a valid file valid, on top of the damage.
    const extra = rng.int(5);
    if (extra === 0) text = `\ufeff${text}`;
    if (extra === 1) text = text.replace(/\n/g, '\r\n');
    if (extra === 2) text = text.replace('\n', '\n\n');
    // Rows are counted as in the file (the header is row 1): a blank line after the header shifts them by one.
    const line = [0, 1, 6, 9].includes(r) ? row + 1 + (extra === 2 ? 1 : 0) : undefined;
    return {
      repro: `${what}${['; BOM', '; CRLF', '; blank line after the header', '', ''][extra]} (target ${JSON.stringify(target)}): ${JSON.stringify(text.slice(0, 120))}`,
      fields, text, target, ...(line !== undefined ? { line } : {}),
    };
  },
  async run(c) {
    let ds;
    try {
      if (c.task !== undefined) {
        const out = parseCsvTask(c.text, { target: c.target, name: 'csv', ...(c.task !== 'infer' ? { task: c.task } : {}) });
        if (c.line !== undefined) return `accepted as ${out.task}, but row ${c.line} has a bad target`;
        if (c.expectTask !== undefined && out.task !== c.expectTask) return `read as ${out.task}, expected ${c.expectTask}`;
        if (out.task === 'classification') ds = out.data;
        else {
          const t = out.data;
          if (t.x.length !== t.n * t.numFeatures || !t.x.every(Number.isFinite)) return 'bad features';
          if (!(t.y instanceof Float64Array) || t.y.length !== t.n || !t.y.every(Number.isFinite)) return 'a regression target is not a finite f64';
          if (t.n !== REG_ROWS.length) return `${t.n} rows, expected ${REG_ROWS.length}`;
          return;
        }
      } else {
        ds = parseCsv(c.text, { target: c.target, name: 'csv' });
      }
    } catch (e) {
      const said = e instanceof Error ? /\brow (\d+)/.exec(e.message)?.[1] : undefined;
      if (c.line !== undefined && said !== undefined && Number(said) !== c.line) return `refused, but names row ${said}; the bad record is on line ${c.line} (${(e as Error).message})`;
      throw e;
    }
    if (ds.n < 1 || ds.numFeatures < 1) return `${ds.n} rows × ${ds.numFeatures} features`;
    if (ds.x.length !== ds.n * ds.numFeatures) return 'x has the wrong length';
    if (!ds.x.every(Number.isFinite)) return 'a feature is not finite';
    if (!ds.y.every((y) => y >= 0 && y < ds.numClasses)) return 'a label outside [0, numClasses)';
    if (c.text.includes('1'.repeat(100000)) && ds.x.some((v) => v === Infinity)) return 'a huge cell became Infinity';
  },
};
