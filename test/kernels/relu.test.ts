// ReLU forward against its oracle: awkward sizes, in place, 4M elements over a
// y-split grid, a shrunk n, and argument checks.
import { expect } from '@esm-bundle/chai';
import { prepareRelu } from '../../src/kernels/relu.js';
import { grid1d, runKernels } from '../../src/kernels/kernel.js';
import { reluRef } from '../../src/ref/relu.js';
import { Rng } from '../../src/rng.js';
import { expectEqualArrays } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32 } from '../helpers/gpu.js';

/** Random values in [-1, 1] with every 7th exactly 0 (the boundary of the max). */
function input(n: number, seed: number): Float32Array {
  const x = new Rng(seed).uniformArray(n);
  for (let i = 0; i < n; i += 7) x[i] = 0;
  return x;
}

describe('relu', () => {
  it('matches the oracle exactly out of place on awkward sizes (1, 3, 17, 255, 257, 784×300)', async () => {
    const ctx = await gpu();
    for (const n of [1, 3, 17, 255, 257, 784 * 300]) {
      const x = input(n, n);
      const xb = ctx.pool.upload('relu x', x);
      const yb = ctx.pool.storage('relu y', n * 4);
      const got = await noGpuErrors(ctx, async () => {
        const k = await prepareRelu(ctx, { n, x: xb, y: yb });
        runKernels(ctx, 'relu test', [k]);
        k.release();
        return readF32(ctx, yb, n);
      });
      expectEqualArrays(got, reluRef(x), `relu n=${n}`);
      expectEqualArrays(await readF32(ctx, xb, n), x, `relu n=${n} leaves x alone`);
      ctx.pool.release(xb);
      ctx.pool.release(yb);
    }
  });

  it('works in place (y omitted, and y === x)', async () => {
    const ctx = await gpu();
    for (const same of [false, true]) {
      const x = input(257, 5);
      const xb = ctx.pool.upload('relu x', x);
      const got = await noGpuErrors(ctx, async () => {
        const k = await prepareRelu(ctx, { n: 257, x: xb, y: same ? xb : undefined });
        runKernels(ctx, 'relu in place', [k]);
        k.release();
        return readF32(ctx, xb, 257);
      });
      expectEqualArrays(got, reluRef(x), `relu in place (y ${same ? '=== x' : 'omitted'})`);
      ctx.pool.release(xb);
    }
  });

  it('covers 4,000,000 elements when the grid splits over y (workgroup size 32)', async () => {
    const n = 4_000_000;
    expect(grid1d(n, 32)[1]).to.be.greaterThan(1);
    const ctx = await gpu();
    const x = input(n, 11);
    const xb = ctx.pool.upload('relu 4M x', x);
    const yb = ctx.pool.storage('relu 4M y', n * 4);
    const got = await noGpuErrors(ctx, async () => {
      const k = await prepareRelu(ctx, { n, x: xb, y: yb, workgroupSize: 32 });
      runKernels(ctx, 'relu 4M', [k]);
      k.release();
      return readF32(ctx, yb, n);
    });
    expectEqualArrays(got, reluRef(x), 'relu n=4M');
    ctx.pool.release(xb);
    ctx.pool.release(yb);
  });

  it('setParams with a smaller n touches only the first n elements', async () => {
    const ctx = await gpu();
    const x = input(300, 2);
    const xb = ctx.pool.upload('relu x', x);
    const yb = ctx.pool.upload('relu y', new Float32Array(300).fill(7));
    const k = await prepareRelu(ctx, { n: 300, x: xb, y: yb });
    k.setParams({ n: 17 });
    runKernels(ctx, 'relu n=17', [k]);
    k.release();
    const want = new Float32Array(300).fill(7);
    want.set(reluRef(x.subarray(0, 17)));
    expectEqualArrays(await readF32(ctx, yb, 300), want, 'relu shrunk to n=17');
    ctx.pool.release(xb);
    ctx.pool.release(yb);
  });

  it('rejects bad arguments with a PruneLabError naming the field', async () => {
    const ctx = await gpu();
    const small = ctx.pool.storage('small', 16);
    const big = ctx.pool.storage('big', 64);
    await expectArgError(() => prepareRelu(ctx, { n: 0, x: big }), 'n');
    await expectArgError(() => prepareRelu(ctx, { n: 2.5, x: big }), 'n');
    await expectArgError(() => prepareRelu(ctx, { n: 16, x: small, y: big }), 'x');
    await expectArgError(() => prepareRelu(ctx, { n: 16, x: big, y: small }), 'y');
    await expectArgError(() => prepareRelu(ctx, { n: 4, x: big, workgroupSize: 48 }), 'workgroupSize');
    const k = await prepareRelu(ctx, { n: 16, x: big });
    expect(() => k.setParams({ n: 17 })).to.throw(/n must be/);
    k.release();
    ctx.pool.release(small);
    ctx.pool.release(big);
  });
});
