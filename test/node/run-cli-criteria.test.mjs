// `prune-lab run` on the axes of #13, one small real run per path on Dawn (SwiftShader
// when there is no GPU), a 784-32-16-10 MLP on 300 training images: a criterion
// through the score pruner (--criterion lamp), pruning at initialization (--when
// init), movement during fine-tuning (--criterion movement --when during), N:M
// (--nm 2:4) and calibrated criteria (--criterion wanda, sparsegpt). Each
// report is version 2 with the normalized config, and the exact count of removed
// weights, round(s·N).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliAsync } from './helpers/cli.mjs';

const SPEC = { input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'linear', units: 32 }, { type: 'relu' }, { type: 'linear', units: 16 }, { type: 'relu' }, { type: 'linear', units: 10 }] };
const N = 784 * 32 + 32 * 16 + 16 * 10;
let dir;
let model;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-run-criteria-'));
  model = join(dir, 'mlp.json');
  writeFileSync(model, JSON.stringify(SPEC));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(flags) {
  const r = await cliAsync(['run', '--model', model, '--train-samples', '300', '--test-samples', '200', '--epochs', '1', '--batch', '30', '--seed', '4', '--json', '-', ...flags]);
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out);
  assert.equal(report.version, 2);
  assert.equal(report.status, 'complete');
  return report;
}
const pruned = (e) => e.layers.reduce((t, l) => t + l.params - l.nonzero, 0);

describe('prune-lab run: the criteria and when flags, small real runs', { concurrency: 1 }, () => {
  it('--criterion lamp --schedule oneshot: the normalized config, round(s·N) removed', async () => {
    const r = await run(['--criterion', 'lamp', '--schedule', 'oneshot', '--target-sparsity', '0.8', '--finetune-epochs', '0']);
    const p = r.config.prune;
    assert.deepEqual([p.granularity, p.criterion, p.scope, p.when, 'method' in p], ['weight', 'lamp', 'global', 'after', false]);
    assert.equal(r.rounds.length, 1);
    assert.equal(pruned(r.rounds[0]), Math.round(0.8 * N));
    // LAMP keeps a share of every layer: none is emptied at 80%.
    r.rounds[0].layers.forEach((l) => assert.ok(l.nonzero > 0, l.name));
  });

  it('--when init: round 0 is the untrained dense net, round 1 pruned at init then trained (fine-tune epochs default 0)', async () => {
    const r = await run(['--when', 'init', '--target-sparsity', '0.7']);
    const p = r.config.prune;
    assert.deepEqual([p.when, p.schedule, p.rounds, p.finetuneEpochs, p.criterion], ['init', 'oneshot', 1, 0, 'magnitude']);
    assert.equal(r.baseline.loss, null);
    assert.equal(r.baseline.timeMs.finetune, 0);
    assert.equal(pruned(r.baseline), 0);
    assert.equal(pruned(r.rounds[0]), Math.round(0.7 * N));
    assert.ok(r.rounds[0].timeMs.finetune > 0);
    assert.equal(typeof r.rounds[0].loss, 'number');
  });

  it('--criterion movement --when during: gradual, one entry per fine-tune epoch, ending at exactly the target', async () => {
    const r = await run(['--criterion', 'movement', '--when', 'during', '--target-sparsity', '0.6', '--rounds', '2', '--finetune-epochs', '2']);
    assert.deepEqual([r.config.prune.schedule, r.config.prune.when], ['gradual', 'during']);
    assert.equal(r.rounds.length, 2);
    assert.equal(r.rounds[1].targetSparsity, 0.6);
    assert.equal(pruned(r.rounds[1]), Math.round(0.6 * N));
  });

  it('--nm 2:4: one-shot at 1 − 2/4, exactly half of every layer removed, scope local', async () => {
    const r = await run(['--nm', '2:4', '--finetune-epochs', '0']);
    const p = r.config.prune;
    assert.deepEqual([p.granularity, p.nm, p.targetSparsity, p.schedule, p.scope, p.criterion], ['nm', { n: 2, m: 4 }, 0.5, 'oneshot', 'local', 'magnitude']);
    r.rounds[0].layers.forEach((l) => assert.equal(l.params - l.nonzero, l.params / 2, l.name));
  });

  it('--criterion wanda --calibration-samples 64: the calibration size in the round, each layer to the target', async () => {
    const r = await run(['--criterion', 'wanda', '--calibration-samples', '64', '--schedule', 'oneshot', '--target-sparsity', '0.5', '--finetune-epochs', '0']);
    assert.deepEqual(r.rounds[0].calibration, { samples: 64, batchSize: 30 });
    r.rounds[0].layers.forEach((l) => assert.equal(l.params - l.nonzero, Math.round(0.5 * l.params), l.name));
  });

  it('--criterion sparsegpt --nm 2:4 --sparsegpt-block 16: the settings in the config, half of every layer masked', async () => {
    const r = await run(['--criterion', 'sparsegpt', '--nm', '2:4', '--sparsegpt-block', '16', '--calibration-samples', '60', '--finetune-epochs', '0']);
    const p = r.config.prune;
    assert.deepEqual([p.criterion, p.granularity, p.sparsegpt, p.calibration], ['sparsegpt', 'nm', { blockSize: 16, damp: 0.01 }, { samples: 60 }]);
    assert.deepEqual(r.rounds[0].calibration, { samples: 60, batchSize: 30 });
    // The masks remove half; SparseGPT also zeroes the weights of inputs never seen nonzero.
    r.rounds[0].layers.forEach((l) => assert.ok(l.params - l.nonzero >= l.params / 2, l.name));
  });

  it('says the axes (and the calibration size) in the table header', async () => {
    const r = await cliAsync(['run', '--model', model, '--train-samples', '60', '--test-samples', '50', '--epochs', '0', '--batch', '30', '--when', 'init', '--criterion', 'random', '--target-sparsity', '0.5']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^custom: random weight global at init oneshot pruning to 0\.5 in 1 round;/m);
    assert.doesNotMatch(r.out, /^calibration:/m);
    const w = await cliAsync(['run', '--model', model, '--train-samples', '60', '--test-samples', '50', '--epochs', '0', '--batch', '30', '--criterion', 'wanda', '--calibration-samples', '40', '--schedule', 'oneshot', '--finetune-epochs', '0']);
    assert.equal(w.code, 0, w.err);
    assert.match(w.out, /^custom: wanda weight local oneshot pruning to 0\.9 in 1 round;.*\n.*\ncalibration: 40 training rows, batches of 30$/m);
  });
});
