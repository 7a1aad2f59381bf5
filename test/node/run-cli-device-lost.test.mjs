// A GPU device lost mid-run, for real: the CLI's test hook
// PRUNE_LAB_TEST_LOSE_DEVICE_AFTER_STEPS=N calls device.destroy() after the Nth
// training step, which resolves `device.lost` (reason "destroyed") as a driver
// reset would. `run` and `bench` must end with exit code 4 and one message that
// says what happened and what to try; `run` writes the report it had so far.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliAsync } from './helpers/cli.mjs';

const HOOK = 'PRUNE_LAB_TEST_LOSE_DEVICE_AFTER_STEPS';
const EXIT_DEVICE_LOST = 4;
// 200 images in batches of 50: 4 baseline steps, then 4 fine-tune steps.
const RUN = ['run', '--train-samples', '200', '--test-samples', '100', '--batch', '50', '--epochs', '1', '--schedule', 'oneshot',
  '--target-sparsity', '0.5', '--finetune-epochs', '1', '--seed', '1'];
const TRY = /Try again; if it happens again, the driver may have reset the GPU .*--adapter list shows them\)\./;

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-lost-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a device lost mid-run (exit 4)', () => {
  it('run: lost in the fine-tuning after the baseline writes the report so far (baseline, status error, code device-lost)', async () => {
    const json = join(dir, 'r.json');
    const csv = join(dir, 'r.csv');
    const save = join(dir, 'm.plck');
    const r = await cliAsync([...RUN, '--json', json, '--rounds-csv', csv, '--save', save], { [HOOK]: '6' });
    assert.equal(r.code, EXIT_DEVICE_LOST, r.err);
    assert.match(r.err, /^prune-lab run: the GPU device was lost mid-run \(reason "destroyed": [^)]*\)\. The report so far \(the baseline; status "error", code "device-lost"\) was written to .*r\.json and .*r\.csv\. No model or predictions were written\. /m);
    assert.match(r.err, TRY);
    assert.doesNotMatch(r.err, /TypeError|\n\s+at .*\.m?js:/, 'no JS stack trace');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(report.status, 'error');
    assert.equal(report.error.code, 'device-lost');
    assert.match(report.error.message, /destroyed/);
    assert.equal(report.baseline.round, 0);
    assert.equal(report.baseline.sparsity, 0);
    assert.deepEqual(report.rounds, []);
    assert.deepEqual(report.data, { train: 200, validation: 5000, test: 100 });
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    assert.equal(rows.length, 2, 'the CSV header and the baseline row');
    assert.equal(existsSync(save), false, 'no model from a lost device');
    // The table of what there is still goes to stdout.
    assert.match(r.out, /^0\s+0\.0000\s+0\.0000/m);
  });

  it('run: lost before the baseline was evaluated says there is nothing to write', async () => {
    const json = join(dir, 'early.json');
    const r = await cliAsync([...RUN, '--json', json], { [HOOK]: '2' });
    assert.equal(r.code, EXIT_DEVICE_LOST, r.err);
    assert.match(r.err, /^prune-lab run: the GPU device was lost mid-run \(reason "destroyed": [^)]*\)\. It was lost before the baseline was evaluated, so there is no report to write\. Try again/m);
    assert.equal(existsSync(json), false);
    assert.equal(r.out, '');
  });

  it('bench: lost while training says so (no results)', async () => {
    const r = await cliAsync(['bench', '--train-samples', '100', '--test-samples', '256', '--epochs', '1', '--sparsities', '0.5'], { [HOOK]: '1' });
    assert.equal(r.code, EXIT_DEVICE_LOST, r.err);
    assert.match(r.err, /^prune-lab bench: the GPU device was lost mid-run \(reason "destroyed": [^)]*\)\. No results were written\. Try again/m);
    assert.match(r.err, TRY);
    assert.equal(r.out, '');
  });

  it('refuses a hook value that is not a step count (exit 2, before the adapter)', async () => {
    const r = await cliAsync([...RUN], { [HOOK]: '0' });
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^prune-lab run: PRUNE_LAB_TEST_LOSE_DEVICE_AFTER_STEPS \(a test hook\) got "0"; it accepts an integer ≥ 1$/m);
    assert.doesNotMatch(r.err, /SwiftShader|Vulkan/);
  });
});
