// Exact top-k magnitude masks on the GPU against the CPU oracle: exact counts,
// pruned ≤ kept, ties broken by index, masked weights stay masked, local scope.
import { expect } from '@esm-bundle/chai';
import { prepareTopk, type PruneScope, type TopkHistogram } from '../../src/kernels/topk.js';
import { topkMasksRef } from '../../src/ref/topk.js';
import { packMask, pruneCount } from '../../src/ref/mask.js';
import { readBuffer } from '../../src/gpu/readback.js';
import { Rng } from '../../src/rng.js';
import { PruneLabError } from '../../src/errors.js';
import { expectEqualArrays } from '../helpers/compare.js';
import { gpu, noGpuErrors } from '../helpers/gpu.js';

async function gpuMasks(layers: Float32Array[], sparsity: number, scope: PruneScope, masks?: Uint8Array[], histogram: TopkHistogram = 'global') {
  const ctx = await gpu();
  const bufs = layers.map((w, i) => ({
    weights: ctx.pool.upload(`w${i}`, w),
    mask: ctx.pool.upload(`m${i}`, packMask(masks?.[i] ?? new Uint8Array(w.length).fill(1))),
    n: w.length,
  }));
  return noGpuErrors(ctx, async () => {
    const plan = await prepareTopk(ctx, bufs, scope, histogram);
    const k = plan.groupSizes.map((n) => pruneCount(sparsity, n));
    plan.setK(k);
    const enc = ctx.device.createCommandEncoder({ label: 'topk test' });
    const pass = enc.beginComputePass();
    plan.encode(pass);
    pass.end();
    ctx.device.queue.submit([enc.finish()]);
    const result = await plan.readResult();
    const out = await Promise.all(bufs.map(async (b) => new Uint8Array((await readBuffer(ctx.device, b.mask, b.mask.size)).slice(0, b.n))));
    plan.release();
    for (const b of bufs) {
      ctx.pool.release(b.weights);
      ctx.pool.release(b.mask);
    }
    return { masks: out, result, k };
  });
}

function zeros(m: Uint8Array): number {
  return m.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
}

async function agree(layers: Float32Array[], s: number, scope: PruneScope, masks?: Uint8Array[], histogram: TopkHistogram = 'global') {
  const got = await gpuMasks(layers, s, scope, masks, histogram);
  const want = topkMasksRef(layers, s, scope, masks);
  got.masks.forEach((m, i) => expectEqualArrays(m, want.masks[i]!, `mask of layer ${i} (${scope}, s=${s})`));
  expect(got.result.thresholds).to.deep.equal(want.thresholds.map((t) => Math.fround(t)));
  return got;
}

describe('exact top-k magnitude masks', () => {
  it('global: prunes exactly round(s·N) over layers of awkward sizes, pruned |w| ≤ kept |w|', async () => {
    const rng = new Rng(11);
    const layers = [1, 3, 17, 255, 257, 784 * 3].map((n) => rng.uniformArray(n, -2, 2));
    const N = layers.reduce((s, l) => s + l.length, 0);
    for (const s of [0.001, 0.3, 0.5, 0.9, 0.999]) {
      const { masks, result } = await agree(layers, s, 'global');
      const pruned = masks.reduce((t, m) => t + zeros(m), 0);
      expect(pruned).to.equal(Math.round(s * N));
      expect(result.kept.reduce((a, b) => a + b, 0)).to.equal(N - pruned);
      let maxPruned = 0;
      let minKept = Infinity;
      masks.forEach((m, li) => m.forEach((v, i) => {
        const a = Math.abs(layers[li]![i]!);
        if (v) minKept = Math.min(minKept, a);
        else maxPruned = Math.max(maxPruned, a);
      }));
      expect(maxPruned).to.be.at.most(minKept);
    }
  });

  it('global: layers with different magnitude distributions end at different sparsities', async () => {
    const rng = new Rng(5);
    const layers = [rng.uniformArray(1000, -0.1, 0.1), rng.uniformArray(1000, -1, 1)];
    const { masks } = await agree(layers, 0.5, 'global');
    expect(zeros(masks[0]!)).to.be.greaterThan(900);
    expect(zeros(masks[1]!)).to.be.lessThan(100);
  });

  it('breaks many ties at the threshold by lowest global index, with an exact count', async () => {
    // Magnitudes drawn from only 4 values, zeros included, both signs.
    const rng = new Rng(2);
    const vals = [0, 0.5, -0.5, 1, -1, 2];
    const layers = [300, 17, 1000].map((n) => Float32Array.from({ length: n }, () => vals[rng.int(vals.length)]!));
    const N = 1317;
    for (const s of [0.1, 0.25, 0.5, 0.77]) {
      const { masks, result } = await agree(layers, s, 'global');
      expect(masks.reduce((t, m) => t + zeros(m), 0)).to.equal(Math.round(s * N));
      expect(result.ties[0]).to.be.greaterThan(result.tiesPruned[0]!);
    }
  });

  it('keeps already-masked weights masked, and they count towards k', async () => {
    const rng = new Rng(9);
    const layers = [rng.uniformArray(500), rng.uniformArray(257)];
    const masks = layers.map((l) => Uint8Array.from({ length: l.length }, () => (rng.next() < 0.4 ? 0 : 1)));
    const masked = masks.reduce((t, m) => t + zeros(m), 0);
    for (const s of [0.2, 0.4, 0.8]) {
      const got = await agree(layers, s, 'global', masks);
      got.masks.forEach((m, li) => m.forEach((v, i) => { if (masks[li]![i] === 0) expect(v).to.equal(0); }));
      expect(got.masks.reduce((t, m) => t + zeros(m), 0)).to.equal(Math.max(masked, Math.round(s * 757)));
    }
  });

  it('the workgroup-memory histogram version gives the same masks (ties, masked, local)', async () => {
    const rng = new Rng(12);
    const vals = [0, 0.25, -0.25, 3];
    const layers = [700, 33].map((n) => Float32Array.from({ length: n }, () => vals[rng.int(vals.length)]! * (rng.next() < 0.5 ? 1 : 1 + rng.next())));
    const masks = layers.map((l) => Uint8Array.from({ length: l.length }, () => (rng.next() < 0.2 ? 0 : 1)));
    for (const scope of ['global', 'local'] as const) await agree(layers, 0.45, scope, masks, 'shared');
  });

  it('local: every layer ends at its own ratio', async () => {
    const rng = new Rng(4);
    const layers = [rng.uniformArray(784 * 30, -0.05, 0.05), rng.uniformArray(300, -3, 3), rng.uniformArray(17)];
    const { masks } = await agree(layers, 0.6, 'local');
    masks.forEach((m, i) => expect(zeros(m)).to.equal(Math.round(0.6 * layers[i]!.length)));
  });

  it('rejects a bad k and an empty layer list before any GPU work', async () => {
    const ctx = await gpu();
    let err: unknown;
    try {
      await prepareTopk(ctx, [], 'global');
    } catch (e) {
      err = e;
    }
    expect((err as PruneLabError).field).to.equal('layers');
    const w = ctx.pool.upload('w', new Float32Array(8));
    const m = ctx.pool.upload('m', packMask(new Uint8Array(8).fill(1)));
    const plan = await prepareTopk(ctx, [{ weights: w, mask: m, n: 8 }], 'global');
    expect(() => plan.setK([9])).to.throw(PruneLabError, /k\[0\]/);
    plan.release();
    ctx.pool.release(w);
    ctx.pool.release(m);
  });
});
