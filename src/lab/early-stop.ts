// Early stopping's record (issue #17, Frankle & Carbin's measure): during a training,
// every N steps, the validation split's mean cross-entropy and accuracy; the iteration
// of the loss minimum; and the evaluated split's accuracy with the weights of that
// iteration. The logits come back to the CPU one batch at a time (a few KB each) and the
// loss is taken there in f64, never inside the training step's encoder. Recording only:
// the training still runs its whole budget.
import { readBuffer } from '../gpu/readback.js';
import { throwIfUncaptured } from '../gpu/device.js';
import { rowSize, type ImageDataset } from '../data/dataset.js';
import { evaluate, inferExecutor } from '../nn/evaluate.js';
import type { LayerValues, Network } from '../nn/network.js';

export interface EarlyStopPoint {
  /** Training steps done in this training (0: before the first step). */
  iteration: number;
  valLoss: number;
  valAccuracy: number;
}

export interface EarlyStopRecord {
  /** Steps between two points of the curve (the last point is the training's end). */
  every: number;
  curve: EarlyStopPoint[];
  /** The point of least validation loss (the first, on a tie): the early-stopping iteration. */
  iteration: number;
  valLoss: number;
  valAccuracy: number;
  /** Accuracy on the run's evaluated split (evaluateOn) with the weights of that iteration. */
  accuracyAtMin: number;
  evaluatedOn: 'test' | 'validation';
}

/** Mean cross-entropy (natural log) and accuracy of `net` on `data`, from the logits read back per batch. */
export async function lossAndAccuracy(net: Network, data: ImageDataset, batch: number): Promise<{ loss: number; accuracy: number }> {
  const B = Math.min(batch, data.n);
  const ex = await inferExecutor(net, B);
  const D = rowSize(data.shape);
  const C = net.plan.classes;
  const device = net.ctx.device;
  const labels = new Uint32Array(B);
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < data.n; start += B) {
    const rows = Math.min(B, data.n - start);
    for (let i = 0; i < rows; i++) labels[i] = data.labels[start + i]!;
    ex.writeBatch(data.images.subarray(start * D, (start + rows) * D), labels, rows);
    const enc = device.createCommandEncoder({ label: `validation loss rows ${start}` });
    const pass = enc.beginComputePass({ label: 'validation loss' });
    ex.encodeEval(pass, rows);
    pass.end();
    device.queue.submit([enc.finish()]);
    const z = new Float32Array(await readBuffer(device, ex.logits, rows * C * 4));
    for (let i = 0; i < rows; i++) {
      const row = z.subarray(i * C, (i + 1) * C);
      let max = -Infinity;
      let arg = 0;
      for (let c = 0; c < C; c++) if (row[c]! > max) [max, arg] = [row[c]!, c];
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(row[c]! - max);
      loss += Math.log(sum) + max - row[labels[i]!]!;
      if (arg === labels[i]) correct++;
    }
  }
  throwIfUncaptured(device);
  return { loss: loss / data.n, accuracy: correct / data.n };
}

/** Index of the least loss in the curve (the first on a tie). */
export function argminLoss(curve: readonly EarlyStopPoint[]): number {
  let best = 0;
  curve.forEach((p, i) => {
    if (p.valLoss < curve[best]!.valLoss) best = i;
  });
  return best;
}

/**
 * One training's recorder: `check(step)` after each step (a point every `every` steps),
 * `finish(steps, evalSet)` at the end. The weights of the best point so far are read
 * back when it is found, so that the accuracy at the minimum needs no second training.
 */
export class EarlyStopRecorder {
  private readonly curve: EarlyStopPoint[] = [];
  private best: LayerValues[] | undefined;

  constructor(private readonly net: Network, private readonly validation: ImageDataset, readonly every: number, private readonly batch: number) {}

  /** The point before training (iteration 0). */
  async start(): Promise<void> {
    await this.point(0);
  }

  async check(step: number): Promise<void> {
    if (step % this.every === 0) await this.point(step);
  }

  private async point(iteration: number): Promise<void> {
    const r = await lossAndAccuracy(this.net, this.validation, this.batch);
    const last = this.curve.length ? this.curve[argminLoss(this.curve)]!.valLoss : Infinity;
    this.curve.push({ iteration, valLoss: r.loss, valAccuracy: r.accuracy });
    if (r.loss < last) this.best = await this.net.readValues();
  }

  /** Adds the end point (if it is not one already) and evaluates the best point's weights on `evalSet`; the network is left as it was. */
  async finish(steps: number, evalSet: ImageDataset, evaluatedOn: 'test' | 'validation'): Promise<EarlyStopRecord> {
    if (this.curve.at(-1)?.iteration !== steps) await this.point(steps);
    const i = argminLoss(this.curve);
    const min = this.curve[i]!;
    let accuracyAtMin: number;
    if (i === this.curve.length - 1) {
      accuracyAtMin = (await evaluate(this.net, evalSet, this.batch)).accuracy;
    } else {
      const now = await this.net.readValues();
      this.net.writeValues(this.best!);
      accuracyAtMin = (await evaluate(this.net, evalSet, this.batch)).accuracy;
      this.net.writeValues(now);
    }
    this.best = undefined;
    return { every: this.every, curve: this.curve, iteration: min.iteration, valLoss: min.valLoss, valAccuracy: min.valAccuracy, accuracyAtMin, evaluatedOn };
  }
}
