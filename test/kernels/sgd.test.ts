// SGD (torch semantics) against its f32-faithful oracle over 25+ steps with fresh
// gradients each step: plain, momentum + weight decay, Nesterov, an lr schedule,
// masks (weights and velocity exactly 0 after 50 steps), 4M weights over a y-split
// grid, and argument checks.
import { expect } from '@esm-bundle/chai';
import { prepareSgd, type SgdArgs } from '../../src/kernels/sgd.js';
import { grid1d, runKernels } from '../../src/kernels/kernel.js';
import { packMask } from '../../src/ref/mask.js';
import { sgdRef } from '../../src/ref/sgd.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32 } from '../helpers/gpu.js';

// Per step the kernel and the oracle may differ by an ulp or so (fused multiply-add);
// over 50 steps with momentum 0.9 that stays well below 1e-5 on values of order 1.
const TOL = { atol: 1e-5, rtol: 1e-5 };

interface Run {
  n: number;
  steps: number;
  lr: number | ((t: number) => number);
  momentum?: number;
  weightDecay?: number;
  nesterov?: boolean;
  mask?: Uint8Array;
  workgroupSize?: number;
  seed: number;
}

/** Runs `steps` steps on the GPU and in the oracle from the same w, v and gradients. */
async function both(r: Run): Promise<{ gpu: { w: Float32Array; v: Float32Array }; ref: { w: Float32Array; v: Float32Array } }> {
  const ctx = await gpu();
  const rng = new Rng(r.seed);
  const w = rng.uniformArray(r.n);
  // A nonzero starting velocity, so a mask that did not clear it would show.
  const v = rng.uniformArray(r.n, -0.1, 0.1);
  const lrAt = (t: number): number => (typeof r.lr === 'number' ? r.lr : r.lr(t));
  const hyper = { momentum: r.momentum ?? 0, weightDecay: r.weightDecay ?? 0 };
  const wb = ctx.pool.upload('w', w);
  const vb = ctx.pool.upload('v', v);
  const gb = ctx.pool.storage('grad', r.n * 4);
  const mb = r.mask ? ctx.pool.upload('mask', packMask(r.mask)) : undefined;
  const args: SgdArgs = { n: r.n, w: wb, grad: gb, v: vb, mask: mb, lr: lrAt(0), ...hyper, nesterov: r.nesterov, workgroupSize: r.workgroupSize };
  const out = await noGpuErrors(ctx, async () => {
    const k = await prepareSgd(ctx, args);
    for (let t = 0; t < r.steps; t++) {
      // Nonzero gradients everywhere, masked positions included.
      const g = rng.uniformArray(r.n, 0.05, 1).map((x, i) => (i % 2 ? x : -x));
      ctx.device.queue.writeBuffer(gb, 0, g);
      k.setParams({ n: r.n, lr: lrAt(t), ...hyper });
      runKernels(ctx, `sgd step ${t}`, [k]);
      sgdRef(w, g, v, { lr: lrAt(t), ...hyper, nesterov: r.nesterov }, r.mask);
    }
    k.release();
    return { w: await readF32(ctx, wb, r.n), v: await readF32(ctx, vb, r.n) };
  });
  for (const b of [wb, vb, gb, mb]) if (b) ctx.pool.release(b);
  return { gpu: out, ref: { w, v } };
}

async function expectBoth(r: Run, what: string): Promise<void> {
  const got = await both(r);
  expectClose(got.gpu.w, got.ref.w, TOL, `${what} w`);
  expectClose(got.gpu.v, got.ref.v, TOL, `${what} v`);
}

function randomMask(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
}

describe('sgd', () => {
  it('plain SGD (μ = 0, λ = 0) matches the oracle over 25 steps on awkward sizes', async () => {
    for (const n of [1, 3, 17, 255, 257, 784 * 300]) await expectBoth({ n, steps: 25, lr: 0.1, seed: n }, `sgd n=${n}`);
  });

  it('momentum 0.9 with weight decay, and Nesterov, match the oracle over 30 steps', async () => {
    for (const n of [3, 257, 784 * 300]) {
      await expectBoth({ n, steps: 30, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, seed: n + 1 }, `momentum n=${n}`);
      await expectBoth({ n, steps: 30, lr: 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: true, seed: n + 2 }, `nesterov n=${n}`);
    }
  });

  it('follows an lr schedule rewritten by setParams every step', async () => {
    await expectBoth({ n: 255, steps: 25, lr: (t) => 0.1 * 0.5 * (1 + Math.cos((Math.PI * t) / 25)), momentum: 0.8, seed: 3 }, 'cosine lr');
  });

  it('keeps masked weights and their velocity exactly 0 after 50 steps, the rest as the oracle', async () => {
    for (const nesterov of [false, true]) {
      const n = 257;
      const mask = randomMask(n, 12);
      const got = await both({ n, steps: 50, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov, mask, seed: 4 });
      let masked = 0;
      for (let i = 0; i < n; i++) {
        if (mask[i]) continue;
        masked++;
        expect(got.gpu.w[i], `w[${i}]`).to.equal(0);
        expect(got.gpu.v[i], `v[${i}]`).to.equal(0);
      }
      expect(masked).to.be.greaterThan(100);
      expect(got.gpu.w.filter((x, i) => mask[i] && x !== 0).length).to.equal(n - masked);
      expectClose(got.gpu.w, got.ref.w, TOL, `masked nesterov=${nesterov} w`);
      expectClose(got.gpu.v, got.ref.v, TOL, `masked nesterov=${nesterov} v`);
    }
  });

  it('updates all 4,000,000 weights when the grid splits over y (workgroup size 32)', async () => {
    expect(grid1d(4_000_000, 32)[1]).to.be.greaterThan(1);
    await expectBoth({ n: 4_000_000, steps: 2, lr: 0.1, momentum: 0.9, mask: randomMask(4_000_000, 5), workgroupSize: 32, seed: 6 }, 'sgd 4M');
  });

  it('rejects bad arguments with a PruneLabError naming the field', async () => {
    const ctx = await gpu();
    const small = ctx.pool.storage('small', 16);
    const [a, b, c] = [1, 2, 3].map((i) => ctx.pool.storage(`buf ${i}`, 128)) as [GPUBuffer, GPUBuffer, GPUBuffer];
    const ok: SgdArgs = { n: 32, w: a, grad: b, v: c, lr: 0.1, momentum: 0.9 };
    await expectArgError(() => prepareSgd(ctx, { ...ok, n: 0 }), 'n');
    await expectArgError(() => prepareSgd(ctx, { ...ok, lr: -1 }), 'lr');
    await expectArgError(() => prepareSgd(ctx, { ...ok, lr: Number.NaN }), 'lr');
    await expectArgError(() => prepareSgd(ctx, { ...ok, momentum: Infinity }), 'momentum');
    await expectArgError(() => prepareSgd(ctx, { ...ok, weightDecay: -0.1 }), 'weightDecay');
    await expectArgError(() => prepareSgd(ctx, { ...ok, momentum: 0, nesterov: true }), 'momentum');
    await expectArgError(() => prepareSgd(ctx, { ...ok, w: small }), 'w');
    await expectArgError(() => prepareSgd(ctx, { ...ok, grad: small }), 'grad');
    await expectArgError(() => prepareSgd(ctx, { ...ok, v: small }), 'v');
    await expectArgError(() => prepareSgd(ctx, { ...ok, mask: small }), 'mask');
    await expectArgError(() => prepareSgd(ctx, { ...ok, v: a }), 'v');
    await expectArgError(() => prepareSgd(ctx, { ...ok, workgroupSize: 1024 }), 'workgroupSize');
    const k = await prepareSgd(ctx, ok);
    expect(() => k.setParams({ n: 32, lr: -0.5, momentum: 0.9, weightDecay: 0 })).to.throw(/lr must be/);
    k.release();
    for (const x of [small, a, b, c]) ctx.pool.release(x);
  });
});
