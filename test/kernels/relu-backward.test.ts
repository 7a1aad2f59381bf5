// ReLU backward (from the forward output Y) against its oracle: awkward sizes,
// in place over dY, and argument checks.
import { expect } from '@esm-bundle/chai';
import { prepareReluBackward } from '../../src/kernels/relu-backward.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { reluRef } from '../../src/ref/relu.js';
import { reluBackwardRef } from '../../src/ref/relu-backward.js';
import { Rng } from '../../src/rng.js';
import { expectEqualArrays } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32 } from '../helpers/gpu.js';

/** Y = relu(pre) (so about half exactly 0) and a dY that is nonzero everywhere. */
function inputs(n: number, seed: number): { y: Float32Array; dY: Float32Array } {
  const rng = new Rng(seed);
  return { y: reluRef(rng.uniformArray(n)), dY: rng.uniformArray(n, 0.5, 2) };
}

describe('relu-backward', () => {
  it('matches the oracle exactly on awkward sizes (1, 3, 17, 255, 257, 784×300)', async () => {
    const ctx = await gpu();
    for (const n of [1, 3, 17, 255, 257, 784 * 300]) {
      const { y, dY } = inputs(n, n);
      const yb = ctx.pool.upload('Y', y);
      const dYb = ctx.pool.upload('dY', dY);
      const dXb = ctx.pool.storage('dX', n * 4);
      const got = await noGpuErrors(ctx, async () => {
        const k = await prepareReluBackward(ctx, { n, Y: yb, dY: dYb, dX: dXb });
        runKernels(ctx, 'relu-backward test', [k]);
        k.release();
        return readF32(ctx, dXb, n);
      });
      const want = reluBackwardRef(y, dY);
      expectEqualArrays(got, want, `relu-backward n=${n}`);
      if (n > 3) expect(want.some((v) => v === 0) && want.some((v) => v !== 0)).to.equal(true);
      for (const b of [yb, dYb, dXb]) ctx.pool.release(b);
    }
  });

  it('works in place over dY', async () => {
    const ctx = await gpu();
    const { y, dY } = inputs(255, 9);
    const yb = ctx.pool.upload('Y', y);
    const dYb = ctx.pool.upload('dY', dY);
    const got = await noGpuErrors(ctx, async () => {
      const k = await prepareReluBackward(ctx, { n: 255, Y: yb, dY: dYb });
      runKernels(ctx, 'relu-backward in place', [k]);
      k.release();
      return readF32(ctx, dYb, 255);
    });
    expectEqualArrays(got, reluBackwardRef(y, dY), 'relu-backward in place');
    ctx.pool.release(yb);
    ctx.pool.release(dYb);
  });

  it('rejects bad arguments with a PruneLabError naming the field', async () => {
    const ctx = await gpu();
    const small = ctx.pool.storage('small', 16);
    const [a, b, c] = [1, 2, 3].map((i) => ctx.pool.storage(`big ${i}`, 64)) as [GPUBuffer, GPUBuffer, GPUBuffer];
    await expectArgError(() => prepareReluBackward(ctx, { n: -1, Y: a, dY: b, dX: c }), 'n');
    await expectArgError(() => prepareReluBackward(ctx, { n: 16, Y: small, dY: b, dX: c }), 'Y');
    await expectArgError(() => prepareReluBackward(ctx, { n: 16, Y: a, dY: small, dX: c }), 'dY');
    await expectArgError(() => prepareReluBackward(ctx, { n: 16, Y: a, dY: b, dX: small }), 'dX');
    await expectArgError(() => prepareReluBackward(ctx, { n: 16, Y: a, dY: a, dX: c }), 'dY');
    await expectArgError(() => prepareReluBackward(ctx, { n: 16, Y: a, dY: b, dX: a }), 'dX');
    await expectArgError(() => prepareReluBackward(ctx, { n: 16, Y: a, dY: b, workgroupSize: 512 }), 'workgroupSize');
    for (const x of [small, a, b, c]) ctx.pool.release(x);
  });
});
