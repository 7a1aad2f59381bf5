// Issue #17's runner features on real MNIST subsets and a small MLP: early stopping's
// validation curve (against the CPU network oracle) and its schema, per-layer ratios
// reached over the rounds (layerSchedule 'iterative'), the fine-tune learning rate, and
// the config errors of these and of the reinit control (run-lottery.test.ts).
import { expect } from '@esm-bundle/chai';
import { runExperiment, roundRules } from '../../src/lab/run.js';
import { validateConfig, type ExperimentConfig } from '../../src/lab/config.js';
import { argminLoss } from '../../src/lab/early-stop.js';
import { validateReport } from '../../src/lab/report-schema.js';
import { planModel } from '../../src/nn/spec.js';
import { networkRef } from '../../src/ref/network.js';
import { pruneCount } from '../../src/layout/mask.js';
import type { PruneLabError } from '../../src/errors.js';
import { gpu } from '../helpers/gpu.js';
import { ADAPTER, SMALL, base, refusal, setup } from './repro-fixture.js';

describe('runExperiment: early stopping, per-layer schedules, the fine-tune rate (#17)', () => {
  it('early stopping: a curve every N steps from 0 to the end, its argmin, the oracle loss at the end', async () => {
    const ctx = await gpu();
    const config = base({ schedule: 'oneshot', rounds: 1, targetSparsity: 0.5, finetuneEpochs: 2, rewind: 0 }, { validateEvery: 7 });
    const data = await setup(config);
    const { report, network } = await runExperiment(ctx, ADAPTER, config, data);
    const values = await network.readValues();
    network.destroy();
    const b = report.baseline!.earlyStop!;
    // 1000 rows / 50 = 20 steps an epoch: points at 0, 7, 14 and the end (20).
    expect(b.curve.map((p) => p.iteration)).to.deep.equal([0, 7, 14, 20]);
    const r = report.rounds[0]!.earlyStop!;
    expect(r.curve.map((p) => p.iteration)).to.deep.equal([0, 7, 14, 21, 28, 35, 40]);
    for (const e of [b, r]) {
      const i = argminLoss(e.curve);
      expect(e.iteration).to.equal(e.curve[i]!.iteration);
      expect(e.valLoss).to.equal(Math.min(...e.curve.map((p) => p.valLoss)));
      expect(e.every).to.equal(7);
      expect(e.evaluatedOn).to.equal('test');
      expect(e.accuracyAtMin).to.be.within(0, 1);
    }
    // The untrained point is near ln(10); 20 steps of training bring the loss well below it.
    expect(b.curve[0]!.valLoss).to.be.above(1.8);
    expect(b.valLoss).to.be.below(b.curve[0]!.valLoss - 0.3);
    // The last point against the CPU oracle on the final weights (all 200 validation rows in one batch).
    const plan = planModel(SMALL);
    const ref = networkRef(plan, values, data.validation.images, Uint32Array.from(data.validation.labels), data.validation.n);
    expect(r.curve.at(-1)!.valLoss).to.be.closeTo(ref.loss, 1e-4);
    let correct = 0;
    for (let k = 0; k < data.validation.n; k++) {
      const row = ref.logits.subarray(k * 10, k * 10 + 10);
      if (row.indexOf(Math.max(...row)) === data.validation.labels[k]) correct++;
    }
    expect(r.curve.at(-1)!.valAccuracy).to.equal(correct / data.validation.n);
    // The schema keeps the record, and refuses a minimum that is not the curve's.
    expect(validateReport(JSON.parse(JSON.stringify(report))).rounds[0]!.earlyStop).to.deep.equal(r);
    const bad = JSON.parse(JSON.stringify(report));
    bad.rounds[0].earlyStop.iteration = r.iteration === 0 ? 7 : 0;
    let field: string | undefined;
    try {
      validateReport(bad);
    } catch (e) {
      field = (e as PruneLabError).field;
    }
    expect(field).to.equal('report.rounds[0].earlyStop.iteration');
    // When the minimum is the last point, the accuracy there is the round's own.
    if (r.iteration === 40) expect(r.accuracyAtMin).to.equal(report.rounds[0]!.accuracy);
    else expect(r.accuracyAtMin).to.not.equal(undefined);
  });

  it("layerSchedule 'iterative': each layer's ratio reached geometrically over the rounds, exact counts", async () => {
    const ctx = await gpu();
    const layers = { fc1: { sparsity: 1 - 0.8 ** 3 }, fc2: { sparsity: 1 - 0.8 ** 3 }, fc3: { sparsity: 1 - 0.9 ** 3 } };
    const config = base({ scope: 'local', rounds: 3, targetSparsity: 0.5, finetuneEpochs: 0, layers, layerSchedule: 'iterative' }, { epochs: 0 });
    const { report, network } = await runExperiment(ctx, ADAPTER, config, await setup(config));
    network.destroy();
    const plan = planModel(SMALL);
    report.rounds.forEach((r, i) => {
      const rules = roundRules(config.prune, i + 1)!;
      r.layers.forEach((l, j) => {
        const n = plan.params[j]!.weightCount;
        // 20% (10% for the output layer) of the remaining weights each round.
        expect(rules[l.name]!.sparsity).to.be.closeTo(1 - (l.name === 'fc3' ? 0.9 : 0.8) ** (i + 1), 1e-12);
        expect(l.nonzero).to.equal(n - pruneCount(rules[l.name]!.sparsity!, n));
      });
    });
    // 'fixed' (the default) prunes to the ratio in round 1.
    const fixed = base({ scope: 'local', rounds: 3, targetSparsity: 0.5, finetuneEpochs: 0, layers }, { epochs: 0 });
    const f = await runExperiment(ctx, ADAPTER, fixed, await setup(fixed));
    f.network.destroy();
    expect(f.report.rounds[0]!.layers.map((l) => l.nonzero)).to.deep.equal(report.rounds[2]!.layers.map((l) => l.nonzero));
  });

  it('prune.finetuneLr: fine-tuning at a vanishing rate leaves the pruned net as it was; the baseline keeps train.optimizer.lr', async () => {
    const ctx = await gpu();
    const none = base({ schedule: 'oneshot', rounds: 1, finetuneEpochs: 0 });
    const tiny = base({ schedule: 'oneshot', rounds: 1, finetuneEpochs: 1, finetuneLr: 1e-12 });
    const [a, b] = [await runExperiment(ctx, ADAPTER, none, await setup(none)), await runExperiment(ctx, ADAPTER, tiny, await setup(tiny))];
    const [va, vb] = [await a.network.readValues(), await b.network.readValues()];
    for (const x of [a, b]) x.network.destroy();
    expect(b.report.baseline!.accuracy).to.equal(a.report.baseline!.accuracy);
    va.forEach((v, i) => v.w.forEach((w, j) => expect(vb[i]!.w[j]).to.be.closeTo(w, 1e-9)));
    expect(b.report.rounds[0]!.accuracy).to.equal(a.report.rounds[0]!.accuracy);
    // The fine-tuning did run (its loss is recorded), at the given rate.
    expect(b.report.rounds[0]!.loss).to.be.a('number');
    expect(b.report.config.prune.finetuneLr).to.equal(1e-12);
  });

  it('config errors name the field and what it allows; old configs still validate unchanged', () => {
    const ok = base();
    expect(validateConfig(ok).prune).to.not.have.property('control');
    const cases: Array<[ExperimentConfig, string, RegExp]> = [
      [base({ control: 'reinit' }), 'prune.control', /prune\.rewind/],
      [base({ control: 'fresh' as 'reinit', rewind: 0 }), 'prune.control', /one of reinit/],
      [base({ control: 'reinit', granularity: 'unit' }), 'prune.control', /granularity 'unit'/],
      [base({ control: 'reinit', rewind: 0, targetSparsity: 0 }), 'prune.control', /above 0/],
      [base({ control: 'reinit', schedule: 'gradual', finetuneEpochs: 1 }), 'prune.control', /when 'during'/],
      [base({ layerSchedule: 'iterative' }), 'prune.layerSchedule', /per-layer sparsity/],
      [base({ layerSchedule: 'iterative', schedule: 'oneshot', rounds: 1, layers: { fc1: { sparsity: 0.5 } } }), 'prune.layerSchedule', /schedule 'iterative'/],
      [base({ layerSchedule: 'geometric' as 'iterative', layers: { fc1: { sparsity: 0.5 } } }), 'prune.layerSchedule', /fixed, iterative/],
      [base({ finetuneLr: 0 }), 'prune.finetuneLr', /\(0, 10\]/],
      [base({}, { validateEvery: 0 }), 'train.validateEvery', /\[1, 1000000\]/],
    ];
    for (const [c, field, msg] of cases) {
      const e = refusal(c);
      expect(e.field, JSON.stringify(c.prune)).to.equal(field);
      expect(e.message).to.match(msg);
    }
  });
});
