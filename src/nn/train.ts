// The training loop: seeded epoch order, one command encoder and one submit per
// step, batches written with queue.writeBuffer, and loss/accuracy read back only
// every `readbackEvery` steps through a ring of staging buffers (never a
// mapAsync wait per step). Progress goes out as events; an abort stops at a step
// boundary, so the weights are always those of a whole step.
import { check, checkDim, PruneLabError } from '../errors.js';
import { ReadbackRing } from '../gpu/readback.js';
import { throwIfUncaptured } from '../gpu/device.js';
import { epochPermutation } from '../data/batches.js';
import { gatherRows, rowSize, type ImageDataset } from '../data/dataset.js';
import { Executor } from './executor.js';
import type { Network } from './network.js';
import { learningRate, validateOptimizer, validateSchedule, type LrSchedule, type OptimizerConfig } from './optim.js';

export interface TrainProgress {
  epoch: number;
  epochs: number;
  /** Steps done in this epoch, and in all. */
  step: number;
  stepsPerEpoch: number;
  globalStep: number;
  totalSteps: number;
  /** Mean loss and accuracy over this epoch's steps so far (as of the last readback). */
  loss: number;
  accuracy: number;
  lr: number;
  samplesPerSec: number;
  /** Estimated milliseconds left in this training call. */
  etaMs: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  schedule?: LrSchedule;
  seed: number;
  /** Read loss/accuracy back every this many steps (default 25). */
  readbackEvery?: number;
  /** Epoch index to start from (for the seeded order of a resumed run). */
  startEpoch?: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /**
   * Called after each step is encoded and submitted, with the global step (1-based);
   * gradual pruning hooks in here. It may submit GPU work of its own.
   */
  afterStep?: (globalStep: number) => void | Promise<void>;
  /**
   * Recorded inside each training step, after the backward pass and before the
   * optimizer (this step's dW complete, W not yet updated), with the step's lr.
   */
  beforeOptimizer?: (pass: GPUComputePassEncoder, lr: number) => void;
  /** Called after each whole epoch (validation runs here); may submit GPU work. */
  onEpochEnd?: (epoch: number, stats: { loss: number; accuracy: number }) => void | Promise<void>;
}

export interface TrainResult {
  aborted: boolean;
  steps: number;
  epochs: Array<{ epoch: number; loss: number; accuracy: number }>;
  timeMs: number;
  samplesPerSec: number;
}

export function validateTrainOptions(o: TrainOptions, n: number): void {
  check(Number.isInteger(o.epochs) && o.epochs >= 0 && o.epochs <= 10000, 'epochs', 'an integer in [0, 10000]', o.epochs);
  checkDim(o.batchSize, 'batchSize');
  check(o.batchSize <= n, 'batchSize', `at most the ${n} training samples`, o.batchSize);
  validateOptimizer(o.optimizer);
  if (o.schedule) validateSchedule(o.schedule);
  check(Number.isInteger(o.seed), 'seed', 'an integer', o.seed);
  if (o.readbackEvery !== undefined) checkDim(o.readbackEvery, 'readbackEvery');
}

interface Pending {
  slot: number;
  epoch: number;
  steps: number;
  read: Promise<ArrayBuffer>;
}

/** Trains `net` on `data`; the last partial batch of each epoch is dropped. */
export async function train(net: Network, data: ImageDataset, o: TrainOptions): Promise<TrainResult> {
  validateTrainOptions(o, data.n);
  check(data.numClasses <= net.plan.classes, 'data.numClasses', `at most the model's ${net.plan.classes} classes`, data.numClasses);
  const D = rowSize(data.shape);
  const inp = net.plan.input;
  check(D === inp.C * inp.H * inp.W, 'data.shape', `${inp.C}×${inp.H}×${inp.W} as the model's input`, `${data.shape.C}×${data.shape.H}×${data.shape.W}`);
  const B = o.batchSize;
  const schedule = o.schedule ?? { type: 'constant' };
  const every = o.readbackEvery ?? 25;
  const stepsPerEpoch = Math.floor(data.n / B);
  const totalSteps = stepsPerEpoch * o.epochs;
  const startEpoch = o.startEpoch ?? 0;
  const device = net.ctx.device;
  const ex = await Executor.create(net, B, 'train', o.optimizer);
  // [loss sum] and [correct, confusion…] travel in one staging copy each.
  const lossRing = new ReadbackRing(device, 'train loss', 4, 4);
  const countRing = new ReadbackRing(device, 'train correct', 4, 4);
  const batch = { images: new Float32Array(B * D), labels: new Uint8Array(B) };
  const labels32 = new Uint32Array(B);
  const pending: Pending[] = [];
  const epochs: TrainResult['epochs'] = [];
  const t0 = performance.now();
  let globalStep = 0;
  let aborted = false;
  let last = { loss: NaN, accuracy: NaN };

  const report = (epoch: number, step: number, lr: number): void => {
    const ms = performance.now() - t0;
    const sps = (globalStep * B) / (ms / 1000);
    o.onProgress?.({
      epoch, epochs: o.epochs, step, stepsPerEpoch, globalStep, totalSteps, loss: last.loss, accuracy: last.accuracy, lr,
      samplesPerSec: sps, etaMs: globalStep > 0 ? ((totalSteps - globalStep) * ms) / globalStep : NaN,
    });
  };
  const settle = async (p: Pending): Promise<void> => {
    const [lossBuf, countBuf] = await Promise.all([p.read, countRing.read(p.slot)]);
    // Work up to this readback is done: a validation error on it would make every figure wrong.
    throwIfUncaptured(device);
    last = { loss: new Float32Array(lossBuf)[0]! / (p.steps * B), accuracy: new Uint32Array(countBuf)[0]! / (p.steps * B) };
  };
  const drain = async (): Promise<void> => {
    while (pending.length) await settle(pending.shift()!);
  };

  try {
    for (let e = startEpoch; e < startEpoch + o.epochs && !aborted; e++) {
      const order = epochPermutation(data.n, o.seed, e);
      ex.resetCounters();
      let lr = o.optimizer.lr;
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (o.signal?.aborted) {
          aborted = true;
          break;
        }
        gatherRows(data, order.subarray(s * B, (s + 1) * B), batch);
        for (let i = 0; i < B; i++) labels32[i] = batch.labels[i]!;
        ex.writeBatch(batch.images, labels32, B);
        lr = learningRate(o.optimizer.lr, schedule, globalStep, totalSteps, stepsPerEpoch);
        const enc = device.createCommandEncoder({ label: `train step ${globalStep}` });
        const pass = enc.beginComputePass({ label: `train step ${globalStep}` });
        const hook = o.beforeOptimizer;
        ex.encodeTrainStep(pass, lr, hook ? (p) => hook(p, lr) : undefined);
        pass.end();
        const sample = (s + 1) % every === 0 || s === stepsPerEpoch - 1;
        let slot = -1;
        if (sample) {
          // Throttle: at most the ring's depth of readbacks in flight.
          while (pending.length >= 3) await settle(pending.shift()!);
          slot = lossRing.copy(enc, ex.lossSum);
          countRing.copy(enc, ex.counts);
        }
        device.queue.submit([enc.finish()]);
        globalStep++;
        if (slot >= 0) {
          pending.push({ slot, epoch: e, steps: s + 1, read: lossRing.read(slot) });
          report(e, s + 1, lr);
        }
        await o.afterStep?.(globalStep);
      }
      await drain();
      if (!aborted) {
        epochs.push({ epoch: e, ...last });
        report(e, stepsPerEpoch, lr);
        await o.onEpochEnd?.(e, last);
      }
    }
    await drain();
  } finally {
    // Stopped by an error with readbacks in flight: destroying their buffers rejects them, and nobody awaits them now.
    for (const p of pending) p.read.catch(() => undefined);
    ex.destroy();
    lossRing.destroy();
    countRing.destroy();
  }
  const timeMs = performance.now() - t0;
  return { aborted, steps: globalStep, epochs, timeMs, samplesPerSec: (globalStep * B) / (timeMs / 1000) };
}

/** Thrown by callers that treat an abort as an error. */
export function abortedError(): PruneLabError {
  return new PruneLabError('aborted', 'the run was aborted');
}
