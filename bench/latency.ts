// Frame latency of pruned models on this page's adapter: LeNet-300-100 and LeNet-5,
// trained briefly here, then pruned by global magnitude (GPU top-k) at each sparsity
// of a grid, and run on every inference path (dense, masked, sparse, int8, auto),
// and 'fused' for the MLP, on a structurally shrunk model (50% of hidden units), on TF.js WebGPU `predict`
// with the same weights, and on the plain-JS forward pass (the floor).
// A frame is one MNIST test image to a class on the CPU; p50/p95 over ≥ 200 frames
// after a warm-up, the first frame apart; throughput at batch 256.
import * as tf from '@tensorflow/tfjs-core';
import type { GpuContext } from '../src/gpu/context.js';
import { loadMnist, splitMnist } from '../src/data/mnist.js';
import type { ImageDataset } from '../src/data/dataset.js';
import { planModel, PRESETS, type ModelPlan } from '../src/nn/spec.js';
import { Network, type LayerValues } from '../src/nn/network.js';
import { train } from '../src/nn/train.js';
import { prepareTopk } from '../src/kernels/topk.js';
import { pruneCount } from '../src/ref/mask.js';
import { prepareInference, type InferencePath } from '../src/infer/plan.js';
import { chooseLayers, crossover, timeChain, type LayerChoice } from '../src/infer/chooser.js';
import { shrinkNetwork, keepByNorm } from '../src/infer/shrink.js';
import { CpuForward } from '../src/infer/cpu.js';
import { fusedUnsupported } from '../src/infer/fused.js';
import { measureFrames, measureThroughput, MIN_FRAMES, type FrameLatency } from '../src/metrics/latency.js';
import { modelSize, type ModelSize } from '../src/metrics/size.js';
import { log } from './util.js';
import { accuracyOf, agreement } from '../src/infer/compare.js';

export type BenchPath = InferencePath | 'structured' | 'js-dense' | 'js-sparse';

export interface LatencyEntry {
  model: string;
  path: BenchPath;
  sparsity: number;
  p50Ms: number;
  p95Ms: number;
  /** Images per second at batch 256. */
  throughput: number;
  /** Model bytes in this path's format (dense f32, + mask, sparse, sparse + int8, or per-layer mix for auto). */
  bytes: number;
  /** GPU bytes the frame plan allocated (formats, activations, scratch), and the model's bytes on the GPU in its format. */
  gpuBytes?: number;
  modelGpuBytes?: number;
  firstFrameMs: number;
  compileMs?: number;
  /** GPU time of one frame's dispatches alone (timestamp queries, or wall-clock over repeats): what the frame costs without submit, map and polling. */
  gpuMs?: number;
  /** Accuracy on the test images used, and agreement of classes with masked f32. */
  accuracy: number;
  agreeWithMasked?: number;
  flops: number;
  /** auto: the chooser's picks per layer at batch 1 (frames) and 256 (throughput). */
  picks?: string[];
  picksBatch256?: string[];
  tfjsP50Ms?: number;
  tfjsP95Ms?: number;
  /** structured: the fraction of hidden units removed (its sparsity is the fraction of weights). */
  unitsRemoved?: number;
}

export interface LatencyModelReport {
  model: string;
  trainSamples: number;
  epochs: number;
  testImages: number;
  sparsities: number[];
  /** Sparsity where sparse's p50 first drops below dense's (interpolated on the grid); null if never. */
  crossover: number | null;
  /** The same for the fused path (MLPs only). */
  fusedCrossover?: number | null;
  /** The chooser's measurements per sparsity at batch 1 (what 'auto' picked, per layer). */
  chooser: Array<{ sparsity: number; layers: LayerChoice[] }>;
  /** Per layer at batch 1: dense time and sparse time over the sparsity grid (random masks), and the crossover. */
  layerCrossover: LayerChoice[];
  sizes: Array<{ sparsity: number } & Omit<ModelSize, 'layers' | 'sparsity'>>;
  structured: { keptFraction: number; units: number[]; flops: number; denseFlops: number; params: number; denseParams: number };
  tfjs: { p50Ms: number; p95Ms: number; agreeWithDense: number };
}

export interface LatencyOptions {
  models: string[];
  sparsities: number[];
  frames: number;
  trainSamples?: number;
  epochs: number;
  seed: number;
}

const BATCH = 256;

/** Dense TF.js model of the same weights (NHWC convs; flatten in our NCHW order). */
function tfjsModel(plan: ModelPlan, values: LayerValues[]): { predict: (x: Float32Array) => tf.Tensor; dispose: () => void } {
  const vars = plan.params.map((op, i) => {
    const v = values[i]!;
    const w = v.w.map((x, j) => (v.mask[j] ? x : 0));
    if (!op.conv) return { w: tf.tensor2d(w, [op.in, op.out]), b: tf.tensor1d(v.b) };
    const { F, C, k } = op.conv;
    return { w: tf.tidy(() => tf.transpose(tf.tensor4d(w, [F, C, k, k]), [2, 3, 1, 0])), b: tf.tensor1d(v.b) };
  });
  const { C, H, W } = plan.input;
  return {
    predict: (x) => tf.tidy(() => {
      const B = x.length / (C * H * W);
      let h: tf.Tensor = tf.transpose(tf.tensor4d(x, [B, C, H, W]), [0, 2, 3, 1]);
      let pi = 0;
      let flat = false;
      for (const op of plan.ops) {
        if (op.kind === 'conv2d') {
          const v = vars[pi++]!;
          h = tf.add(tf.conv2d(h as tf.Tensor4D, v.w as tf.Tensor4D, 1, op.conv!.padding), v.b);
          if (op.relu) h = tf.relu(h);
        } else if (op.kind === 'maxpool2d') {
          h = tf.maxPool(h as tf.Tensor4D, op.size, op.size, 'valid');
        } else if (op.kind === 'relu') {
          h = tf.relu(h);
        } else {
          if (!flat) {
            h = h.rank === 4 ? tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [B, -1]) : tf.reshape(h, [B, -1]);
            flat = true;
          }
          const v = vars[pi++]!;
          h = tf.add(tf.matMul(h as tf.Tensor2D, v.w as tf.Tensor2D), v.b);
          if (op.relu) h = tf.relu(h);
        }
      }
      return tf.argMax(h, 1);
    }),
    dispose: () => vars.forEach((v) => (v.w.dispose(), v.b.dispose())),
  };
}

/** Global magnitude masks at `sparsity` from `dense` (the trained weights), by the GPU top-k. */
async function magnitudeValues(ctx: GpuContext, plan: ModelPlan, dense: LayerValues[], sparsity: number): Promise<LayerValues[]> {
  if (sparsity === 0) return dense;
  const net = Network.create(ctx, plan, { values: dense });
  const topk = await prepareTopk(ctx, net.layers.map((l) => ({ weights: l.w, mask: l.mask, n: l.op.weightCount })), 'global');
  topk.setK([pruneCount(sparsity, plan.params.reduce((t, p) => t + p.weightCount, 0))]);
  const enc = ctx.device.createCommandEncoder({ label: 'bench magnitude masks' });
  const pass = enc.beginComputePass();
  topk.encode(pass);
  pass.end();
  ctx.device.queue.submit([enc.finish()]);
  await topk.readResult();
  topk.release();
  const v = await net.readValues();
  net.destroy();
  return v.map((l) => ({ ...l, w: l.w.map((x, j) => (l.mask[j] ? x : 0)) }));
}

interface Measured {
  frames: FrameLatency;
  throughput: number;
  pred: Uint32Array;
  compileMs?: number;
  gpuMs?: number;
  gpuBytes?: number;
  modelGpuBytes?: number;
  picks?: string[];
  picksBatch256?: string[];
  choices?: LayerChoice[];
}

async function measureGpuPath(net: Network, values: LayerValues[], path: InferencePath, test: ImageDataset, n: number, frames: number): Promise<Measured> {
  const D = 784;
  const frame = await prepareInference(net, { path, batch: 1, values });
  const latency = await measureFrames((i) => frame.infer(test.images.subarray((i % n) * D, (i % n + 1) * D)), { frames });
  const gpuMs = (await timeChain(net.ctx, { kernels: [], encode: (pass) => frame.encode(pass), release: () => undefined })).ms;
  const out: Measured = { frames: latency, throughput: 0, pred: new Uint32Array(0), compileMs: frame.compileMs, gpuMs, gpuBytes: frame.gpuBytes, modelGpuBytes: frame.modelBytes };
  if (frame.choices) {
    out.choices = frame.choices;
    out.picks = frame.choices.map((c) => c.picked);
  }
  frame.destroy();
  const batch = await prepareInference(net, { path, batch: BATCH, values });
  const x = test.images.subarray(0, BATCH * D);
  out.throughput = await measureThroughput(() => batch.run(x), BATCH, 2);
  out.pred = await batch.predict(test.images, n);
  if (batch.choices) out.picksBatch256 = batch.choices.map((c) => c.picked);
  batch.destroy();
  return out;
}

async function measureJs(f: CpuForward, test: ImageDataset, n: number, frames: number): Promise<Measured> {
  const D = 784;
  const latency = await measureFrames(async (i) => f.predict(test.images.subarray((i % n) * D, (i % n + 1) * D), 1)[0], { frames });
  const x = test.images.subarray(0, BATCH * D);
  const throughput = await measureThroughput(async () => f.predict(x, BATCH), BATCH, 1);
  return { frames: latency, throughput, pred: f.predict(test.images.subarray(0, n * D), n) };
}

function bytesFor(path: BenchPath, size: ModelSize, weights: number, picks: string[] | undefined): number {
  if (path === 'dense' || path === 'js-dense' || path === 'structured') return size.denseF32;
  if (path === 'masked') return size.denseF32 + weights;
  if (path === 'sparse' || path === 'js-sparse' || path === 'fused') return size.sparse;
  if (path === 'int8') return size.sparseInt8;
  return size.layers.reduce((t, l, i) => t + (picks?.[i] === 'sparse' ? l.sparse : l.denseF32), 0);
}

export async function benchLatency(ctx: GpuContext, o: LatencyOptions): Promise<{ frames: number; batch: number; entries: LatencyEntry[]; models: LatencyModelReport[] }> {
  const { train: tr, test: fullTest } = await loadMnist(location.origin);
  const frames = Math.max(MIN_FRAMES, o.frames);
  const entries: LatencyEntry[] = [];
  const models: LatencyModelReport[] = [];
  for (const name of o.models) {
    const spec = PRESETS[name]!;
    const plan = planModel(spec);
    const trainSamples = o.trainSamples ?? (name === 'lenet-5' ? 1000 : 3000);
    const s = splitMnist(tr, fullTest, { trainSubset: trainSamples, seed: o.seed, testSubset: 512 });
    const test = s.test;
    const n = test.n;
    const t0 = performance.now();
    const net0 = Network.create(ctx, plan, { seed: o.seed });
    await train(net0, s.train, { epochs: o.epochs, batchSize: 50, optimizer: { type: 'adam', lr: 2e-3 }, seed: o.seed });
    const dense = await net0.readValues();
    net0.destroy();
    log(`latency ${name}: trained ${o.epochs} epoch(s) on ${trainSamples} images in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const weights = plan.params.reduce((t, p) => t + p.weightCount, 0);
    const base = (path: BenchPath, sparsity: number, m: Measured, bytes: number, flops: number, ref?: Uint32Array): LatencyEntry => ({
      model: name, path, sparsity, p50Ms: m.frames.p50, p95Ms: m.frames.p95, throughput: m.throughput, bytes,
      ...(m.gpuBytes !== undefined ? { gpuBytes: m.gpuBytes, modelGpuBytes: m.modelGpuBytes! } : {}),
      firstFrameMs: m.frames.firstFrameMs, ...(m.compileMs !== undefined ? { compileMs: m.compileMs } : {}), ...(m.gpuMs !== undefined ? { gpuMs: m.gpuMs } : {}),
      accuracy: accuracyOf(m.pred, test.labels), ...(ref ? { agreeWithMasked: agreement(m.pred, ref) } : {}), flops,
      ...(m.picks ? { picks: m.picks } : {}), ...(m.picksBatch256 ? { picksBatch256: m.picksBatch256 } : {}),
    });
    const say = (e: LatencyEntry): void => {
      log(`latency ${name} ${e.path} @${(e.sparsity * 100).toFixed(0)}%: p50 ${e.p50Ms.toFixed(2)} ms, p95 ${e.p95Ms.toFixed(2)} ms, ${e.throughput.toFixed(0)} img/s, ${e.bytes} B, acc ${e.accuracy.toFixed(3)}${e.picks ? `, picks ${e.picks.join('/')}` : ''}`);
      entries.push(e);
    };

    // TF.js predict on the dense trained weights.
    const tfm = tfjsModel(plan, dense);
    const tfPred = async (x: Float32Array): Promise<Uint32Array> => {
      const t = tfm.predict(x);
      const d = await t.data();
      t.dispose();
      return Uint32Array.from(d);
    };
    const tfLatency = await measureFrames((i) => tfPred(test.images.subarray((i % n) * 784, (i % n + 1) * 784)), { frames });
    const tfClasses = await tfPred(test.images.subarray(0, n * 784));
    tfm.dispose();
    log(`latency ${name} tfjs predict: p50 ${tfLatency.p50.toFixed(2)} ms, p95 ${tfLatency.p95.toFixed(2)} ms`);

    const sizes: LatencyModelReport['sizes'] = [];
    const chooser: LatencyModelReport['chooser'] = [];
    const curve: Array<{ sparsity: number; sparseMs: number }> = [];
    const fusedCurve: Array<{ sparsity: number; sparseMs: number }> = [];
    const gpuPaths: InferencePath[] = ['sparse', 'int8', 'auto', ...(fusedUnsupported(plan, ctx.device.limits.maxComputeWorkgroupStorageSize) ? [] : ['fused' as const])];
    let denseP50 = 0;
    let denseClasses: Uint32Array = new Uint32Array(0);
    const net = Network.create(ctx, plan, { values: dense });
    const layerCrossover = await chooseLayers(net, { batch: 1, values: dense, calibrate: o.sparsities, seed: o.seed });
    log(`latency ${name} per-layer crossover (B=1): ${layerCrossover.map((c) => `${c.layer} ${c.crossover === null ? 'never' : `${((c.crossover ?? 0) * 100).toFixed(0)}%`}`).join(', ')}`);
    for (const sp of o.sparsities) {
      const values = await magnitudeValues(ctx, plan, dense, sp);
      net.writeValues(values);
      const size = modelSize(plan, values);
      sizes.push({ sparsity: sp, weights: size.weights, nnz: size.nnz, denseF32: size.denseF32, sparse: size.sparse, sparseInt8: size.sparseInt8 });
      // FLOPs per image that skip pruned weights: for sparse layers 2·nnz·uses, for dense ones 2·weights·uses.
      const flopsOf = (sparse: (i: number) => boolean): number =>
        2 * size.layers.reduce((t, l, i) => t + (sparse(i) ? l.nnz : l.weights) * plan.params[i]!.usesPerWeight, 0);
      const flops = flopsOf(() => true);
      const masked = await measureGpuPath(net, values, 'masked', test, n, frames);
      if (sp === 0) {
        const d = await measureGpuPath(net, values, 'dense', test, n, frames);
        denseP50 = d.frames.p50;
        denseClasses = d.pred;
        say({ ...base('dense', 0, d, bytesFor('dense', size, weights, undefined), plan.flopsPerSample, masked.pred), tfjsP50Ms: tfLatency.p50, tfjsP95Ms: tfLatency.p95 });
        const js = await measureJs(new CpuForward(plan, values, false), test, n, frames);
        say(base('js-dense', 0, js, bytesFor('js-dense', size, weights, undefined), plan.flopsPerSample, masked.pred));
      }
      say(base('masked', sp, masked, bytesFor('masked', size, weights, undefined), plan.flopsPerSample, masked.pred));
      for (const path of gpuPaths) {
        const m = await measureGpuPath(net, values, path, test, n, frames);
        if (path === 'sparse') curve.push({ sparsity: sp, sparseMs: m.frames.p50 });
        if (path === 'fused') fusedCurve.push({ sparsity: sp, sparseMs: m.frames.p50 });
        if (m.choices) chooser.push({ sparsity: sp, layers: m.choices });
        say(base(path, sp, m, bytesFor(path, size, weights, m.picks), flopsOf((i) => path !== 'auto' || m.picks?.[i] === 'sparse'), masked.pred));
      }
      const js = await measureJs(new CpuForward(plan, values, true), test, n, frames);
      say(base('js-sparse', sp, js, bytesFor('js-sparse', size, weights, undefined), flops, masked.pred));
    }
    net.destroy();

    // Structured: half of every hidden layer's units (by L1 norm) removed from the dense trained model.
    const keep = keepByNorm(plan, dense, 0.5);
    const shrunk = shrinkNetwork(plan, dense, keep);
    const splan = planModel(shrunk.spec);
    const small = Network.create(ctx, splan, { values: shrunk.values });
    const st = await measureGpuPath(small, shrunk.values, 'dense', test, n, frames);
    small.destroy();
    // Its sparsity: the fraction of the prunable weights that are gone.
    const removed = 1 - splan.params.reduce((t, p) => t + p.weightCount, 0) / weights;
    say({ ...base('structured', removed, st, modelSize(splan, shrunk.values).denseF32, splan.flopsPerSample), unitsRemoved: 0.5 });

    models.push({
      model: name, trainSamples, epochs: o.epochs, testImages: n, sparsities: o.sparsities,
      crossover: crossover(curve, denseP50), ...(fusedCurve.length ? { fusedCrossover: crossover(fusedCurve, denseP50) } : {}), chooser, layerCrossover, sizes,
      structured: {
        keptFraction: 0.5, units: splan.params.map((p) => (p.conv ? p.conv.F : p.out)), flops: splan.flopsPerSample, denseFlops: plan.flopsPerSample,
        params: splan.paramCount, denseParams: plan.paramCount,
      },
      tfjs: { p50Ms: tfLatency.p50, p95Ms: tfLatency.p95, agreeWithDense: agreement(tfClasses, denseClasses) },
    });
  }
  return { frames, batch: BATCH, entries, models };
}
