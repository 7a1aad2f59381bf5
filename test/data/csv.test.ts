// parseCsv: the true line of the file in every message (blank lines and quoted line
// breaks do not shift it), and each malformed file refused with the row, the
// column and what is accepted; the documented acceptances (BOM, blank lines,
// CRLF/CR, spaces, quotes) read the same dataset as a plain file.
import { expect } from '@esm-bundle/chai';
import { parseCsv, MAX_CELL } from '../../src/data/csv.js';
import { PruneLabError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { expectThrows } from './helpers.js';

const opts = { target: 'label', name: 'f.csv' };
const parse = (text: string): ReturnType<typeof parseCsv> => parseCsv(text, opts);

describe('parseCsv line numbers (defect 7)', () => {
  it('names the true line after blank lines', () => {
    expectThrows(() => parse('a,b,label\n1,2,x\n\n\n3,oops,y\n'), 'invalid-data',
      'f.csv: row 5, column "b": "oops" is not a number (features must be decimal numbers such as 3, -0.5 or 1e-3)');
    expectThrows(() => parse('a,b,label\n\n1,2,x\n  \n3,4\n'), 'invalid-data',
      'f.csv: row 5 has 2 fields, the header has 3 (ragged rows are not allowed)');
    expectThrows(() => parse('\n\na,b,label\n1,2,\n'), 'invalid-data', 'f.csv: row 4, column "label": the target is empty');
  });

  it('names the line a record starts on after a quoted line break', () => {
    expectThrows(() => parse('a,b,label\n1,2,"two\nlines"\n3,,y\n'), 'invalid-data',
      'f.csv: row 4, column "b": empty cell is not a number (features must be decimal numbers such as 3, -0.5 or 1e-3)');
    expectThrows(() => parse('a,b,label\r\n1,2,"x\r\ny"\r\n\r\n3,4,"z\n'), 'invalid-data',
      'f.csv: row 5: column 3 opens a quote that is never closed (close it with ", and write a quote inside a quoted field as "")');
  });
});

describe('parseCsv refusals', () => {
  const cases: Array<[string, string, string | RegExp]> = [
    ['empty', '', 'f.csv: the file is empty; expected a header row and at least one data row'],
    ['blank only', '\n \r\n\t\n', 'f.csv: the file is empty; expected a header row and at least one data row'],
    ['BOM only', '\ufeff', 'f.csv: the file is empty; expected a header row and at least one data row'],
    ['header only', 'a,b,label\n\n', 'f.csv: has a header but no data rows'],
    ['only the target', 'label\nx\n', 'f.csv: needs at least one feature column besides the target "label"'],
    ['a longer row', 'a,b,label\n1,2,x\n3,4,y,5\n', 'f.csv: row 3 has 4 fields, the header has 3 (ragged rows are not allowed)'],
    ['a shorter row', 'a,b,label\n1\n', 'f.csv: row 2 has 1 field, the header has 3 (ragged rows are not allowed)'],
    ['text after a closing quote', 'a,b,label\n1,"2"x,y\n', 'f.csv: row 2: column 2 has "x" after its closing quote (a quoted field must end at its quote; write a quote inside it as "")'],
    ['a stray quote', 'a,b,label\n1,2",y\n', 'f.csv: row 2: column 2 has a quote inside an unquoted field (quote the whole field, and double the quotes inside it)'],
    ['an empty header name', 'a,,label\n1,2,x\n', 'f.csv: row 1: header column 2 has no name'],
    ['a duplicate header name', 'a,b, a ,label\n1,2,3,x\n', 'f.csv: header names column "a" twice (columns 1 and 3); names must be unique'],
    ['hex', 'a,b,label\n0x10,2,x\n', /^f\.csv: row 2, column "a": "0x10" is not a number/],
    ['NaN', 'a,b,label\n1,NaN,x\n', /^f\.csv: row 2, column "b": "NaN" is not a number/],
    ['Infinity', 'a,b,label\n1,-Infinity,x\n', /^f\.csv: row 2, column "b": "-Infinity" is not a number/],
    ['a comma decimal', 'a,b,label\n"1,5",2,x\n', /^f\.csv: row 2, column "a": "1,5" is not a number/],
    ['f32 overflow', 'a,b,label\n1,1e39,x\n', 'f.csv: row 2, column "b": 1e39 is outside the f32 range (|x| < 3.4e38)'],
    ['a digit string past f64', `a,b,label\n1,${'9'.repeat(400)},x\n`, /^f\.csv: row 2, column "b": 9{40} is outside the f32 range/],
    ['a huge cell', `a,b,label\n1,2,${'x'.repeat(MAX_CELL + 1)}\n`, 'f.csv: row 2: column 3 is longer than 1000 characters (the longest cell accepted)'],
    ['a huge quoted cell', `a,b,label\n1,2,"${'x\n'.repeat(MAX_CELL)}"\n`, 'f.csv: row 2: column 3 is longer than 1000 characters (the longest cell accepted)'],
  ];
  for (const [what, text, message] of cases) {
    it(`refuses ${what}`, () => expectThrows(() => parse(text), 'invalid-data', message));
  }

  it('refuses a missing target column, listing the columns, with field "target"', () => {
    expectThrows(() => parse('a,b\n1,2\n'), 'invalid-argument', 'f.csv: target column "label" is not in the header; columns: a, b');
    try {
      parse('a,b\n1,2\n');
    } catch (e) {
      expect((e as PruneLabError).field).to.equal('target');
    }
    expectThrows(() => parseCsv('a,label\n1,x\n', { target: '' }), 'invalid-argument', 'target must be the name of a column of the header (got "")');
  });
});

describe('parseCsv acceptances', () => {
  const plain = parse('a,b,label\n1,2,x\n-0.5,1e-3,y\n');

  it('reads a BOM, CRLF, CR, blank lines, spaces and quoted cells as the plain file', () => {
    for (const text of [
      '\ufeffa,b,label\n1,2,x\n-0.5,1e-3,y\n',
      'a,b,label\r\n1,2,x\r\n\r\n-0.5,1e-3,y\r\n',
      'a,b,label\r1,2,x\r-0.5,1e-3,y',
      '\n a , b ,label \n\n1 , 2,  x\n   \n-0.5,1e-3,y\n\n',
      '"a","b","label"\n"1",2, "x" \n-0.5,"1e-3",y\n',
    ]) {
      const d = parse(text);
      expect(d.featureNames, JSON.stringify(text)).to.deep.equal(['a', 'b']);
      expect(Array.from(d.x), JSON.stringify(text)).to.deep.equal(Array.from(plain.x));
      expect(Array.from(d.y)).to.deep.equal([0, 1]);
      expect(d.classNames).to.deep.equal(['x', 'y']);
    }
  });

  it('keeps commas, line breaks and doubled quotes inside quoted labels and header names', () => {
    const d = parse('"x, first","y ""2""",label\n1,2,"a, ""b""\nc"\n3,4,plain\n');
    expect(d.featureNames).to.deep.equal(['x, first', 'y "2"']);
    expect(d.classNames).to.deep.equal(['a, "b"\nc', 'plain']);
    expect(d.n).to.equal(2);
  });

  it('ends random text in a dataset or a PruneLabError (400 seeded cases)', () => {
    const rng = new Rng(3);
    const alphabet = ['"', ',', '\n', '\r', ' ', '1', '.', 'e', '-', 'x', 'label', '\ufeff', ''];
    let accepted = 0;
    for (let k = 0; k < 400; k++) {
      const text = `a,label\n${Array.from({ length: Math.floor(rng.next() * 30) }, () => alphabet[Math.floor(rng.next() * alphabet.length)]).join('')}`;
      try {
        const d = parse(text);
        expect(d.x.every(Number.isFinite) && d.y.every((y) => y >= 0 && y < d.numClasses), JSON.stringify(text)).to.equal(true);
        accepted++;
      } catch (e) {
        expect(e, `${JSON.stringify(text)}: ${String(e)}`).to.be.instanceOf(PruneLabError);
      }
    }
    expect(accepted).to.be.greaterThan(0);
  });
});
