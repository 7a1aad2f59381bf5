// `prune-lab run`'s flags for issue #17's reproductions: weight decay, momentum, the
// learning-rate schedule, the fine-tune rate, per-layer ratios and their schedule, the
// reinit control and early stopping. Bad values exit 2 naming the flag (nothing run);
// one small run checks that each flag reaches the report's config and the new fields.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliAsync } from './helpers/cli.mjs';

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-repro-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('prune-lab run: the reproduction flags refused (exit 2, nothing run)', { concurrency: 4 }, () => {
  const cases = [
    [['--weight-decay', '2'], /--weight-decay got "2"; it accepts a number in \[0, 1\]/],
    [['--weight-decay', 'x'], /--weight-decay got "x"; it accepts a number in \[0, 1\]/],
    [['--momentum', '1'], /--momentum got "1"; it accepts a number in \[0, 1\)/],
    [['--momentum', '0.5'], /--momentum got "0.5"; it accepts a number in \[0, 1\) \(with --optimizer sgd\)/],
    [['--lr-schedule', 'linear'], /--lr-schedule got "linear"; it accepts constant \| cosine \| cosine:MIN \| step:EVERY:GAMMA/],
    [['--lr-schedule', 'step:0:0.5'], /--lr-schedule: train\.schedule\.everyEpochs must be an integer in \[1, 1000\]/],
    [['--lr-schedule', 'step:2:1.5'], /--lr-schedule: train\.schedule\.gamma must be a number in \(0, 1\]/],
    [['--lr-schedule', 'cosine:x'], /--lr-schedule got "cosine:x"/],
    [['--validate-every', '0'], /--validate-every got "0"; it accepts an integer in \[1, 1000000\]/],
    [['--finetune-lr', '0'], /--finetune-lr got "0"; it accepts a number in \(0, 10\]/],
    [['--control', 'random'], /--control got "random"; it accepts reinit/],
    [['--control', 'reinit'], /--control: prune\.control must be given only with prune\.rewind/],
    [['--control', 'reinit', '--rewind', '--granularity', 'unit'], /--rewind: prune\.rewind must be false with granularity 'unit'/],
    [['--layer-sparsity', 'fc9=0.5'], /--layer-sparsity: prune\.layers\.fc9 must be a layer of the model \(fc1, fc2, fc3\)/],
    [['--layer-sparsity', 'fc1=1'], /--layer-sparsity: prune\.layers\.fc1\.sparsity must be a number in \[0, 1\)/],
    [['--layer-sparsity', 'fc1=0.5,fc1=0.6'], /--layer-sparsity got "fc1=0\.5,fc1=0\.6"; it accepts NAME=S/],
    [['--layer-sparsity', 'fc1'], /--layer-sparsity got "fc1"/],
    [['--layer-schedule', 'geometric'], /--layer-schedule got "geometric"; it accepts fixed \| iterative/],
    [['--layer-schedule', 'iterative'], /--layer-schedule: prune\.layerSchedule must be 'fixed' or left out without a per-layer sparsity/],
    [['--layer-schedule', 'iterative', '--schedule', 'oneshot', '--layer-sparsity', 'fc1=0.5'], /--layer-schedule: prune\.layerSchedule must be given only with schedule 'iterative'/],
  ];
  for (const [args, pattern] of cases) {
    it(args.join(' '), async () => {
      const r = await cliAsync(['run', ...args]);
      assert.equal(r.code, 2, `exit code; stderr: ${r.err}`);
      assert.equal(r.out, '');
      assert.match(r.err, pattern);
    });
  }
});

describe('prune-lab run: the reproduction flags in a run', () => {
  it('reach the config; rounds carry earlyStop and the reinit control', async () => {
    const json = join(dir, 'r.json');
    const r = await cliAsync(['run', '--train-samples', '100', '--validation-samples', '50', '--test-samples', '50', '--batch', '25', '--epochs', '1', '--seed', '2',
      '--optimizer', 'sgd', '--lr', '0.05', '--momentum', '0.8', '--weight-decay', '5e-4', '--lr-schedule', 'step:1:0.5', '--finetune-lr', '0.01',
      '--schedule', 'iterative', '--rounds', '2', '--scope', 'local', '--target-sparsity', '0.5', '--layer-sparsity', 'fc1=0.36,fc2=0.36,fc3=0.19', '--layer-schedule', 'iterative',
      '--finetune-epochs', '1', '--rewind', '--control', 'reinit', '--validate-every', '2', '--json', json]);
    assert.equal(r.code, 0, r.err);
    // The table on stdout has the early-stopping and control columns.
    assert.match(r.out, /early stop \(accuracy\)\s+reinit accuracy/);
    assert.match(r.out, /^2 .* \d+ \(\d+\.\d\d%\)\s+\d+\.\d\d%$/m);
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    assert.deepEqual(rep.config.train.optimizer, { type: 'sgd', lr: 0.05, momentum: 0.8, weightDecay: 5e-4 });
    assert.deepEqual(rep.config.train.schedule, { type: 'step', everyEpochs: 1, gamma: 0.5 });
    assert.equal(rep.config.train.validateEvery, 2);
    assert.equal(rep.config.prune.finetuneLr, 0.01);
    assert.equal(rep.config.prune.control, 'reinit');
    assert.equal(rep.config.prune.layerSchedule, 'iterative');
    assert.deepEqual(rep.config.prune.layers, { fc1: { sparsity: 0.36 }, fc2: { sparsity: 0.36 }, fc3: { sparsity: 0.19 } });
    // 100 rows / 25 = 4 steps: points at 0, 2 and 4.
    assert.deepEqual(rep.baseline.earlyStop.curve.map((p) => p.iteration), [0, 2, 4]);
    assert.equal(rep.baseline.control, undefined);
    assert.equal(rep.rounds.length, 2);
    rep.rounds.forEach((e, i) => {
      // Round 1: 20% of fc1 and fc2 and 10% of fc3; round 2: the configured ratios.
      const want = i === 0 ? [0.2, 0.2, 1 - 0.81 ** 0.5] : [0.36, 0.36, 0.19];
      e.layers.forEach((l, j) => assert.ok(Math.abs(l.sparsity - want[j]) <= 1 / l.params, `${l.name} round ${i + 1}: ${l.sparsity}`));
      assert.deepEqual(e.earlyStop.curve.map((p) => p.iteration), [0, 2, 4]);
      const min = Math.min(...e.earlyStop.curve.map((p) => p.valLoss));
      assert.equal(e.earlyStop.valLoss, min);
      assert.equal(e.control.kind, 'reinit');
      assert.deepEqual(e.control.earlyStop.curve.map((p) => p.iteration), [0, 2, 4]);
      assert.ok(e.control.accuracy >= 0 && e.control.accuracy <= 1);
    });
  });
});
