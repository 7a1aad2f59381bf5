// ONNX export checked by an independent runtime: ONNX Runtime Web (its WASM backend,
// in Node) loads every form (dense, shrunk, sparse) of every exported model and
// must give our engine's logits within 1e-4 (max abs) and the same predicted class
// on the first 1,000 MNIST test images. The models: LeNet-300-100 (one epoch on
// 1,000 images) pruned three ways through the lab's runner (90% unstructured
// magnitude, 50% structured L2 units, 2:4 magnitude) plus one with dead units made
// by hand, LeNet-5 (seeded weights) at 90% unstructured (per layer) and 50% structured,
// and the PyTorch-trained mnist-geom fixture (a stride-2 conv with uneven pads,
// MaxPool2d(3, stride 2), AvgPool2d) imported, then 70% unstructured and 50% structured;
// the imported one must also predict PyTorch's own classes.
// Our side (test/node/helpers/onnx-engine.ts) runs on Dawn in a child process; the
// files are also read back with onnx-proto to check what each form holds. The
// last part runs `prune-lab run --export-onnx` (after `npm run build:cli`), on MNIST
// and on a CSV, whose export takes the raw feature values (a Sub/Div prelude of the
// training rows' mean and scale).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as ort from 'onnxruntime-web';
import { cliAsync, mnistDir, root } from './helpers/cli.mjs';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const { onnx } = createRequire(import.meta.url)('onnx-proto');
const TEST = 1000;
const ATOL = 1e-4;
const FORMS = ['dense', 'shrunk', 'sparse'];

ort.env.wasm.numThreads = 1;

function argmaxRows(y, C) {
  const out = new Uint8Array(y.length / C);
  for (let r = 0; r < out.length; r++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (y[r * C + c] > y[r * C + best]) best = c;
    out[r] = best;
  }
  return out;
}

function f32(path) {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** ORT's logits for `images` (TEST × 784) through the model at `path`. */
async function ortLogits(path, images, dims) {
  const session = await ort.InferenceSession.create(readFileSync(path), { executionProviders: ['wasm'] });
  assert.deepEqual(session.inputNames, ['input']);
  assert.deepEqual(session.outputNames, ['logits']);
  const r = await session.run({ input: new ort.Tensor('float32', images, dims) });
  await session.release();
  return r.logits;
}

function decode(path) {
  return onnx.ModelProto.decode(readFileSync(path));
}

/** Weight initializers (dense and sparse) by name → { dims, sparse, nnz }. */
function weightsOf(m) {
  const out = {};
  for (const t of m.graph.initializer) if (t.name.endsWith('.weight')) out[t.name] = { dims: t.dims.map(Number), sparse: false };
  for (const s of m.graph.sparseInitializer) out[s.values.name] = { dims: s.dims.map(Number), sparse: true, nnz: Number(s.values.dims[0]), indices: s.indices.int64Data.map(Number) };
  return out;
}

describe('ONNX export: ONNX Runtime (wasm) runs every form with our logits', { skip: !existsSync(ICD) && 'no SwiftShader ICD' }, () => {
  let dir;
  let summary;
  let images;
  before(async () => {
    mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
    dir = mkdtempSync(join(root, 'node_modules/.cache/prune-lab-onnx-'));
    const bundle = join(dir, 'engine.mjs');
    await build({ entryPoints: [join(root, 'test/node/helpers/onnx-engine.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, loader: { '.wgsl': 'text' }, external: ['webgpu'], logLevel: 'error' });
    const env = { ...process.env, VK_ICD_FILENAMES: ICD, LD_LIBRARY_PATH: `${process.env.LD_LIBRARY_PATH ? `${process.env.LD_LIBRARY_PATH}:` : ''}/usr/lib/chromium` };
    const r = spawnSync(process.execPath, [bundle, dir], { encoding: 'utf8', cwd: root, env, timeout: 900_000 });
    assert.equal(r.status, 0, `engine side failed: ${r.stderr}`);
    summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    images = f32(join(dir, 'images.f32'));
    assert.equal(images.length, TEST * 784);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('exports the nine models, and every form of each gives our logits within 1e-4 and the same classes on 1,000 images', async (t) => {
    assert.deepEqual(summary.map((s) => s.name), [
      'lenet-300-100.unstructured-90', 'lenet-300-100.structured-50', 'lenet-300-100.nm-2-4', 'lenet-300-100.dead-units',
      'lenet-5.unstructured-90-local', 'lenet-5.structured-50',
      'mnist-geom.imported', 'mnist-geom.unstructured-70-local', 'mnist-geom.structured-50',
    ]);
    // Our import of the trained PyTorch CNN predicts what PyTorch predicted on these images.
    const torch = JSON.parse(readFileSync(join(root, 'test/onnx/fixtures/mnist-geom-opset13.json'), 'utf8'));
    const imported = argmaxRows(f32(join(dir, 'mnist-geom.imported.logits.f32')), 10);
    assert.equal(imported.reduce((t, c, r) => t + (c === torch.predictions[r] ? 0 : 1), 0), 0, 'the imported mnist-geom predicts PyTorch\'s classes');
    for (const s of summary) {
      const ours = f32(join(dir, `${s.name}.logits.f32`));
      const classes = ours.length / TEST;
      assert.equal(classes, 10);
      const want = argmaxRows(ours, classes);
      // A model whose logits do not depend on the image would pass trivially.
      assert.ok(new Set(want).size >= 3, `${s.name}: ours predicts ${new Set(want).size} distinct classes on ${TEST} images`);
      for (const form of FORMS) {
        const got = await ortLogits(join(dir, `${s.name}.${form}.onnx`), images, [TEST, 1, 28, 28]);
        assert.deepEqual(got.dims, [TEST, classes], `${s.name} ${form}: output shape`);
        let worst = 0;
        for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - ours[i]));
        assert.ok(worst <= ATOL, `${s.name} ${form}: max |ORT − ours| = ${worst} > ${ATOL}`);
        t.diagnostic(`${s.name} ${form}: max |ORT − ours| = ${worst.toExponential(2)}`);
        const pred = argmaxRows(got.data, classes);
        const differ = want.reduce((t, c, r) => t + (c === pred[r] ? 0 : 1), 0);
        assert.equal(differ, 0, `${s.name} ${form}: ${differ} of ${TEST} predicted classes differ`);
      }
    }
  });

  it('dense holds every weight densely, sparse holds exactly the kept entries of the pruned layers as COO', () => {
    for (const s of summary) {
      const dense = weightsOf(decode(join(dir, `${s.name}.dense.onnx`)));
      const sparse = weightsOf(decode(join(dir, `${s.name}.sparse.onnx`)));
      const names = Object.keys(dense);
      assert.equal(names.length, s.kept.length, `${s.name}: one weight per prunable layer`);
      names.forEach((name, i) => {
        assert.equal(dense[name].sparse, false);
        assert.equal(dense[name].dims.reduce((a, b) => a * b, 1), s.weights[i], `${s.name} ${name}: dense shape holds the layer`);
        assert.deepEqual(sparse[name].dims, dense[name].dims, `${s.name} ${name}: the sparse tensor's dense shape`);
        const pruned = s.kept[i] < s.weights[i];
        assert.equal(sparse[name].sparse, pruned, `${s.name} ${name}: COO exactly when the layer is pruned`);
        if (pruned) {
          assert.equal(sparse[name].nnz, s.kept[i], `${s.name} ${name}: one COO entry per kept weight`);
          const idx = sparse[name].indices;
          assert.equal(idx.length, s.kept[i]);
          for (let j = 1; j < idx.length; j++) assert.ok(idx[j] > idx[j - 1], `${s.name} ${name}: linear indices increase`);
        }
      });
    }
  });

  it('shrunk drops the dead units (and the structured model keeps its smaller shapes); sizes come with gzip', (tc) => {
    const dims = (name, form) => Object.values(weightsOf(decode(join(dir, `${name}.${form}.onnx`)))).map((w) => w.dims);
    // fc1 units 0..99 never read and fc2 units 0..19 reading nothing (negative bias, ReLU): 200 and 80 left.
    assert.deepEqual(dims('lenet-300-100.dead-units', 'dense'), [[784, 300], [300, 100], [100, 10]]);
    assert.deepEqual(dims('lenet-300-100.dead-units', 'shrunk'), [[784, 200], [200, 80], [80, 10]]);
    // Structured 50% (local): half the hidden units are gone already in the dense form.
    assert.deepEqual(dims('lenet-300-100.structured-50', 'dense'), [[784, 150], [150, 50], [50, 10]]);
    assert.deepEqual(dims('lenet-5.structured-50', 'dense'), [[10, 1, 5, 5], [25, 10, 5, 5], [400, 250], [250, 10]]);
    // The exported geometry: strides, pads [t, l, b, r], both pool kinds with their strides.
    const geom = decode(join(dir, 'mnist-geom.imported.dense.onnx')).graph.node;
    const attrs = (n) => Object.fromEntries(n.attribute.map((a) => [a.name, a.ints.length ? a.ints.map(Number) : Number(a.i)]));
    const convs = geom.filter((n) => n.opType === 'Conv').map(attrs);
    assert.deepEqual(convs.map((a) => [a.strides, a.pads]), [[[2, 2], [0, 0, 1, 1]], [[1, 1], [1, 1, 1, 1]]]);
    assert.deepEqual(geom.filter((n) => n.opType.endsWith('Pool')).map((n) => [n.opType, attrs(n).kernel_shape, attrs(n).strides]), [['MaxPool', [3, 3], [2, 2]], ['AveragePool', [2, 2], [2, 2]]]);
    for (const s of summary) {
      const t = s.sizes;
      assert.deepEqual(t.forms.map((f) => f.form), FORMS);
      for (const f of t.forms) {
        assert.equal(f.bytes, readFileSync(join(dir, `${s.name}.${f.form}.onnx`)).length, `${s.name} ${f.form}: table bytes = file bytes`);
        assert.ok(f.gzipBytes > 0 && f.gzipBytes < f.bytes, `${s.name} ${f.form}: gzip smaller`);
        assert.ok(Math.abs(f.ratio - t.originalDenseF32 / f.bytes) < 1e-12);
      }
      const by = Object.fromEntries(t.forms.map((f) => [f.form, f]));
      assert.ok(by.shrunk.bytes <= by.dense.bytes + 16, `${s.name}: shrunk is never larger than dense`);
      tc.diagnostic(`${s.name}: original dense f32 ${t.originalDenseF32} B; ${t.forms.map((f) => `${f.form} ${f.bytes} B (gzip ${f.gzipBytes} B)`).join(', ')}`);
    }
    const u90 = summary.find((s) => s.name === 'lenet-300-100.unstructured-90').sizes;
    assert.equal(u90.originalDenseF32, 4 * 266_610);
    const by = Object.fromEntries(u90.forms.map((f) => [f.form, f]));
    assert.ok(by.sparse.bytes < 0.25 * by.dense.bytes, `90% unstructured: sparse ${by.sparse.bytes} B vs dense ${by.dense.bytes} B`);
  });
});

describe('prune-lab run --export-onnx', () => {
  let dir;
  before(() => {
    dir = mkdtempSync(join(root, 'node_modules/.cache/prune-lab-onnx-cli-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('writes the sparse form of the pruned model, which ONNX Runtime runs to the CLI\'s own predictions; prints the size table and puts it in the report', async () => {
    const model = join(dir, 'm.onnx');
    const pred = join(dir, 'pred.txt');
    const r = await cliAsync(['run', '--model', 'lenet-300-100', '--train-samples', '300', '--validation-samples', '100', '--test-samples', String(TEST), '--epochs', '1',
      '--method', 'global', '--schedule', 'oneshot', '--target-sparsity', '0.9', '--finetune-epochs', '0', '--batch', '50', '--seed', '2',
      '--predictions', pred, '--json', join(dir, 'r.json'), '--export-onnx', model, '--export-form', 'sparse']);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    assert.equal(report.onnx.file, model);
    assert.equal(report.onnx.form, 'sparse');
    assert.equal(report.onnx.originalDenseF32, 4 * 266_610);
    assert.deepEqual(report.onnx.forms.map((f) => f.form), FORMS);
    assert.equal(report.onnx.forms[2].bytes, readFileSync(model).length, 'the report gives the written file\'s size');
    assert.match(r.out, /ONNX form\s+bytes\s+gzip bytes/);
    const size = readFileSync(model).length.toLocaleString('en-US');
    assert.ok(r.out.split('\n').some((l) => /^sparse\s/.test(l) && l.includes(` ${size} `)), `the sparse row gives the written file's ${size} bytes:\n${r.out}`);
    assert.ok(r.out.includes(`wrote ${model} (sparse ONNX, ${size} bytes)`), r.out);
    const m = decode(model);
    assert.equal(m.graph.sparseInitializer.length, 3, 'every layer pruned: three COO weights');
    const rows = readFileSync(join(mnistDir, 't10k-images-idx3-ubyte')).subarray(16, 16 + TEST * 784);
    const x = Float32Array.from(rows, (v) => v / 255);
    const got = await ortLogits(model, x, [TEST, 1, 28, 28]);
    const want = readFileSync(pred, 'utf8').trim().split('\n').map(Number);
    const ortPred = argmaxRows(got.data, 10);
    assert.equal(want.length, TEST);
    assert.equal(want.reduce((t, c, i) => t + (c === ortPred[i] ? 0 : 1), 0), 0, 'ORT predicts the CLI\'s classes');
  });

  it('a --csv run exports a model that takes raw feature values: ORT on the raw test rows gives the CLI\'s classes; the prelude holds the report\'s mean and scale', async () => {
    // Two classes by the sign of u/1000 − v (u around 5,000, v around −3: raw values, far from standardised), plus noise w.
    let seed = 11;
    const r01 = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const rows = (n) => Array.from({ length: n }, () => {
      const u = 5000 + 2000 * (r01() - 0.5);
      const v = -3 + 4 * (r01() - 0.5);
      return [u.toFixed(2), v.toFixed(4), (100 * r01()).toFixed(3), u / 1000 - 5 - v - 3 > 0 ? 'hi' : 'lo'];
    });
    const train = join(dir, 'train.csv');
    const test = join(dir, 'test.csv');
    writeFileSync(train, `u,v,w,y\n${rows(200).map((r) => r.join(',')).join('\n')}\n`);
    const testRows = rows(80);
    writeFileSync(test, `u,v,w,y\n${testRows.map((r) => r.join(',')).join('\n')}\n`);
    const model = join(dir, 'csv.onnx');
    const pred = join(dir, 'csv-pred.txt');
    const r = await cliAsync(['run', '--csv', train, '--test-csv', test, '--target', 'y', '--epochs', '20', '--batch', '16', '--lr', '0.01', '--schedule', 'oneshot',
      '--target-sparsity', '0.5', '--finetune-epochs', '2', '--seed', '3', '--predictions', pred, '--json', join(dir, 'csv.json'), '--export-onnx', model]);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(readFileSync(join(dir, 'csv.json'), 'utf8'));
    const { features, classes, standardization } = report.data.tabular;
    assert.deepEqual(features, ['u', 'v', 'w']);
    const m = decode(model);
    assert.deepEqual(m.graph.node.slice(0, 2).map((n) => n.opType), ['Sub', 'Div']);
    const init = Object.fromEntries(m.graph.initializer.map((t) => [t.name, Array.from(new Float32Array(Uint8Array.from(t.rawData).buffer))]));
    assert.deepEqual(init[m.graph.node[0].input[1]], Array.from(Float32Array.from(standardization.mean)));
    assert.deepEqual(init[m.graph.node[1].input[1]], Array.from(Float32Array.from(standardization.scale)));
    assert.ok(standardization.mean[0] > 4000 && standardization.scale[0] > 100, 'u is far from standardised');
    const x = Float32Array.from(testRows.flatMap((row) => row.slice(0, 3).map(Number)));
    const got = await ortLogits(model, x, [testRows.length, 3]);
    const ortPred = argmaxRows(got.data, 2);
    const want = readFileSync(pred, 'utf8').trim().split('\n').map(Number);
    assert.equal(want.length, testRows.length);
    assert.equal(want.reduce((t, c, i) => t + (c === ortPred[i] ? 0 : 1), 0), 0, 'ORT on raw rows predicts the CLI\'s classes');
    const truth = testRows.map((row) => classes.indexOf(row[3]));
    assert.ok(ortPred.filter((c, i) => c === truth[i]).length / testRows.length >= 0.9, 'a model that learnt the rule');
  });

  it('refuses a bad --export-form and --export-form without --export-onnx (exit 2, nothing run)', async () => {
    let r = await cliAsync(['run', '--export-onnx', join(dir, 'x.onnx'), '--export-form', 'csr']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--export-form got "csr"; it accepts dense \| shrunk \| sparse/);
    r = await cliAsync(['run', '--export-form', 'dense']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--export-form needs --export-onnx/);
  });
});
