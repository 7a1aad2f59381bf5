// Per-unit strided sums (|x|, x², x) against their f64 oracle: every slice shape the
// unit criteria use (a Linear's columns, a conv's filters, a next Linear's rows, a
// next conv's input channels) on awkward sizes and workgroup sizes, several
// reductions into one buffer at their offsets, equal slices giving bit-equal sums
// (ties stay ties), more units than one grid row holds, and argument checks.
import { expect } from '@esm-bundle/chai';
import { prepareUnitReduce, sliceExtent, type UnitReduceOp, type UnitSlices } from '../../src/kernels/unit-reduce.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { unitReduceRef } from '../../src/ref/unit-reduce.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32 } from '../helpers/gpu.js';

// f32 tree sums of up to 784 terms in [−1, 1]: |sum| error ≲ n·ε·Σ|x|.
const tolFor = (x: Float32Array, s: UnitSlices): { atol: number; rtol: number } => ({ atol: 1e-6 * s.outer * s.inner * Math.max(1, ...Array.from(x.subarray(0, 64), Math.abs)), rtol: 1e-5 });

const linearIn = (K: number, N: number): UnitSlices => ({ units: N, outer: K, inner: 1, unitStride: 1, outerStride: N });
const convIn = (F: number, f: number): UnitSlices => ({ units: F, outer: 1, inner: f, unitStride: f, outerStride: 0 });
const linearOut = (U: number, per: number, N: number): UnitSlices => ({ units: U, outer: 1, inner: per * N, unitStride: per * N, outerStride: 0 });
const convOut = (C: number, k2: number, F: number): UnitSlices => ({ units: C, outer: F, inner: k2, unitStride: k2, outerStride: C * k2 });

async function reduce(x: Float32Array, s: UnitSlices, op: UnitReduceOp, workgroupSize?: number): Promise<Float32Array> {
  const ctx = await gpu();
  const xb = ctx.pool.upload('x', x);
  const out = ctx.pool.storage('out', s.units * 4);
  try {
    return await noGpuErrors(ctx, async () => {
      const k = await prepareUnitReduce(ctx, { ...s, op, x: xb, out, ...(workgroupSize ? { workgroupSize } : {}) });
      runKernels(ctx, 'unit-reduce test', [k]);
      k.release();
      return readF32(ctx, out, s.units);
    });
  } finally {
    ctx.pool.release(xb);
    ctx.pool.release(out);
  }
}

describe('unit-reduce', () => {
  const cases: Array<[string, UnitSlices]> = [
    ['Linear 1×1', linearIn(1, 1)],
    ['Linear 3×17', linearIn(3, 17)],
    ['Linear 257×5', linearIn(257, 5)],
    ['Linear 784×300', linearIn(784, 300)],
    ['conv 7 filters of 2·3²', convIn(7, 18)],
    ['conv 3 filters of 255', convIn(3, 255)],
    ['next Linear rows, 5 units × 1 × 13', linearOut(5, 1, 13)],
    ['next Linear after flatten, 3 channels × 16 positions × 4', linearOut(3, 16, 4)],
    ['next conv input channels, C 5, k² 9, F 3', convOut(5, 9, 3)],
    ['next conv input channels, C 1, k² 1, F 17', convOut(1, 1, 17)],
  ];
  for (const [name, s] of cases) {
    it(`${name}: |x|, x² and x equal the oracle (workgroups of 8, 1 and 256)`, async () => {
      const x = new Rng(s.units * 31 + s.inner).uniformArray(sliceExtent(s));
      for (const op of ['abs', 'square', 'sum'] as const) {
        for (const wg of [undefined, 1, 256]) {
          if (wg === 1 && s.outer * s.inner * s.units > 20000) continue;
          expectClose(await reduce(x, s, op, wg), unitReduceRef(x, s, op), tolFor(x, s), `${name} ${op} wg=${wg ?? 8}`);
        }
      }
    });
  }

  it('several reductions into one buffer at their offsets; equal slices give bit-equal sums', async () => {
    const ctx = await gpu();
    const K = 9, N = 6;
    const w = new Rng(4).uniformArray(K * N);
    for (let k = 0; k < K; k++) w[k * N + 4] = w[k * N + 1]!; // unit 4 = unit 1
    const next = new Rng(5).uniformArray(N * 3);
    const wb = ctx.pool.upload('w', w);
    const nb = ctx.pool.upload('next', next);
    const out = ctx.pool.storage('out', (2 * N + 1) * 4);
    ctx.device.queue.writeBuffer(out, 0, Float32Array.of(-7)); // word 0 stays as it is
    const ks = await noGpuErrors(ctx, async () => [
      await prepareUnitReduce(ctx, { ...linearIn(K, N), op: 'square', x: wb, out, outOffset: 1 }),
      await prepareUnitReduce(ctx, { ...linearOut(N, 1, 3), op: 'abs', x: nb, out, outOffset: 1 + N }),
    ]);
    runKernels(ctx, 'two reductions', ks);
    for (const k of ks) k.release();
    const got = await readF32(ctx, out, 2 * N + 1);
    expect(got[0]).to.equal(-7);
    expectClose(got.subarray(1, 1 + N), unitReduceRef(w, linearIn(K, N), 'square'), { atol: 1e-6, rtol: 1e-5 }, 'incoming x²');
    expectClose(got.subarray(1 + N), unitReduceRef(next, linearOut(N, 1, 3), 'abs'), { atol: 1e-6, rtol: 1e-5 }, 'outgoing |x|');
    expect(got[1 + 4]).to.equal(got[1 + 1]);
    for (const b of [wb, nb, out]) ctx.pool.release(b);
  });

  it('more units than one grid row (70,000 single-weight units)', async () => {
    const s = convIn(70000, 1);
    const x = new Rng(9).uniformArray(70000);
    const got = await reduce(x, s, 'sum', 1);
    expectClose(got, x, { atol: 0, rtol: 0 }, '70,000 units of one term');
  });

  it('rejects bad arguments with a PruneLabError naming the field', async () => {
    const ctx = await gpu();
    const x = ctx.pool.storage('x', 64);
    const out = ctx.pool.storage('out', 16);
    const ok = { ...linearIn(4, 4), op: 'abs' as const, x, out };
    await expectArgError(() => prepareUnitReduce(ctx, { ...ok, op: 'max' as never }), 'op');
    await expectArgError(() => prepareUnitReduce(ctx, { ...ok, units: 0 }), 'units');
    await expectArgError(() => prepareUnitReduce(ctx, { ...ok, outer: 1.5 }), 'outer');
    await expectArgError(() => prepareUnitReduce(ctx, { ...ok, inner: 0 }), 'inner');
    await expectArgError(() => prepareUnitReduce(ctx, { ...ok, outer: 5 }), 'x');
    await expectArgError(() => prepareUnitReduce(ctx, { ...ok, outOffset: 1 }), 'out');
    await expectArgError(() => prepareUnitReduce(ctx, { ...ok, out: x }), 'out');
    await expectArgError(() => prepareUnitReduce(ctx, { ...ok, workgroupSize: 48 }), 'workgroupSize');
    ctx.pool.release(x);
    ctx.pool.release(out);
  });
});
