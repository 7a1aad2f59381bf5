// The engine side of test/node/onnx-ort.test.mjs, bundled with esbuild and run in a
// child process on Dawn (SwiftShader): trains LeNet-300-100 briefly on MNIST and
// prunes it through the lab's runner (90% unstructured global magnitude, 50%
// structured L2 units, 2:4 magnitude), plus one model with dead units made by hand;
// LeNet-5 with seeded weights and biases, 90% unstructured per layer and structured;
// the PyTorch-trained mnist-geom fixture (stride-2 conv with pads [0, 0, 1, 1],
// MaxPool2d(3, stride 2), AvgPool2d) imported as it is, 70% unstructured per layer and
// 50% structured; and writes for each variant: our engine's logits on the first TEST test images
// (GPU forward pass, read back), the three ONNX forms, and the size table.
// Usage: node bundle.mjs OUT_DIR
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, globals } from 'webgpu';
import { acquireDevice } from '../../../src/gpu/device.js';
import { createGpuContext, type GpuContext } from '../../../src/gpu/context.js';
import { readBuffer } from '../../../src/gpu/readback.js';
import { mnistPaths, readIdxDatasets } from '../../../src/cli/node-data.js';
import { labData, runExperiment } from '../../../src/lab/run.js';
import { Network, type LayerValues } from '../../../src/nn/network.js';
import { planModel, PRESETS, type ModelSpec } from '../../../src/nn/spec.js';
import { importOnnx } from '../../../src/onnx/import.js';
import { train } from '../../../src/nn/train.js';
import { Executor } from '../../../src/nn/executor.js';
import { Rng } from '../../../src/rng.js';
import { selectRows, type ImageDataset } from '../../../src/data/dataset.js';
import { EXPORT_FORMS, exportOnnx } from '../../../src/onnx/export.js';
import { onnxSizeTable } from '../../../src/onnx/size.js';
import type { ExperimentConfig } from '../../../src/lab/config.js';

const TEST = 1000;
const out = process.argv[2]!;

Object.assign(globalThis, globals);
// Held for the whole run: Dawn's GPU object must outlive its device.
const gpu = create([]);
const acquired = await acquireDevice({ gpu, backend: 'dawn-node' });
const ctx = createGpuContext(acquired.device);
const raw = await readIdxDatasets(mnistPaths());
const test = selectRows(raw.test, Array.from({ length: TEST }, (_, i) => i));
writeFileSync(join(out, 'images.f32'), test.images);
writeFileSync(join(out, 'labels.u8'), test.labels);

/** Our engine's logits for `data` (GPU forward pass in batches of 500). */
async function logits(net: Network, data: ImageDataset): Promise<Float32Array> {
  const B = 500;
  const ex = await Executor.create(net, B, 'infer');
  const C = net.plan.classes;
  const D = data.images.length / data.n;
  const y = new Float32Array(data.n * C);
  for (let s = 0; s < data.n; s += B) {
    const rows = Math.min(B, data.n - s);
    ex.writeBatch(data.images.subarray(s * D, (s + rows) * D), data.labels.subarray(s, s + rows), rows);
    const enc = ctx.device.createCommandEncoder({ label: 'onnx test forward' });
    const pass = enc.beginComputePass({ label: 'onnx test forward' });
    ex.encodeForward(pass);
    pass.end();
    ctx.device.queue.submit([enc.finish()]);
    y.set(new Float32Array(await readBuffer(ctx.device, ex.logits, rows * C * 4)), s * C);
  }
  ex.destroy();
  return y;
}

const summary: Array<Record<string, unknown>> = [];

const t0 = performance.now();
const stamp = (what: string): void => console.error(`${((performance.now() - t0) / 1000).toFixed(1)} s ${what}`);

async function record(name: string, net: Network, original: ModelSpec): Promise<void> {
  stamp(`${name} pruned`);
  writeFileSync(join(out, `${name}.logits.f32`), await logits(net, test));
  stamp(`${name} logits`);
  for (const form of EXPORT_FORMS) writeFileSync(join(out, `${name}.${form}.onnx`), await exportOnnx(net, { form }));
  const values = await net.readValues();
  summary.push({
    name,
    spec: net.plan.spec,
    kept: values.map((v) => v.mask.reduce((t, m) => t + m, 0)),
    weights: values.map((v) => v.mask.length),
    sizes: await onnxSizeTable(net, { original }),
  });
}

/** Seeded weights, trained for one epoch over the first `rows` training images (none: as initialized). */
async function trained(ctx: GpuContext, model: string, rows: number): Promise<LayerValues[]> {
  const net = Network.create(ctx, planModel(PRESETS[model]!), { seed: 5 });
  if (rows === 0) {
    // Seeded biases too (the init's are 0), so that no unit is dead by accident.
    const rng = new Rng(7);
    const values = (await net.readValues()).map((v) => ({ ...v, b: rng.uniformArray(v.b.length, -0.1, 0.1) }));
    net.destroy();
    return values;
  }
  const data = selectRows(raw.train, Array.from({ length: rows }, (_, i) => i));
  await train(net, data, { epochs: 1, batchSize: 50, optimizer: { type: 'adam', lr: 1e-3 }, seed: 5 });
  const values = await net.readValues();
  net.destroy();
  return values;
}

const VARIANTS: Record<string, ExperimentConfig['prune']> = {
  'unstructured-90': { granularity: 'weight', criterion: 'magnitude', scope: 'global', schedule: 'oneshot', targetSparsity: 0.9, rounds: 1, finetuneEpochs: 0 },
  // Untrained LeNet-5 under one global threshold loses all of conv2 (its init is the smallest) and every logit
  // becomes a constant: per-layer thresholds keep it a real network.
  'unstructured-90-local': { granularity: 'weight', criterion: 'magnitude', scope: 'local', schedule: 'oneshot', targetSparsity: 0.9, rounds: 1, finetuneEpochs: 0 },
  'unstructured-70-local': { granularity: 'weight', criterion: 'magnitude', scope: 'local', schedule: 'oneshot', targetSparsity: 0.7, rounds: 1, finetuneEpochs: 0 },
  'structured-50': { granularity: 'unit', criterion: 'l2', scope: 'local', schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 0 },
  'nm-2-4': { granularity: 'nm', criterion: 'magnitude', nm: { n: 2, m: 4 }, schedule: 'oneshot', targetSparsity: 0.5, rounds: 1, finetuneEpochs: 0 },
};

// LeNet-5 on SwiftShader is slow (its forward pass over the test images alone takes most
// of a minute on 2 cores): seeded weights, and two variants.
const MODELS = [
  { model: 'lenet-300-100', rows: 1000, variants: ['unstructured-90', 'structured-50', 'nm-2-4'] },
  { model: 'lenet-5', rows: 0, variants: ['unstructured-90-local', 'structured-50'] },
  { model: 'mnist-geom', rows: -1, variants: ['unstructured-70-local', 'structured-50'] },
] as const;
// The imported PyTorch CNN: its weights as trained there (rows −1 above), exported unpruned as well.
const geom = importOnnx(new Uint8Array(readFileSync(join(process.cwd(), 'test/onnx/fixtures/mnist-geom-opset13.onnx'))));
const specOf = (model: string): ModelSpec => (model === 'mnist-geom' ? { ...geom.spec, name: 'mnist-geom' } : PRESETS[model]!);
for (const { model, rows, variants } of MODELS) {
  const values = rows < 0 ? geom.values : await trained(ctx, model, rows);
  stamp(`${model} trained`);
  if (rows < 0) {
    const net = Network.create(ctx, planModel(specOf(model)), { values });
    await record(`${model}.imported`, net, specOf(model));
    net.destroy();
  }
  for (const variant of variants) {
    const prune = VARIANTS[variant]!;
    const config: ExperimentConfig = {
      model: specOf(model), dataset: { name: 'mnist' }, seed: 5, prune,
      train: { epochs: 0, batchSize: 50, optimizer: { type: 'adam', lr: 1e-3 } },
      subsets: { train: 50, validation: 50, test: 50 },
    };
    const { report, network } = await runExperiment(ctx, acquired.info, config, labData(config, raw.train, raw.test), { initial: { values } });
    if (report.status !== 'complete') throw new Error(`${model} ${variant}: ${report.status} ${JSON.stringify(report.error)}`);
    await record(`${model}.${variant}`, network, specOf(model));
    network.destroy();
  }
  if (model === 'lenet-300-100') {
    // Dead units by hand: fc1 units 0..99 are never read (their fc2 rows masked), and fc2
    // units 0..19 read nothing (their fc2 columns masked) with a negative bias under the ReLU.
    const dead = values.map((v) => ({ w: v.w.slice(), b: v.b.slice(), mask: v.mask.slice() }));
    const [, fc2] = dead;
    for (let k = 0; k < 100; k++) fc2!.mask.fill(0, k * 100, (k + 1) * 100);
    for (let k = 0; k < 300; k++) for (let n = 0; n < 20; n++) fc2!.mask[k * 100 + n] = 0;
    for (let n = 0; n < 20; n++) fc2!.b[n] = -0.5 - n / 100;
    const net = Network.create(ctx, planModel(PRESETS[model]!), { values: dead });
    await record(`${model}.dead-units`, net, specOf(model));
    net.destroy();
  }
}
writeFileSync(join(out, 'summary.json'), JSON.stringify(summary));
acquired.device.destroy();
console.log(JSON.stringify({ ok: gpu !== undefined }));
process.exit(0);
