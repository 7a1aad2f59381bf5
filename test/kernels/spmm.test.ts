// Sparse products over sliced-ELL pieces against their oracles: f32 as a Linear
// (matmulRef with the mask) and as a conv over im2col rows (conv2dRef), fused and
// split rows, 1 or 4 rows per thread; int8 (both versions: dot4I8Packed and
// unpacking) against exact integer sums; and refused arguments.
import { expect } from '@esm-bundle/chai';
import { prepareSpmm, prepareSpmmInt8, hasDot4, type Int8Variant } from '../../src/kernels/spmm.js';
import { prepareIm2col } from '../../src/kernels/im2col.js';
import { prepareQuantizeRows } from '../../src/kernels/quantize.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { buildSell, uploadSell, type SellMatrix } from '../../src/infer/sell.js';
import { matmulRef } from '../../src/ref/matmul.js';
import { conv2dRef, type Conv2dShape } from '../../src/ref/conv2d.js';
import { im2colRef } from '../../src/ref/im2col.js';
import { outputRowsRef } from '../../src/ref/sparse.js';
import { quantizeActivationsRef, quantizeRowsRef, int8MatmulRef } from '../../src/ref/quant.js';
import type { GpuContext } from '../../src/gpu/context.js';
import { Rng } from '../../src/rng.js';
import { rowMask } from '../infer/helpers.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32 } from '../helpers/gpu.js';

const TOL = { atol: 1e-4, rtol: 1e-4 };

function release(ctx: GpuContext, bufs: GPUBuffer[]): void {
  for (const b of bufs) if (b !== ctx.dummy) ctx.pool.release(b);
}

async function runF32(ctx: GpuContext, s: SellMatrix, x: Float32Array, M: number, bias: Float32Array, relu: boolean, pos = 1, rowsPerThread?: 1 | 4): Promise<Float32Array> {
  const up = uploadSell(ctx, s, 'test');
  const xb = ctx.pool.upload('x', x);
  const yb = ctx.pool.storage('y', M * s.rows * 4);
  const bb = ctx.pool.upload('bias', bias);
  const partial = ctx.pool.storage('partial', Math.max(4, M * s.pieces * 4));
  const got = await noGpuErrors(ctx, async () => {
    const k = await prepareSpmm(ctx, { M, format: s, buffers: up, x: xb, y: yb, bias: bb, relu, pos, partial, ...(rowsPerThread ? { rowsPerThread } : {}) });
    expect(k.kernels.length).to.equal(s.split ? 2 : 1);
    runKernels(ctx, 'spmm test', k.kernels);
    k.release();
    return readF32(ctx, yb, M * s.rows);
  });
  release(ctx, [...up.all, xb, yb, bb, partial]);
  return got;
}

describe('spmm-sell (f32)', () => {
  for (const [M, K, N] of [[1, 17, 5], [3, 255, 17], [5, 257, 6], [17, 784, 31]] as const) {
    for (const maxPiece of [8, 'auto'] as const) {
      it(`Linear ${M}×${K}·${N}, rows 0%/50%/99%/100% pruned, maxPiece ${maxPiece}`, async () => {
        const ctx = await gpu();
        const rng = new Rng(M * 1000 + K + N);
        const w = rng.uniformArray(K * N);
        const mask = rowMask(K, N, rng);
        const x = rng.uniformArray(M * K);
        const bias = rng.uniformArray(N);
        const s = buildSell(w, mask, N, K, 'in-out', { maxPiece, slice: 8 });
        if (maxPiece === 8) expect(s.split).to.equal(true);
        for (const relu of [false, true]) {
          for (const mt of [1, 4] as const) {
            const got = await runF32(ctx, s, x, M, bias, relu, 1, mt);
            expectClose(got, matmulRef(x, w, M, K, N, { bias, relu, mask }), TOL, `relu ${relu} MT ${mt}`);
          }
        }
      });
    }
  }

  it('a conv as im2col rows · Wᵀ (pos = OH·OW, NCHW out), valid and same padding', async () => {
    const ctx = await gpu();
    for (const shape of [
      { B: 2, C: 3, H: 9, W: 7, F: 5, KH: 3, KW: 3, padding: 'same' },
      { B: 3, C: 2, H: 12, W: 12, F: 6, KH: 5, KW: 5, padding: 'valid' },
    ] as Conv2dShape[]) {
      const rng = new Rng(shape.F * 7);
      const K = shape.C * shape.KH * shape.KW;
      const w = rng.uniformArray(shape.F * K);
      const mask = Uint8Array.from(w, (_, i) => (i < K ? 1 : rng.next() < 0.4 ? 1 : 0));
      const x = rng.uniformArray(shape.B * shape.C * shape.H * shape.W);
      const bias = rng.uniformArray(shape.F);
      const cols = im2colRef(x, shape);
      const M = cols.length / K;
      for (const maxPiece of [4, 'auto'] as const) {
        const s = buildSell(w, mask, shape.F, K, 'out-in', { maxPiece, slice: 4 });
        const got = await runF32(ctx, s, cols, M, bias, true, M / shape.B);
        expectClose(got, conv2dRef(x, w, shape, { bias, relu: true, mask }), TOL, `conv ${shape.padding} maxPiece ${maxPiece}`);
      }
    }
  });

  it('refuses a bad shape, short buffers and a split format without scratch', async () => {
    const ctx = await gpu();
    const rng = new Rng(1);
    const s = buildSell(rng.uniformArray(40 * 6), new Uint8Array(240).fill(1), 6, 40, 'in-out', { maxPiece: 8 });
    const up = uploadSell(ctx, s, 'bad');
    const x = ctx.pool.storage('x', 2 * 40 * 4);
    const y = ctx.pool.storage('y', 2 * 6 * 4);
    const partial = ctx.pool.storage('partial', 2 * s.pieces * 4);
    const base = { M: 2, format: s, buffers: up, x, y, partial };
    await expectArgError(() => prepareSpmm(ctx, { ...base, M: 0 }), 'M');
    await expectArgError(() => prepareSpmm(ctx, { ...base, M: 3 }), 'x');
    await expectArgError(() => prepareSpmm(ctx, { ...base, partial: undefined }), 'partial');
    await expectArgError(() => prepareSpmm(ctx, { ...base, pos: 3 }), 'M');
    await expectArgError(() => prepareSpmm(ctx, { ...base, y: x }), 'y');
    await expectArgError(() => prepareSpmm(ctx, { ...base, rowsPerThread: 2 as 1 }), 'rowsPerThread');
    await expectArgError(() => prepareSpmm(ctx, { ...base, format: { ...s, slices: s.slices + 1 } }), 'format.slices');
    release(ctx, [...up.all, x, y, partial]);
  });
});

describe('quantize-rows and spmm-sell-int8', () => {
  it('quantize-rows: per-sample scale and q = round(x·127/max) (awkward sizes, a zero sample)', async () => {
    const ctx = await gpu();
    for (const [rows, n] of [[1, 1], [3, 17], [5, 784], [2, 3000]] as const) {
      const rng = new Rng(rows + n);
      const x = rng.uniformArray(rows * n, -2, 3);
      if (rows > 2) x.fill(0, n, 2 * n);
      const xb = ctx.pool.upload('x', x);
      const qb = ctx.pool.storage('q', rows * n * 4);
      const sb = ctx.pool.storage('scale', rows * 4);
      await noGpuErrors(ctx, async () => {
        const k = await prepareQuantizeRows(ctx, { rows, n, x: xb, q: qb, scale: sb });
        runKernels(ctx, 'quantize', [k]);
        k.release();
      });
      const q = new Int32Array((await readF32(ctx, qb, rows * n)).buffer);
      const scale = await readF32(ctx, sb, rows);
      const want = quantizeActivationsRef(x, rows, n);
      expectClose(scale, want.scales, { atol: 0, rtol: 1e-6 }, `scales ${rows}×${n}`);
      // q must be a correct rounding of x·127/max; the reciprocal's last bits may differ at exact halves.
      let differ = 0;
      for (let i = 0; i < q.length; i++) {
        if (q[i] !== want.q[i]) differ++;
        expect(Math.abs(q[i]! - want.ratio[i]!), `q[${i}]`).to.be.at.most(0.5 + 1e-4);
        expect(Math.abs(q[i]!)).to.be.at.most(127);
      }
      expect(differ, 'q off by one from the oracle').to.be.at.most(Math.ceil(q.length / 1000));
      if (rows > 2) expect(scale[1]).to.equal(0);
      release(ctx, [xb, qb, sb]);
    }
  });

  // Both variants always: where dot4 is missing its cases fail loudly rather than drop out.
  const variants: Int8Variant[] = ['dot4', 'unpack'];
  it('this device has dot4I8Packed (Chromium 156 on SwiftShader reports packed_4x8_integer_dot_product), so dot4 is tested', async () => {
    expect(hasDot4(await gpu()), 'the context has packed_4x8_integer_dot_product').to.equal(true);
  });

  for (const variant of variants) {
    for (const [M, K, N, maxPiece, pos] of [[1, 17, 5, 'auto', 1], [4, 255, 17, 8, 1], [6, 784, 33, 'auto', 1], [6, 50, 7, 8, 3]] as const) {
      it(`${variant}: ${M}×${K}·${N} (pos ${pos}, maxPiece ${maxPiece}) equals exact integer sums`, async () => {
        const ctx = await gpu();
        const rng = new Rng(K + N + M);
        const w = rng.uniformArray(K * N);
        const mask = rowMask(K, N, rng, 0.5);
        const x = rng.uniformArray(M * K, 0, 1);
        const bias = rng.uniformArray(N);
        const s = buildSell(w, mask, N, K, 'in-out', { maxPiece, slice: 8, int8: true });
        const up = uploadSell(ctx, s, 'int8', true);
        const samples = M / pos;
        const xb = ctx.pool.upload('x', x);
        const xq = ctx.pool.storage('xq', M * K * 4);
        const xs = ctx.pool.storage('xs', samples * 4);
        const yb = ctx.pool.storage('y', M * N * 4);
        const bb = ctx.pool.upload('bias', bias);
        const partial = ctx.pool.storage('partial', M * s.pieces * 4);
        const got = await noGpuErrors(ctx, async () => {
          const qk = await prepareQuantizeRows(ctx, { rows: samples, n: pos * K, x: xb, q: xq, scale: xs });
          const k = await prepareSpmmInt8(ctx, { M, format: s, buffers: up, x: xq, xScale: xs, y: yb, bias: bb, relu: true, pos, partial, variant });
          runKernels(ctx, 'int8', [qk, ...k.kernels]);
          qk.release();
          k.release();
          return readF32(ctx, yb, M * N);
        });
        const gq = new Int32Array((await readF32(ctx, xq, M * K)).buffer);
        const gs = await readF32(ctx, xs, samples);
        const wr = quantizeRowsRef(outputRowsRef(w, mask, N, K, 'in-out'), N, K);
        const want = int8MatmulRef(gq, gs, wr.q, wr.scales, bias, M, K, N, pos, true);
        expectClose(got, want, { atol: 1e-5, rtol: 1e-5 }, `int8 ${variant}`);
        release(ctx, [...up.all, xb, xq, xs, yb, bb, partial]);
      });
    }
  }

  it('int8 refuses dot4 where the device lacks it, and a missing xScale', async () => {
    const ctx = await gpu();
    const s = buildSell(new Float32Array(8).fill(1), new Uint8Array(8).fill(1), 2, 4, 'in-out', { int8: true });
    const up = uploadSell(ctx, s, 'refuse', true);
    const x = ctx.pool.storage('x', 16);
    const y = ctx.pool.storage('y', 16);
    await expectArgError(() => prepareSpmmInt8(ctx, { M: 1, format: s, buffers: up, x, y, variant: 'nope' as 'dot4' }), 'variant');
    await expectArgError(() => prepareSpmmInt8(ctx, { M: 1, format: s, buffers: up, x, y, variant: 'unpack' }), 'xScale');
    expect(() => uploadSell(ctx, buildSell(new Float32Array(8), new Uint8Array(8), 2, 4, 'in-out'), 'no int8', true)).to.throw('int8');
    release(ctx, [...up.all, x, y]);
  });
});

describe('im2col', () => {
  it('matches the oracle exactly for f32 and i32 words (valid, same, B = 1 and 3)', async () => {
    const ctx = await gpu();
    for (const shape of [
      { B: 1, C: 1, H: 28, W: 28, F: 20, KH: 5, KW: 5, padding: 'valid' },
      { B: 3, C: 2, H: 5, W: 7, F: 1, KH: 3, KW: 3, padding: 'same' },
    ] as Conv2dShape[]) {
      const x = new Rng(3).uniformArray(shape.B * shape.C * shape.H * shape.W);
      const want = im2colRef(x, shape);
      const xb = ctx.pool.upload('x', x);
      const cb = ctx.pool.storage('cols', want.length * 4);
      const got = await noGpuErrors(ctx, async () => {
        const k = await prepareIm2col(ctx, { ...shape, x: xb, cols: cb });
        runKernels(ctx, 'im2col', [k]);
        k.release();
        return readF32(ctx, cb, want.length);
      });
      expectClose(got, want, { atol: 0, rtol: 0 }, `im2col f32 ${shape.padding}`);
      // i32 words go through untouched (bit patterns, not values).
      const xi = Int32Array.from(x, (v) => Math.round(v * 127));
      const xib = ctx.pool.upload('xi', xi);
      await noGpuErrors(ctx, async () => {
        const k = await prepareIm2col(ctx, { ...shape, x: xib, cols: cb });
        runKernels(ctx, 'im2col i32', [k]);
        k.release();
      });
      const gi = new Int32Array((await readF32(ctx, cb, want.length)).buffer);
      expectClose(gi, im2colRef(xi, shape), { atol: 0, rtol: 0 }, `im2col i32 ${shape.padding}`);
      release(ctx, [xb, cb, xib]);
    }
  });

  it('refuses a short output buffer', async () => {
    const ctx = await gpu();
    const x = ctx.pool.storage('x', 4 * 25);
    const c = ctx.pool.storage('c', 4);
    await expectArgError(() => prepareIm2col(ctx, { B: 1, C: 1, H: 5, W: 5, F: 1, KH: 3, KW: 3, padding: 'valid', x, cols: c }), 'cols');
    release(ctx, [x, c]);
  });
});
