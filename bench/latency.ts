// Frame latency of pruned models on this page's adapter: LeNet-300-100 and LeNet-5,
// trained briefly here, then src/infer/bench.ts (global magnitude masks at each
// sparsity of a grid, every inference path, the structurally shrunk model, the
// plain-JS floor), TF.js WebGPU `predict` with the same weights, and ONNX Runtime Web
// (wasm and webgpu providers) on the exported dense and shrunk models (bench/ort.ts).
// A frame is one MNIST test image to a class on the CPU; p50/p95 over ≥ 200 frames
// after a warm-up, the first frame apart; throughput at batch 256.
import * as tf from '@tensorflow/tfjs-core';
import type { GpuContext } from '../src/gpu/context.js';
import { loadMnist, splitMnist } from '../src/data/mnist.js';
import { planModel, PRESETS, type ModelPlan } from '../src/nn/spec.js';
import { Network, type LayerValues } from '../src/nn/network.js';
import { train } from '../src/nn/train.js';
import { measureFrames, MIN_FRAMES } from '../src/metrics/latency.js';
import { agreement } from '../src/infer/compare.js';
import { benchModelLatency, BENCH_BATCH, type LatencyReport } from '../src/infer/bench.js';
import { shrinkNetwork, keepByNorm } from '../src/infer/shrink.js';
import { benchOrt } from './ort.js';
import { log } from './util.js';

export interface LatencyOptions {
  models: string[];
  sparsities: number[];
  frames: number;
  trainSamples?: number;
  epochs: number;
  seed: number;
}

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
          const [t, l, b, r] = op.conv!.pads;
          h = tf.add(tf.conv2d(h as tf.Tensor4D, v.w as tf.Tensor4D, op.conv!.stride, [[0, 0], [t, b], [l, r], [0, 0]]), v.b);
          if (op.relu) h = tf.relu(h);
        } else if (op.kind === 'maxpool2d') {
          h = tf.maxPool(h as tf.Tensor4D, op.size, op.stride, 'valid');
        } else if (op.kind === 'avgpool2d') {
          h = tf.avgPool(h as tf.Tensor4D, op.size, op.stride, 'valid');
        } else if (op.kind === 'relu') {
          h = tf.relu(h);
        } else if (op.kind === 'linear') {
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

export async function benchLatency(ctx: GpuContext, o: LatencyOptions): Promise<LatencyReport> {
  const { train: tr, test: fullTest } = await loadMnist(location.origin);
  const frames = Math.max(MIN_FRAMES, o.frames);
  const out: LatencyReport = { frames, batch: BENCH_BATCH, entries: [], models: [] };
  for (const name of o.models) {
    const plan = planModel(PRESETS[name]!);
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

    const r = await benchModelLatency(ctx, name, plan, dense, test, { sparsities: o.sparsities, frames, seed: o.seed, trainSamples, epochs: o.epochs, log });
    const d = r.entries.find((e) => e.path === 'dense')!;
    d.tfjsP50Ms = tfLatency.p50;
    d.tfjsP95Ms = tfLatency.p95;
    r.report.tfjs = { p50Ms: tfLatency.p50, p95Ms: tfLatency.p95, agreeWithDense: agreement(tfClasses, r.denseClasses) };
    // ORT-web on the exported dense model and on the exported shrunk one (ours 'structured': 50% of hidden units by L1).
    const shrunk = shrinkNetwork(plan, dense, keepByNorm(plan, dense, 0.5));
    r.report.ort = await benchOrt([{ model: 'dense', spec: plan.spec, values: dense }, { model: 'shrunk', ...shrunk }], test, frames, r.denseClasses);
    out.entries.push(...r.entries);
    out.models.push(r.report);
  }
  return out;
}
