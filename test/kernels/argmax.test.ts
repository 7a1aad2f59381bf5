// Argmax with correct count and confusion matrix against the oracle: awkward B×C up
// to 1000×10, ties (→ lowest class), exact counts accumulated over batches, fewer
// valid rows than allocated, predictions without labels, and argument checks.
import { expect } from '@esm-bundle/chai';
import { argmaxCountWords, prepareArgmax } from '../../src/kernels/argmax.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { accumulateCountsRef, argmaxRef } from '../../src/ref/argmax.js';
import { Rng } from '../../src/rng.js';
import { expectEqualArrays } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readU32 } from '../helpers/gpu.js';

const SENTINEL = 0xdeadbeef;

/** Logits drawn from only `levels` values, so most rows hold ties. */
function batch(B: number, C: number, seed: number, levels: number): { logits: Float32Array; labels: Uint32Array } {
  const rng = new Rng(seed);
  return {
    logits: Float32Array.from({ length: B * C }, () => rng.int(levels) - 1.5),
    labels: Uint32Array.from({ length: B }, () => rng.int(C)),
  };
}

describe('argmax', () => {
  it('matches the oracle on awkward shapes (1×1, 3×3, 17×10, 257×17, 1000×10) with exact accumulated counts', async () => {
    const ctx = await gpu();
    for (const [B, C] of [[1, 1], [3, 3], [17, 10], [257, 17], [1000, 10]] as const) {
      const cb = ctx.pool.storage('counts', argmaxCountWords(C) * 4);
      const want = new Uint32Array(argmaxCountWords(C));
      for (const [seed, levels] of [[B, 1000], [B + 1, 3]] as const) {
        const { logits, labels } = batch(B, C, seed, levels);
        const lb = ctx.pool.upload('logits', logits);
        const yb = ctx.pool.upload('labels', labels);
        const pb = ctx.pool.storage('pred', B * 4);
        const pred = await noGpuErrors(ctx, async () => {
          const k = await prepareArgmax(ctx, { B, C, logits: lb, labels: yb, pred: pb, counts: cb });
          runKernels(ctx, 'argmax test', [k]);
          k.release();
          return readU32(ctx, pb, B);
        });
        const wantPred = argmaxRef(logits, B, C);
        expectEqualArrays(pred, wantPred, `argmax pred ${B}×${C} levels ${levels}`);
        accumulateCountsRef(want, wantPred, labels, C);
        for (const b of [lb, yb, pb]) ctx.pool.release(b);
      }
      const counts = await readU32(ctx, cb, want.length);
      expectEqualArrays(counts, want, `argmax counts ${B}×${C} over 2 batches`);
      // Oracle-free: the matrix holds every row of both batches, the trace is the correct count.
      expect(counts.subarray(1).reduce((a, b) => a + b, 0)).to.equal(2 * B);
      let trace = 0;
      for (let t = 0; t < C; t++) trace += counts[1 + t * C + t]!;
      expect(trace).to.equal(counts[0]);
      ctx.pool.release(cb);
    }
  });

  it('breaks ties to the lowest class index', async () => {
    const ctx = await gpu();
    const C = 4;
    const rows = [[1, 1, 1, 1], [0, 2, 2, 0], [-1, -3, -1, -1], [5, 5, 6, 6], [-0, 0, 0, -0]];
    const lb = ctx.pool.upload('logits', Float32Array.from(rows.flat()));
    const pb = ctx.pool.storage('pred', rows.length * 4);
    const k = await noGpuErrors(ctx, () => prepareArgmax(ctx, { B: rows.length, C, logits: lb, pred: pb }));
    runKernels(ctx, 'argmax ties', [k]);
    k.release();
    expectEqualArrays(await readU32(ctx, pb, rows.length), [0, 1, 0, 2, 0], 'tied rows');
    ctx.pool.release(lb);
    ctx.pool.release(pb);
  });

  it('reads only the valid rows, skips labels ≥ C, and never clears counts', async () => {
    const ctx = await gpu();
    const [B, C] = [1000, 10];
    const { logits, labels } = batch(B, C, 77, 5);
    labels[3] = C;
    const lb = ctx.pool.upload('logits', logits);
    const yb = ctx.pool.upload('labels', labels);
    const pb = ctx.pool.upload('pred', new Uint32Array(B).fill(SENTINEL));
    const start = Uint32Array.from({ length: argmaxCountWords(C) }, (_, i) => i * 3);
    const cb = ctx.pool.upload('counts', start);
    const k = await noGpuErrors(ctx, () => prepareArgmax(ctx, { B, C, logits: lb, labels: yb, pred: pb, counts: cb, rows: 700 }));
    runKernels(ctx, 'argmax 700 of 1000', [k]);
    k.setParams({ rows: 9, C });
    runKernels(ctx, 'argmax 9 of 1000', [k]);
    k.release();
    const wantPred = new Uint32Array(B).fill(SENTINEL);
    wantPred.set(argmaxRef(logits, 700, C));
    expectEqualArrays(await readU32(ctx, pb, B), wantPred, 'pred, rows ≥ 700 untouched');
    const want = start.slice();
    accumulateCountsRef(want, argmaxRef(logits, 700, C), labels.subarray(0, 700), C);
    accumulateCountsRef(want, argmaxRef(logits, 9, C), labels.subarray(0, 9), C);
    expectEqualArrays(await readU32(ctx, cb, want.length), want, 'counts over 700 + 9 rows on top of the start values');
    for (const b of [lb, yb, pb, cb]) ctx.pool.release(b);
  });

  it('rejects bad arguments with a PruneLabError naming the field', async () => {
    const ctx = await gpu();
    const [a, b, c, d] = [1, 2, 3, 4].map((i) => ctx.pool.storage(`buf ${i}`, 64)) as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
    const ok = { B: 4, C: 3, logits: a, pred: b, labels: c, counts: d };
    await expectArgError(() => prepareArgmax(ctx, { ...ok, C: 0 }), 'C');
    await expectArgError(() => prepareArgmax(ctx, { ...ok, B: 0 }), 'B');
    await expectArgError(() => prepareArgmax(ctx, { ...ok, C: 4 }), 'counts');
    await expectArgError(() => prepareArgmax(ctx, { ...ok, B: 17 }), 'logits');
    await expectArgError(() => prepareArgmax(ctx, { ...ok, rows: 5 }), 'rows');
    await expectArgError(() => prepareArgmax(ctx, { ...ok, labels: undefined }), 'labels');
    await expectArgError(() => prepareArgmax(ctx, { ...ok, counts: undefined }), 'counts');
    await expectArgError(() => prepareArgmax(ctx, { ...ok, pred: d }), 'counts');
    for (const x of [a, b, c, d]) ctx.pool.release(x);
  });
});
