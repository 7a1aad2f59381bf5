// `prune-lab run` on IDX files given by path, gzip-compressed or not: the real
// t10k files gzipped here with zlib give the very same run as the raw files. A
// small IDX set (1,000 rows, cut from t10k here) runs with a validation split
// sized from its rows, and --validation-samples is checked against them.
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
const SMALL = 1000;

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-idx-'));
  for (const f of [IMAGES, LABELS]) writeFileSync(join(dir, `${f}.gz`), gzipSync(readFileSync(join(mnistDir, f))));
  const gz = readFileSync(join(dir, `${IMAGES}.gz`));
  writeFileSync(join(dir, 'truncated.gz'), gz.subarray(0, gz.length >> 1));
  // The first SMALL rows of t10k as an IDX pair of their own: the count is the u32
  // (big-endian) after the magic; images are 28×28 bytes after a 16-byte header.
  const images = Buffer.from(readFileSync(join(mnistDir, IMAGES)).subarray(0, 16 + SMALL * 784));
  const labels = Buffer.from(readFileSync(join(mnistDir, LABELS)).subarray(0, 8 + SMALL));
  images.writeUInt32BE(SMALL, 4);
  labels.writeUInt32BE(SMALL, 4);
  writeFileSync(join(dir, 'small-images'), images);
  writeFileSync(join(dir, 'small-labels'), labels);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** t10k as both the training file (10,000 rows: the last 1,000 for validation) and the test file. */
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
    assert.deepEqual(a.data, { train: 200, validation: 1000, test: 100 });
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

  it(`runs on a ${SMALL}-row training file, holding out min(5000, 10%) = 100 rows for validation`, async () => {
    const small = idxArgs(join(dir, 'small-images'), join(dir, 'small-labels'));
    const r = await cliAsync(['run', ...small, '--test-samples', '100', '--epochs', '1', '--batch', '100', '--schedule', 'oneshot',
      '--target-sparsity', '0.5', '--finetune-epochs', '0', '--seed', '7', '--json', '-']);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.deepEqual(report.data, { train: SMALL - 100, validation: 100, test: 100 });
    assert.equal(report.status, 'complete');
    assert.equal(report.final.layers.reduce((t, l) => t + l.nonzero, 0), N - Math.round(0.5 * N));
  });

  it('takes --validation-samples up to the rows less one, and names the flag and the range beyond (exit 2, nothing run)', async () => {
    const small = idxArgs(join(dir, 'small-images'), join(dir, 'small-labels'));
    const ok = await cliAsync(['run', ...small, '--validation-samples', '300', '--train-samples', '100', '--test-samples', '100', '--epochs', '0',
      '--batch', '100', '--schedule', 'oneshot', '--target-sparsity', '0.5', '--finetune-epochs', '0', '--json', '-']);
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(JSON.parse(ok.out).data, { train: 100, validation: 300, test: 100 });
    assert.deepEqual(JSON.parse(ok.out).config.subsets, { train: 100, validation: 300, test: 100 });

    const big = await cliAsync(['run', ...small, '--validation-samples', String(SMALL)]);
    assert.equal(big.code, 2, big.err);
    assert.equal(big.out, '');
    assert.match(big.err, /^prune-lab run: --validation-samples: subsets\.validation must be an integer in \[1, 999\] \(got 1000\)$/m);
    assert.doesNotMatch(big.err, /SwiftShader|Vulkan/, 'refused before the adapter');
    // The training subset is checked against what validation leaves.
    const train = await cliAsync(['run', ...small, '--validation-samples', '400', '--train-samples', '601']);
    assert.equal(train.code, 2, train.err);
    assert.match(train.err, /^prune-lab run: --train-samples: subsets\.train must be an integer in \[1, 600\] \(got 601\)$/m);
  });
});
