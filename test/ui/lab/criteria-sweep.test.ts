// <prune-criteria-sweep> through its real Worker (LabApi.sweep): one tiny baseline,
// then each criterion from its weights — one-shot points with no fine-tuning,
// iterative rounds with fine-tuning, N:M points — and the combinations the engine
// refuses named, not drawn.
import { expect } from '@esm-bundle/chai';
import '../../../src/ui/lab/index.js';
import type { PruneCriteriaSweep, SweepResultDetail } from '../../../src/ui/lab/criteria-sweep.js';
import { sweepCurves } from '../../../src/ui/lab/criteria-sweep.js';
import { PruneLabError } from '../../../src/errors.js';
import { $, mount, settle, unmountAll } from '../helpers.js';

const TINY = {
  trainSamples: 200, validationSamples: 100, testSamples: 100, epochs: 1, batchSize: 50,
  criteria: 'magnitude random movement', sparsities: '0.5 0.9', rounds: 2, iterativeTarget: 0.9, finetuneEpochs: 1, nm: '2:4',
};

describe('<prune-criteria-sweep>', () => {
  afterEach(unmountAll);

  it('prunes one trained model with each criterion: one-shot, iterative and N:M points; refused combinations named', async () => {
    const el = await mount('prune-criteria-sweep', TINY);
    await el.controller.whenReady();
    const done: SweepResultDetail[] = [];
    el.addEventListener('sweep-complete', (e) => done.push(e.detail));
    const r = await el.run();
    expect(done).to.have.length(1);
    const curve = (criterion: string, mode: string) => r.curves.find((c) => c.criterion === criterion && c.mode === mode);
    for (const name of ['magnitude', 'random']) {
      // One-shot: the requested sparsities, exact up to one weight in 266,200 (round(s·N) removed).
      expect(curve(name, 'oneshot')!.points.map((p) => Math.round(p.sparsity * 1000) / 1000), name).to.deep.equal([0.5, 0.9]);
      // Iterative: one point per round, the last at the target.
      const it = curve(name, 'iterative')!.points;
      expect(it, name).to.have.length(2);
      expect(it[1]!.sparsity).to.be.closeTo(0.9, 1e-5);
      // 2:4 removes exactly half of every group: 50.000%; or, while the build has no N:M
      // selection in its score pruner, the point is left out saying so (never drawn wrong).
      const nm = curve(name, 'nm');
      if (nm) expect(nm.points.map((p) => [p.nm, p.sparsity])).to.deep.equal([['2:4', 0.5]]);
      else expect(r.skipped.find((s) => s.criterion === name && s.mode === 'nm')).to.deep.include({ nm: '2:4', stage: 'unavailable' });
      for (const c of r.curves) for (const p of c.points) expect(p.accuracy).to.be.within(0, 1);
    }
    // At 90% with no fine-tuning, magnitude keeps more of the baseline than random does.
    expect(curve('magnitude', 'oneshot')!.points[1]!.accuracy).to.be.greaterThan(curve('random', 'oneshot')!.points[1]!.accuracy);
    // Movement scores during fine-tuning: refused for one-shot with none, and named; its
    // fine-tuned curve is the gradual schedule over the same epochs (one point per epoch).
    const movement = r.skipped.filter((s) => s.criterion === 'movement');
    expect(movement.map((s) => [s.mode, s.stage, s.error.field])).to.deep.equal([['oneshot', 'refused', 'prune.when']]);
    const mv = curve('movement', 'iterative')!.points;
    expect(mv).to.have.length(2);
    expect(mv[1]!.sparsity).to.be.closeTo(0.9, 1e-5);
    expect(r.skipped.filter((s) => s.stage === 'failed')).to.deep.equal([]);
    // The chart draws every curve; the table has a row per criterion.
    await settle(el);
    const chart = $(el, 'prune-sparsity-chart') as HTMLElement & { series: Array<{ label: string; style?: string; points: unknown[] }> };
    expect(chart.series.map((s) => [s.label, s.style, s.points.length])).to.deep.equal(
      sweepCurves(r.curves, ['magnitude', 'random', 'movement'], r.baseline).map((c) => [c.label, c.style ?? 'solid', c.points.length]));
    expect(chart.series.map((s) => s.label)).to.include.members(['magnitude · one-shot', 'random · iterative, fine-tuned']);
    expect(el.shadowRoot!.querySelectorAll('tr[data-criterion]')).to.have.length(3);
    expect(el.shadowRoot!.querySelector('li[data-criterion="movement"]')!.textContent).to.contain('prune.');
  });

  it('refuses bad settings by name, before any work', async () => {
    const el = await mount('prune-criteria-sweep', { ...TINY, criteria: 'magnitude obd' });
    await el.controller.whenReady();
    const refused = (await el.run().then(() => null, (e: unknown) => e)) as PruneLabError;
    expect(refused).to.be.instanceOf(PruneLabError);
    expect([refused.code, refused.field]).to.deep.equal(['invalid-argument', 'criteria[1]']);
    el.criteria = 'magnitude';
    el.sparsities = '0.9 0.5';
    const order = (await el.run().then(() => null, (e: unknown) => e)) as PruneLabError;
    expect(order.field).to.equal('sparsities[1]');
    el.sparsities = '0.5 x';
    const nan = (await el.run().then(() => null, (e: unknown) => e)) as PruneLabError;
    expect([nan.field, nan.message]).to.deep.equal(['sparsities', 'sparsities must be a list of numbers (got "0.5 x")']);
    el.sparsities = '0.5';
    el.trainSamples = 0;
    const sub = (await el.run().then(() => null, (e: unknown) => e)) as PruneLabError;
    expect(sub.field).to.equal('subsets.train');
    await settle(el);
    expect($(el, '[part="error"]').textContent).to.equal(sub.message);
    expect((el as PruneCriteriaSweep).curves).to.deep.equal([]);
  });
});
