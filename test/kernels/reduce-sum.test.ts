// One-workgroup sum into an accumulator slot against its f64 oracle: awkward sizes,
// accumulation over several launches (in one pass and across submits), slot and n
// changed between launches, and argument checks.
import { expect } from '@esm-bundle/chai';
import { prepareReduceSum } from '../../src/kernels/reduce-sum.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { reduceSumRef } from '../../src/ref/reduce-sum.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32 } from '../helpers/gpu.js';

// f32 partial sums of up to 235,200 terms in [0, 1] (loss-like, all positive).
const TOL = { atol: 1e-4, rtol: 1e-5 };

describe('reduce-sum', () => {
  it('matches the oracle on awkward sizes (1, 3, 17, 255, 257, 784×300) and workgroup sizes', async () => {
    const ctx = await gpu();
    for (const wg of [256, 64, 1]) {
      for (const n of [1, 3, 17, 255, 257, 784 * 300]) {
        if (wg === 1 && n > 300) continue;
        const x = new Rng(n + wg).uniformArray(n, 0, 1);
        const xb = ctx.pool.upload('x', x);
        const ab = ctx.pool.upload('accum', Float32Array.of(0.5, 0, 0, 0));
        const got = await noGpuErrors(ctx, async () => {
          const k = await prepareReduceSum(ctx, { n, x: xb, accum: ab, workgroupSize: wg });
          runKernels(ctx, 'reduce-sum test', [k]);
          k.release();
          return readF32(ctx, ab, 4);
        });
        const want = Float32Array.of(0.5, 0, 0, 0);
        reduceSumRef(x, n, want, 0);
        expectClose(got, want, TOL, `reduce-sum n=${n} wg=${wg}`);
        ctx.pool.release(xb);
        ctx.pool.release(ab);
      }
    }
  });

  it('accumulates over several launches, with n and slot changed between them', async () => {
    const ctx = await gpu();
    const x = new Rng(5).uniformArray(1000, 0, 1);
    const xb = ctx.pool.upload('x', x);
    const ab = ctx.pool.storage('accum', 3 * 4); // the pool rounds it up to 4 words
    const want = new Float32Array(3);
    const k = await noGpuErrors(ctx, () => prepareReduceSum(ctx, { n: 1000, x: xb, accum: ab }));
    // Three launches in one pass: each must see the previous one's write.
    runKernels(ctx, 'reduce-sum ×3', [k, k, k]);
    for (let i = 0; i < 3; i++) reduceSumRef(x, 1000, want, 0);
    for (let step = 0; step < 5; step++) {
      k.setParams({ n: 257, slot: 1 + (step % 2) });
      runKernels(ctx, `reduce-sum step ${step}`, [k]);
      reduceSumRef(x, 257, want, 1 + (step % 2));
    }
    const got = await readF32(ctx, ab, 3);
    expectClose(got, want, TOL, 'accumulated slots');
    expect(got[0]).to.be.greaterThan(1000);
    expect(() => k.setParams({ n: 10, slot: 4 })).to.throw(/slot must be/);
    expect(() => k.setParams({ n: 1001, slot: 0 })).to.throw(/n must be/);
    k.release();
    ctx.pool.release(xb);
    ctx.pool.release(ab);
  });

  it('rejects bad arguments with a PruneLabError naming the field', async () => {
    const ctx = await gpu();
    const small = ctx.pool.storage('small', 16);
    const big = ctx.pool.storage('big', 64);
    await expectArgError(() => prepareReduceSum(ctx, { n: 0, x: big, accum: small }), 'n');
    await expectArgError(() => prepareReduceSum(ctx, { n: 16, x: small, accum: big }), 'x');
    await expectArgError(() => prepareReduceSum(ctx, { n: 4, x: big, accum: small, slot: 4 }), 'slot');
    await expectArgError(() => prepareReduceSum(ctx, { n: 4, x: big, accum: big }), 'accum');
    await expectArgError(() => prepareReduceSum(ctx, { n: 4, x: big, accum: small, workgroupSize: 100 }), 'workgroupSize');
    ctx.pool.release(small);
    ctx.pool.release(big);
  });
});
