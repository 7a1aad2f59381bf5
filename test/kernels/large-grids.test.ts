// Grids over WebGPU's 65,535 workgroups per dimension: shapes a legal model needs
// (a large batch of im2col rows, a wide layer) whose tiles no longer fit one
// dimension are folded into y/z, and each kernel still matches its CPU oracle.
import { expect } from '@esm-bundle/chai';
import { prepareMatmul, type MatmulVariant } from '../../src/kernels/matmul.js';
import { prepareBiasGrad } from '../../src/kernels/bias-grad.js';
import { prepareRelu } from '../../src/kernels/relu.js';
import { prepareSpmm } from '../../src/kernels/spmm.js';
import { foldGrid, runKernels, MAX_WORKGROUPS_PER_DIMENSION } from '../../src/kernels/kernel.js';
import { buildSell, uploadSell } from '../../src/infer/sell.js';
import { matmulRef } from '../../src/ref/matmul.js';
import { biasGradRef } from '../../src/ref/bias-grad.js';
import { reluRef } from '../../src/ref/relu.js';
import { outputRowsRef } from '../../src/ref/sparse.js';
import { packMask } from '../../src/ref/mask.js';
import { Rng } from '../../src/rng.js';
import { PruneLabError } from '../../src/errors.js';
import { expectClose } from '../helpers/compare.js';
import { gpu, readF32, noGpuErrors } from '../helpers/gpu.js';

const TOL = { atol: 1e-4, rtol: 1e-4 };
const LIMIT = 65535;

describe('grids over 65,535 workgroups in a dimension', () => {
  it('foldGrid keeps small grids and folds large ones into y and z, covering every tile', () => {
    expect(MAX_WORKGROUPS_PER_DIMENSION).to.equal(LIMIT);
    expect(foldGrid(7, 3)).to.deep.equal([7, 3, 1]);
    expect(foldGrid(LIMIT, LIMIT)).to.deep.equal([LIMIT, LIMIT, 1]);
    for (const [gx, gy] of [[LIMIT + 1, 1], [1, LIMIT + 1], [3, 2 * LIMIT + 7], [LIMIT * 3 + 1, 70000]]) {
      const [x, y, z] = foldGrid(gx!, gy!);
      expect(Math.max(x, y, z), `${gx}×${gy}`).to.be.at.most(LIMIT);
      expect(x * y * z, `${gx}×${gy} covers all tiles`).to.be.at.least(gx! * gy!);
      expect(x * y * (z - 1), `${gx}×${gy} no whole spare z-layer`).to.be.below(gx! * gy!);
    }
    let err: unknown;
    try {
      foldGrid(LIMIT ** 2, LIMIT * 2);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(PruneLabError);
  });

  const cases: Array<[MatmulVariant, number, number, number, string]> = [
    ['naive', 8 * LIMIT + 3, 3, 1, 'M: 65,536 tiles in y'],
    ['naive', 1, 2, 8 * LIMIT + 5, 'N: 65,536 tiles in x'],
    ['blocked', 32 * LIMIT + 33, 3, 1, 'M: 65,537 tiles in y'],
    ['vec4', 32 * LIMIT + 36, 4, 4, 'M: 65,537 tiles in y'],
    ['vec4', 1, 4, 32 * LIMIT + 36, 'N: 65,537 tiles in x'],
  ];
  for (const [variant, M, K, N, what] of cases) {
    it(`matmul ${variant} ${M}×${K}×${N} (${what}) with bias, ReLU and a mask equals the oracle`, async () => {
      const ctx = await gpu();
      const rng = new Rng(M + N);
      const a = rng.uniformArray(M * K);
      const b = rng.uniformArray(K * N);
      const bias = rng.uniformArray(N);
      const mask = Uint8Array.from({ length: K * N }, () => (rng.next() < 0.7 ? 1 : 0));
      const bufs = [ctx.pool.upload('A', a), ctx.pool.upload('B', b), ctx.pool.storage('C', M * N * 4), ctx.pool.upload('bias', bias), ctx.pool.upload('mask', packMask(mask))];
      const [ab, bb, cb, biasb, maskb] = bufs as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
      const got = await noGpuErrors(ctx, async () => {
        const k = await prepareMatmul(ctx, { M, K, N, a: ab, b: bb, c: cb, bias: biasb, mask: maskb, relu: true, variant });
        runKernels(ctx, 'large matmul', [k]);
        k.release();
        return readF32(ctx, cb, M * N);
      });
      expectClose(got, matmulRef(a, b, M, K, N, { bias, mask, relu: true }), TOL, `${variant} ${what}`);
      for (const x of bufs) ctx.pool.release(x);
    });
  }

  it('matmul Aᵀ·B (a weight gradient, M = the layer inputs) with 65,537 tiles in y', async () => {
    const ctx = await gpu();
    const [M, K, N] = [32 * LIMIT + 40, 2, 4];
    const rng = new Rng(5);
    const a = rng.uniformArray(K * M);
    const b = rng.uniformArray(K * N);
    const bufs = [ctx.pool.upload('A', a), ctx.pool.upload('B', b), ctx.pool.storage('C', M * N * 4)];
    const got = await noGpuErrors(ctx, async () => {
      const k = await prepareMatmul(ctx, { M, K, N, a: bufs[0]!, b: bufs[1]!, c: bufs[2]!, transA: true });
      runKernels(ctx, 'large dW', [k]);
      k.release();
      return readF32(ctx, bufs[2]!, M * N);
    });
    expectClose(got, matmulRef(a, b, M, K, N, { transA: true }), TOL, 'Aᵀ·B');
    for (const x of bufs) ctx.pool.release(x);
  });

  it('bias-grad over N = 1,048,567 columns (65,536 workgroups of 16 columns)', async () => {
    const ctx = await gpu();
    const [B, N] = [3, 16 * LIMIT + 7];
    const dY = new Rng(9).uniformArray(B * N);
    const bufs = [ctx.pool.upload('dY', dY), ctx.pool.storage('db', N * 4)];
    const got = await noGpuErrors(ctx, async () => {
      const k = await prepareBiasGrad(ctx, { B, N, dY: bufs[0]!, db: bufs[1]! });
      runKernels(ctx, 'large bias-grad', [k]);
      k.release();
      return readF32(ctx, bufs[1]!, N);
    });
    expectClose(got, biasGradRef(dY, B, N), TOL, 'db');
    for (const x of bufs) ctx.pool.release(x);
  });

  it('relu over 131,073 workgroups of 1 in x, out of place and in place', async () => {
    const ctx = await gpu();
    const n = LIMIT * 2 + 3;
    const x = new Rng(11).uniformArray(n);
    const xb = ctx.pool.upload('x', x);
    const yb = ctx.pool.storage('y', n * 4);
    const [y, inPlace] = await noGpuErrors(ctx, async () => {
      const r = await prepareRelu(ctx, { n, x: xb, y: yb, workgroupSize: 1 });
      runKernels(ctx, 'large relu', [r]);
      r.release();
      const out = await readF32(ctx, yb, n);
      const ip = await prepareRelu(ctx, { n, x: xb, workgroupSize: 1 });
      runKernels(ctx, 'large relu in place', [ip]);
      ip.release();
      return [out, await readF32(ctx, xb, n)] as const;
    });
    expectClose(y, reluRef(x), { atol: 0, rtol: 0 }, 'relu');
    expectClose(inPlace, reluRef(x), { atol: 0, rtol: 0 }, 'relu in place');
    for (const b of [xb, yb]) ctx.pool.release(b);
  });

  it('spmm-sell with M = 1,048,563 rows, one per thread (65,536 workgroups in y)', async () => {
    const ctx = await gpu();
    const [M, K, N] = [16 * LIMIT + 3, 3, 2];
    const rng = new Rng(13);
    const w = rng.uniformArray(K * N);
    const wmask = new Uint8Array(K * N).fill(1);
    wmask[1] = 0;
    const x = rng.uniformArray(M * K);
    const bias = rng.uniformArray(N);
    const s = buildSell(w, wmask, N, K, 'in-out', { slice: 8 });
    const up = uploadSell(ctx, s, 'large');
    const bufs = [ctx.pool.upload('x', x), ctx.pool.storage('y', M * N * 4), ctx.pool.upload('bias', bias)];
    const got = await noGpuErrors(ctx, async () => {
      const k = await prepareSpmm(ctx, { M, format: s, buffers: up, x: bufs[0]!, y: bufs[1]!, bias: bufs[2]!, rowsPerThread: 1 });
      runKernels(ctx, 'large spmm', [...k.kernels]);
      k.release();
      return readF32(ctx, bufs[1]!, M * N);
    });
    expectClose(got, matmulRef(x, outputRowsRef(w, wmask, N, K, 'in-out'), M, K, N, { transB: true, bias }), TOL, 'spmm');
    for (const b of [...bufs, ...up.all]) ctx.pool.release(b);
  });
});
