// The N:M product (spmm-nm over the compressed format of src/layout/nm.ts) against
// the dense masked matmul and against the format's own oracle (nmMatmulRef), on
// awkward shapes (K = 4, 8, 12, 300, 784; N = 1, 3, 17, 100, 255), batch 1 and 5,
// 1 or 4 rows per thread, with and without ReLU; other patterns (1:4, 4:8, 1:3,
// 3:16, 5:7) and groups keeping fewer than n; a conv over im2col rows (NCHW out);
// a grid folded past 65,535 workgroups; the format's packing and sizes; refusals.
import { expect } from '@esm-bundle/chai';
import { prepareSpmmNm, uploadNm } from '../../src/kernels/spmm-nm.js';
import { runKernels, MAX_WORKGROUPS_PER_DIMENSION } from '../../src/kernels/kernel.js';
import { buildNm, detectNm, nmBytes, nmIndexBits, type NmMatrix, type NmPattern } from '../../src/layout/nm.js';
import { nmMaskRef, nmMatmulRef } from '../../src/ref/nm.js';
import { matmulRef } from '../../src/ref/matmul.js';
import { conv2dRef, type Conv2dShape } from '../../src/ref/conv2d.js';
import { im2colRef } from '../../src/ref/im2col.js';
import type { GpuContext } from '../../src/gpu/context.js';
import type { WeightLayout } from '../../src/layout/weights.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32 } from '../helpers/gpu.js';

const TOL = { atol: 1e-4, rtol: 1e-4 };

/** Weights and an n:m mask from random scores, with `dropped` of the kept weights also pruned (groups with fewer than n). */
function nmLayer(rng: Rng, rows: number, cols: number, layout: WeightLayout, p: NmPattern, dropped = 0): { w: Float32Array; mask: Uint8Array } {
  const w = rng.uniformArray(rows * cols);
  const mask = nmMaskRef(rng.uniformArray(rows * cols, 0, 1), rows, cols, layout, p.n, p.m);
  for (let i = 0; i < mask.length; i++) if (mask[i] && rng.next() < dropped) mask[i] = 0;
  return { w, mask };
}

async function runNm(ctx: GpuContext, f: NmMatrix, x: Float32Array, M: number, bias: Float32Array | undefined, relu: boolean, pos = 1, rowsPerThread?: 1 | 4): Promise<Float32Array> {
  const up = uploadNm(ctx, f, 'test');
  const xb = ctx.pool.upload('x', x);
  const yb = ctx.pool.storage('y', M * f.rows * 4);
  const bb = bias ? ctx.pool.upload('bias', bias) : undefined;
  const got = await noGpuErrors(ctx, async () => {
    const k = await prepareSpmmNm(ctx, { M, format: f, buffers: up, x: xb, y: yb, bias: bb, relu, pos, ...(rowsPerThread ? { rowsPerThread } : {}) });
    expect(k.kernels.length).to.equal(1);
    runKernels(ctx, 'spmm-nm test', k.kernels);
    k.release();
    return readF32(ctx, yb, M * f.rows);
  });
  for (const b of [...up.all, xb, yb, bb]) if (b) ctx.pool.release(b);
  return got;
}

describe('spmm-nm (N:M format) against the dense masked matmul', () => {
  for (const K of [4, 8, 12, 300, 784]) {
    it(`Linear K = ${K}, N = 1, 3, 17, 100, 255 at 2:4; batch 1 and 5; 1 and 4 rows per thread`, async () => {
      const ctx = await gpu();
      for (const N of [1, 3, 17, 100, 255]) {
        const rng = new Rng(K * 1000 + N);
        const { w, mask } = nmLayer(rng, N, K, 'in-out', { n: 2, m: 4 });
        const f = buildNm(w, mask, N, K, 'in-out', { n: 2, m: 4 });
        expect(f.kept, `${K}×${N} kept`).to.equal(K * N / 2);
        const bias = rng.uniformArray(N);
        for (const [M, mt, relu] of [[1, 1, false], [5, 4, true], [5, 1, false]] as const) {
          const x = rng.uniformArray(M * K);
          const got = await runNm(ctx, f, x, M, bias, relu, 1, mt);
          const want = matmulRef(x, w, M, K, N, { bias, relu, mask });
          expectClose(got, want, TOL, `K ${K} N ${N} M ${M} MT ${mt}`);
          expectClose(nmMatmulRef(x, M, f, { bias, relu }), want, TOL, `oracle K ${K} N ${N} M ${M}`);
        }
      }
    });
  }

  it('other patterns (1:4, 4:8, 1:3, 3:16, 5:7), groups keeping fewer than n, no bias', async () => {
    const ctx = await gpu();
    for (const [p, K, N] of [[{ n: 1, m: 4 }, 20, 9], [{ n: 4, m: 8 }, 64, 33], [{ n: 1, m: 3 }, 12, 5], [{ n: 3, m: 16 }, 48, 7], [{ n: 5, m: 7 }, 21, 70]] as const) {
      const rng = new Rng(p.n * 100 + p.m + K);
      const { w, mask } = nmLayer(rng, N, K, 'in-out', p, 0.3);
      const f = buildNm(w, mask, N, K, 'in-out', p);
      expect(f.bits).to.equal(nmIndexBits(p.m));
      const x = rng.uniformArray(3 * K);
      expectClose(await runNm(ctx, f, x, 3, undefined, false), matmulRef(x, w, 3, K, N, { mask }), TOL, `${p.n}:${p.m}`);
    }
  });

  it('a conv as im2col rows · Ŵᵀ (pos = OH·OW, NCHW out) at 2:4 and 1:3', async () => {
    const ctx = await gpu();
    for (const [shape, p] of [
      [{ B: 2, C: 4, H: 9, W: 7, F: 5, KH: 3, KW: 3, padding: 'same' }, { n: 2, m: 4 }],
      [{ B: 3, C: 3, H: 10, W: 10, F: 6, KH: 3, KW: 3, padding: 'valid' }, { n: 1, m: 3 }],
    ] as Array<[Conv2dShape, NmPattern]>) {
      const rng = new Rng(shape.F * 7 + p.m);
      const K = shape.C * shape.KH * shape.KW;
      const { w, mask } = nmLayer(rng, shape.F, K, 'out-in', p);
      const x = rng.uniformArray(shape.B * shape.C * shape.H * shape.W);
      const bias = rng.uniformArray(shape.F);
      const cols = im2colRef(x, shape);
      const M = cols.length / K;
      const f = buildNm(w, mask, shape.F, K, 'out-in', p);
      const got = await runNm(ctx, f, cols, M, bias, true, M / shape.B);
      expectClose(got, conv2dRef(x, w, shape, { bias, relu: true, mask }), TOL, `conv ${shape.padding} ${p.n}:${p.m}`);
    }
  });

  it(`a batch of 16·65,535 + 3 rows, one per thread: the grid is folded past ${MAX_WORKGROUPS_PER_DIMENSION} workgroups`, async () => {
    const ctx = await gpu();
    const [M, K, N] = [16 * MAX_WORKGROUPS_PER_DIMENSION + 3, 4, 2];
    const rng = new Rng(13);
    const { w, mask } = nmLayer(rng, N, K, 'in-out', { n: 2, m: 4 });
    const f = buildNm(w, mask, N, K, 'in-out', { n: 2, m: 4 });
    const x = rng.uniformArray(M * K);
    const bias = rng.uniformArray(N);
    expectClose(await runNm(ctx, f, x, M, bias, false, 1, 1), matmulRef(x, w, M, K, N, { bias, mask }), TOL, 'folded');
  });
});

describe('the N:M format', () => {
  it('packs n slots per group (quads of 4 values) with ⌈log2 m⌉-bit indices; sizes as nmBytes says; refuses a group keeping more than n', async () => {
    // Output 0 of a 2-output Linear (in-out, K = 8): groups keep inputs {1, 3} and {4}.
    const w = Float32Array.from({ length: 16 }, (_, i) => i + 1);
    const mask = new Uint8Array(16);
    for (const k of [1, 3, 4]) mask[k * 2] = 1;
    for (const k of [0, 2, 5, 7]) mask[k * 2 + 1] = 1;
    const f = buildNm(w, mask, 2, 8, 'in-out', { n: 2, m: 4 });
    expect([f.bits, f.perWord, f.slots, f.words, f.kept]).to.deep.equal([2, 16, 4, 1, 7]);
    // One quad per output, at (q·R + r)·4: output 0 = w(1,0), w(3,0), w(4,0), pad; output 1 = w(0,1), w(2,1), w(5,1), w(7,1).
    expect(f.quads).to.equal(1);
    expect(Array.from(f.values)).to.deep.equal([3, 7, 9, 0, 2, 6, 12, 16]);
    // Indices, 2 bits each: output 0 = 1, 3, 0, 0(pad); output 1 = 0, 2, 1, 3.
    expect(Array.from(f.index)).to.deep.equal([1 | (3 << 2), 0 | (2 << 2) | (1 << 4) | (3 << 6)]);
    const b = nmBytes(300, 784, { n: 2, m: 4 });
    expect(b).to.deep.equal({ values: 392 * 300 * 4, index: 25 * 300 * 4 });
    const big = buildNm(new Float32Array(300 * 784), nmMaskRef(new Float32Array(300 * 784), 300, 784, 'in-out', 2, 4), 300, 784, 'in-out', { n: 2, m: 4 });
    expect([big.values.byteLength, big.index.byteLength]).to.deep.equal([b.values, b.index]);
    expect(nmIndexBits(8)).to.equal(3);
    // 3-bit indices: 8 to a word (not 10), so a quad of slots never straddles two words.
    expect(buildNm(new Float32Array(2 * 16), new Uint8Array(32), 2, 16, 'out-in', { n: 3, m: 8 }).perWord).to.equal(8);
    expect(buildNm(new Float32Array(2 * 30), new Uint8Array(60), 2, 30, 'out-in', { n: 1, m: 10 }).perWord).to.equal(8);
    mask[0] = 1; // output 0's first group now keeps 3
    await expectArgError(() => buildNm(w, mask, 2, 8, 'in-out', { n: 2, m: 4 }), 'mask');
    await expectArgError(() => buildNm(w, mask, 2, 8, 'in-out', { n: 2, m: 3 }), 'cols');
    await expectArgError(() => buildNm(w, mask, 2, 8, 'in-out', { n: 5, m: 4 }), 'nm');
  });

  it('detectNm finds the tightest pattern (smallest n/m, then the smaller m), undefined when none fits', () => {
    const rng = new Rng(3);
    const m24 = nmMaskRef(rng.uniformArray(6 * 16, 0, 1), 6, 16, 'in-out', 2, 4);
    expect(detectNm(m24, 6, 16, 'in-out')).to.deep.equal({ n: 2, m: 4 });
    const m18 = nmMaskRef(rng.uniformArray(3 * 24, 0, 1), 3, 24, 'out-in', 1, 8);
    expect(detectNm(m18, 3, 24, 'out-in')).to.deep.equal({ n: 1, m: 8 });
    expect(detectNm(new Uint8Array(14).fill(1), 2, 7, 'in-out')).to.equal(undefined);
    expect(detectNm(new Uint8Array(10).fill(1), 2, 5, 'in-out')).to.equal(undefined);
  });

  it('spmm-nm refuses a bad format, short buffers and aliases by name', async () => {
    const ctx = await gpu();
    const rng = new Rng(1);
    const { w, mask } = nmLayer(rng, 6, 40, 'in-out', { n: 2, m: 4 });
    const f = buildNm(w, mask, 6, 40, 'in-out', { n: 2, m: 4 });
    const up = uploadNm(ctx, f, 'bad');
    const x = ctx.pool.storage('x', 2 * 40 * 4);
    const y = ctx.pool.storage('y', 2 * 6 * 4);
    const base = { M: 2, format: f, buffers: up, x, y };
    await expectArgError(() => prepareSpmmNm(ctx, { ...base, M: 0 }), 'M');
    await expectArgError(() => prepareSpmmNm(ctx, { ...base, M: 3 }), 'x');
    await expectArgError(() => prepareSpmmNm(ctx, { ...base, pos: 3 }), 'M');
    await expectArgError(() => prepareSpmmNm(ctx, { ...base, y: x }), 'y');
    await expectArgError(() => prepareSpmmNm(ctx, { ...base, rowsPerThread: 2 as 1 }), 'rowsPerThread');
    await expectArgError(() => prepareSpmmNm(ctx, { ...base, format: { ...f, slots: f.slots + 1 } }), 'format.slots');
    await expectArgError(() => prepareSpmmNm(ctx, { ...base, format: { ...f, quads: f.quads + 1 } }), 'format.quads');
    await expectArgError(() => prepareSpmmNm(ctx, { ...base, format: { ...f, m: 3 } }), 'format.cols');
    const tiny = ctx.pool.storage('tiny', 16);
    await expectArgError(() => prepareSpmmNm(ctx, { ...base, buffers: { ...up, index: tiny } }), 'buffers.index');
    for (const b of [...up.all, x, y, tiny]) ctx.pool.release(b);
  });
});
