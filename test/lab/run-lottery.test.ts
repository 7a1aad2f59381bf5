// Issue #17's lottery-ticket control on real MNIST subsets and a small MLP: the reinit
// control is the fresh seeded init on the ticket's masks, the ticket is still rewound
// exactly, and the next round's masks come from the ticket (run-early-stop.test.ts has
// the early-stopping record, the per-layer schedule, the fine-tune rate and the config errors).
import { expect } from '@esm-bundle/chai';
import { runExperiment, controlSeed } from '../../src/lab/run.js';
import { validateReport } from '../../src/lab/report-schema.js';
import { planModel } from '../../src/nn/spec.js';
import { Network, initialValues } from '../../src/nn/network.js';
import { evaluate, releaseExecutors } from '../../src/nn/evaluate.js';
import { gpu } from '../helpers/gpu.js';
import { ADAPTER, SMALL, base, setup } from './repro-fixture.js';

describe('runExperiment: the lottery ticket\'s reinit control (#17)', () => {
  it('reinit control: the ticket\'s masks on the seeded fresh init, the ticket still rewound to the exact init', async () => {
    const ctx = await gpu();
    // No fine-tuning: the control is then exactly its init, which the test rebuilds.
    const config = base({ schedule: 'oneshot', rounds: 1, targetSparsity: 0.8, finetuneEpochs: 0, rewind: 0, control: 'reinit' });
    const data = await setup(config);
    const { report, network } = await runExperiment(ctx, ADAPTER, config, data);
    const plan = planModel(SMALL);
    const ticket = await network.readValues();
    network.destroy();
    expect(report.status).to.equal('complete');
    const init = initialValues(plan, 5);
    // The ticket: survivors at their exact init values, pruned weights zero.
    ticket.forEach((v, i) => v.w.forEach((x, j) => expect(x).to.equal(v.mask[j] ? init[i]!.w[j] : 0)));
    const c = report.rounds[0]!.control!;
    expect(c.kind).to.equal('reinit');
    expect(c.seed).to.equal(controlSeed(5, 1));
    expect(c.seed).to.not.equal(5);
    // The control rebuilt: the fresh init of its seed on the ticket's masks, evaluated the same way.
    const fresh = initialValues(plan, c.seed).map((v, i) => ({ ...v, mask: ticket[i]!.mask }));
    // The fresh draw differs from the init on the survivors (so the control is not the ticket).
    expect(fresh[0]!.w.some((x, j) => ticket[0]!.mask[j] === 1 && x !== init[0]!.w[j])).to.equal(true);
    const rebuilt = Network.create(ctx, plan, { values: fresh });
    const ev = await evaluate(rebuilt, data.test, 500);
    releaseExecutors(rebuilt);
    rebuilt.destroy();
    expect(c.accuracy).to.equal(ev.accuracy);
    expect(c.macroF1).to.equal(ev.macroF1);
    // Untrained nets on the same masks: a different init gives other predictions.
    expect(report.rounds[0]!.accuracy).to.not.equal(c.accuracy);
  });

  it('reinit control trains with the ticket\'s budget; the next round\'s masks come from the ticket', async () => {
    const ctx = await gpu();
    const withControl = base({ rewind: 0, control: 'reinit' });
    const without = base({ rewind: 0 });
    const a = await runExperiment(ctx, ADAPTER, withControl, await setup(withControl));
    a.network.destroy();
    const b = await runExperiment(ctx, ADAPTER, without, await setup(without));
    b.network.destroy();
    expect(a.report.status).to.equal('complete');
    // The ticket's figures do not depend on the control beside it.
    a.report.rounds.forEach((r, i) => {
      expect(r.accuracy).to.equal(b.report.rounds[i]!.accuracy);
      expect(r.layers.map((l) => l.nonzero)).to.deep.equal(b.report.rounds[i]!.layers.map((l) => l.nonzero));
      expect(r.control!.seed).to.equal(controlSeed(5, i + 1));
      // Trained for 20 steps from a fresh init: well above chance (0.1).
      expect(r.control!.accuracy).to.be.above(0.25);
      expect(r.control!.loss).to.be.a('number');
      expect(r.control!.timeMs.finetune).to.be.above(0);
    });
    expect(b.report.rounds[0]!.control).to.equal(undefined);
    expect(validateReport(JSON.parse(JSON.stringify(a.report))).rounds[1]!.control).to.deep.equal(a.report.rounds[1]!.control);
  });

});
