// Door: CSV files for the tree lab and the CLI's `tree --csv` (parseCsv).
// Mutations of a valid 4-feature file: ragged rows, stray quotes, a BOM, empty
// text, blank lines, huge cells, a missing target column, non-numeric cells,
// duplicate or empty header names, CRLF, and random text.
// A refusal about one record must give its row as the file's line (header = row 1).
// Documented acceptance: changes that keep the file valid (a blank line, CRLF, a
// numeric cell replaced by another number, extra spaces). Then the dataset must
// have its rows and features, finite features and labels < numClasses.
import { parseCsv } from '../../../src/data/csv.js';
import type { Door, FuzzCase } from '../harness.js';
import { pick } from '../mutate.js';

interface CsvCase extends FuzzCase {
  text: string;
  target: string;
  /** The file line of the damaged record, which the message must give as "row N". */
  line?: number;
}

const HEADER = ['a', 'b', 'c', 'd', 'label'];
const ROWS = Array.from({ length: 8 }, (_, i) => [String(i * 0.5), String(-i), String(i % 3), '1e-3', ['x', 'y', 'z'][i % 3]!]);

export const csvDoor: Door<CsvCase> = {
  name: 'csv',
  fastCases: 60,
  generate(rng) {
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
      ds = parseCsv(c.text, { target: c.target, name: 'csv' });
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
