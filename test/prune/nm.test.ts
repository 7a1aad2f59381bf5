// N:M masks on the GPU (prepareNmMasks) against the CPU oracle on awkward shapes:
// Linear K×N (strided groups), conv F×C·k·k (contiguous groups), many tied scores,
// masks already part-pruned, several layers in one pass; exact counts (n kept in
// every group); and refusals named before any GPU work.
import { expect } from '@esm-bundle/chai';
import { prepareNmMasks, checkNmShape, type NmLayer } from '../../src/prune/nm.js';
import { nmIndex, nmMaskRef } from '../../src/ref/nm.js';
import { packMask } from '../../src/layout/mask.js';
import type { WeightLayout } from '../../src/layout/weights.js';
import type { GpuContext } from '../../src/gpu/context.js';
import { readBuffer } from '../../src/gpu/readback.js';
import { Rng } from '../../src/rng.js';
import { PruneLabError } from '../../src/errors.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu, noGpuErrors } from '../helpers/gpu.js';

interface Case { rows: number; cols: number; layout: WeightLayout; scores: Float32Array; mask: Uint8Array }

function makeCase(rng: Rng, rows: number, cols: number, layout: WeightLayout, opts: { levels?: number; masked?: number } = {}): Case {
  const scores = Float32Array.from({ length: rows * cols }, () => {
    const u = rng.next();
    return opts.levels ? Math.floor(u * opts.levels) / opts.levels : u;
  });
  const mask = Uint8Array.from(scores, () => (rng.next() < (opts.masked ?? 0) ? 0 : 1));
  return { rows, cols, layout, scores, mask };
}

async function runGpu(ctx: GpuContext, cases: Case[], n: number, m: number): Promise<Uint8Array[]> {
  const { masks, kept } = await runGpuKept(ctx, cases, n, m);
  // The kept counts the plan reads back are the new masks' ones.
  expect(kept).to.deep.equal(masks.map((mk) => mk.reduce((t, v) => t + v, 0)));
  return masks;
}

async function runGpuKept(ctx: GpuContext, cases: Case[], n: number, m: number): Promise<{ masks: Uint8Array[]; kept: number[] }> {
  const bufs = cases.map((c) => ({ scores: ctx.pool.upload('scores', c.scores), mask: ctx.pool.upload('mask', packMask(c.mask)) }));
  const layers: NmLayer[] = cases.map((c, i) => ({ ...bufs[i]!, rows: c.rows, cols: c.cols, layout: c.layout }));
  const out = await noGpuErrors(ctx, async () => {
    const plan = await prepareNmMasks(ctx, layers, n, m);
    const enc = ctx.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    plan.encode(pass);
    pass.end();
    ctx.device.queue.submit([enc.finish()]);
    const kept = await plan.readKept();
    plan.release();
    const masks = await Promise.all(bufs.map(async (b, i) => new Uint8Array(await readBuffer(ctx.device, b.mask, b.mask.size)).slice(0, cases[i]!.scores.length)));
    return { masks, kept };
  });
  for (const b of bufs) {
    ctx.pool.release(b.scores);
    ctx.pool.release(b.mask);
  }
  return out;
}

/** Kept count of every group. */
function groupCounts(mask: Uint8Array, c: Case, m: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < c.rows; r++) {
    for (let g = 0; g < c.cols / m; g++) {
      let k = 0;
      for (let t = 0; t < m; t++) k += mask[nmIndex(r, g * m + t, c.rows, c.cols, c.layout)]!;
      out.push(k);
    }
  }
  return out;
}

describe('N:M masks (GPU) against the oracle', () => {
  const shapes: Array<[number, number, WeightLayout, number, number]> = [
    [7, 12, 'in-out', 2, 4], [1, 4, 'in-out', 2, 4], [17, 300, 'in-out', 2, 4], [100, 784, 'in-out', 2, 4],
    [3, 8, 'in-out', 4, 8], [5, 48, 'in-out', 1, 4], [6, 32, 'in-out', 3, 16],
    [5, 27, 'out-in', 1, 3], [6, 36, 'out-in', 2, 4], [12, 150, 'out-in', 3, 5],
  ];
  for (const [rows, cols, layout, n, m] of shapes) {
    it(`${layout === 'in-out' ? 'Linear' : 'conv'} ${rows} outputs × ${cols} inputs at ${n}:${m}: equal to the oracle, exactly ${n} kept per group`, async () => {
      const ctx = await gpu();
      const rng = new Rng(rows * 131 + cols + n * 7 + m);
      const c = makeCase(rng, rows, cols, layout);
      const [got] = await runGpu(ctx, [c], n, m);
      expect(Array.from(got!)).to.deep.equal(Array.from(nmMaskRef(c.scores, rows, cols, layout, n, m, c.mask)));
      expect(new Set(groupCounts(got!, c, m))).to.deep.equal(new Set([n]));
    });
  }

  it('ties: with 3 score levels the lowest in-group index is pruned first (and all-equal scores keep the last n)', async () => {
    const ctx = await gpu();
    const rng = new Rng(5);
    const tied = makeCase(rng, 9, 40, 'in-out', { levels: 3 });
    const flat: Case = { rows: 3, cols: 8, layout: 'out-in', scores: new Float32Array(24).fill(0.5), mask: new Uint8Array(24).fill(1) };
    const [a, b] = await runGpu(ctx, [tied, flat], 2, 4);
    expect(Array.from(a!)).to.deep.equal(Array.from(nmMaskRef(tied.scores, 9, 40, 'in-out', 2, 4, tied.mask)));
    expect(Array.from(b!)).to.deep.equal(Array<number[]>(3).fill([0, 0, 1, 1, 0, 0, 1, 1]).flat());
    expect(new Set(groupCounts(a!, tied, 4))).to.deep.equal(new Set([2]));
  });

  it('already-masked weights count as lowest and stay pruned (groups with more masked keep fewer); several layers in one pass', async () => {
    const ctx = await gpu();
    const rng = new Rng(9);
    const cases = [makeCase(rng, 13, 20, 'in-out', { masked: 0.4 }), makeCase(rng, 4, 50, 'out-in', { masked: 0.4, levels: 4 }), makeCase(rng, 3, 10, 'in-out')];
    const got = await runGpu(ctx, cases, 3, 5);
    cases.forEach((c, i) => {
      const want = nmMaskRef(c.scores, c.rows, c.cols, c.layout, 3, 5, c.mask);
      expect(Array.from(got[i]!), `layer ${i}`).to.deep.equal(Array.from(want));
      for (let j = 0; j < c.mask.length; j++) if (!c.mask[j]) expect(got[i]![j], `layer ${i} weight ${j} was masked`).to.equal(0);
    });
    // Per group: kept = min(3, unmasked in the group).
    const c = cases[0]!;
    const unmasked = groupCounts(c.mask, c, 5);
    expect(groupCounts(got[0]!, c, 5)).to.deep.equal(unmasked.map((u) => Math.min(3, u)));
    expect(unmasked.some((u) => u < 3)).to.equal(true);
  });

  it('a plan run twice: the second run keeps the same masks (masked count as lowest) and its kept counts start from 0', async () => {
    const ctx = await gpu();
    const c = makeCase(new Rng(21), 10, 24, 'in-out');
    const scores = ctx.pool.upload('scores', c.scores);
    const mask = ctx.pool.upload('mask', packMask(c.mask));
    const plan = await prepareNmMasks(ctx, [{ scores, mask, rows: 10, cols: 24, layout: 'in-out' }], 1, 4);
    const runs: Array<{ kept: number[]; mask: Uint8Array }> = [];
    for (let r = 0; r < 2; r++) {
      const enc = ctx.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      plan.encode(pass);
      pass.end();
      ctx.device.queue.submit([enc.finish()]);
      runs.push({ kept: await plan.readKept(), mask: new Uint8Array(await readBuffer(ctx.device, mask, 240)) });
    }
    plan.release();
    expect(runs[0]!.kept).to.deep.equal([60]);
    expect(runs[1]!.kept).to.deep.equal([60]);
    expect(Array.from(runs[1]!.mask)).to.deep.equal(Array.from(runs[0]!.mask));
    expect(Array.from(runs[0]!.mask)).to.deep.equal(Array.from(nmMaskRef(c.scores, 10, 24, 'in-out', 1, 4)));
    ctx.pool.release(scores);
    ctx.pool.release(mask);
  });

  it('refuses a pattern, a shape or a layout by name before any GPU work', async () => {
    const ctx = await gpu();
    const l = (cols: number, layout: WeightLayout = 'in-out'): NmLayer => ({ scores: ctx.dummy, mask: ctx.dummy, rows: 2, cols, layout });
    await expectArgError(() => prepareNmMasks(ctx, [l(8)], 4, 4), 'nm');
    await expectArgError(() => prepareNmMasks(ctx, [l(8)], 0, 4), 'nm');
    await expectArgError(() => prepareNmMasks(ctx, [l(34)], 2, 17), 'nm');
    await expectArgError(() => prepareNmMasks(ctx, [l(8), l(10)], 2, 4), 'layers[1]');
    await expectArgError(() => prepareNmMasks(ctx, [l(8, 'x' as WeightLayout)], 2, 4), 'layers[0].layout');
    await expectArgError(() => prepareNmMasks(ctx, [], 2, 4), 'layers');
  });
});

describe('checkNmShape', () => {
  it('accepts multiples of m and refuses the rest with invalid-config naming the field', () => {
    checkNmShape(784, 4, 'model.layers[0]');
    checkNmShape(27, 3, 'model.layers[1]');
    for (const bad of [10, 0, 2.5]) {
      let err: unknown;
      try {
        checkNmShape(bad, 4, 'model.layers[2]');
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(PruneLabError);
      expect((err as PruneLabError).code).to.equal('invalid-config');
      expect((err as PruneLabError).field).to.equal('model.layers[2]');
      expect((err as Error).message).to.contain('multiple of 4');
    }
  });
});
