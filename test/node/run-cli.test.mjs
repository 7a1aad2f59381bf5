// `prune-lab run` end to end in Node on Dawn (SwiftShader when there is no GPU):
// one tiny LeNet-300-100 run (300 training images, global iterative pruning to 90%
// in 2 rounds) checked on its report, CSV, predictions and saved model; a --load
// run from that model; and the cross-face check: the page (Chromium's WebGPU,
// src/nn loading the same file) predicts the same classes as the CLI.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliAsync, readPlck, testLabels } from './helpers/cli.mjs';
import { runPage } from '../../scripts/page-runner.mjs';

const N = 266_200; // LeNet-300-100's prunable weights: 784·300 + 300·100 + 100·10
const TARGET = 0.9;
const ROUNDS = 2;
const TEST = 500;
/** The engine's iterative schedule, 1 − (1 − s)^(r/R), the last round exactly s. */
const targets = Array.from({ length: ROUNDS }, (_, i) => (i === ROUNDS - 1 ? TARGET : 1 - (1 - TARGET) ** ((i + 1) / ROUNDS)));

let dir;
let first; // { report, stderr }
const file = (name) => join(dir, name);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-run-'));
  const r = await cliAsync(['run', '--model', 'lenet-300-100', '--train-samples', '300', '--test-samples', String(TEST), '--epochs', '1',
    '--method', 'global', '--schedule', 'iterative', '--target-sparsity', String(TARGET), '--rounds', String(ROUNDS), '--finetune-epochs', '1',
    '--batch', '50', '--seed', '3', '--json', '-', '--rounds-csv', file('rounds.csv'), '--save', file('model.plck'), '--predictions', file('pred.txt')]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim().split('\n').length, 1, 'stdout is the report alone, one line');
  first = { report: JSON.parse(r.out), stderr: r.err };
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('prune-lab run: a tiny global run on SwiftShader', () => {
  it('writes the report format with the exact nonzero counts of global pruning', () => {
    const r = first.report;
    assert.equal(r.version, 2);
    assert.equal(r.status, 'complete');
    assert.equal(r.adapter.backend, 'dawn-node');
    assert.deepEqual(r.model, { name: 'lenet-300-100', paramCount: 266_610, prunableLayers: ['fc1', 'fc2', 'fc3'], excludedLayers: [] });
    assert.deepEqual(r.data, { train: 300, validation: 5000, test: TEST });
    assert.deepEqual(r.config.prune, { method: 'global', schedule: 'iterative', targetSparsity: TARGET, rounds: ROUNDS, finetuneEpochs: 1, granularity: 'weight', criterion: 'magnitude', scope: 'global', when: 'after', rewind: false });
    assert.deepEqual(r.config.train, { epochs: 1, batchSize: 50, optimizer: { type: 'adam', lr: 0.001 } });
    assert.equal(r.config.seed, 3);
    assert.equal(r.baseline.round, 0);
    assert.equal(r.baseline.sparsity, 0);
    assert.equal(r.baseline.layers.reduce((t, l) => t + l.nonzero, 0), N);
    assert.equal(r.rounds.length, ROUNDS);
    r.rounds.forEach((e, i) => {
      const nonzero = e.layers.reduce((t, l) => t + l.nonzero, 0);
      assert.equal(e.round, i + 1);
      assert.equal(e.targetSparsity, targets[i]);
      assert.equal(nonzero, N - Math.round(targets[i] * N), `round ${i + 1} nonzero`);
      assert.ok(Math.abs(e.sparsity - Math.round(targets[i] * N) / N) < 1e-12);
      assert.ok(Math.abs(e.compressionRatio - N / nonzero) < 1e-9);
      assert.equal(e.flops.effective, 2 * nonzero);
      assert.equal(e.confusion.length, 100);
      assert.equal(e.confusion.reduce((a, b) => a + b, 0), TEST);
      for (const k of ['accuracy', 'precision', 'recall', 'macroF1']) assert.ok(e[k] >= 0 && e[k] <= 1, k);
    });
    assert.deepEqual(r.final, r.rounds.at(-1));
    // 300 images and one epoch: far from converged, far above chance (10%).
    assert.ok(r.baseline.accuracy > 0.3, `baseline accuracy ${r.baseline.accuracy}`);
  });

  it('keeps stdout for results and reports progress on stderr (plain lines when not a TTY)', () => {
    assert.match(first.stderr, /^baseline train epoch 1\/1 {2}step 6\/6 {2}loss \d+\.\d{4}/m);
    assert.match(first.stderr, /^round 2: sparsity 0\.9000, accuracy \d+\.\d\d%/m);
    assert.doesNotMatch(first.stderr, /\r/, 'no bar redraws off a TTY');
  });

  it('writes one CSV row per round (baseline included) with per-layer sparsity', () => {
    const lines = readFileSync(file('rounds.csv'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 1 + 1 + ROUNDS);
    const head = lines[0].split(',');
    assert.deepEqual(head.slice(-3), ['sparsity_fc1', 'sparsity_fc2', 'sparsity_fc3']);
    const col = (row, name) => Number(lines[row].split(',')[head.indexOf(name)]);
    for (let r = 0; r <= ROUNDS; r++) assert.equal(col(r + 1, 'round'), r);
    assert.equal(col(ROUNDS + 1, 'paramsNonzero'), first.report.final.params.nonzero);
    assert.equal(col(ROUNDS + 1, 'accuracy'), first.report.final.accuracy);
  });

  it('writes predictions whose confusion matrix against the labels is the report\'s', () => {
    const pred = readFileSync(file('pred.txt'), 'utf8').trim().split('\n').map(Number);
    const labels = testLabels(TEST);
    assert.equal(pred.length, TEST);
    const confusion = new Array(100).fill(0);
    pred.forEach((p, i) => confusion[labels[i] * 10 + p]++);
    assert.deepEqual(confusion, first.report.final.confusion);
  });

  it('saves weights and masks in the documented PLCK v1 layout', () => {
    const ck = readPlck(readFileSync(file('model.plck')));
    assert.equal(ck.magic, 'PLCK');
    assert.equal(ck.version, 1);
    assert.equal(ck.header.spec.name, 'lenet-300-100');
    assert.equal(ck.header.optimizer.kind, 'adam');
    assert.equal(ck.header.meta.createdBy, 'prune-lab run');
    assert.equal(ck.header.meta.report, first.report.id);
    for (const layer of first.report.final.layers) {
      const w = ck.tensors[`${layer.name}.weight`];
      const m = ck.tensors[`${layer.name}.mask`];
      assert.equal(w.length, layer.params);
      assert.equal(m.reduce((a, b) => a + b, 0), layer.nonzero, `${layer.name} mask`);
      let nz = 0;
      let maskedNonzero = 0;
      w.forEach((x, j) => {
        if (x !== 0) nz++;
        if (m[j] === 0 && x !== 0) maskedNonzero++;
      });
      assert.equal(nz, layer.nonzero, `${layer.name} nonzero weights`);
      assert.equal(maskedNonzero, 0, `${layer.name}: pruned weights are exactly 0`);
    }
  });
});

describe('prune-lab run --load', () => {
  it('starts from the saved model: with no training its baseline is the saved model, bit for bit', async () => {
    // No training: --train-samples only keeps the unused training set small.
    const r = await cliAsync(['run', '--load', file('model.plck'), '--epochs', '0', '--schedule', 'oneshot', '--target-sparsity', String(TARGET),
      '--finetune-epochs', '0', '--train-samples', '100', '--test-samples', String(TEST), '--json', '-', '--save', file('again.plck')]);
    assert.equal(r.code, 0, r.err);
    const again = JSON.parse(r.out);
    const saved = first.report.final;
    assert.deepEqual(again.config.model, readPlck(readFileSync(file('model.plck'))).header.spec, 'the run\'s model is the checkpoint\'s');
    for (const e of [again.baseline, again.final]) {
      assert.equal(e.accuracy, saved.accuracy);
      assert.deepEqual(e.confusion, saved.confusion);
      assert.deepEqual(e.layers.map((l) => l.nonzero), saved.layers.map((l) => l.nonzero));
    }
    // Pruning the loaded model to the sparsity it already has keeps every weight and mask.
    const a = readPlck(readFileSync(file('model.plck')));
    const b = readPlck(readFileSync(file('again.plck')));
    for (const name of ['fc1', 'fc2', 'fc3']) {
      for (const t of ['weight', 'bias', 'mask']) assert.deepEqual(b.tensors[`${name}.${t}`], a.tensors[`${name}.${t}`], `${name}.${t}`);
    }
  });

  it('refuses a --model whose shapes differ from the saved one (exit 2, nothing run)', async () => {
    const r = await cliAsync(['run', '--load', file('model.plck'), '--model', 'lenet-5']);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /--load .*model\.plck holds a model with weights .*"fc1",\[784,300\].*not the --model lenet-5/);
  });
});

describe('cross-face: a model the CLI saved, loaded by the engine in the browser', () => {
  it('predicts the same class for every test image as the CLI did', async () => {
    const out = await runPage(`bench/cli-page.html?n=${TEST}`, { routes: { 'bench/cli-model.plck': file('model.plck') } });
    assert.equal(out.error, undefined, out.error);
    const page = out.result;
    const cli = readFileSync(file('pred.txt'), 'utf8').trim().split('\n').map(Number);
    assert.equal(page.predictions.length, TEST);
    const differ = page.predictions.flatMap((p, i) => (p === cli[i] ? [] : [i]));
    assert.deepEqual(differ, [], `images predicted differently (page ${page.adapter.architecture}, CLI ${first.report.adapter.architecture})`);
  });
});
