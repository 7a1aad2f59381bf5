// <prune-lab>'s first visit (issue #17): an empty lab shows the stored reference runs on
// its curves, sparsity and layers cards, marked "reference", until the visitor's own run
// has results; a returning visitor with stored runs sees theirs, never the reference. And
// the 'reproductions' view. Real Worker, a tiny run.
import { expect } from '@esm-bundle/chai';
import '../../../src/ui/lab/index.js';
import type { PruneLab } from '../../../src/ui/lab/prune-lab.js';
import type { Report } from '../../../src/lab/report.js';
import { REFERENCE_RUNS, REPRODUCTIONS } from '../../../src/ui/reproductions/manifest.js';
import { $, $$, mount, settle, unmountAll } from '../helpers.js';

const db = (): string => `prune-lab-reference-test-${Date.now()}-${Math.random().toString(36).slice(2)}`;

async function until(ok: () => boolean, what: string, ms = 120000): Promise<void> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function lab(dbName: string, props: Partial<PruneLab> = {}): Promise<PruneLab> {
  const el = await mount('prune-lab', {
    trainSamples: 300, validationSamples: 100, testSamples: 100, batchSize: 50, epochs: 1, finetuneEpochs: 1, rounds: 2,
    latencyFrames: 0, views: 'curves sparsity layers runs', dbName, ...props,
  });
  await el.controller.whenReady();
  await el.validated;
  await settle(el);
  return el;
}

const card = (el: PruneLab, view: string): HTMLElement => $(el, `section[part="view"][data-view="${view}"]`);
const badges = (el: PruneLab): string[] => $$(el, '[part="reference"]').map((b) => (b.closest('section') as HTMLElement).dataset.view!);

afterEach(unmountAll);

describe('<prune-lab> reference runs', () => {
  it('shows the stored reference run on an empty lab, marked, and its own results once its run has them; a returning visitor sees theirs', async () => {
    expect(REFERENCE_RUNS).to.have.length(1);
    const ref = (await (await fetch(REFERENCE_RUNS[0]!)).json()) as Report;
    const name = db();
    const el = await lab(name);
    await until(() => el.shownReferences.length === 1, 'the reference run');
    await settle(el);
    expect(badges(el)).to.deep.equal(['curves', 'sparsity', 'layers']);
    const entries = [ref.baseline!, ...ref.rounds];
    // Sparsity: the reference report's own points, labelled as reference, in the lighter style.
    const chart = card(el, 'sparsity').querySelector('prune-sparsity-chart') as HTMLElementTagNameMap['prune-sparsity-chart'];
    await settle(chart);
    expect(chart.hasAttribute('data-reference')).to.equal(true);
    expect(chart.classList.contains('reference')).to.equal(true);
    expect(chart.series.map((s) => s.label)).to.deep.equal(['reference: lenet-300-100 · magnitude · weight · global · after · iterative']);
    expect(chart.series[0]!.points).to.deep.equal(entries.map((e) => [e.sparsity, e.accuracy]));
    // Layers: its last round.
    const layers = card(el, 'layers').querySelector('prune-layer-sparsity') as HTMLElementTagNameMap['prune-layer-sparsity'];
    expect(layers.hasAttribute('data-reference')).to.equal(true);
    expect(layers.entry).to.deep.equal(ref.final);
    // Curves: each entry's test loss and accuracy where its training ended: 430 steps an epoch (55,000 / 128), 8 dense epochs, then 2 a round.
    const curve = card(el, 'curves').querySelector('prune-training-chart') as HTMLElementTagNameMap['prune-training-chart'];
    expect(curve.hasAttribute('data-reference')).to.equal(true);
    expect(curve.points).to.deep.equal(entries.map((e, i) => ({ step: 3440 + 860 * i, loss: e.loss, accuracy: e.accuracy })));
    expect(curve.marks.map((m) => [m.step, m.label])).to.deep.equal([[0, 'baseline'], [3440, 'round 1'], [4300, 'round 2'], [5160, 'round 3'], [6020, 'round 4']]);

    // The visitor's own tiny run replaces them everywhere.
    const report = await el.run();
    await until(() => el.storedRuns.length === 1 && el.storedRuns[0]!.state === 'complete', 'the stored run');
    await settle(el);
    expect(badges(el)).to.deep.equal([]);
    expect($$(el, '[data-reference]')).to.have.length(0);
    expect(el.shownReferences).to.deep.equal([]);
    const own = card(el, 'sparsity').querySelector('prune-sparsity-chart') as HTMLElementTagNameMap['prune-sparsity-chart'];
    await settle(own);
    expect(own.series.map((s) => s.points)).to.deep.equal([[report.baseline!, ...report.rounds].map((e) => [e.sparsity, e.accuracy])]);
    expect((card(el, 'layers').querySelector('prune-layer-sparsity') as HTMLElementTagNameMap['prune-layer-sparsity']).entry).to.deep.equal(report.final);
    unmountAll();

    // A returning visitor (same database): their run, and no reference, once both are loaded.
    const back = await lab(name);
    await until(() => back.storedRuns.length === 1 && back.referenceReports.length === 1, 'the stored run and the reference');
    await settle(back);
    expect(badges(back)).to.deep.equal([]);
    const theirs = card(back, 'sparsity').querySelector('prune-sparsity-chart') as HTMLElementTagNameMap['prune-sparsity-chart'];
    expect(theirs.reports.map((r) => r.id)).to.deep.equal([report.id]);
    // Another database (empty): the reference again; back to theirs: their run.
    back.dbName = db();
    await until(() => back.storedRuns.length === 0 && back.shownReferences.length === 1, 'the reference on an empty database');
    await settle(back);
    expect(badges(back)).to.deep.equal(['curves', 'sparsity', 'layers']);
    back.dbName = name;
    await until(() => back.storedRuns.length === 1 && back.shownReferences.length === 0, 'their run again');
    await settle(back);
    expect(badges(back)).to.deep.equal([]);
  });

  it('reference-runs takes other reports or none', async () => {
    const none = await lab('none', { referenceRuns: 'none' });
    await new Promise((r) => setTimeout(r, 300));
    await settle(none);
    expect(none.referenceReports).to.deep.equal([]);
    expect(badges(none)).to.deep.equal([]);
    const five = await lab('none', { referenceRuns: '/docs/results/prune-lenet-5-global-quick.json', model: 'lenet-5' });
    await until(() => five.shownReferences.length === 1, 'the LeNet-5 reference');
    await settle(five);
    expect(five.shownReferences[0]!.model.name).to.equal('lenet-5');
    expect(badges(five)).to.deep.equal(['curves', 'sparsity', 'layers']);
  });
});

describe('<prune-lab> reproductions view', () => {
  it('accepts views="reproductions" and shows every reproduction; the views message names it', async () => {
    const el = await lab('none', { views: 'reproductions', referenceRuns: 'none' });
    expect($$(el, 'section[part="view"]').map((s) => s.dataset.view)).to.deep.equal(['reproductions']);
    const repro = card(el, 'reproductions').querySelector('prune-reproductions') as HTMLElementTagNameMap['prune-reproductions'];
    await repro.reportsSettled;
    expect($$(repro, 'section[part="card"]').map((c) => c.dataset.id)).to.deep.equal(REPRODUCTIONS.map((m) => m.id));
    // Its "run again" loads into this lab.
    $(repro, 'section[data-id="han-lenet-5"] button[data-action="run-again"]').click();
    await settle(el);
    expect([el.model, el.trainSamples, el.testSamples, el.epochs, el.targetSparsity]).to.deep.equal(['lenet-5', 4000, 2000, 2, 0.92]);
    el.views = 'curves reproduction';
    await settle(el);
    expect(el.validationMessage).to.equal('views must be a list of curves, sparsity, latency, layers, mask, confusion, metrics, size, pad, runs, reproductions (got "reproduction")');
  });
});
