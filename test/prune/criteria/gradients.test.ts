// Taylor and SNIP on the GPU against the CPU network oracle: an MLP and a small CNN
// (conv + maxpool) of awkward sizes, calibration sets that leave a partial batch,
// masked weights, and exact counts through ScorePruner.
import { expect } from '@esm-bundle/chai';
import { planModel, type ModelSpec } from '../../../src/nn/spec.js';
import { Network } from '../../../src/nn/network.js';
import type { ImageDataset } from '../../../src/data/dataset.js';
import { ScorePruner } from '../../../src/prune/score-pruner.js';
import { weightCriterion } from '../../../src/prune/criteria/index.js';
import { calibrationBatches } from '../../../src/prune/criteria/gradients.js';
import { snipScoresRef, taylorScoresRef } from '../../../src/ref/criteria/gradients.js';
import { topkMasksRef } from '../../../src/ref/topk.js';
import { pruneCount } from '../../../src/ref/mask.js';
import { Rng } from '../../../src/rng.js';
import { expectClose, expectEqualArrays } from '../../helpers/compare.js';
import { expectArgError } from '../../helpers/errors.js';
import { gpu, readF32 } from '../../helpers/gpu.js';

const MLP: ModelSpec = { input: { C: 1, H: 1, W: 17 }, layers: [{ type: 'linear', units: 15 }, { type: 'relu' }, { type: 'linear', units: 3 }] };
const CNN: ModelSpec = { input: { C: 1, H: 7, W: 7 }, layers: [{ type: 'conv2d', filters: 3, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'maxpool2d', size: 2 }, { type: 'flatten' }, { type: 'linear', units: 5 }] };

function dataset(spec: ModelSpec, n: number, classes: number, seed: number): ImageDataset {
  const rng = new Rng(seed);
  const D = spec.input.C * spec.input.H * spec.input.W;
  return { images: rng.uniformArray(n * D, 0, 1), labels: Uint8Array.from({ length: n }, () => rng.int(classes)), shape: spec.input, numClasses: classes, n };
}

/** |got − want| ≤ 1e-4·max|want| + 1e-3·|want| (f32 gradients summed against float64). */
function expectScores(got: Float32Array, want: Float64Array, what: string): void {
  const scale = want.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  expectClose(got, want, { atol: 1e-4 * scale + 1e-9, rtol: 1e-3 }, what);
}

describe('Taylor and SNIP scores', () => {
  for (const [name, spec, classes] of [['MLP', MLP, 3], ['CNN', CNN, 5]] as const) {
    for (const crit of ['taylor', 'snip'] as const) {
      it(`${crit} on the ${name}: the oracle's Σ over 3 batches of 4 (13 samples: one left out); masked weights score 0`, async () => {
        const ctx = await gpu();
        const plan = planModel(spec);
        const net = Network.create(ctx, plan, { seed: 3 });
        const v = await net.readValues();
        v[0]!.mask[1] = 0;
        v[0]!.mask[4] = 0;
        v[0]!.w[1] = 0;
        v[0]!.w[4] = 0;
        net.writeValues(v);
        const data = dataset(spec, 13, classes, 5);
        const out = plan.params.map((q) => ctx.pool.storage('scores', q.weightCount * 4));
        await weightCriterion(crit).score({ ctx, net, layers: plan.params.map((_, i) => i), calibration: data, batchSize: 4, seed: 1 }, out);
        const want = (crit === 'taylor' ? taylorScoresRef : snipScoresRef)(plan, v, data, 4);
        for (const [i, b] of out.entries()) {
          const got = await readF32(ctx, b, plan.params[i]!.weightCount);
          expectScores(got, want[i]!, `${crit} ${name} layer ${i}`);
          for (const x of got) expect(Number.isFinite(x) && x >= 0).to.equal(true);
          if (i === 0) expect([got[1], got[4]]).to.deep.equal([0, 0]);
          ctx.pool.release(b);
        }
        net.destroy();
      });
    }
  }

  it('Taylor takes |Σ| and SNIP Σ|·|: on one batch they agree, over batches SNIP ≥ Taylor', async () => {
    const ctx = await gpu();
    const plan = planModel(MLP);
    const net = Network.create(ctx, plan, { seed: 8 });
    const data = dataset(MLP, 12, 3, 2);
    const read = async (crit: 'taylor' | 'snip', batchSize: number): Promise<Float32Array> => {
      const out = [ctx.pool.storage('s', plan.params[0]!.weightCount * 4)];
      await weightCriterion(crit).score({ ctx, net, layers: [0], calibration: data, batchSize, seed: 1 }, out);
      const r = await readF32(ctx, out[0]!, plan.params[0]!.weightCount);
      ctx.pool.release(out[0]!);
      return r;
    };
    expectClose(await read('taylor', 12), await read('snip', 12), { atol: 0, rtol: 1e-6 }, 'one batch');
    const [t, s] = [await read('taylor', 3), await read('snip', 3)];
    t.forEach((x, i) => expect(s[i]! >= x * (1 - 1e-5)).to.equal(true));
    net.destroy();
  });

  it('through ScorePruner: exact counts, the oracle top-k of the GPU scores; bad calibration refused by name', async () => {
    const ctx = await gpu();
    const plan = planModel(CNN);
    const data = dataset(CNN, 20, 5, 9);
    for (const crit of ['taylor', 'snip'] as const) {
      const net = Network.create(ctx, plan, { seed: 4 });
      const sp = await ScorePruner.create(net, { criterion: crit, scope: 'global', calibration: data, batchSize: 8, seed: 1 });
      await sp.prune(0.6);
      const scores = await Promise.all(sp.scores.map((b, i) => readF32(ctx, b, plan.params[i]!.weightCount)));
      const want = topkMasksRef(scores, 0.6, 'global').masks;
      const v = await net.readValues();
      v.forEach((l, i) => expectEqualArrays(l.mask, want[i]!, `${crit} mask ${i}`));
      const N = plan.params.reduce((t, q) => t + q.weightCount, 0);
      expect(v.reduce((t, l) => t + l.mask.filter((m) => !m).length, 0)).to.equal(pruneCount(0.6, N));
      sp.release();
      await expectArgError(() => ScorePruner.create(net, { criterion: crit, scope: 'global', batchSize: 8, seed: 1 }), 'calibration');
      net.destroy();
    }
    expect(calibrationBatches(13, 4)).to.deep.equal({ batches: 3, samples: 12, batchSize: 4 });
    expect(calibrationBatches(3, 8)).to.deep.equal({ batches: 1, samples: 3, batchSize: 3 });
  });
});
