// Training throughput of LeNet-5 (and LeNet-300-100) at batch 128: ours on each conv
// path (direct kernels, im2col + matmul) beside a TF.js WebGPU loop training the same
// layers from the same init with the same optimizer (SGD momentum 0.9) and batches,
// on the same adapter in this page; warm-up steps excluded. Also a per-kernel profile
// of one of our LeNet-5 steps on each path (wall-clock per dispatch, so it includes
// the load on this machine).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { GpuContext } from '../src/gpu/context.js';
import { queueDone } from '../src/gpu/completion.js';
import { loadMnist, splitMnist } from '../src/data/mnist.js';
import { gatherRows, sliceDataset, type ImageDataset } from '../src/data/dataset.js';
import { epochPermutation } from '../src/data/batches.js';
import { planModel, PRESETS, type ModelPlan } from '../src/nn/spec.js';
import { Network, initialValues, type ConvPath } from '../src/nn/network.js';
import { Executor } from '../src/nn/executor.js';
import { train } from '../src/nn/train.js';
import type { OptimizerConfig } from '../src/nn/optim.js';
import { log } from './util.js';

export interface TrainingRow {
  model: string;
  batch: number;
  steps: number;
  /** samples/s per conv path ('direct', 'im2col'); one entry ('auto') for a model without convs. */
  ours: Record<string, number>;
  /** null with --no-tfjs. */
  tfjs: number | null;
  /** Our fastest path over TF.js. */
  ratio: number | null;
}

export interface ProfileRow {
  model: string;
  path: 'direct' | 'im2col';
  /** ms per dispatch, by kernel label, in step order. */
  kernels: Array<{ label: string; ms: number }>;
  totalMs: number;
}

export interface TrainingBench {
  rows: TrainingRow[];
  profile: ProfileRow[];
}

const BATCH = 128;
const B = BATCH;
const LR = 0.05;
const OPTIMIZER: OptimizerConfig = { type: 'sgd', lr: LR, momentum: 0.9 };

/**
 * samples/s of a TF.js training loop over the plan's layers (NHWC, filters HWIO) from
 * our seeded init, batch B, SGD momentum 0.9 at lr 0.05; two warm-up steps first.
 */
export async function tfjsTrain(plan: ModelPlan, data: ImageDataset, steps: number, seed: number, B = BATCH): Promise<number> {
  const init = initialValues(plan, seed);
  const vars: tf.Variable[] = [];
  const weightOf = new Map<string, { w: tf.Variable; b: tf.Variable }>();
  plan.params.forEach((op, i) => {
    const v = init[i]!;
    let w: tf.Tensor;
    if (op.conv) {
      // Ours F×C×k×k → TF.js k×k×C×F.
      w = tf.transpose(tf.tensor4d(v.w, [op.conv.F, op.conv.C, op.conv.k, op.conv.k]), [2, 3, 1, 0]);
    } else {
      w = tf.tensor2d(v.w, [op.in, op.out]);
    }
    const pair = { w: tf.variable(w), b: tf.variable(tf.zeros([op.biasCount])) };
    w.dispose();
    weightOf.set(op.name, pair);
    vars.push(pair.w, pair.b);
  });
  const { C, H, W } = plan.input;
  const D = C * H * W;
  const opt = tf.train.momentum(LR, 0.9);
  const order = epochPermutation(data.n, seed, 0);
  const batch = { images: new Float32Array(B * D), labels: new Uint8Array(B) };
  const step = (s: number): tf.Scalar => {
    gatherRows(data, order.subarray(s * B, (s + 1) * B), batch);
    const x = tf.tidy(() => tf.transpose(tf.tensor4d(batch.images, [B, C, H, W]), [0, 2, 3, 1]));
    const y = tf.oneHot(tf.tensor1d(Int32Array.from(batch.labels), 'int32'), plan.classes);
    const loss = opt.minimize(() => {
      let h: tf.Tensor = x;
      for (const op of plan.ops) {
        if (op.kind === 'conv2d') {
          const p = weightOf.get(op.name)!;
          const [t, l, b, r] = op.conv!.pads;
          h = tf.add(tf.conv2d(h as tf.Tensor4D, p.w as tf.Tensor4D, op.conv!.stride, [[0, 0], [t, b], [l, r], [0, 0]]), p.b);
          if (op.relu) h = tf.relu(h);
        } else if (op.kind === 'maxpool2d') {
          h = tf.maxPool(h as tf.Tensor4D, op.size, op.stride, 'valid');
        } else if (op.kind === 'linear') {
          const p = weightOf.get(op.name)!;
          // NHWC flattening: the same function as ours up to a fixed permutation of fc1's rows.
          if (h.rank !== 2) h = tf.reshape(h, [B, -1]);
          h = tf.add(tf.matMul(h as tf.Tensor2D, p.w as tf.Tensor2D), p.b);
          if (op.relu) h = tf.relu(h);
        } else if (op.kind === 'relu') {
          h = tf.relu(h);
        } else {
          throw new Error(`bench training: no TF.js twin for ${op.kind}`);
        }
      }
      return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
    }, true)!;
    x.dispose();
    y.dispose();
    return loss;
  };
  // Warm-up: two steps (shader compilation, first allocations).
  for (let s = 0; s < 2; s++) {
    const l = step(s);
    await l.data();
    l.dispose();
  }
  const t0 = performance.now();
  let last: tf.Scalar | undefined;
  for (let s = 2; s < steps + 2; s++) {
    last?.dispose();
    last = step(s);
  }
  await last!.data();
  const ms = performance.now() - t0;
  last!.dispose();
  for (const v of vars) v.dispose();
  opt.dispose();
  return (steps * B) / (ms / 1000);
}

async function oursTrain(ctx: GpuContext, plan: ModelPlan, data: ImageDataset, steps: number, path: ConvPath): Promise<number> {
  // Warm-up: one step compiles every pipeline of this path.
  const warm = Network.create(ctx, plan, { seed: 1 });
  warm.convPath = path;
  await train(warm, sliceDataset(data, 0, B), { epochs: 1, batchSize: B, optimizer: OPTIMIZER, seed: 1 });
  warm.destroy();
  const net = Network.create(ctx, plan, { seed: 1 });
  net.convPath = path;
  const res = await train(net, sliceDataset(data, 0, B * steps), { epochs: 1, batchSize: B, optimizer: OPTIMIZER, seed: 1, readbackEvery: 25 });
  net.destroy();
  return res.samplesPerSec;
}

/** Wall-clock per dispatch of each kernel of one training step (`reps` dispatches, one submit per kernel). */
async function profileStep(ctx: GpuContext, plan: ModelPlan, data: ImageDataset, path: 'direct' | 'im2col', reps: number): Promise<ProfileRow> {
  const net = Network.create(ctx, plan, { seed: 1 });
  net.convPath = path;
  const ex = await Executor.create(net, B, 'train', OPTIMIZER);
  const batch = { images: new Float32Array(B * data.shape.C * data.shape.H * data.shape.W), labels: new Uint8Array(B) };
  gatherRows(data, epochPermutation(data.n, 1, 0).subarray(0, B), batch);
  ex.writeBatch(batch.images, Uint32Array.from(batch.labels), B);
  const kernels: ProfileRow['kernels'] = [];
  const device = ctx.device;
  for (const k of ex.stepKernels) {
    const enc = device.createCommandEncoder({ label: `profile ${k.label}` });
    const pass = enc.beginComputePass({ label: `profile ${k.label}` });
    k.encode(pass); // Warm (first dispatch of a pipeline).
    pass.end();
    device.queue.submit([enc.finish()]);
    await queueDone(device);
    const t0 = performance.now();
    const enc2 = device.createCommandEncoder({ label: `profile ${k.label}` });
    const pass2 = enc2.beginComputePass({ label: `profile ${k.label}` });
    for (let r = 0; r < reps; r++) k.encode(pass2);
    pass2.end();
    device.queue.submit([enc2.finish()]);
    await queueDone(device);
    kernels.push({ label: k.label, ms: (performance.now() - t0) / reps });
  }
  ex.destroy();
  net.destroy();
  return { model: plan.name, path, kernels, totalMs: kernels.reduce((t, k) => t + k.ms, 0) };
}

export async function benchTraining(ctx: GpuContext, o: { steps?: number; profile: boolean; model?: string; tfjs: boolean }): Promise<TrainingBench> {
  const { train: tr, test } = await loadMnist(location.origin);
  const all = splitMnist(tr, test).train;
  const rows: TrainingRow[] = [];
  const profile: ProfileRow[] = [];
  for (const [model, defSteps] of [['lenet-5', 5], ['lenet-300-100', 20]] as const) {
    if (o.model !== undefined && o.model !== model) continue;
    const steps = o.steps ?? defSteps;
    const plan = planModel(PRESETS[model]);
    // Warm-up steps come from the same subset (ours: 1, TF.js: 2).
    const data = sliceDataset(all, 0, B * (steps + 2));
    const hasConv = plan.ops.some((op) => op.kind === 'conv2d');
    const ours: Record<string, number> = {};
    for (const path of hasConv ? (['direct', 'im2col'] as const) : (['auto'] as const)) {
      ours[path] = await oursTrain(ctx, plan, data, steps, path);
      log(`training ${model} B=${B} ours (${path}): ${ours[path]!.toFixed(1)} samples/s`);
    }
    const tfjs = o.tfjs ? await tfjsTrain(plan, data, steps, 1) : null;
    const best = Math.max(...Object.values(ours));
    rows.push({ model, batch: B, steps, ours, tfjs, ratio: tfjs === null ? null : best / tfjs });
    if (tfjs !== null) log(`training ${model} B=${B} tfjs: ${tfjs.toFixed(1)} samples/s; ours best / tfjs ${(best / tfjs).toFixed(2)}×`);
    if (o.profile && hasConv) {
      for (const path of ['direct', 'im2col'] as const) profile.push(await profileStep(ctx, plan, data, path, 2));
    }
  }
  return { rows, profile };
}
