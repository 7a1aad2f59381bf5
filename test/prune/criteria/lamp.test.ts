// LAMP on the GPU against src/ref/criteria/lamp.ts: awkward sizes, ties, zeros, and
// through the score pruner (one global threshold, exact counts).
import { expect } from '@esm-bundle/chai';
import { prepareLampScores } from '../../../src/kernels/score-lamp.js';
import { lampScores } from '../../../src/ref/criteria/lamp.js';
import { planModel, type ModelSpec } from '../../../src/nn/spec.js';
import { Network } from '../../../src/nn/network.js';
import { ScorePruner } from '../../../src/prune/score-pruner.js';
import { topkMasksRef } from '../../../src/ref/topk.js';
import { pruneCount } from '../../../src/ref/mask.js';
import { Rng } from '../../../src/rng.js';
import { expectClose, expectEqualArrays } from '../../helpers/compare.js';
import { gpu, readF32 } from '../../helpers/gpu.js';

async function gpuLamp(w: Float32Array): Promise<Float32Array> {
  const ctx = await gpu();
  const W = ctx.pool.upload('w', w);
  const out = ctx.pool.storage('out', w.length * 4);
  const plan = await prepareLampScores(ctx, { n: w.length, w: W, out });
  const enc = ctx.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  plan.encode(pass);
  pass.end();
  ctx.device.queue.submit([enc.finish()]);
  const got = await readF32(ctx, out, w.length);
  plan.release();
  ctx.pool.release(W);
  ctx.pool.release(out);
  return got;
}

describe('LAMP scores', () => {
  it('match the oracle on sizes 1, 3, 17, 255, 257, 4099 (f32 scan: rtol 2e-5)', async () => {
    const rng = new Rng(8);
    for (const n of [1, 3, 17, 255, 257, 4099]) {
      const w = rng.uniformArray(n, -1, 1);
      const got = await gpuLamp(w);
      expectClose(got, lampScores(w), { atol: 1e-7, rtol: 2e-5 }, `lamp n=${n}`);
      // The largest weight of a layer scores 1.
      let top = 0;
      w.forEach((x, i) => { if (Math.abs(x) >= Math.abs(w[top]!)) top = i; });
      expect(got[top]).to.be.closeTo(1, 1e-6);
    }
  });

  it('ties go by index, zeros score 0, an all-zero layer scores 0 everywhere (no NaN)', async () => {
    const w = Float32Array.from([0.5, -0.5, 0, 0.25, 0.5, -0.25, 0, 1, 1]);
    const got = await gpuLamp(w);
    expectClose(got, lampScores(w), { atol: 1e-7, rtol: 1e-6 }, 'ties');
    expect(got[2]).to.equal(0);
    expect(got[7]! < got[8]!).to.equal(true); // equal |w|: the lower index sorts first, its suffix is larger
    expectEqualArrays(await gpuLamp(new Float32Array(37)), new Float32Array(37), 'zeros');
  });

  it('through ScorePruner: the oracle top-k of the GPU scores, exactly round(s·N) pruned', async () => {
    const ctx = await gpu();
    const spec: ModelSpec = { input: { C: 1, H: 1, W: 17 }, layers: [{ type: 'linear', units: 15 }, { type: 'relu' }, { type: 'linear', units: 17 }, { type: 'relu' }, { type: 'linear', units: 2 }] };
    const plan = planModel(spec);
    const net = Network.create(ctx, plan, { seed: 6 });
    const sp = await ScorePruner.create(net, { criterion: 'lamp', scope: 'global', batchSize: 1, seed: 1 });
    const v0 = await net.readValues();
    await sp.prune(0.7);
    const scores = await Promise.all(sp.scores.map((b, i) => readF32(ctx, b, plan.params[i]!.weightCount)));
    scores.forEach((s, i) => expectClose(s, lampScores(v0[i]!.w), { atol: 1e-7, rtol: 2e-5 }, `scores ${i}`));
    const want = topkMasksRef(scores, 0.7, 'global').masks;
    const v = await net.readValues();
    v.forEach((l, i) => expectEqualArrays(l.mask, want[i]!, `mask ${i}`));
    const N = plan.params.reduce((t, q) => t + q.weightCount, 0);
    expect(v.reduce((t, l) => t + l.mask.filter((m) => !m).length, 0)).to.equal(pruneCount(0.7, N));
    sp.release();
    net.destroy();
  });
});
