// Calibration activations for the data-aware criteria (Wanda, SparseGPT): the
// network runs forward over the calibration batches on the GPU, and each chosen
// layer's inputs X are handed, still on the GPU, to an accumulator: Linear layers
// their input rows (B × in), conv layers their im2col columns ((B·OH·OW) × C·k·k,
// one row per output position). Two accumulators: the squared input norms Σ x_j²
// (Wanda) and the scaled Gram matrix 2XᵀX/n (SparseGPT's H). One submit per batch
// and nothing read back until the caller reads the result.
import { check } from '../../errors.js';
import { Executor } from '../../nn/executor.js';
import { convShape, type ParamOp } from '../../nn/spec.js';
import { prepareIm2col, im2colWords } from '../../kernels/im2col.js';
import { prepareGram, prepareGramDiag, type GramKernel } from '../../kernels/gram.js';
import type { BatchedKernel } from '../../kernels/batched.js';
import type { RowLayout } from '../../kernels/row-topk.js';
import type { ScoreInput } from './criterion.js';

/**
 * A layer's weights as rows (outputs) × cols (inputs): Linear weights are stored K×N
 * (in × out), so an output row is a column of the storage (rowStride 1, colStride N);
 * conv filters are stored F × (C·k·k), rows already (rowStride C·k·k, colStride 1).
 */
export function rowLayout(op: ParamOp): RowLayout {
  if (op.conv) {
    const cols = op.conv.C * op.conv.k * op.conv.k;
    return { rows: op.conv.F, cols, rowStride: cols, colStride: 1 };
  }
  return { rows: op.out, cols: op.in, rowStride: 1, colStride: op.out };
}

/** Rows of X one calibration image gives a layer: 1 for Linear, OH·OW for conv. */
export function rowsPerSample(op: ParamOp): number {
  return op.conv ? op.conv.OH * op.conv.OW : 1;
}

export type InputStat = 'sumsq' | 'gram';

export interface LayerInputStat {
  /** Index into net.layers. */
  layer: number;
  /** sumsq: f32[cols] of Σ x_j²; gram: f32[cols·cols] of 2XᵀX/n. Owned by the caller (release to ctx.pool). */
  buffer: GPUBuffer;
  /** n: rows of X seen (calibration images × rows per image). */
  rows: number;
}

/** The calibration set of `input`, checked: a criterion that needs one was given one. */
export function calibrationOf(input: ScoreInput, who: string): NonNullable<ScoreInput['calibration']> {
  const cal = input.calibration;
  check(cal !== undefined && cal.n >= 1, 'calibration', `a calibration set of at least 1 image for ${who}`, cal?.n);
  const s = input.net.plan.input;
  check(cal.shape.C === s.C && cal.shape.H === s.H && cal.shape.W === s.W, 'calibration', `images of the model's input shape ${s.C}×${s.H}×${s.W}`, `${cal.shape.C}×${cal.shape.H}×${cal.shape.W}`);
  check(Number.isInteger(input.batchSize) && input.batchSize >= 1, 'batchSize', 'an integer ≥ 1', input.batchSize);
  return cal;
}


/**
 * Runs the network (as it is now, masks applied) over the calibration set and
 * accumulates `stat` of the inputs of each layer in `layers` (indices into net.layers).
 */
export async function accumulateInputStats(input: ScoreInput, layers: readonly number[], stat: InputStat): Promise<LayerInputStat[]> {
  const cal = calibrationOf(input, stat === 'gram' ? 'sparsegpt' : 'wanda');
  const { net, ctx } = input;
  const batch = Math.min(input.batchSize, cal.n);
  const pool = ctx.pool;
  const ex = await Executor.create(net, batch, 'infer');
  const made: GPUBuffer[] = [];
  const im2cols: BatchedKernel<string>[] = [];
  const kernels: GramKernel[] = [];
  const out: LayerInputStat[] = [];
  try {
    // Per layer: (im2col,) accumulator; each knows how many rows a batch of b images gives.
    const steps: Array<{ im2col?: BatchedKernel<string>; acc: GramKernel; perSample: number }> = [];
    for (const li of layers) {
      const l = net.layers[li]!;
      const op = l.op;
      const opIndex = net.plan.ops.indexOf(op);
      const { cols } = rowLayout(op);
      const perSample = rowsPerSample(op);
      const n = cal.n * perSample;
      let x = ex.opInput(opIndex);
      let im2col: BatchedKernel<string> | undefined;
      if (op.conv) {
        const shape = convShape(op, batch);
        const colsBuf = pool.storage(`${op.name} calibration im2col`, im2colWords(shape) * 4);
        made.push(colsBuf);
        im2col = await prepareIm2col(ctx, { ...shape, x, cols: colsBuf, label: `${op.name} calibration im2col` });
        im2cols.push(im2col);
        x = colsBuf;
      }
      const buffer = pool.storage(`${op.name} calibration ${stat}`, (stat === 'gram' ? cols * cols : cols) * 4);
      out.push({ layer: li, buffer, rows: n });
      const args = { capacity: batch * perSample, K: cols, x, out: buffer, label: `${op.name} calibration ${stat}` };
      const acc = stat === 'gram' ? await prepareGram(ctx, { ...args, scale: 2 / n }) : await prepareGramDiag(ctx, args);
      kernels.push(acc);
      steps.push({ im2col, acc, perSample });
    }
    const D = cal.shape.C * cal.shape.H * cal.shape.W;
    let last = batch;
    for (let start = 0; start < cal.n; start += batch) {
      const rows = Math.min(batch, cal.n - start);
      if (rows !== last) {
        for (const s of steps) {
          s.im2col?.setBatch(rows);
          s.acc.setRows(rows * s.perSample);
        }
        last = rows;
      }
      ex.writeBatch(cal.images.subarray(start * D, (start + rows) * D), cal.labels.subarray(start, start + rows), rows);
      const enc = ctx.device.createCommandEncoder({ label: `calibration ${stat} batch ${start}` });
      const pass = enc.beginComputePass({ label: `calibration ${stat}` });
      ex.encodeForward(pass);
      for (const s of steps) {
        s.im2col?.encode(pass);
        s.acc.encode(pass);
      }
      pass.end();
      ctx.device.queue.submit([enc.finish()]);
    }
    return out;
  } catch (e) {
    for (const o of out) pool.release(o.buffer);
    throw e;
  } finally {
    for (const k of [...im2cols, ...kernels]) k.release();
    for (const b of made) pool.release(b);
    ex.destroy();
  }
}
