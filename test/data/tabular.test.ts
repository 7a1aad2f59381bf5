// Tabular data for the nets (src/data/tabular.ts, src/lab/tabular.ts): the
// standardisation against scikit-learn's StandardScaler (fixture), the seeded
// stratified split (exact counts, disjoint, reproducible), statistics from the
// training rows only, a separate test file matched by column name, and every
// refusal naming its file, row and column; the report's data.tabular checked by
// validateReport.
import { expect } from '@esm-bundle/chai';
import { parseCsv } from '../../src/data/csv.js';
import { splitTabular, standardizationOf, stratifiedShares, tabularFromCsv, MAX_TABULAR_CLASSES } from '../../src/data/tabular.js';
import { tabularLabData, tabularModel } from '../../src/lab/tabular.js';
import { validateReport } from '../../src/lab/report-schema.js';
import { validateConfig } from '../../src/lab/config.js';
import { planModel } from '../../src/nn/spec.js';
import { Rng } from '../../src/rng.js';
import { expectThrows } from './helpers.js';

interface ScalerFixture { csv: string; features: string[]; mean: number[]; var: number[]; scale: number[]; transformed: number[][] }
let fixture: ScalerFixture | undefined;
async function scaler(): Promise<ScalerFixture> {
  fixture ??= (await (await fetch(new URL('./fixtures/tabular-scaler.json', import.meta.url))).json()) as ScalerFixture;
  return fixture;
}

/** A seeded CSV: `perClass` rows of each class in `classes`, features f0…f(d−1) = class + noise, rows shuffled. */
function csvOf(perClass: number[], d = 3, seed = 1, classes = ['a', 'b', 'c', 'd', 'e'].slice(0, perClass.length)): string {
  const rng = new Rng(seed);
  const rows: string[] = [];
  perClass.forEach((m, k) => {
    for (let i = 0; i < m; i++) rows.push([...Array.from({ length: d }, (_, f) => (k * (f + 1) + rng.normal()).toFixed(4)), classes[k]].join(','));
  });
  rng.shuffle(rows);
  return [[...Array.from({ length: d }, (_, f) => `f${f}`), 'y'].join(','), ...rows].join('\n') + '\n';
}

const allRows = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('standardizationOf against scikit-learn 1.2.1 StandardScaler', () => {
  it('gives its mean_, var_ and scale_ (rtol 1e-12), constants of scale 1 named, and its transform (f32, 1e-6)', async () => {
    const fx = await scaler();
    const ds = parseCsv(fx.csv, { target: 'label' });
    const st = standardizationOf(ds.x, ds.numFeatures, allRows(ds.n), ds.featureNames);
    for (let f = 0; f < fx.features.length; f++) {
      expect(st.mean[f]).to.be.closeTo(fx.mean[f]!, 1e-12 * Math.abs(fx.mean[f]!));
      expect(st.variance[f]).to.be.closeTo(fx.var[f]!, 1e-12 * Math.max(fx.var[f]!, 1e-300) + 1e-40);
      expect(st.scale[f]).to.be.closeTo(fx.scale[f]!, 1e-12 * fx.scale[f]!);
    }
    // c and d are constants (variance exactly 0 here as in sklearn); e is constant too: 1 + 1e-9 is 1 in f32.
    expect(st.constant).to.deep.equal(['c', 'd', 'e']);
    expect(fx.scale.slice(2)).to.deep.equal([1, 1, 1]);
    // A split's recorded statistics are those of its training rows.
    const splits = splitTabular(ds, undefined, 'label', { seed: 4 });
    const mine = standardizationOf(ds.x, ds.numFeatures, splits.rows.train, ds.featureNames);
    expect(splits.info.standardization).to.deep.equal({ mean: mine.mean, scale: mine.scale, constant: mine.constant });
    // The transform: (x − mean) / scale with these statistics is sklearn's z, rounded to f32.
    const z = fx.transformed;
    const full = standardizationOf(ds.x, 5, allRows(ds.n), ds.featureNames);
    for (let i = 0; i < ds.n; i++) {
      for (let f = 0; f < 5; f++) expect(Math.fround((ds.x[i * 5 + f]! - full.mean[f]!) / full.scale[f]!)).to.be.closeTo(z[i]![f]!, 1e-6 * Math.max(1, Math.abs(z[i]![f]!)));
    }
  });
});

describe('stratifiedShares', () => {
  it('splits by largest remainder, ties to the lower class, within the caps', () => {
    expect(stratifiedShares(30, [50, 50, 50], [49, 49, 49])).to.deep.equal([10, 10, 10]);
    expect(stratifiedShares(3, [5, 5], [4, 4])).to.deep.equal([2, 1]);
    expect(stratifiedShares(4, [7, 2, 1], [6, 1, 0])).to.deep.equal([3, 1, 0]);
    // A capped class passes its share on.
    expect(stratifiedShares(3, [1, 1, 4], [0, 0, 3])).to.deep.equal([0, 0, 3]);
    expect(stratifiedShares(4, [1, 1, 4], [0, 0, 3])).to.equal(null);
  });
});

describe('splitTabular', () => {
  const ds = parseCsv(csvOf([40, 25, 10]), { target: 'y', name: 's.csv' });

  it('holds out a stratified 20% test and 10% validation, disjoint, covering every row, reproducible by seed', () => {
    const a = splitTabular(ds, undefined, 'y', { seed: 7 });
    expect([a.train.n, a.validation.n, a.test.n]).to.deep.equal([52, 8, 15]);
    const byClass = (labels: Uint8Array): number[] => [0, 1, 2].map((k) => labels.filter((l) => l === k).length);
    // 75 rows: 15 test, quotas 8, 5, 2 (exact); round(7.5) = 8 validation over the remaining 32, 20, 8: 4.27, 2.67, 1.07 → 4, 3, 1.
    expect(byClass(a.test.labels)).to.deep.equal([8, 5, 2]);
    expect(byClass(a.validation.labels)).to.deep.equal([4, 3, 1]);
    const seen = new Set([...a.rows.train, ...a.rows.validation, ...a.rows.test]);
    expect(seen.size).to.equal(ds.n);
    for (const r of [a.rows.train, a.rows.validation, a.rows.test]) expect(Array.from(r)).to.deep.equal(Array.from(r).sort((p, q) => p - q));
    expect(a.train.shape).to.deep.equal({ C: 1, H: 1, W: 3 });
    expect(a.train.numClasses).to.equal(3);
    const b = splitTabular(ds, undefined, 'y', { seed: 7 });
    expect(Array.from(b.rows.test)).to.deep.equal(Array.from(a.rows.test));
    expect(Array.from(b.train.images)).to.deep.equal(Array.from(a.train.images));
    const c = splitTabular(ds, undefined, 'y', { seed: 8 });
    expect(Array.from(c.rows.test)).to.not.deep.equal(Array.from(a.rows.test));
    // Labels follow their rows.
    a.rows.test.forEach((r, i) => expect(a.test.labels[i]).to.equal(ds.y[r]));
  });

  it('standardises by the training rows alone: mean 0 and population std 1 there, the same affine map on the others', () => {
    const s = splitTabular(ds, undefined, 'y', { seed: 2 });
    const { mean, scale } = s.info.standardization;
    for (let f = 0; f < 3; f++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < s.train.n; i++) m += s.train.images[i * 3 + f]!;
      m /= s.train.n;
      for (let i = 0; i < s.train.n; i++) v += (s.train.images[i * 3 + f]! - m) ** 2;
      expect(m).to.be.closeTo(0, 1e-6);
      expect(Math.sqrt(v / s.train.n)).to.be.closeTo(1, 1e-6);
      // Not the statistics of all rows.
      const all = standardizationOf(ds.x, 3, allRows(ds.n), ds.featureNames);
      expect(mean[f]).to.not.equal(all.mean[f]);
    }
    s.rows.test.forEach((r, i) => {
      for (let f = 0; f < 3; f++) expect(s.test.images[i * 3 + f]).to.equal(Math.fround((ds.x[r * 3 + f]! - mean[f]!) / scale[f]!));
    });
    expect(s.info).to.deep.include({ target: 'y', features: ['f0', 'f1', 'f2'], classes: ['a', 'b', 'c'] });
  });

  it('takes counts for test and validation, and a seeded training subset whose statistics are used', () => {
    const s = splitTabular(ds, undefined, 'y', { seed: 1, test: 9, validation: 6, trainSubset: 20 });
    expect([s.train.n, s.validation.n, s.test.n]).to.deep.equal([20, 6, 9]);
    // Stratified: 9 test rows 5/3/1, 6 validation 3/2/1, pools 32/20/8; the subset one a class and 17 over 31/19/7
    // (quotas 9.24, 5.67, 2.09 → 9, 6, 2 by largest remainder), so 10/7/3.
    expect([0, 1, 2].map((k) => s.train.labels.filter((l) => l === k).length)).to.deep.equal([10, 7, 3]);
    const st = standardizationOf(ds.x, 3, s.rows.train, ds.featureNames);
    expect(s.info.standardization.mean).to.deep.equal(st.mean);
  });

  it('gives a constant training column scale 1 and names it; the column becomes x − mean', () => {
    const text = 'u,k,y\n1,5,p\n2,5,q\n3,5,p\n4,5,q\n5,5,p\n6,5,q\n7,5,p\n8,5,q\n9,5,p\n10,5,q\n';
    const s = tabularFromCsv(text, { target: 'y', seed: 3 });
    expect(s.info.standardization.constant).to.deep.equal(['k']);
    expect(s.info.standardization.scale[1]).to.equal(1);
    expect(s.info.standardization.mean[1]).to.equal(5);
    for (let i = 0; i < s.train.n; i++) expect(s.train.images[i * 2 + 1]).to.equal(0);
  });

  it('takes a test file: its columns matched by name, its labels mapped to the training classes, its first rows with test', () => {
    const train = parseCsv('a,b,y\n1,10,x\n2,20,z\n3,30,x\n4,40,z\n5,50,x\n6,60,z\n', { target: 'y', name: 'tr.csv' });
    const test = parseCsv('y,b,a\nz,25,2.5\nx,35,3.5\nz,45,4.5\n', { target: 'y', name: 'te.csv' });
    const s = splitTabular(train, test, 'y', { seed: 0 });
    expect([s.train.n, s.validation.n, s.test.n]).to.deep.equal([5, 1, 3]);
    expect(Array.from(s.test.labels)).to.deep.equal([1, 0, 1]);
    const { mean, scale } = s.info.standardization;
    expect(s.test.images[0]).to.equal(Math.fround((2.5 - mean[0]!) / scale[0]!));
    expect(s.test.images[1]).to.equal(Math.fround((25 - mean[1]!) / scale[1]!));
    expect(splitTabular(train, test, 'y', { test: 2 }).test.n).to.equal(2);
  });
});

describe('tabular refusals name the file, the row and the column', () => {
  const cases: Array<[string, () => unknown, string | RegExp, ('invalid-data' | 'invalid-argument')?]> = [
    ['an empty file', () => tabularFromCsv('', { target: 'y', name: 'f.csv' }), 'f.csv: the file is empty; expected a header row and at least one data row'],
    ['a ragged row', () => tabularFromCsv('a,b,y\n1,2,p\n3,q\n', { target: 'y', name: 'f.csv' }), 'f.csv: row 3 has 2 fields, the header has 3 (ragged rows are not allowed)'],
    ['a non-numeric cell', () => tabularFromCsv('a,b,y\n1,2,p\n3,x4,q\n', { target: 'y', name: 'f.csv' }), /^f\.csv: row 3, column "b": "x4" is not a number/],
    ['a single class', () => tabularFromCsv('a,y\n1,p\n2,p\n3,p\n', { target: 'y', name: 'f.csv' }), 'f.csv: column "y": all 3 data rows have the label "p"; a classifier needs at least 2 classes'],
    ['too few rows', () => tabularFromCsv('a,y\n1,p\n2,q\n3,q\n', { target: 'y', name: 'f.csv' }),
      'f.csv: 3 data rows are too few to hold out 1 test and 1 validation row and keep a training row of each of the 2 classes (give a smaller test count, a smaller validation count, or more rows)'],
    ['a test count over the spare rows', () => tabularFromCsv(csvOf([5, 5]), { target: 'y', test: 9, fields: { test: 'subsets.test' } }), 'subsets.test must be an integer in [1, 7] (got 9)', 'invalid-argument'],
    ['a training subset over the pool', () => tabularFromCsv(csvOf([5, 5]), { target: 'y', trainSubset: 8 }), 'trainSubset must be an integer in [2, 7] (got 8)', 'invalid-argument'],
    ['a test file without a feature', () => tabularFromCsv('a,b,y\n1,2,p\n3,4,q\n5,6,p\n7,8,q\n', { target: 'y', name: 'tr.csv', testCsv: { text: 'a,y\n1,p\n', name: 'te.csv' } }),
      'te.csv: has no column "b", a feature of tr.csv (its features: a, b)'],
    ['a test file with an extra column', () => tabularFromCsv('a,y\n1,p\n3,q\n5,p\n7,q\n', { target: 'y', name: 'tr.csv', testCsv: { text: 'a,c,y\n1,2,p\n', name: 'te.csv' } }),
      'te.csv: column "c" is not a feature of tr.csv (its columns: a, y); the files need the same columns'],
    ['a test label the training file lacks', () => tabularFromCsv('a,y\n1,p\n3,q\n5,p\n7,q\n', { target: 'y', name: 'tr.csv', testCsv: { text: 'a,y\n1,p\n2,r\n', name: 'te.csv' } }),
      'te.csv: row 3, column "y": label "r" is not a class of tr.csv (its classes: p, q)'],
    ['a test label after a blank line (the file\'s line is named)', () => tabularFromCsv('a,y\n1,p\n3,q\n5,p\n7,q\n', { target: 'y', name: 'tr.csv', testCsv: { text: 'a,y\n1,p\n\n2,"r\ns"\n', name: 'te.csv' } }),
      'te.csv: row 4, column "y": label "r\\ns" is not a class of tr.csv (its classes: p, q)'],
    ['a test value standardised out of f32', () => tabularFromCsv('a,y\n0,p\n1e-30,q\n0,p\n1e-30,q\n0,p\n1e-30,q\n', { target: 'y', name: 'tr.csv', testCsv: { text: 'a,y\n1e38,p\n', name: 'te.csv' } }),
      /^te\.csv: row 2, column "a": 9\.9+\d*e\+37 standardised by the training rows' mean .* leaves the f32 range$/],
  ];
  for (const [what, fn, message, code] of cases) it(`refuses ${what}`, () => expectThrows(fn, code ?? 'invalid-data', message));

  it('refuses a missing target column (invalid-argument, field target) and more classes than labels hold', () => {
    expectThrows(() => tabularFromCsv('a,b\n1,2\n', { target: 'y', name: 'f.csv' }), 'invalid-argument', 'f.csv: target column "y" is not in the header; columns: a, b');
    const many = ['a,y', ...Array.from({ length: MAX_TABULAR_CLASSES + 1 }, (_, i) => `${i},c${i}`)].join('\n');
    expectThrows(() => tabularFromCsv(many, { target: 'y', name: 'f.csv' }), 'invalid-data', /^f\.csv: column "y" has 257 distinct labels; the nets classify into at most 256 classes/);
  });
});

describe('tabular runs in the lab', () => {
  it('tabularModel is F → 64 → 64 → K over a 1×1×F input', () => {
    const plan = planModel(tabularModel(7, 4));
    expect(plan.input).to.deep.equal({ C: 1, H: 1, W: 7 });
    expect(plan.params.map((p) => p.weightShape)).to.deep.equal([[7, 64], [64, 64], [64, 4]]);
    expect(plan.classes).to.equal(4);
  });

  it('tabularLabData takes the config seed and subsets, naming subsets.* in errors', () => {
    const ds = parseCsv(csvOf([20, 20]), { target: 'y' });
    const d = tabularLabData({ seed: 3, subsets: { test: 5, validation: 4, train: 10 } }, ds, 'y');
    expect([d.train.n, d.validation.n, d.test.n]).to.deep.equal([10, 4, 5]);
    expect(d.tabular!.features).to.deep.equal(['f0', 'f1', 'f2']);
    expectThrows(() => tabularLabData({ seed: 3, subsets: { validation: 99 } }, ds, 'y'), 'invalid-argument', 'subsets.validation must be an integer in [1, 30] (got 99)');
  });

  it("validateConfig takes dataset { name: 'csv', label?, target, test? } and names a bad field", () => {
    const c = (dataset: unknown): unknown => ({
      model: tabularModel(3, 2), dataset, train: { epochs: 1, batchSize: 8, optimizer: { type: 'adam', lr: 1e-3 } },
      prune: { schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 0 }, seed: 0,
    });
    expect(validateConfig(c({ name: 'csv', label: 'a.csv', target: 'y', test: 'b.csv' })).dataset).to.deep.equal({ name: 'csv', label: 'a.csv', target: 'y', test: 'b.csv' });
    expectThrows(() => validateConfig(c({ name: 'csv' })), 'invalid-config', 'dataset.target must be the name of the target column (a non-empty string) (got undefined)');
    expectThrows(() => validateConfig(c({ name: 'csv', target: 'y', test: 3 })), 'invalid-config', "dataset.test must be a string (the test file's label) (got 3)");
    expectThrows(() => validateConfig(c({ name: 'csv', target: 'y', rows: 3 })), 'invalid-config', 'dataset.rows is not a field of dataset (fields: name, label, target, test)');
    expectThrows(() => validateConfig(c({ name: 'idx', target: 'y' })), 'invalid-config', 'dataset.target is not a field of dataset (fields: name, label)');
  });

  it('validateReport reads report.data.tabular and refuses a bad one by its path', async () => {
    const fx = await scaler();
    const info = tabularFromCsv(fx.csv, { target: 'label', seed: 0 }).info;
    const spec = tabularModel(5, 3);
    const report = {
      version: 2, id: 'r', createdAt: '2026-12-01T00:00:00Z', status: 'running',
      config: { model: spec, dataset: { name: 'csv', label: 'f.csv', target: 'label' }, train: { epochs: 1, batchSize: 8, optimizer: { type: 'adam', lr: 1e-3 } }, prune: { schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 0 }, seed: 0 },
      adapter: { vendor: '', architecture: '', description: '', backend: 'test' },
      model: { name: 'tabular-mlp', paramCount: planModel(spec).paramCount, prunableLayers: ['fc1', 'fc2', 'fc3'], excludedLayers: [] },
      data: { train: 35, validation: 5, test: 10, tabular: info },
      baseline: null, rounds: [], final: null, timeMs: 0,
    };
    expect(validateReport(report).data.tabular).to.deep.equal(info);
    const bad = (tabular: unknown): unknown => ({ ...report, data: { ...report.data, tabular } });
    const st = info.standardization;
    expectThrows(() => validateReport(bad({ ...info, features: info.features.slice(1) })), 'invalid-data', /^report\.data\.tabular\.features must be 5 names \(the model's inputs\)/);
    expectThrows(() => validateReport(bad({ ...info, classes: ['x'] })), 'invalid-data', /^report\.data\.tabular\.classes must be 2 to 3 labels/);
    expectThrows(() => validateReport(bad({ ...info, standardization: { ...st, scale: [0, ...st.scale.slice(1)] } })), 'invalid-data', 'report.data.tabular.standardization.scale[0] must be a finite number > 0 (got 0)');
    expectThrows(() => validateReport(bad({ ...info, standardization: { ...st, constant: ['a'] } })), 'invalid-data', /^report\.data\.tabular\.standardization\.scale\[0\] must be 1 \(a is constant\)/);
    expectThrows(() => validateReport(bad({ ...info, extra: 1 })), 'invalid-data', /^report\.data\.tabular\.extra must be absent/);
    // A report without it (every report before tabular data) still loads.
    expect(validateReport({ ...report, data: { train: 35, validation: 5, test: 10 } }).data.tabular).to.equal(undefined);
  });
});
