// `prune-lab run --model FILE.onnx`: a small CNN trained and exported by PyTorch 1.13
// (test/onnx/fixtures/mnist-cnn-opset13.onnx, from generate.py) is imported with its
// weights. Evaluated as loaded (--epochs 0) its predicted class of each of the first
// 1,000 MNIST test images is PyTorch's, and so is its accuracy; pruned to 90% and
// fine-tuned it keeps exactly the global count of weights. A damaged or missing file
// is refused naming --model. Needs `npm run build:cli`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliAsync, mnistDir, root } from './helpers/cli.mjs';

const MODEL = join(root, 'test/onnx/fixtures/mnist-cnn-opset13.onnx');
const META = JSON.parse(readFileSync(join(root, 'test/onnx/fixtures/mnist-cnn-opset13.json'), 'utf8'));
/** Its weights: conv 4·1·5·5 + 8·4·5·5, linear 128·10. */
const WEIGHTS = 100 + 800 + 1280;

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prune-lab-onnx-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function trace(confusion, C = 10) {
  let t = 0;
  for (let c = 0; c < C; c++) t += confusion[c * C + c];
  return t;
}

describe('prune-lab run --model FILE.onnx', () => {
  it('evaluates the imported PyTorch model as exported: the same class for each of 1,000 test images', async () => {
    const preds = join(dir, 'preds.txt');
    const r = await cliAsync(['run', '--model', MODEL, '--epochs', '0', '--train-samples', '200', '--test-samples', String(META.testRows),
      '--schedule', 'oneshot', '--target-sparsity', '0', '--finetune-epochs', '0', '--predictions', preds, '--json', '-']);
    assert.equal(r.code, 0, r.err);
    // What the import changed is said on stderr: PyTorch's LogSoftmax head is stripped.
    assert.match(r.err, /--model .*mnist-cnn-opset13\.onnx: ONNX opset 13 \(pytorch [^)]*\), 3 prunable layers; stripped LogSoftmax \/LogSoftmax\n/);
    const report = JSON.parse(r.out);
    assert.equal(report.config.model.name, 'mnist-cnn-opset13');
    assert.deepEqual(report.config.model.layers.map((l) => l.type), ['conv2d', 'relu', 'maxpool2d', 'conv2d', 'relu', 'maxpool2d', 'flatten', 'linear']);
    assert.equal(report.baseline.params.total, WEIGHTS + 4 + 8 + 10);
    assert.equal(trace(report.baseline.confusion), META.correct);
    const ours = readFileSync(preds, 'utf8').trim().split('\n').map(Number);
    assert.deepEqual(ours, META.predictions);
  });

  it('prunes the imported model to 90% and fine-tunes it', async () => {
    const test = 200;
    const r = await cliAsync(['run', '--model', MODEL, '--epochs', '0', '--train-samples', '500', '--test-samples', String(test),
      '--schedule', 'oneshot', '--target-sparsity', '0.9', '--finetune-epochs', '1', '--seed', '3', '--json', '-']);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    const labels = readFileSync(join(mnistDir, 't10k-labels-idx1-ubyte')).subarray(8, 8 + test);
    assert.equal(trace(report.baseline.confusion), META.predictions.slice(0, test).filter((p, i) => p === labels[i]).length);
    const nonzero = report.final.layers.reduce((t, l) => t + l.nonzero, 0);
    assert.equal(nonzero, WEIGHTS - Math.round(0.9 * WEIGHTS));
  });

  it('refuses a damaged file (exit 1) and a missing one (exit 2), naming --model', async () => {
    const bad = join(dir, 'truncated.onnx');
    const bytes = readFileSync(MODEL);
    writeFileSync(bad, bytes.subarray(0, bytes.length >> 1));
    const r = await cliAsync(['run', '--model', bad, '--epochs', '0']);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /--model .*truncated\.onnx: onnx: /);
    const m = await cliAsync(['run', '--model', join(dir, 'none.onnx'), '--epochs', '0']);
    assert.equal(m.code, 2, m.err);
    assert.match(m.err, /--model .*none\.onnx: cannot read/);
  });
});
