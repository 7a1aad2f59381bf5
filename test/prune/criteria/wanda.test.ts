// Wanda on the GPU against its CPU oracles: the calibration norms (Linear inputs and
// conv im2col rows, with a partial last batch), the scores, and the exact per-row
// selection (both storage layouts, ties, prior masks, awkward shapes).
import { expect } from '@esm-bundle/chai';
import { wanda, selectPerRow } from '../../../src/prune/criteria/wanda.js';
import { accumulateInputStats, rowLayout } from '../../../src/prune/criteria/activations.js';
import { prepareRowTopk, type RowLayout } from '../../../src/kernels/row-topk.js';
import { prepareGramDiag } from '../../../src/kernels/gram.js';
import { runKernels } from '../../../src/kernels/kernel.js';
import { inputSumsqRef, layerInputsRef, rowTopkRef, wandaScoresRef } from '../../../src/ref/criteria/wanda.js';
import { packMask, pruneCount } from '../../../src/ref/mask.js';
import { readBuffer } from '../../../src/gpu/readback.js';
import { Network } from '../../../src/nn/network.js';
import { planModel } from '../../../src/nn/spec.js';
import { CONV_NET, MLP, dataset } from './calibration-fixtures.js';
import type { GpuContext } from '../../../src/gpu/context.js';
import { Rng } from '../../../src/rng.js';
import { expectClose, expectEqualArrays } from '../../helpers/compare.js';
import { gpu, readF32, noGpuErrors } from '../../helpers/gpu.js';

async function rowSelectGpu(ctx: GpuContext, scores: Float32Array, l: RowLayout, k: number, prior?: Uint8Array): Promise<Uint8Array> {
  const n = l.rows * l.cols;
  const sb = ctx.pool.upload('scores', scores);
  const mb = ctx.pool.upload('mask', packMask(prior ?? new Uint8Array(n).fill(1)));
  try {
    return await noGpuErrors(ctx, async () => {
      const plan = await prepareRowTopk(ctx, { ...l, scores: sb, mask: mb }, k);
      const enc = ctx.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      plan.encode(pass);
      pass.end();
      ctx.device.queue.submit([enc.finish()]);
      plan.release();
      return new Uint8Array((await readBuffer(ctx.device, mb, mb.size)).slice(0, n));
    });
  } finally {
    ctx.pool.release(sb);
    ctx.pool.release(mb);
  }
}

const zeros = (m: Uint8Array): number => m.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);

describe('wanda', () => {
  it('gram-diag: Σ x² over the first R rows, accumulated', async () => {
    const ctx = await gpu();
    const rng = new Rng(3);
    for (const [R, K] of [[1, 1], [17, 3], [5, 257]] as const) {
      const x = rng.uniformArray(R * K);
      const xb = ctx.pool.upload('x', x);
      const sb = ctx.pool.storage('s', K * 4);
      const k = await prepareGramDiag(ctx, { capacity: R, K, x: xb, out: sb });
      runKernels(ctx, 'diag', [k]);
      k.setRows(Math.max(1, R - 2));
      runKernels(ctx, 'diag', [k]);
      k.release();
      const want = inputSumsqRef(x, R, K).map((v, j) => v + inputSumsqRef(x, Math.max(1, R - 2), K)[j]!);
      expectClose(await readF32(ctx, sb, K), want, { atol: 1e-5, rtol: 1e-5 }, `R=${R} K=${K}`);
      ctx.pool.release(xb);
      ctx.pool.release(sb);
    }
  });

  it('per-row selection matches the oracle: both layouts, ties, prior masks, every k', async () => {
    const ctx = await gpu();
    const rng = new Rng(5);
    for (const [rows, cols] of [[1, 1], [3, 17], [17, 3], [7, 257], [5, 4]] as const) {
      for (const layout of [{ rows, cols, rowStride: 1, colStride: rows }, { rows, cols, rowStride: cols, colStride: 1 }]) {
        const n = rows * cols;
        // Few distinct values, so ties are common; some zeros.
        const scores = Float32Array.from({ length: n }, () => rng.int(4) / 4);
        const prior = Uint8Array.from({ length: n }, () => (rng.next() < 0.2 ? 0 : 1));
        for (const k of new Set([0, 1, Math.floor(n / 3), pruneCount(0.5, n), n - 1, n])) {
          const got = await rowSelectGpu(ctx, scores, layout, k);
          expectEqualArrays(got, rowTopkRef(scores, layout, k), `${rows}×${cols} stride ${layout.rowStride} k=${k}`);
          expect(zeros(got)).to.equal(k);
          const withPrior = await rowSelectGpu(ctx, scores, layout, k, prior);
          expectEqualArrays(withPrior, rowTopkRef(scores, layout, k, prior), `${rows}×${cols} prior k=${k}`);
          for (let i = 0; i < n; i++) if (prior[i] === 0) expect(withPrior[i]).to.equal(0);
        }
      }
    }
  });

  for (const [name, spec] of [['mlp', MLP], ['conv', CONV_NET]] as const) {
    it(`${name}: norms, scores and per-row masks from calibration data against the CPU`, async () => {
      const ctx = await gpu();
      const plan = planModel(spec);
      const net = Network.create(ctx, plan, { seed: 7 });
      const cal = dataset(spec, 13, 11);
      const input = { ctx, net, layers: plan.params.map((_, i) => i), calibration: cal, batchSize: 5, seed: 1 };
      const values = await net.readValues();
      const xs = layerInputsRef(plan, values, cal.images, cal.n);
      // Norms (the partial last batch of 3 counts once).
      const stats = await accumulateInputStats(input, input.layers, 'sumsq');
      const sumsq = [];
      for (const [j, s] of stats.entries()) {
        const { cols } = rowLayout(plan.params[j]!);
        const want = inputSumsqRef(xs[j]!, xs[j]!.length / cols, cols);
        sumsq.push(want);
        expectClose(await readF32(ctx, s.buffer, cols), want, { atol: 1e-4, rtol: 1e-4 }, `${plan.params[j]!.name} Σx²`);
        ctx.pool.release(s.buffer);
      }
      // Scores.
      const out = plan.params.map((op) => ctx.pool.storage(`${op.name} scores`, op.weightCount * 4));
      await noGpuErrors(ctx, () => wanda.score(input, out));
      const scores = [];
      for (const [j, op] of plan.params.entries()) {
        const got = await readF32(ctx, out[j]!, op.weightCount);
        expectClose(got, wandaScoresRef(values[j]!.w, rowLayout(op), sumsq[j]!), { atol: 1e-5, rtol: 1e-4 }, `${op.name} scores`);
        scores.push(got);
      }
      // Per-row selection into the net's masks: exactly round(s·N) per layer, each row ⌊k/rows⌋ or one more.
      await selectPerRow(net, input.layers, out, [0.5, 0.3, 0.7].slice(0, plan.params.length));
      const after = await net.readValues();
      for (const [j, op] of plan.params.entries()) {
        const s = [0.5, 0.3, 0.7][j]!;
        const l = rowLayout(op);
        expectEqualArrays(after[j]!.mask, rowTopkRef(scores[j]!, l, pruneCount(s, op.weightCount)), `${op.name} mask`);
        expect(zeros(after[j]!.mask)).to.equal(pruneCount(s, op.weightCount));
      }
      for (const b of out) ctx.pool.release(b);
      net.destroy();
    });
  }
});
