// SparseGPT (Frantar & Alistarh 2023) on a Network, layer by layer in order, each
// layer calibrated on the inputs that the layers before it (already pruned and
// updated) give, as the reference's sequential loop does. Per layer, and where each
// step runs:
// - GPU: H = 2XᵀX/n over the calibration set (the forward pass, im2col for conv, and
//   gram.wgsl per batch; one read of H when done).
// - CPU, float64: dead inputs, damping H += λ·mean(diag H)·I, and the upper Cholesky
//   factor U of H⁻¹ (src/ref/criteria/sparsegpt.ts: O(K³), about a second for K = 784;
//   K×K is small enough to read back and solve exactly rather than in f32 on the GPU).
// - Per block of blockSize input columns: the block's current weights are read back
//   (rows × count values), the mask of the block is chosen and the column-by-column
//   OBS updates inside it run on the CPU in float64 (rows·count² work: sequential and
//   small), then the block's errors go up and the lazy batch update of every later
//   column, W[:, i2:] −= E·U[i1:i2, i2:] (rows·count·(K − i2), the bulk of the work),
//   runs on the GPU as a matmul (sparsegpt-update.wgsl).
// - The final weights (mask ⊙ W) and masks are written into the layer, pruned
//   weights' optimizer state zeroed (net.applyMasks); biases unchanged.
// Unstructured: each layer prunes exactly round(s·N) (blockQuotas); N:M: m − n per
// group of m inputs in each row (blockSize must be a multiple of m). Weights already
// pruned are pruned first and stay pruned.
import { check, PruneLabError } from '../../errors.js';
import { readBuffer } from '../../gpu/readback.js';
import { writeView } from '../../gpu/buffers.js';
import { packMask, maskBytes } from '../../layout/mask.js';
import { checkNmPattern, checkNmShape } from '../../layout/nm.js';
import { prepareSparseGptUpdate } from '../../kernels/sparsegpt-update.js';
import { blockQuotas, inverseFactor, sparseGptBlock } from '../../ref/criteria/sparsegpt.js';
import { accumulateInputStats, calibrationOf, rowLayout } from './activations.js';
import { SPARSEGPT_DEFAULTS, type ScoreInput, type WeightCriterion } from './criterion.js';

export interface SparseGptPruneOptions {
  /** Columns per block (default 128). */
  blockSize: number;
  /** λ, the damping as a fraction of mean(diag H) (default 0.01). */
  damp: number;
  /** N kept in every M consecutive inputs of each row; the sparsities are then 1 − n/m. */
  nm?: { n: number; m: number } | undefined;
}

export { SPARSEGPT_DEFAULTS };

/** Checks the options against the layers (before any GPU work); `prefix` names the fields. */
export function checkSparseGptOptions(o: SparseGptPruneOptions, cols: readonly number[], prefix = 'sparsegpt.', layerField: (j: number) => string = (j) => `layers[${j}]`): void {
  check(Number.isInteger(o.blockSize) && o.blockSize >= 1 && o.blockSize <= 65535, `${prefix}blockSize`, 'an integer from 1 to 65535', o.blockSize);
  // A fraction of mean(diag H): far above 1, H⁻¹'s factor underflows in f32.
  check(typeof o.damp === 'number' && Number.isFinite(o.damp) && o.damp >= 0 && o.damp <= 1, `${prefix}damp`, 'a number in [0, 1]', o.damp);
  if (o.nm !== undefined) {
    checkNmPattern(o.nm, 'nm');
    const m = o.nm.m;
    check(o.blockSize % m === 0, `${prefix}blockSize`, `a multiple of nm.m = ${m} (N:M groups must not straddle blocks)`, o.blockSize);
    cols.forEach((c, j) => checkNmShape(c, m, layerField(j), 'invalid-argument'));
  }
  cols.forEach((c, j) => check(c <= 65535, layerField(j), 'a layer of at most 65535 inputs per row', c));
}

/**
 * Prunes each layer of `input.layers` to sparsity[j] (ignored under N:M) with
 * SparseGPT's mask choice and OBS update, writing masks and weights into the network.
 */
export async function sparseGptPrune(input: ScoreInput, sparsity: readonly number[], opts: SparseGptPruneOptions): Promise<void> {
  const { net } = input;
  calibrationOf(input, 'sparsegpt');
  check(sparsity.length === input.layers.length, 'sparsity', `one value per layer (${input.layers.length})`, sparsity.length);
  sparsity.forEach((s, j) => check(Number.isFinite(s) && s >= 0 && s < 1, `sparsity[${j}]`, 'a number in [0, 1)', s));
  checkSparseGptOptions(opts, input.layers.map((li) => rowLayout(net.layers[li]!.op).cols));
  // A later layer can still fail (a Hessian that damp does not make positive definite):
  // then every layer gets its weights and masks back, so nothing is half-applied.
  const saved = await net.readValues();
  try {
    for (const [j, li] of input.layers.entries()) await pruneLayer(input, li, sparsity[j]!, opts);
  } catch (e) {
    net.writeValues(saved);
    throw e;
  }
  await net.applyMasks();
}

async function pruneLayer(input: ScoreInput, li: number, s: number, o: SparseGptPruneOptions): Promise<void> {
  const { ctx, net } = input;
  const device = ctx.device;
  const l = net.layers[li]!;
  const op = l.op;
  const lay = rowLayout(op);
  const { rows, cols: K, rowStride, colStride } = lay;
  const n = op.weightCount;
  const [stat] = await accumulateInputStats(input, [li], 'gram');
  let h: Float32Array;
  try {
    h = new Float32Array(await readBuffer(device, stat!.buffer, K * K * 4));
  } finally {
    ctx.pool.release(stat!.buffer);
  }
  const f = inverseFactor(h, K, o.damp);
  if (!f) throw new PruneLabError('invalid-argument', `sparsegpt.damp: ${op.name}'s damped Hessian is not positive definite at damp = ${o.damp}; use a larger damp`, 'sparsegpt.damp');
  const [w0, m0] = await Promise.all([readBuffer(device, l.w, n * 4), readBuffer(device, l.mask, maskBytes(n))]);
  const w = new Float32Array(w0);
  const prior = new Uint8Array(m0, 0, n);
  const at = (r: number, c: number): number => r * rowStride + c * colStride;
  const B = o.blockSize;
  const starts: number[] = [];
  for (let i1 = 0; i1 < K; i1 += B) starts.push(i1);
  const priorPruned = starts.map((i1) => {
    let z = 0;
    for (let r = 0; r < rows; r++) for (let c = i1; c < Math.min(i1 + B, K); c++) z += prior[at(r, c)] === 0 ? 1 : 0;
    return z;
  });
  const quotas = o.nm ? [] : blockQuotas(s, rows, K, B, priorPruned);
  const finalW = new Float32Array(n);
  const mask = new Uint8Array(n);
  const pool = ctx.pool;
  const wk = pool.upload(`${op.name} sparsegpt weights`, w);
  const u = pool.upload(`${op.name} sparsegpt U`, Float32Array.from(f.U));
  const e = pool.storage(`${op.name} sparsegpt block errors`, Math.min(B, K) * rows * 4);
  const update = await prepareSparseGptUpdate(ctx, { ...lay, blockSize: B, e, u, w: wk }).catch((err: unknown) => {
    for (const b of [wk, u, e]) pool.release(b);
    throw err;
  });
  try {
    for (const [bi, i1] of starts.entries()) {
      const i2 = Math.min(i1 + B, K);
      const count = i2 - i1;
      // Linear: columns i1…i2−1 are storage rows, one contiguous range; conv: read the whole layer.
      const linear = rowStride === 1;
      const cur = linear ? new Float32Array(await readBuffer(device, wk, count * rows * 4, i1 * rows * 4)) : new Float32Array(await readBuffer(device, wk, n * 4));
      const blk = new Float64Array(rows * count);
      const pr = new Uint8Array(rows * count);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < count; c++) {
          blk[r * count + c] = linear ? cur[c * rows + r]! : cur[at(r, i1 + c)]!;
          pr[r * count + c] = prior[at(r, i1 + c)] ? 1 : 0;
        }
      }
      const res = sparseGptBlock({ w: blk, rows, count, i1, K, U: f.U, prior: pr, tie: at, k: quotas[bi], nm: o.nm, dead: f.dead });
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < count; c++) {
          const t = at(r, i1 + c);
          mask[t] = res.mask[r * count + c]!;
          finalW[t] = mask[t] ? res.q[r * count + c]! : 0;
        }
      }
      if (i2 < K) {
        writeView(device, e, Float32Array.from(res.e));
        const enc = device.createCommandEncoder({ label: `${op.name} sparsegpt block ${bi}` });
        const pass = enc.beginComputePass({ label: `${op.name} sparsegpt update` });
        update.encode(pass, i1, i2);
        pass.end();
        device.queue.submit([enc.finish()]);
      }
    }
  } finally {
    update.release();
    for (const b of [wk, u, e]) pool.release(b);
  }
  writeView(device, l.w, finalW);
  writeView(device, l.mask, packMask(mask));
}

/**
 * The registry's entry: SparseGPT changes the weights it keeps, so it has no scores to
 * hand to a shared selection; its prune() hook runs sparseGptPrune with the run's
 * options (input.sparsegpt, input.nm; defaults SPARSEGPT_DEFAULTS).
 */
export const sparsegpt: WeightCriterion = {
  name: 'sparsegpt',
  needs: { calibration: true, gradients: false, activations: true, updatesWeights: true },
  score(): Promise<void> {
    return Promise.reject(new PruneLabError('invalid-argument', "criterion 'sparsegpt' has no per-weight scores (it updates the weights it keeps): prune with sparseGptPrune", 'criterion'));
  },
  prune(input: ScoreInput, sparsity: readonly number[]): Promise<void> {
    const o = input.sparsegpt ?? {};
    return sparseGptPrune(input, sparsity, { blockSize: o.blockSize ?? SPARSEGPT_DEFAULTS.blockSize, damp: o.damp ?? SPARSEGPT_DEFAULTS.damp, nm: input.nm });
  },
};
