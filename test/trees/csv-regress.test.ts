// CSV targets for regression (src/data/csv.ts): real-valued targets parsed as f64,
// the task inferred as scikit-learn's type_of_target does, and every refusal of a
// regression target naming its file line and column.
import { expect } from '@esm-bundle/chai';
import { inferTask, parseCsv, parseCsvTask, parseRegressionCsv } from '../../src/data/csv.js';
import { PruneLabError } from '../../src/errors.js';

function refusal(fn: () => unknown): PruneLabError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(PruneLabError);
    return e as PruneLabError;
  }
  throw new Error('expected a refusal');
}

const opts = { target: 'y', name: 'r.csv' };

describe('CSV regression targets', () => {
  it('reads real targets as f64 and records each row\'s file line', () => {
    const t = parseRegressionCsv('a,y,b\n1,0.1,2\n\n3,-2.5e3,4\n5,"7",6\n', opts);
    expect(t.n).to.equal(3);
    expect(Array.from(t.y)).to.deep.equal([0.1, -2500, 7]);
    expect(t.y).to.be.instanceOf(Float64Array);
    expect(Array.from(t.x)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(t.featureNames).to.deep.equal(['a', 'b']);
    expect(Array.from(t.lines!)).to.deep.equal([2, 4, 5]);
    expect(Array.from(parseCsv('a,y\n1,x\n\n2,z\n', opts).lines!)).to.deep.equal([2, 4]);
  });

  it('infers the task: fractional numbers are regression; integers and text are classes', () => {
    expect(inferTask(['1', '2.5', '3'])).to.equal('regression');
    expect(inferTask(['1', '2', '3'])).to.equal('classification');
    expect(inferTask(['1.0', '2.0'])).to.equal('classification');
    expect(inferTask(['0.5', 'x'])).to.equal('classification');
    // An overflowing number is still a number: a fractional column reads as regression and refuses it by row.
    expect(inferTask(['0.5', '1e999'])).to.equal('regression');
    expect(refusal(() => parseCsvTask('a,y\n1,0.5\n2,1e999\n', opts)).message).to.contain('row 3, column "y": 1e999 is outside the f64 range');
    const r = parseCsvTask('a,y\n1,0.5\n2,1.5\n', opts);
    expect(r.task).to.equal('regression');
    const c = parseCsvTask('a,y\n1,0\n2,1\n', opts);
    expect(c.task).to.equal('classification');
    // --task overrides the inference both ways.
    const forced = parseCsvTask('a,y\n1,0\n2,1\n', { ...opts, task: 'regression' });
    expect(forced.task).to.equal('regression');
    expect(forced.task === 'regression' && Array.from(forced.data.y)).to.deep.equal([0, 1]);
    const asClasses = parseCsvTask('a,y\n1,0.5\n2,1.5\n', { ...opts, task: 'classification' });
    expect(asClasses.task === 'classification' && asClasses.data.classNames).to.deep.equal(['0.5', '1.5']);
    expect(refusal(() => parseCsvTask('a,y\n1,0\n', { ...opts, task: 'ranking' as never })).field).to.equal('task');
  });

  it('refuses a target that is not a decimal number, naming the file line and the column', () => {
    const cases: Array<[string, string]> = [
      ['a,y\n1,0.5\n2,abc\n', 'r.csv: row 3, column "y": "abc" is not a number (a regression target must be a decimal number such as 3, -0.5 or 1e-3)'],
      ['a,y\n1,0.5\n\n\n2,NaN\n', 'r.csv: row 5, column "y": "NaN" is not a number (a regression target must be a decimal number such as 3, -0.5 or 1e-3)'],
      ['a,y\n1,Infinity\n', 'r.csv: row 2, column "y": "Infinity" is not a number (a regression target must be a decimal number such as 3, -0.5 or 1e-3)'],
      ['a,y\n1,0x10\n', 'r.csv: row 2, column "y": "0x10" is not a number (a regression target must be a decimal number such as 3, -0.5 or 1e-3)'],
      ['a,y\n1,1e999\n', 'r.csv: row 2, column "y": 1e999 is outside the f64 range (|y| < 1.8e308)'],
      ['a,y\n1,"2\n3"\n', 'r.csv: row 2, column "y": "2\\n3" is not a number (a regression target must be a decimal number such as 3, -0.5 or 1e-3)'],
      ['a,y\n1,\n', 'r.csv: row 2, column "y": the target is empty'],
      ['a,y\n1,2\n3,4,5\n', 'r.csv: row 3 has 3 fields, the header has 2 (ragged rows are not allowed)'],
      ['a,y\nq,2\n', 'r.csv: row 2, column "a": "q" is not a number (features must be decimal numbers such as 3, -0.5 or 1e-3)'],
    ];
    for (const [text, message] of cases) {
      const e = refusal(() => parseRegressionCsv(text, opts));
      expect(e.code, text).to.equal('invalid-data');
      expect(e.message, text).to.equal(message);
      expect(refusal(() => parseCsvTask(text, { ...opts, task: 'regression' })).message).to.equal(message);
    }
  });
});
