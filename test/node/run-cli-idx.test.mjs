// `prune-lab run` on IDX files given by path, gzip-compressed or not: the real
// t10k files gzipped here with zlib give the very same run as the raw files.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cliAsync, mnistDir } from './helpers/cli.mjs';

const IMAGES = 't10k-images-idx3-ubyte';
const LABELS = 't10k-labels-idx1-ubyte';
const N = 266_200;

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-idx-'));
  for (const f of [IMAGES, LABELS]) writeFileSync(join(dir, `${f}.gz`), gzipSync(readFileSync(join(mnistDir, f))));
  const gz = readFileSync(join(dir, `${IMAGES}.gz`));
  writeFileSync(join(dir, 'truncated.gz'), gz.subarray(0, gz.length >> 1));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** t10k as both the training file (10,000 rows: 5,000 for validation) and the test file. */
function idxArgs(images, labels) {
  return ['--train-images', images, '--train-labels', labels, '--test-images', images, '--test-labels', labels];
}

const RUN = ['--train-samples', '200', '--test-samples', '100', '--epochs', '1', '--batch', '50', '--schedule', 'oneshot',
  '--target-sparsity', '0.5', '--finetune-epochs', '0', '--seed', '7', '--json', '-'];

describe('prune-lab run with IDX paths', () => {
  it('reads .gz files and gives the same run as the raw files', async () => {
    const gz = await cliAsync(['run', ...idxArgs(join(dir, `${IMAGES}.gz`), join(dir, `${LABELS}.gz`)), ...RUN]);
    assert.equal(gz.code, 0, gz.err);
    const raw = await cliAsync(['run', ...idxArgs(join(mnistDir, IMAGES), join(mnistDir, LABELS)), ...RUN]);
    assert.equal(raw.code, 0, raw.err);
    const a = JSON.parse(gz.out);
    const b = JSON.parse(raw.out);
    assert.deepEqual(a.config.dataset, { name: 'idx', label: `${IMAGES}.gz` });
    assert.deepEqual(a.data, { train: 200, validation: 5000, test: 100 });
    assert.equal(a.rounds.length, 1);
    assert.equal(a.final.layers.reduce((t, l) => t + l.nonzero, 0), N - Math.round(0.5 * N));
    for (const k of ['baseline', 'final']) {
      assert.deepEqual(a[k].confusion, b[k].confusion, `${k} confusion`);
      assert.equal(a[k].loss, b[k].loss, `${k} loss`);
      assert.deepEqual(a[k].layers, b[k].layers, `${k} layers`);
    }
  });

  it('names a corrupt .gz file (exit 1, nothing run)', async () => {
    const r = await cliAsync(['run', ...idxArgs(join(dir, 'truncated.gz'), join(dir, `${LABELS}.gz`)), ...RUN]);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /truncated\.gz: gzip data is corrupt or truncated/);
  });
});
