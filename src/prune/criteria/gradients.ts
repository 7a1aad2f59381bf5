// Gradients over the calibration batches, for the criteria that score w·∂L/∂w
// (Taylor, SNIP): forward + backward with the training executor (no optimizer, so
// nothing changes in the network), in consecutive batches of B = min(batchSize, n)
// rows of the calibration set (floor(n/B) batches; a last partial batch is left out),
// each gradient that of the batch's mean cross-entropy loss. After each batch's
// backward pass one kernel per layer folds its dW into the accumulator:
//   'signed': acc += w ⊙ dW          (Taylor: the sum over batches, |·| taken at the end)
//   'abs':    acc += |w ⊙ dW|        (SNIP: per-batch magnitudes)
// Batches go in with queue.writeBuffer and one submit each: no readback, no stall.
// Masked weights have w = 0 and a masked dW = 0, so they accumulate 0.
import { check } from '../../errors.js';
import { rowSize } from '../../data/dataset.js';
import { Executor } from '../../nn/executor.js';
import { prepareScoreOp } from '../../kernels/score-elementwise.js';
import type { BoundKernel } from '../../kernels/kernel.js';
import type { ScoreInput } from './criterion.js';

export interface GradientRun {
  /** Batches run, and the samples in them. */
  batches: number;
  samples: number;
  batchSize: number;
}

/** The batches `calibrationGradients` runs for n samples at batchSize. */
export function calibrationBatches(n: number, batchSize: number): GradientRun {
  check(Number.isInteger(n) && n >= 1, 'calibration.samples', 'an integer ≥ 1', n);
  check(Number.isInteger(batchSize) && batchSize >= 1, 'calibration.batchSize', 'an integer ≥ 1', batchSize);
  const B = Math.min(batchSize, n);
  const batches = Math.floor(n / B);
  return { batches, samples: batches * B, batchSize: B };
}

/** Accumulates w⊙dW (or |w⊙dW|) over the calibration batches into acc[j] (cleared first). */
export async function calibrationGradients(input: ScoreInput, acc: readonly GPUBuffer[], mode: 'signed' | 'abs'): Promise<GradientRun> {
  const { ctx, net } = input;
  const data = input.calibration;
  check(data !== undefined && data.n >= 1, 'calibration', 'a calibration dataset of at least 1 sample', data?.n);
  const inp = net.plan.input;
  const D = rowSize(data.shape);
  check(D === inp.C * inp.H * inp.W, 'calibration.shape', `${inp.C}×${inp.H}×${inp.W} as the model's input`, `${data.shape.C}×${data.shape.H}×${data.shape.W}`);
  check(data.numClasses <= net.plan.classes, 'calibration.numClasses', `at most the model's ${net.plan.classes} classes`, data.numClasses);
  const run = calibrationBatches(data.n, input.batchSize);
  const B = run.batchSize;
  const ex = await Executor.create(net, B, 'train');
  const kernels: BoundKernel[] = [];
  try {
    for (const [j, li] of input.layers.entries()) {
      const l = net.layers[li]!;
      kernels.push(await prepareScoreOp(ctx, { op: mode === 'signed' ? 'accProd' : 'accAbsProd', n: l.op.weightCount, a: l.w, b: l.dw, out: acc[j]!, label: `calibration ${mode} ${l.op.name}` }));
    }
    const d = ctx.device;
    const clear = d.createCommandEncoder({ label: 'calibration clear' });
    for (const b of acc) clear.clearBuffer(b);
    d.queue.submit([clear.finish()]);
    for (let b = 0; b < run.batches; b++) {
      ex.writeBatch(data.images.subarray(b * B * D, (b + 1) * B * D), data.labels.subarray(b * B, (b + 1) * B), B);
      const enc = d.createCommandEncoder({ label: `calibration batch ${b}` });
      const pass = enc.beginComputePass({ label: `calibration batch ${b}` });
      ex.encodeTrainStep(pass, 0);
      for (const k of kernels) k.encode(pass);
      pass.end();
      d.queue.submit([enc.finish()]);
    }
  } finally {
    for (const k of kernels) k.release();
    ex.destroy();
  }
  return run;
}
