// <prune-lab>'s controls for issue #17's experiment settings, in the browser through the
// real Worker: the lottery-ticket reinit control, per-layer targets and their schedule,
// the fine-tune learning rate, the validation curve, the lr schedule, weight decay and
// SGD's momentum. Attributes ↔ properties ↔ form, the messages for bad values (the
// engine's, or the lab's own for text of the wrong form), the URL hash both ways, and a
// tiny run with the reinit control whose round entries carry the control's figures.
import { expect } from '@esm-bundle/chai';
import '../../../src/ui/lab/index.js';
import type { PruneLab } from '../../../src/ui/lab/prune-lab.js';
import type { PruneSparsityChart } from '../../../src/ui/sparsity-chart.js';
import { controlSeed } from '../../../src/lab/run.js';
import { $, mount, settle, unmountAll } from '../helpers.js';

let dbSeq = 0;
const db = (): string => `prune-lab-x17-${Date.now()}-${dbSeq++}`;
/** 784 → 16 → 10: 12,544 + 160 prunable weights. */
const TINY_SPEC = JSON.stringify({ input: { C: 1, H: 28, W: 28 }, layers: [{ type: 'flatten' }, { type: 'linear', units: 16 }, { type: 'relu' }, { type: 'linear', units: 10 }] });

async function lab(props: Partial<PruneLab> = {}, attrs: Record<string, string> = {}): Promise<PruneLab> {
  const el = await mount('prune-lab', {
    trainSamples: 300, validationSamples: 100, testSamples: 100, batchSize: 50, epochs: 1, finetuneEpochs: 1, rounds: 2,
    latencyFrames: 0, views: 'sparsity layers metrics', dbName: db(), referenceRuns: 'none', ...props,
  } as Partial<PruneLab>, attrs);
  await el.controller.whenReady();
  await checked(el);
  return el;
}

async function checked(el: PruneLab): Promise<void> {
  await settle(el);
  await el.validated;
  await settle(el);
}

const errorText = (el: PruneLab): string => $(el, '[part="error"]').textContent!.replace(/\s+/g, ' ').trim();

describe('<prune-lab> issue #17 controls', () => {
  afterEach(() => unmountAll());

  it('maps each new attribute to its property and the engine config, renders a labelled control for each, and takes the user\'s edits', async () => {
    const el = await lab({}, {
      rewind: '0', control: 'reinit', 'layer-sparsity': 'fc1=0.8,fc2=0.5', 'layer-schedule': 'iterative', 'finetune-lr': '0.0005', 'validate-every': '3',
      'lr-schedule': 'cosine:0.0001', 'weight-decay': '0.001', optimizer: 'sgd', momentum: '0.5',
    });
    expect([el.control, el.layerSparsity, el.layerSchedule, el.finetuneLr, el.validateEvery, el.lrSchedule, el.weightDecay, el.momentum])
      .to.deep.equal(['reinit', 'fc1=0.8,fc2=0.5', 'iterative', 0.0005, 3, 'cosine:0.0001', 0.001, 0.5]);
    expect(el.validationMessage).to.equal(null);
    const c = el.config!;
    expect(c.train).to.deep.equal({ epochs: 1, batchSize: 50, optimizer: { type: 'sgd', lr: 0.001, momentum: 0.5, weightDecay: 0.001 }, schedule: { type: 'cosine', minLr: 0.0001 }, validateEvery: 3 });
    expect(c.prune).to.deep.include({ rewind: 0, control: 'reinit', layerSchedule: 'iterative', finetuneLr: 0.0005 });
    expect(c.prune.layers).to.deep.equal({ fc1: { sparsity: 0.8 }, fc2: { sparsity: 0.5 } });
    // Each control is labelled (its label wraps the input) and shows the value.
    const field = (name: string): HTMLInputElement | HTMLSelectElement => $(el, `[name="${name}"]`);
    expect(['control', 'layer-sparsity', 'layer-schedule', 'finetune-lr', 'validate-every', 'lr-schedule', 'weight-decay', 'momentum'].map((n) => [field(n).value, field(n).closest('label')!.dataset.control]))
      .to.deep.equal([['reinit', 'control'], ['fc1=0.8,fc2=0.5', 'layer-sparsity'], ['iterative', 'layer-schedule'], ['0.0005', 'finetune-lr'], ['3', 'validate-every'], ['cosine:0.0001', 'lr-schedule'], ['0.001', 'weight-decay'], ['0.5', 'momentum']]);
    expect([...(field('control') as HTMLSelectElement).options].map((o) => [o.value, o.textContent])).to.deep.equal([['', 'none'], ['reinit', 'reinit']]);
    // The user's edits set the properties (and attributes); emptying a field clears it.
    const edit = async (name: string, v: string): Promise<void> => {
      const f = field(name);
      f.value = v;
      f.dispatchEvent(new Event('change'));
      await settle(el);
    };
    await edit('control', '');
    await edit('layer-sparsity', 'fc2=0.3');
    await edit('validate-every', '');
    await edit('lr-schedule', 'step:1:0.5');
    await edit('momentum', '');
    expect([el.control, el.layerSparsity, el.validateEvery, el.lrSchedule, el.momentum]).to.deep.equal([null, 'fc2=0.3', null, 'step:1:0.5', null]);
    expect([el.hasAttribute('control'), el.getAttribute('layer-sparsity'), el.getAttribute('validate-every'), el.getAttribute('lr-schedule'), el.getAttribute('momentum')])
      .to.deep.equal([false, 'fc2=0.3', '', 'step:1:0.5', '']);
    await checked(el);
    expect(el.config!.train.optimizer).to.deep.equal({ type: 'sgd', lr: 0.001, weightDecay: 0.001 });
    // Adam sets the momentum control aside (disabled, left out of the config).
    el.optimizer = 'adam';
    el.momentum = 0.9;
    await checked(el);
    expect([field('momentum').disabled, el.config!.train.optimizer]).to.deep.equal([true, { type: 'adam', lr: 0.001, weightDecay: 0.001 }]);
  });

  const invalid: Array<[Record<string, string>, string, string]> = [
    [{ control: 'reinit' }, 'control', 'lottery control: prune.control must be given only with prune.rewind (the control re-initialises what a lottery ticket rewinds) (got "reinit")'],
    [{ control: 'shuffle', rewind: '0' }, 'control', 'lottery control: prune.control must be one of reinit (got "shuffle")'],
    [{ control: 'reinit', rewind: '0', 'target-sparsity': '0' }, 'control', 'lottery control: prune.control must be given only with prune.targetSparsity above 0 (with no mask the control is just another dense init) (got "reinit")'],
    [{ 'layer-sparsity': 'fc1' }, 'layer-sparsity', 'per-layer sparsity: layer-sparsity must be NAME=S[,NAME=S…] (S a number, or exclude; each layer once), such as fc1=0.92,fc2=0.91, or empty (got "fc1")'],
    [{ 'layer-sparsity': 'fc9=0.5' }, 'layer-sparsity', 'per-layer sparsity: prune.layers.fc9 must be a layer of the model (fc1, fc2, fc3) (got "fc9")'],
    [{ 'layer-sparsity': 'fc1=1' }, 'layer-sparsity', 'per-layer sparsity: prune.layers.fc1.sparsity must be a number in [0, 1) (got 1)'],
    [{ 'layer-schedule': 'iterative' }, 'layer-schedule', 'layer schedule: prune.layerSchedule must be \'fixed\' or left out without a per-layer sparsity (prune.layers.NAME.sparsity: the targets \'iterative\' reaches over the rounds) (got "iterative")'],
    [{ 'layer-schedule': 'geometric' }, 'layer-schedule', 'layer schedule: prune.layerSchedule must be one of fixed, iterative (got "geometric")'],
    [{ 'finetune-lr': '0' }, 'finetune-lr', 'fine-tune lr: prune.finetuneLr must be a number in (0, 10] (got 0)'],
    [{ 'validate-every': '0' }, 'validate-every', 'validate every: train.validateEvery must be an integer in [1, 1000000] (got 0)'],
    [{ 'validate-every': 'often' }, 'validate-every', 'validate every: validate-every must be a number, or empty (got NaN)'],
    [{ 'lr-schedule': 'cosin' }, 'lr-schedule', 'lr schedule: lr-schedule must be constant, cosine, cosine:MIN or step:EVERY:GAMMA (MIN, GAMMA numbers, EVERY an integer), or empty (got "cosin")'],
    [{ 'lr-schedule': 'step:0:0.5' }, 'lr-schedule', 'lr schedule: train.schedule.everyEpochs must be an integer in [1, 1000] (got 0)'],
    [{ 'weight-decay': '2' }, 'weight-decay', 'weight decay: train.optimizer.weightDecay must be a number in [0, 1] (got 2)'],
    [{ momentum: '1', optimizer: 'sgd' }, 'momentum', 'SGD momentum: train.optimizer.momentum must be a number in [0, 1) (got 1)'],
  ];
  for (const [attrs, at, message] of invalid) {
    it(`shows the message for ${JSON.stringify(attrs)} on ${at}, marks it, and refuses to run; removing it clears the message`, async () => {
      const el = await lab();
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      await checked(el);
      expect(el.validationMessage).to.equal(message);
      expect(errorText(el)).to.equal(message);
      expect($(el, `[data-control="${at}"]`).querySelector('[aria-invalid]')!.getAttribute('aria-invalid')).to.equal('true');
      expect(el.config).to.equal(null);
      const thrown = await el.run().then(() => null, (e: unknown) => e);
      expect((thrown as { code?: string } | null)?.code).to.equal('invalid-config');
      for (const k of Object.keys(attrs)) el.removeAttribute(k);
      await checked(el);
      expect(el.validationMessage).to.equal(null);
    });
  }

  it('carries the new settings in the URL hash both ways; a bad value in a link gives the same message', async () => {
    const before = location.hash;
    history.replaceState(null, '', '#rewind=0&control=reinit&layer-sparsity=fc1%3D0.9%2Cfc3%3Dexclude&layer-schedule=iterative&finetune-lr=0.002&validate-every=25&lr-schedule=step%3A2%3A0.5&weight-decay=0.0005&optimizer=sgd&momentum=0.8');
    try {
      const el = await mount('prune-lab', { dbName: db(), referenceRuns: 'none' } as Partial<PruneLab>, { 'url-hash': '' });
      await checked(el);
      expect([el.rewind, el.control, el.layerSparsity, el.layerSchedule, el.finetuneLr, el.validateEvery, el.lrSchedule, el.weightDecay, el.optimizer, el.momentum])
        .to.deep.equal([0, 'reinit', 'fc1=0.9,fc3=exclude', 'iterative', 0.002, 25, 'step:2:0.5', 0.0005, 'sgd', 0.8]);
      expect(el.validationMessage).to.equal(null);
      expect(el.config!.prune.layers).to.deep.equal({ fc1: { sparsity: 0.9 }, fc3: { exclude: true } });
      expect(el.config!.train.schedule).to.deep.equal({ type: 'step', everyEpochs: 2, gamma: 0.5 });
      // Changes are written back; a value back at its default leaves the link.
      el.layerSparsity = 'fc2=0.4';
      el.validateEvery = null;
      el.momentum = 0.9;
      el.lrSchedule = 'cosine';
      await settle(el);
      const q = new URLSearchParams(location.hash.slice(1));
      expect([q.get('layer-sparsity'), q.get('validate-every'), q.has('momentum'), q.get('lr-schedule'), q.get('control'), q.get('finetune-lr')])
        .to.deep.equal(['fc2=0.4', null, false, 'cosine', 'reinit', '0.002']);
      // A new link is the whole state: the new settings it leaves out go back to their defaults.
      history.replaceState(null, '', '#lr-schedule=cosine%3Afast');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      await checked(el);
      expect([el.control, el.layerSparsity, el.layerSchedule, el.finetuneLr, el.weightDecay, el.momentum]).to.deep.equal([null, null, null, null, null, 0.9]);
      expect(el.validationMessage).to.equal('lr schedule: lr-schedule must be constant, cosine, cosine:MIN or step:EVERY:GAMMA (MIN, GAMMA numbers, EVERY an integer), or empty (got "cosine:fast")');
      history.replaceState(null, '', '#layer-sparsity=fc1%3D0.5%2Cfc1%3D0.6');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      await checked(el);
      expect(el.validationMessage).to.equal('per-layer sparsity: layer-sparsity must be NAME=S[,NAME=S…] (S a number, or exclude; each layer once), such as fc1=0.92,fc2=0.91, or empty (got "fc1=0.5,fc1=0.6")');
    } finally {
      history.replaceState(null, '', before || location.pathname + location.search);
    }
  });

  it('runs the lottery ticket with the reinit control through the Worker: each round carries the control\'s figures, with per-layer targets reached over the rounds', async () => {
    const el = await lab({ model: 'custom', modelSpec: TINY_SPEC, schedule: 'iterative', rounds: 2, targetSparsity: 0.75, scope: 'local', seed: 7 }, {
      rewind: '0', control: 'reinit', 'layer-sparsity': 'fc1=0.75,fc2=0.5', 'layer-schedule': 'iterative', 'validate-every': '2',
    });
    expect(el.validationMessage).to.equal(null);
    const report = await el.run();
    expect(report.status).to.equal('complete');
    expect(report.config.prune).to.deep.include({ control: 'reinit', rewind: 0, layerSchedule: 'iterative' });
    expect(report.rounds.map((r) => r.round)).to.deep.equal([1, 2]);
    // 300 rows, batch 50: 6 steps a fine-tune epoch; the curve every 2 steps and at the end.
    for (const e of report.rounds) {
      const c = e.control!;
      expect(c, `round ${e.round}`).to.not.equal(undefined);
      expect([c.kind, c.seed]).to.deep.equal(['reinit', controlSeed(7, e.round)]);
      expect(c.accuracy).to.be.within(0, 1);
      expect(c.macroF1).to.be.within(0, 1);
      expect(c.loss).to.be.a('number').and.above(0);
      // The control trains with the ticket's budget: the same validation points.
      const ticket = e.earlyStop!;
      const ctl = c.earlyStop!;
      expect(ticket.curve.map((p) => p.iteration)).to.deep.equal([0, 2, 4, 6]);
      expect(ctl.curve.map((p) => p.iteration)).to.deep.equal([0, 2, 4, 6]);
      for (const r of [ticket, ctl]) {
        const min = r.curve.reduce((m, p) => (p.valLoss < m.valLoss ? p : m));
        expect([r.every, r.iteration, r.valLoss, r.valAccuracy]).to.deep.equal([2, min.iteration, min.valLoss, min.valAccuracy]);
      }
      // Two different inits: the control's curve is not the ticket's.
      expect(ctl.curve.map((p) => p.valLoss)).to.not.deep.equal(ticket.curve.map((p) => p.valLoss));
    }
    // The round shown (the last) says the control's accuracy beside the ticket's.
    await settle(el);
    const last = report.rounds[1]!;
    expect($(el, '[data-control-accuracy]').textContent).to.equal(`reinit control ${(last.control!.accuracy * 100).toFixed(2)}%`);
    // The lab's own accuracy-against-sparsity view draws the control beside the tickets, dashed.
    const chart = $(el, 'prune-sparsity-chart') as PruneSparsityChart;
    const ctlSeries = chart.series.filter((x) => x.label.endsWith(' · reinit control'));
    expect(ctlSeries.map((x) => [x.style, x.points])).to.deep.equal([['dashed', report.rounds.map((e) => [e.sparsity, e.control!.accuracy])]]);
    // Each layer's own target reached geometrically: 1 − (1 − s)^(r/2), to the weight (exact-k).
    const layer = (r: number, name: string) => report.rounds[r - 1]!.layers.find((l) => l.name === name)!;
    for (const [name, s, n] of [['fc1', 0.75, 12544], ['fc2', 0.5, 160]] as const) {
      expect(layer(1, name).params).to.equal(n);
      expect(layer(1, name).sparsity, `${name} round 1`).to.be.closeTo(1 - (1 - s) ** 0.5, 1 / n);
      expect(layer(2, name).sparsity, `${name} round 2`).to.be.closeTo(s, 1 / n);
    }
  });
});
