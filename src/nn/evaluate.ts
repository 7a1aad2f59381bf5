// Evaluation in large batches: predictions are counted on the GPU (correct count
// and confusion matrix), and only those few words are read back at the end.
import { readBuffer } from '../gpu/readback.js';
import { throwIfUncaptured } from '../gpu/device.js';
import { checkDim } from '../errors.js';
import { rowSize, type ImageDataset } from '../data/dataset.js';
import { classificationMetrics, type ClassificationMetrics } from '../metrics/classification.js';
import { argmaxCountWords } from '../kernels/argmax.js';
import { Executor } from './executor.js';
import type { Network } from './network.js';

export interface Evaluation extends ClassificationMetrics {
  n: number;
  /** classes × classes, row = true class, column = predicted. */
  confusion: number[];
}

const executors = new WeakMap<Network, Map<number, Executor>>();

/** An inference executor of this batch size, made once per network and reused. */
export async function inferExecutor(net: Network, batch: number): Promise<Executor> {
  let byBatch = executors.get(net);
  if (!byBatch) executors.set(net, (byBatch = new Map()));
  let ex = byBatch.get(batch);
  if (!ex) {
    ex = await Executor.create(net, batch, 'infer');
    byBatch.set(batch, ex);
  }
  return ex;
}

/** Releases the executors `inferExecutor` made for `net`. */
export function releaseExecutors(net: Network): void {
  for (const ex of executors.get(net)?.values() ?? []) ex.destroy();
  executors.delete(net);
}

/**
 * Streams `data` through an inference executor in batches of at most `batch`,
 * counting predictions on the GPU; `after` runs once per submitted batch.
 */
async function eachBatch(net: Network, data: ImageDataset, batch: number, after: (ex: Executor, start: number, rows: number) => Promise<void> | void): Promise<Executor> {
  checkDim(batch, 'batch');
  const B = Math.min(batch, data.n);
  const ex = await inferExecutor(net, B);
  const D = rowSize(data.shape);
  const device = net.ctx.device;
  ex.resetCounters();
  const labels = new Uint32Array(B);
  for (let start = 0; start < data.n; start += B) {
    const rows = Math.min(B, data.n - start);
    for (let i = 0; i < rows; i++) labels[i] = data.labels[start + i]!;
    ex.writeBatch(data.images.subarray(start * D, (start + rows) * D), labels, rows);
    const enc = device.createCommandEncoder({ label: `inference rows ${start}` });
    const pass = enc.beginComputePass({ label: 'inference' });
    ex.encodeEval(pass, rows);
    pass.end();
    device.queue.submit([enc.finish()]);
    await after(ex, start, rows);
  }
  return ex;
}

/** Accuracy, per-class precision/recall/F1 and the confusion matrix; only the counts are read back. */
export async function evaluate(net: Network, data: ImageDataset, batch = 500): Promise<Evaluation> {
  const ex = await eachBatch(net, data, batch, () => undefined);
  const C = net.plan.classes;
  const counts = new Uint32Array(await readBuffer(net.ctx.device, ex.counts, argmaxCountWords(C) * 4));
  throwIfUncaptured(net.ctx.device);
  const confusion = Array.from(counts.subarray(1));
  return { n: data.n, confusion, ...classificationMetrics(confusion, C) };
}

/** Predicted class of each row. */
export async function predict(net: Network, data: ImageDataset, batch = 500): Promise<Uint32Array> {
  const out = new Uint32Array(data.n);
  await eachBatch(net, data, batch, async (ex, start, rows) => {
    out.set(new Uint32Array(await readBuffer(net.ctx.device, ex.pred, rows * 4)), start);
  });
  return out;
}
