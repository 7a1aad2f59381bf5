// SynFlow on the GPU against src/ref/criteria/synflow.ts (an MLP and a CNN with
// max-pooling, awkward sizes), the power-of-two overflow guard (large weights that
// overflow f32 unscaled), and the iterative schedule through ScorePruner.
import { expect } from '@esm-bundle/chai';
import { planModel, type ModelSpec } from '../../../src/nn/spec.js';
import { Network } from '../../../src/nn/network.js';
import { prepareSynflow } from '../../../src/prune/criteria/synflow.js';
import { ScorePruner, synflowTargets } from '../../../src/prune/score-pruner.js';
import { synflowScoresRef } from '../../../src/ref/criteria/synflow.js';
import { topkMasksRef } from '../../../src/ref/topk.js';
import { pruneCount } from '../../../src/ref/mask.js';
import { expectClose, expectEqualArrays } from '../../helpers/compare.js';
import { gpu, readF32 } from '../../helpers/gpu.js';

const MLP: ModelSpec = { input: { C: 1, H: 1, W: 17 }, layers: [{ type: 'linear', units: 15 }, { type: 'relu' }, { type: 'linear', units: 3 }, { type: 'relu' }, { type: 'linear', units: 2 }] };
const CNN: ModelSpec = { input: { C: 2, H: 7, W: 7 }, layers: [{ type: 'conv2d', filters: 3, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'maxpool2d', size: 2 }, { type: 'flatten' }, { type: 'linear', units: 5 }] };

async function gpuScores(net: Network): Promise<{ scores: Float32Array[]; log2Scale: number }> {
  const ctx = net.ctx;
  const layers = net.layers.map((_, i) => i);
  const out = net.layers.map((l) => ctx.pool.storage('synflow out', l.op.weightCount * 4));
  const p = await prepareSynflow({ ctx, net, layers, batchSize: 1, seed: 0 }, out);
  p.run();
  const scores = await Promise.all(out.map((b, i) => readF32(ctx, b, net.layers[i]!.op.weightCount)));
  p.release();
  for (const b of out) ctx.pool.release(b);
  return { scores, log2Scale: p.log2Scale };
}

describe('SynFlow scores', () => {
  for (const [name, spec] of [['MLP', MLP], ['CNN', CNN]] as const) {
    it(`${name}: 2^log2Scale × the oracle's |w|·∂R/∂|w| (rtol 1e-4), with masked weights scoring 0`, async () => {
      const ctx = await gpu();
      const plan = planModel(spec);
      const net = Network.create(ctx, plan, { seed: 4 });
      const v = await net.readValues();
      for (const j of [0, 5, 6]) v[0]!.mask[j] = 0;
      net.writeValues(v);
      const { scores, log2Scale } = await gpuScores(net);
      const want = synflowScoresRef(plan, await net.readValues());
      scores.forEach((s, i) => {
        const scaled = Float64Array.from(want[i]!, (x) => x * 2 ** log2Scale);
        const top = scaled.reduce((m, x) => Math.max(m, x), 0);
        expectClose(s, scaled, { atol: 1e-6 * top, rtol: 1e-4 }, `${name} layer ${i}`);
        for (const x of s) expect(Number.isFinite(x) && x >= 0).to.equal(true);
      });
      expect([scores[0]![0], scores[0]![5], scores[0]![6]]).to.deep.equal([0, 0, 0]);
      net.destroy();
    });
  }

  it('weights × 1e15 (scores past f32 unscaled): finite scores in the oracle ratio', async () => {
    const ctx = await gpu();
    const plan = planModel(MLP);
    const v0 = (Network.create(ctx, plan, { seed: 2 }));
    const v = await v0.readValues();
    v0.destroy();
    for (const l of v) l.w.forEach((x, j) => { l.w[j] = x * 1e15; });
    const net = Network.create(ctx, plan, { values: v });
    const { scores, log2Scale } = await gpuScores(net);
    expect(log2Scale).to.be.lessThan(-100);
    const want = synflowScoresRef(plan, v);
    expect(Math.max(...want.map((w) => w.reduce((m, x) => Math.max(m, x), 0)))).to.be.greaterThan(3.5e38);
    scores.forEach((s, i) => {
      for (const x of s) expect(Number.isFinite(x)).to.equal(true);
      const scaled = Float64Array.from(want[i]!, (x) => x * 2 ** log2Scale);
      const top = scaled.reduce((m, x) => Math.max(m, x), 0);
      expectClose(s, scaled, { atol: 1e-6 * top, rtol: 1e-4 }, `big layer ${i}`);
    });
    net.destroy();
  });

  it('through ScorePruner: iterations rounds to s_k = 1 − (1 − s)^(k/K), each the oracle top-k of that round', async () => {
    const ctx = await gpu();
    const plan = planModel(CNN);
    const net = Network.create(ctx, plan, { seed: 7 });
    const sp = await ScorePruner.create(net, { criterion: 'synflow', scope: 'global', synflow: { iterations: 4 }, batchSize: 1, seed: 1 });
    // Oracle: rescore on the masked net each round, global top-k at s_k.
    let v = await net.readValues();
    for (const sk of synflowTargets(0.8, 4)) {
      const sc = synflowScoresRef(plan, v);
      const m = topkMasksRef(sc.map((x) => Float32Array.from(x)), sk, 'global', v.map((l) => l.mask)).masks;
      v = v.map((l, i) => ({ w: l.w.map((x, j) => (m[i]![j] ? x : 0)), b: l.b, mask: m[i]! }));
    }
    await sp.prune(0.8);
    const got = await net.readValues();
    const N = plan.params.reduce((t, q) => t + q.weightCount, 0);
    expect(got.reduce((t, l) => t + l.mask.filter((x) => !x).length, 0)).to.equal(pruneCount(0.8, N));
    // f32 against float64 scores may order near-ties differently: at most 2% of the masks differ.
    let diff = 0;
    got.forEach((l, i) => l.mask.forEach((x, j) => { if (x !== v[i]!.mask[j]) diff++; }));
    expect(diff).to.be.at.most(Math.ceil(0.02 * N));
    got.forEach((l) => l.w.forEach((x, j) => { if (!l.mask[j]) expect(x).to.equal(0); }));
    sp.release();
    net.destroy();
    expectEqualArrays(Float32Array.from(synflowTargets(0.75, 2)), Float32Array.from([0.5, 0.75]), 'schedule');
  });
});
