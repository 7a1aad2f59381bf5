// Training: throughput of LeNet-300-100 at batch 128 (ours vs a TF.js WebGPU loop with
// the same model, init, optimizer and batches), and full accuracy runs on MNIST.
import type { GpuContext } from '../src/gpu/context.js';
import { loadMnist, splitMnist } from '../src/data/mnist.js';
import { sliceDataset } from '../src/data/dataset.js';
import { planModel, PRESETS } from '../src/nn/spec.js';
import { Network } from '../src/nn/network.js';
import { train } from '../src/nn/train.js';
import { evaluate, releaseExecutors } from '../src/nn/evaluate.js';
import type { OptimizerConfig, LrSchedule } from '../src/nn/optim.js';
import { nudgeLatePolls, pollsLate } from '../src/gpu/completion.js';
import { log } from './util.js';
import { tfjsTrain } from './training.js';

export interface TrainThroughputRow {
  model: string;
  batch: number;
  steps: number;
  oursSamplesPerSec: number;
  /** Where the device polls late (Firefox's wgpu): ours with the nudges off, waiting on the browser's own 100 ms poll. */
  oursUnnudgedSamplesPerSec: number | null;
  tfjsSamplesPerSec: number;
  ratio: number;
}

export async function benchTrainThroughput(ctx: GpuContext, steps: number): Promise<TrainThroughputRow> {
  const { train: tr, test } = await loadMnist(location.origin);
  const B = 128;
  const data = sliceDataset(splitMnist(tr, test).train, 0, B * (steps + 2));
  const plan = planModel(PRESETS['lenet-300-100']);
  const optimizer: OptimizerConfig = { type: 'sgd', lr: 0.05, momentum: 0.9 };
  // Warm-up: compiles every pipeline once.
  const warm = Network.create(ctx, plan, { seed: 1 });
  await train(warm, sliceDataset(data, 0, 2 * B), { epochs: 1, batchSize: B, optimizer, seed: 1 });
  warm.destroy();
  const ours = async (): Promise<number> => {
    const net = Network.create(ctx, plan, { seed: 1 });
    const res = await train(net, sliceDataset(data, 0, B * steps), { epochs: 1, batchSize: B, optimizer, seed: 1, readbackEvery: 25 });
    net.destroy();
    return res.samplesPerSec;
  };
  const oursSps = await ours();
  let unnudged: number | null = null;
  if (pollsLate(ctx.device)) {
    nudgeLatePolls(false);
    try {
      unnudged = await ours();
    } finally {
      nudgeLatePolls(true);
    }
  }
  const tfjs = await tfjsTrain(plan, data, steps, 1, B);
  const row = { model: 'lenet-300-100', batch: B, steps, oursSamplesPerSec: oursSps, oursUnnudgedSamplesPerSec: unnudged, tfjsSamplesPerSec: tfjs, ratio: oursSps / tfjs };
  log(`train lenet-300-100 B=128: ours ${row.oursSamplesPerSec.toFixed(0)} samples/s${unnudged === null ? '' : ` (${unnudged.toFixed(0)} without the late-poll nudges)`}, tfjs ${tfjs.toFixed(0)} samples/s (${row.ratio.toFixed(2)}×)`);
  return row;
}

export interface AccuracyRun {
  model: string;
  epochs: number;
  batch: number;
  optimizer: OptimizerConfig;
  schedule: LrSchedule;
  seed: number;
  trainSamples: number;
  testAccuracy: number;
  testMacroF1: number;
  validationAccuracy: number;
  perEpoch: Array<{ epoch: number; loss: number; trainAccuracy: number; validationAccuracy: number }>;
  timeMs: number;
}

export async function benchAccuracy(ctx: GpuContext, o: { model: string; epochs: number; trainSamples?: number; seed: number }): Promise<AccuracyRun> {
  const { train: tr, test } = await loadMnist(location.origin);
  const s = splitMnist(tr, test, { ...(o.trainSamples ? { trainSubset: o.trainSamples } : {}), seed: o.seed });
  const spec = PRESETS[o.model]!;
  const net = Network.create(ctx, planModel(spec), { seed: o.seed });
  const optimizer: OptimizerConfig = { type: 'adam', lr: 1e-3 };
  const schedule: LrSchedule = { type: 'cosine', minLr: 1e-5 };
  const batch = 128;
  const perEpoch: AccuracyRun['perEpoch'] = [];
  const t0 = performance.now();
  await train(net, s.train, {
    epochs: o.epochs, batchSize: batch, optimizer, schedule, seed: o.seed, readbackEvery: 50,
    onEpochEnd: async (e, stats) => {
      const val = await evaluate(net, s.validation);
      perEpoch.push({ epoch: e, loss: stats.loss, trainAccuracy: stats.accuracy, validationAccuracy: val.accuracy });
      log(`accuracy ${o.model} epoch ${e + 1}/${o.epochs}: loss ${stats.loss.toFixed(4)}, train ${stats.accuracy.toFixed(4)}, val ${val.accuracy.toFixed(4)}, ${((performance.now() - t0) / 60000).toFixed(1)} min`);
    },
  });
  const testEval = await evaluate(net, s.test);
  const val = await evaluate(net, s.validation);
  releaseExecutors(net);
  net.destroy();
  const run = {
    model: o.model, epochs: o.epochs, batch, optimizer, schedule, seed: o.seed, trainSamples: s.train.n,
    testAccuracy: testEval.accuracy, testMacroF1: testEval.macroF1, validationAccuracy: val.accuracy, perEpoch, timeMs: performance.now() - t0,
  };
  log(`accuracy ${o.model}: test ${run.testAccuracy.toFixed(4)} (macro-F1 ${run.testMacroF1.toFixed(4)}) after ${o.epochs} epochs on ${run.trainSamples} samples in ${(run.timeMs / 60000).toFixed(1)} min`);
  return run;
}
