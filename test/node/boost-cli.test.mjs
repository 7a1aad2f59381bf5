// `prune-lab boost` as a user runs it: bin/prune-lab.mjs in a subprocess (after
// `npm run build:cli`), on CSV files written from the boosting fixtures
// (test/trees/boost/fixtures: scikit-learn 1.2.1 and xgboost 1.7.4), checked on exit
// codes, stderr messages and the --json object.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/prune-lab.mjs');
const fixtures = join(root, 'test/trees/boost/fixtures');
const gbdt = JSON.parse(readFileSync(join(fixtures, 'gbdt.json'), 'utf8')).cases;
const xgb = JSON.parse(readFileSync(join(fixtures, 'xgb.json'), 'utf8')).cases;

function cli(...args) {
  const r = spawnSync(process.execPath, [bin, 'boost', ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function json(...args) {
  const r = cli(...args, '--json');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim().split('\n').length, 1, 'one JSON object on one line');
  return JSON.parse(r.out);
}

function close(actual, expected, rtol, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= rtol * Math.abs(e) + 1e-12, `${what}[${i}]: ${actual[i]} vs ${e}`));
}

let dir;
const csv = {};

/** A fixture case as CSV: features f0…, then the target (full digits; class labels as text). */
function write(c) {
  const names = Array.from({ length: c.numFeatures }, (_, j) => `f${j}`);
  const lines = [[...names, 'y'].join(',')];
  for (let i = 0; i < c.n; i++) {
    const cells = c.x.slice(i * c.numFeatures, (i + 1) * c.numFeatures).map(String);
    lines.push([...cells, c.numClasses === null ? String(c.y[i]) : `class-${c.y[i]}`].join(','));
  }
  const file = join(dir, `${c.name}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-boost-'));
  for (const c of gbdt) csv[c.name] = write(c);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const ours = { learningRate: '--learning-rate', maxDepth: '--max-depth', minSamplesSplit: '--min-samples-split', minSamplesLeaf: '--min-samples-leaf', minImpurityDecrease: '--min-impurity-decrease', maxLeafNodes: '--max-leaf-nodes', ccpAlpha: '--ccp-alpha', criterion: '--criterion', loss: '--loss', alpha: '--huber-alpha' };

describe('prune-lab boost --algo gbdt against scikit-learn', () => {
  it('fits every fixture setting of the regression and classification files to the same train_score_ and leaves', () => {
    let runs = 0;
    for (const c of gbdt) {
      for (const r of c.runs) {
        if (r.params.maxDepth === null) continue; // no flag for "unlimited" beside a default of 3
        const flags = Object.entries(r.params).flatMap(([k, v]) => [ours[k], String(v)]);
        const rep = json('--csv', csv[c.name], '--target', 'y', '--n-estimators', '10', ...flags);
        const what = `${c.name} ${flags.join(' ')}`;
        assert.equal(rep.task, c.numClasses === null ? 'regression' : 'classification', what);
        assert.equal(rep.model.stages, 10, what);
        close(rep.stages.trainLoss, r.trainScore, 1e-6, `${what} train loss`);
        assert.equal(rep.model.leaves, r.leaves.reduce((s, v) => s + v, 0), `${what} leaves`);
        assert.equal(rep.model.totalNodes, r.nodes.reduce((s, v) => s + v, 0), `${what} nodes`);
        assert.equal(rep.pruning.kept.leaves, rep.model.leaves, what);
        if (r.params.ccpAlpha) assert.equal(rep.pruning.post.method, 'ccp', what);
        runs++;
      }
    }
    assert.ok(runs >= 12, `${runs} runs`);
  });

  it('early stopping on our split, and truncation to the best validation stage, reported with sizes and time', () => {
    const rep = json('--csv', csv.reg, '--target', 'y', '--n-estimators', '200', '--learning-rate', '0.5', '--early-stopping', '3', '--validation-fraction', '0.25', '--seed', '4');
    assert.deepEqual(rep.split.earlyStopping, { train: 90, val: 30 });
    assert.equal(rep.split.train, 90);
    assert.equal(rep.stages.stoppedEarly, true);
    assert.ok(rep.model.stages < 200);
    assert.equal(rep.stages.valLoss.length, rep.model.stages);
    const best = rep.stages.valLoss.indexOf(Math.min(...rep.stages.valLoss)) + 1;
    assert.equal(rep.truncation.bestStages, best);
    assert.equal(rep.truncation.picked, 'early-stopping');
    assert.equal(rep.truncation.before.stages, rep.model.stages);
    assert.equal(rep.truncation.after.stages, best);
    assert.ok(rep.truncation.after.totalNodes <= rep.truncation.before.totalNodes);
    assert.ok(rep.truncation.after.val.loss <= rep.truncation.before.val.loss);
    assert.equal(typeof rep.truncation.after.val.r2, 'number');
    assert.ok(rep.truncation.after.predictMs >= 0);
  });

  it('prints a summary without --json', () => {
    const r = cli('--csv', csv.bin, '--target', 'y', '--n-estimators', '5', '--val-fraction', '0.2');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /model {5}gbdt: 5 stages × 1 trees/);
    assert.match(r.out, /truncate {2}best validation stage \d+ of 5 \(validation-curve\)/);
    assert.match(r.out, /accuracy \d+\.\d\d%/);
  });
});

describe('prune-lab boost --algo xgb against xgboost', () => {
  it('fits the fixture settings to the same final training loss and gamma-pruned leaves', () => {
    const flag = { eta: '--learning-rate', maxDepth: '--max-depth', gamma: '--gamma', lambda: '--lambda', alpha: '--alpha', minChildWeight: '--min-child-weight', maxDeltaStep: '--max-delta-step', baseScore: '--base-score' };
    let runs = 0;
    for (const c of xgb.filter((x) => x.objective !== 'multi:softprob')) {
      for (const r of c.runs) {
        const flags = Object.entries(r.params).flatMap(([k, v]) => [flag[k], String(v)]);
        const rep = json('--csv', csv[c.name], '--target', 'y', '--algo', 'xgb', '--n-estimators', String(r.rounds), ...flags);
        const what = `${c.name} ${flags.join(' ')}`;
        assert.equal(rep.pruning.kept.leaves, r.leaves.reduce((s, v) => s + v, 0), `${what} leaves`);
        if (r.params.gamma) assert.equal(rep.pruning.post.method, 'gamma', what);
        // The final loss from xgboost's margins: rmse, or logloss of the sigmoid.
        const m = r.marginTrain;
        const loss = c.objective === 'reg:squarederror'
          ? Math.sqrt(m.reduce((s, v, i) => s + (v - Math.fround(c.y[i])) ** 2, 0) / c.n)
          : -m.reduce((s, v, i) => s + (c.y[i] ? Math.log(1 / (1 + Math.exp(-v))) : Math.log(1 - 1 / (1 + Math.exp(-v)))), 0) / c.n;
        close([rep.stages.trainLoss.at(-1)], [loss], 1e-5, `${what} final loss`);
        runs++;
      }
    }
    assert.ok(runs >= 16, `${runs} runs`);
  });

  it('early stopping after N rounds without a better validation loss keeps the best round N rounds back', () => {
    const rep = json('--csv', csv.bin, '--target', 'y', '--algo', 'xgb', '--n-estimators', '300', '--learning-rate', '0.8', '--early-stopping', '2', '--val-fraction', '0.3', '--seed', '1');
    assert.equal(rep.stages.stoppedEarly, true);
    assert.equal(rep.split.earlyStopping, null);
    assert.equal(rep.split.val, 45);
    assert.equal(rep.truncation.bestStages, rep.model.stages - 2);
    assert.equal(rep.truncation.picked, 'early-stopping');
    const v = rep.stages.valLoss;
    assert.ok(v.at(-1) >= v[rep.truncation.bestStages - 1] && v.at(-2) >= v[rep.truncation.bestStages - 1]);
    assert.equal(typeof rep.truncation.after.val.accuracy, 'number');
  });

  it('multi:softprob on 3 classes: 3 trees per stage', () => {
    const c = xgb.find((x) => x.objective === 'multi:softprob');
    const r = c.runs[0];
    const rep = json('--csv', csv[c.name], '--target', 'y', '--algo', 'xgb', '--n-estimators', String(r.rounds), '--max-depth', String(r.params.maxDepth));
    assert.equal(rep.model.treesPerStage, 3);
    assert.equal(rep.pruning.kept.leaves, r.leaves.reduce((s, v) => s + v, 0));
  });
});

describe('prune-lab boost refusals', () => {
  const data = () => ['--csv', csv.reg, '--target', 'y'];
  const cases = [
    [['--gamma', '1'], /--gamma is a flag of --algo xgb/],
    [['--algo', 'xgb', '--ccp-alpha', '0.1'], /--ccp-alpha is a flag of --algo gbdt/],
    [['--algo', 'ada'], /--algo got "ada"; it accepts gbdt \| xgb/],
    [['--loss', 'log_loss'], /--loss: loss must be squared_error \| absolute_error \| huber for real targets/],
    [['--algo', 'xgb', '--loss', 'huber'], /--loss got "huber"; it accepts reg:squarederror/],
    [['--n-estimators', '0'], /--n-estimators got "0"/],
    [['--subsample', '1.5'], /--subsample got "1.5"/],
    [['--validation-fraction', '0.2'], /--validation-fraction goes with --early-stopping/],
    [['--algo', 'xgb', '--max-depth', '0'], /--max-depth: maxDepth must be an integer in \[1, 64\]/],
    [['--algo', 'xgb', '--max-leaves', '4'], /--max-leaves: maxLeaves must be 0 unless growPolicy is 'lossguide'/],
    [['--huber-alpha', '0.5'], /--huber-alpha goes with --loss huber/],
    [['--bogus'], /unknown flag --bogus/],
  ];
  for (const [args, message] of cases) {
    it(`${args.join(' ')}: exit 2, ${message}`, () => {
      const r = cli(...data(), ...args);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, message);
      assert.equal(r.out, '');
    });
  }

  it('a CSV that is not readable data: exit 1 naming the row', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b,y\n1,2,0.5\n3,x,1.5\n');
    const r = cli('--csv', bad, '--target', 'y');
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /row 3/);
  });

  it('lists boost among the commands', () => {
    const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', cwd: root });
    assert.match(r.stdout, /\n {2}boost +gradient boosting/);
  });
});
