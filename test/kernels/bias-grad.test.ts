// Bias gradient (column sums of dY) against its f64 oracle: awkward shapes, fewer
// valid rows than allocated, and argument checks.
import { expect } from '@esm-bundle/chai';
import { prepareBiasGrad } from '../../src/kernels/bias-grad.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { biasGradRef } from '../../src/ref/bias-grad.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32 } from '../helpers/gpu.js';

// f32 sums of up to 784 terms in [-1, 1], in another order than the oracle's.
const TOL = { atol: 1e-4, rtol: 1e-5 };

describe('bias-grad', () => {
  it('matches the oracle on awkward shapes B×N (1×1, 3×17, 17×3, 255×10, 257×300, 784×300, 2×1000)', async () => {
    const ctx = await gpu();
    for (const [B, N] of [[1, 1], [3, 17], [17, 3], [255, 10], [257, 300], [784, 300], [2, 1000]] as const) {
      const dY = new Rng(B * 7 + N).uniformArray(B * N);
      const dYb = ctx.pool.upload('dY', dY);
      const dbb = ctx.pool.storage('db', N * 4);
      const got = await noGpuErrors(ctx, async () => {
        const k = await prepareBiasGrad(ctx, { B, N, dY: dYb, db: dbb });
        runKernels(ctx, 'bias-grad test', [k]);
        k.release();
        return readF32(ctx, dbb, N);
      });
      expectClose(got, biasGradRef(dY, B, N), TOL, `bias-grad ${B}×${N}`);
      ctx.pool.release(dYb);
      ctx.pool.release(dbb);
    }
  });

  it('sums only the valid rows of a larger allocation, and setParams shrinks them again', async () => {
    const ctx = await gpu();
    const [alloc, N] = [64, 10];
    const dY = new Rng(4).uniformArray(alloc * N);
    // Rows past the valid ones hold huge values: any leak shows at once.
    dY.fill(1e6, 37 * N);
    const dYb = ctx.pool.upload('dY', dY);
    const dbb = ctx.pool.storage('db', N * 4);
    const k = await noGpuErrors(ctx, () => prepareBiasGrad(ctx, { B: 37, N, dY: dYb, db: dbb }));
    runKernels(ctx, 'bias-grad B=37 of 64', [k]);
    expectClose(await readF32(ctx, dbb, N), biasGradRef(dY, 37, N), TOL, 'bias-grad B=37 of 64');
    k.setParams({ B: 20, N });
    runKernels(ctx, 'bias-grad B=20 of 64', [k]);
    expectClose(await readF32(ctx, dbb, N), biasGradRef(dY, 20, N), TOL, 'bias-grad B=20 of 64');
    expect(() => k.setParams({ B: 65, N })).to.throw(/B must be/);
    k.release();
    ctx.pool.release(dYb);
    ctx.pool.release(dbb);
  });

  it('rejects bad arguments with a PruneLabError naming the field', async () => {
    const ctx = await gpu();
    const small = ctx.pool.storage('small', 16);
    const big = ctx.pool.storage('big', 256);
    await expectArgError(() => prepareBiasGrad(ctx, { B: 0, N: 4, dY: big, db: small }), 'B');
    await expectArgError(() => prepareBiasGrad(ctx, { B: 4, N: 2 ** 31, dY: big, db: small }), 'N');
    await expectArgError(() => prepareBiasGrad(ctx, { B: 8, N: 4, dY: small, db: big }), 'dY');
    await expectArgError(() => prepareBiasGrad(ctx, { B: 2, N: 8, dY: big, db: small }), 'db');
    await expectArgError(() => prepareBiasGrad(ctx, { B: 1, N: 4, dY: big, db: big }), 'db');
    ctx.pool.release(small);
    ctx.pool.release(big);
  });
});
