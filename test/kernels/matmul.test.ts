// Dense and masked matmul, every version and transpose form, against the CPU oracle.
import { expect } from '@esm-bundle/chai';
import { prepareMatmul, MATMUL_VARIANTS, vec4Fits, type MatmulVariant } from '../../src/kernels/matmul.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { matmulRef } from '../../src/ref/matmul.js';
import { packMask } from '../../src/ref/mask.js';
import { Rng } from '../../src/rng.js';
import { PruneLabError } from '../../src/errors.js';
import { expectClose } from '../helpers/compare.js';
import { gpu, readF32, noGpuErrors } from '../helpers/gpu.js';

const TOL = { atol: 1e-4, rtol: 1e-4 };

interface Case {
  M: number;
  K: number;
  N: number;
  transA?: boolean;
  transB?: boolean;
  bias?: boolean;
  relu?: boolean;
  mask?: boolean;
  maskOn?: 'b' | 'c';
}

async function check(c: Case, variant: MatmulVariant | undefined, seed = 1): Promise<void> {
  const ctx = await gpu();
  const rng = new Rng(seed);
  const { M, K, N } = c;
  const a = rng.uniformArray(M * K);
  const b = rng.uniformArray(K * N);
  const bias = c.bias ? rng.uniformArray(N) : undefined;
  const mask = c.mask ? Uint8Array.from({ length: c.maskOn === 'c' ? M * N : K * N }, () => (rng.next() < 0.6 ? 1 : 0)) : undefined;
  const ab = ctx.pool.upload('test A', a);
  const bb = ctx.pool.upload('test B', b);
  const cb = ctx.pool.storage('test C', M * N * 4);
  const biasb = bias ? ctx.pool.upload('test bias', bias) : undefined;
  const maskb = mask ? ctx.pool.upload('test mask', packMask(mask)) : undefined;
  const got = await noGpuErrors(ctx, async () => {
    const k = await prepareMatmul(ctx, { ...c, a: ab, b: bb, c: cb, bias: biasb, mask: maskb, variant });
    runKernels(ctx, 'matmul test', [k]);
    k.release();
    return readF32(ctx, cb, M * N);
  });
  const want = matmulRef(a, b, M, K, N, { transA: c.transA, transB: c.transB, bias, relu: c.relu, mask, maskOn: c.maskOn });
  for (const x of [ab, bb, cb, biasb, maskb]) if (x) ctx.pool.release(x);
  expectClose(got, want, TOL, `${variant ?? 'auto'} ${JSON.stringify(c)}`);
}

const AWKWARD: Array<[number, number, number]> = [
  [1, 1, 1], [1, 3, 17], [3, 17, 1], [17, 3, 5], [5, 255, 7], [2, 257, 9], [33, 17, 65], [7, 784, 30],
];
const ALIGNED: Array<[number, number, number]> = [[4, 4, 4], [8, 16, 12], [36, 20, 44], [64, 784, 300], [1, 300, 100]];

describe('matmul', () => {
  for (const variant of MATMUL_VARIANTS) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${variant} ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'} on awkward and aligned shapes`, async () => {
          const shapes = variant === 'vec4' ? ALIGNED : [...AWKWARD, ...ALIGNED.slice(0, 3)];
          for (const [M, K, N] of shapes) {
            if (variant === 'vec4' && !vec4Fits(M, K, N, transA, transB)) continue;
            await check({ M, K, N, transA, transB }, variant);
          }
        });
      }
    }
  }

  it('fuses bias and ReLU in every version', async () => {
    for (const variant of MATMUL_VARIANTS) {
      await check({ M: 17, K: 20, N: 12, bias: true, relu: true }, variant === 'vec4' ? 'vec4' : variant);
      await check({ M: 8, K: 12, N: 16, bias: true }, variant);
    }
  });

  it('picks vec4 when aligned and blocked otherwise, both correct (64×784×300, 255×257×3)', async () => {
    await check({ M: 64, K: 784, N: 300, bias: true, relu: true }, undefined);
    await check({ M: 255, K: 257, N: 3 }, undefined);
  });

  it('rejects bad dimensions and buffers before any GPU work', async () => {
    const ctx = await gpu();
    const small = ctx.pool.storage('small', 16);
    for (const [args, field] of [
      [{ M: 0, K: 1, N: 1 }, 'M'],
      [{ M: 1, K: 1.5, N: 1 }, 'K'],
      [{ M: 1, K: 1, N: Number.NaN }, 'N'],
      [{ M: 8, K: 8, N: 8 }, 'a'],
      [{ M: 1, K: 3, N: 3, variant: 'vec4' as const }, 'variant'],
    ] as const) {
      let err: unknown;
      try {
        await prepareMatmul(ctx, { ...args, a: small, b: small, c: small });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(PruneLabError);
      expect((err as PruneLabError).field).to.equal(field);
    }
    ctx.pool.release(small);
  });
});

describe('masked matmul', () => {
  for (const variant of MATMUL_VARIANTS) {
    it(`${variant}: A·(W⊙M) equals the dense matmul of the pre-multiplied W⊙M`, async () => {
      const shapes: Array<[number, number, number]> = variant === 'vec4' ? [[4, 8, 12], [64, 784, 300]] : [[1, 3, 17], [17, 255, 5], [3, 257, 9]];
      for (const [M, K, N] of shapes) {
        await check({ M, K, N, mask: true, bias: true, relu: true }, variant, 7);
        await check({ M, K, N, mask: true, transB: true }, variant === 'vec4' && K % 4 ? 'blocked' : variant, 8);
      }
    });
  }

  it('masks the result instead (a masked weight gradient Xᵀ·dY ⊙ M) in every version', async () => {
    for (const variant of MATMUL_VARIANTS) {
      const shapes: Array<[number, number, number]> = variant === 'vec4' ? [[8, 12, 16], [300, 64, 100]] : [[17, 3, 5], [3, 257, 9]];
      for (const [M, K, N] of shapes) await check({ M, K, N, transA: true, mask: true, maskOn: 'c' }, variant, 9);
    }
  });

  it('a pre-multiplied W⊙M through dense matmul gives the same C', async () => {
    const ctx = await gpu();
    const rng = new Rng(3);
    const [M, K, N] = [9, 40, 20];
    const a = rng.uniformArray(M * K);
    const w = rng.uniformArray(K * N);
    const mask = Uint8Array.from({ length: K * N }, () => (rng.next() < 0.3 ? 1 : 0));
    const wm = w.map((v, i) => (mask[i] ? v : 0));
    const bufs = [ctx.pool.upload('A', a), ctx.pool.upload('W', w), ctx.pool.upload('W⊙M', wm), ctx.pool.upload('mask', packMask(mask))];
    const [ab, wb, wmb, mb] = bufs as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
    const c1 = ctx.pool.storage('C masked', M * N * 4);
    const c2 = ctx.pool.storage('C dense', M * N * 4);
    const k1 = await prepareMatmul(ctx, { M, K, N, a: ab, b: wb, c: c1, mask: mb });
    const k2 = await prepareMatmul(ctx, { M, K, N, a: ab, b: wmb, c: c2 });
    runKernels(ctx, 'masked vs premultiplied', [k1, k2]);
    expectClose(await readF32(ctx, c1, M * N), await readF32(ctx, c2, M * N), { atol: 1e-6, rtol: 1e-6 }, 'masked vs dense(W⊙M)');
    for (const b of [...bufs, c1, c2]) ctx.pool.release(b);
  });
});
