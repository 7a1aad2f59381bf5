// Softmax + cross-entropy against its f64 oracle: awkward B×C up to 1000×10,
// logits of ±80, fewer valid rows than allocated, ignored labels, a finite-difference
// check of the oracle itself, and argument checks.
import { expect } from '@esm-bundle/chai';
import { prepareSoftmaxXent } from '../../src/kernels/softmax-xent.js';
import { runKernels } from '../../src/kernels/kernel.js';
import { softmaxXentRef } from '../../src/ref/softmax-xent.js';
import { Rng } from '../../src/rng.js';
import { expectClose } from '../helpers/compare.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors, readF32 } from '../helpers/gpu.js';
import type { GpuContext } from '../../src/gpu/context.js';

// WGSL's exp is accurate to 3 + 2|x| ulp: at x = −160 that is ~2e-5 relative.
const GRAD_TOL = { atol: 1e-6, rtol: 1e-4 };
// The loss is (max − logit[label]) + log Σ: ~1 ulp of values up to 160.
const LOSS_TOL = { atol: 1e-5, rtol: 1e-5 };

interface Case {
  B: number;
  C: number;
  logits: Float32Array;
  labels: Uint32Array;
  rows?: number;
  scale?: number;
}

async function run(ctx: GpuContext, c: Case): Promise<{ dLogits: Float32Array; rowLoss: Float32Array }> {
  const { B, C } = c;
  const lb = ctx.pool.upload('logits', c.logits);
  const yb = ctx.pool.upload('labels', c.labels);
  // Sentinels: rows past `rows` must come back zeroed, not left as they were.
  const db = ctx.pool.upload('dLogits', new Float32Array(B * C).fill(7));
  const rb = ctx.pool.upload('rowLoss', new Float32Array(B).fill(7));
  const out = await noGpuErrors(ctx, async () => {
    const k = await prepareSoftmaxXent(ctx, { B, C, logits: lb, labels: yb, dLogits: db, rowLoss: rb, rows: c.rows, scale: c.scale });
    runKernels(ctx, 'softmax-xent test', [k]);
    k.release();
    return { dLogits: await readF32(ctx, db, B * C), rowLoss: await readF32(ctx, rb, B) };
  });
  for (const b of [lb, yb, db, rb]) ctx.pool.release(b);
  return out;
}

async function check(c: Case, what: string): Promise<void> {
  const ctx = await gpu();
  const got = await run(ctx, c);
  const rows = c.rows ?? c.B;
  const want = softmaxXentRef(c.logits, c.labels, c.B, c.C, rows, c.scale ?? 1 / rows);
  expectClose(got.dLogits, want.dLogits, GRAD_TOL, `${what} dLogits`);
  expectClose(got.rowLoss, want.rowLoss, LOSS_TOL, `${what} rowLoss`);
}

function randomCase(B: number, C: number, seed: number, spread: number): Case {
  const rng = new Rng(seed);
  return { B, C, logits: rng.uniformArray(B * C, -spread, spread), labels: Uint32Array.from({ length: B }, () => rng.int(C)) };
}

describe('softmax-xent', () => {
  it('matches the oracle on awkward shapes B×C (1×1, 1×3, 17×10, 255×17, 257×3, 1000×10)', async () => {
    for (const [B, C] of [[1, 1], [1, 3], [17, 10], [255, 17], [257, 3], [1000, 10]] as const) {
      await check({ ...randomCase(B, C, B + C, 5), scale: 1 }, `${B}×${C} scale 1`);
      await check(randomCase(B, C, B * C, 5), `${B}×${C} scale 1/B`);
    }
  });

  it('stays finite and exact with logits of ±80 (row max subtracted)', async () => {
    const c = { ...randomCase(257, 10, 3, 80), scale: 1 };
    // Rows made of only the extremes, with the label on the smallest logit: loss 160.
    for (let r = 0; r < 20; r++) for (let k = 0; k < 10; k++) c.logits[r * 10 + k] = k % 2 ? 80 : -80;
    for (let r = 0; r < 20; r++) c.labels[r] = 0;
    const got = await run(await gpu(), c);
    expect(got.dLogits.every(Number.isFinite) && got.rowLoss.every(Number.isFinite)).to.equal(true);
    expectClose(got.rowLoss.subarray(0, 1), [160 + Math.log(5)], LOSS_TOL, 'loss of a ±80 row');
    await check(c, '±80 logits');
  });

  it('gives zero gradient and loss to rows past `rows` and to labels ≥ C', async () => {
    const c = { ...randomCase(1000, 10, 8, 5), rows: 700 };
    c.labels[5] = 10;
    c.labels[6] = 0xffffffff;
    await check(c, '700 of 1000 rows');
    const got = await run(await gpu(), c);
    expect([...got.rowLoss.subarray(700)].every((v) => v === 0)).to.equal(true);
    expect([got.rowLoss[5], got.rowLoss[6]]).to.deep.equal([0, 0]);
    expect(got.rowLoss[4]).to.be.greaterThan(0);
  });

  it('the oracle gradient is the finite-difference derivative of its summed loss (scale 1)', () => {
    const { B, C, logits, labels } = randomCase(3, 5, 21, 3);
    const lossOf = (x: Float32Array): number => softmaxXentRef(x, labels, B, C, B, 1).rowLoss.reduce((a, b) => a + b, 0);
    const grad = softmaxXentRef(logits, labels, B, C, B, 1).dLogits;
    const h = 1e-2;
    const numeric = Array.from(logits, (_, i) => {
      const up = logits.slice();
      const dn = logits.slice();
      up[i]! += h;
      dn[i]! -= h;
      return (lossOf(up) - lossOf(dn)) / (Math.fround(logits[i]! + h) - Math.fround(logits[i]! - h));
    });
    expectClose(grad, numeric, { atol: 1e-3, rtol: 1e-2 }, 'oracle vs finite difference');
  });

  it('rejects bad arguments with a PruneLabError naming the field', async () => {
    const ctx = await gpu();
    const [a, b, c, d] = [1, 2, 3, 4].map((i) => ctx.pool.storage(`buf ${i}`, 64)) as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
    const ok = { B: 4, C: 4, logits: a, labels: b, dLogits: c, rowLoss: d };
    await expectArgError(() => prepareSoftmaxXent(ctx, { ...ok, C: 0 }), 'C');
    await expectArgError(() => prepareSoftmaxXent(ctx, { ...ok, B: 5 }), 'logits');
    await expectArgError(() => prepareSoftmaxXent(ctx, { ...ok, rows: 5 }), 'rows');
    await expectArgError(() => prepareSoftmaxXent(ctx, { ...ok, scale: Number.NaN }), 'scale');
    await expectArgError(() => prepareSoftmaxXent(ctx, { ...ok, rowLoss: a }), 'rowLoss');
    await expectArgError(() => prepareSoftmaxXent(ctx, { ...ok, workgroupSize: 0 }), 'workgroupSize');
    const k = await prepareSoftmaxXent(ctx, ok);
    expect(() => k.setParams({ B: 4, C: 4, rows: 0, scale: 1 })).to.throw(/rows must be/);
    k.release();
    for (const x of [a, b, c, d]) ctx.pool.release(x);
  });
});
