// <prune-sparsity-chart>: series per report (and per metric), baseline first, labels,
// the uPlot legend in the shadow DOM, attributes, `src` loading, invalid values.
import { expect } from '@esm-bundle/chai';
import '../../src/ui/sparsity-chart.js';
import { runLabels, sparsitySeries } from '../../src/ui/sparsity-chart.js';
import type { Report } from '../../src/lab/report.js';
import { $, $$, errorText, mount, settle, unmountAll } from './helpers.js';
import { MAGNITUDE_REPORT, MAGNITUDE_REPORT_V1, RANDOM_REPORT } from './fixtures.js';

const legendLabels = (el: Element): string[] => $$(el, '.u-legend .u-series th').map((th) => th.textContent!.trim());

describe('<prune-sparsity-chart>', () => {
  afterEach(unmountAll);

  it('builds one accuracy series per report, baseline first, sorted by sparsity', () => {
    const s = sparsitySeries([MAGNITUDE_REPORT, RANDOM_REPORT], null, false);
    expect(s.map((x) => x.label)).to.deep.equal(['magnitude · weight · global · after · iterative', 'random · weight · global · after · iterative']);
    expect(s[0]!.points).to.deep.equal([[0, 0.926667], [0.5, 0.926667], [0.75, 0.886667]]);
    expect(s[1]!.points).to.deep.equal([[0, 0.926667], [0.5, 0.86], [0.75, 0.746667]]);
    expect(s[1]!.baseline).to.deep.equal([0, 0.926667]);
    const f1 = sparsitySeries([MAGNITUDE_REPORT], ['mag'], true);
    expect(f1.map((x) => [x.label, x.metric])).to.deep.equal([['mag', 'accuracy'], ['mag (macro-F1)', 'macroF1']]);
    expect(f1[1]!.points.map((p) => p[1])).to.deep.equal([0.926667, 0.926728, 0.886667]);
  });

  it('tells runs with the same method apart by seed, then by number', () => {
    const other = { ...MAGNITUDE_REPORT, config: { ...MAGNITUDE_REPORT.config, seed: 8 } };
    expect(runLabels([MAGNITUDE_REPORT, other])).to.deep.equal(['magnitude · weight · global · after · iterative · seed 7', 'magnitude · weight · global · after · iterative · seed 8']);
    expect(runLabels([MAGNITUDE_REPORT, MAGNITUDE_REPORT])).to.deep.equal(['magnitude · weight · global · after · iterative · seed 7 #1', 'magnitude · weight · global · after · iterative · seed 7 #2']);
  });

  it('draws N series with uPlot, and 2N with show-f1', async () => {
    const el = await mount('prune-sparsity-chart', { reports: [MAGNITUDE_REPORT, RANDOM_REPORT] });
    expect(el.chart, 'a uPlot instance').to.not.equal(null);
    expect(el.chart!.series.length).to.equal(3);
    expect(legendLabels(el)).to.deep.equal(['sparsity', 'magnitude · weight · global · after · iterative', 'random · weight · global · after · iterative']);
    expect($$(el, 'canvas').length).to.be.greaterThan(0);
    // Aligned data: the union of x values, each series' y at its own x.
    expect(el.chart!.data[0]).to.deep.equal([0, 0.5, 0.75]);
    expect(el.chart!.data[2]).to.deep.equal([0.926667, 0.86, 0.746667]);
    el.setAttribute('show-f1', '');
    await settle(el);
    expect(el.showF1).to.equal(true);
    expect(el.chart!.series.length).to.equal(5);
    expect(legendLabels(el).slice(3)).to.deep.equal(['magnitude · weight · global · after · iterative (macro-F1)', 'random · weight · global · after · iterative (macro-F1)']);
  });

  it('draws a lottery run\'s re-initialised control dashed beside its tickets, in the run\'s colour, and checks it', async () => {
    const ticket = structuredClone(MAGNITUDE_REPORT) as Report;
    ticket.rounds.forEach((e, k) => {
      e.control = { kind: 'reinit', seed: 7 + k, accuracy: e.accuracy - 0.05 * (k + 1), macroF1: e.macroF1 - 0.05 * (k + 1), loss: null, timeMs: { finetune: 1, evaluate: 1 } };
    });
    const name = 'magnitude · weight · global · after · iterative';
    const series = sparsitySeries([ticket, RANDOM_REPORT], null, true);
    expect(series.map((x) => [x.label, x.report, x.style ?? 'solid'])).to.deep.equal([
      [name, 0, 'solid'], [`${name} · reinit control`, 0, 'dashed'], ['random · weight · global · after · iterative', 1, 'solid'],
      [`${name} (macro-F1)`, 0, 'solid'], [`${name} (macro-F1) · reinit control`, 0, 'points'], ['random · weight · global · after · iterative (macro-F1)', 1, 'solid'],
    ]);
    // The control has no dense point of its own: one point per controlled round, at the round's sparsity.
    expect(series[1]!.points).to.deep.equal(ticket.rounds.map((e) => [e.sparsity, e.control!.accuracy]));
    expect(series[1]!.baseline).to.equal(null);
    const el = await mount('prune-sparsity-chart', { reports: [ticket] });
    expect(legendLabels(el)).to.deep.equal(['sparsity', name, `${name} · reinit control`]);
    expect(el.chart!.data[2]).to.deep.equal([undefined, ...ticket.rounds.map((e) => e.control!.accuracy)]);
    const bad = structuredClone(ticket);
    bad.rounds[0]!.control!.accuracy = 2;
    el.reports = [bad];
    await settle(el);
    expect(errorText(el)).to.equal('reports[0].rounds[0].control.accuracy must be a number in [0, 1] (got 2)');
  });

  it('takes a single report as `report`', async () => {
    const el = await mount('prune-sparsity-chart', { report: RANDOM_REPORT });
    expect(el.reports).to.deep.equal([RANDOM_REPORT]);
    expect(legendLabels(el)).to.deep.equal(['sparsity', 'random · weight · global · after · iterative']);
  });

  it('maps width and height attributes to the plot size', async () => {
    const el = await mount('prune-sparsity-chart', { reports: [MAGNITUDE_REPORT] }, { width: '400', height: '220' });
    expect([el.width, el.height]).to.deep.equal([400, 220]);
    expect([el.chart!.width, el.chart!.height]).to.deep.equal([400, 220]);
  });

  it('shows a placeholder with no reports, and a message naming the field for invalid ones', async () => {
    const el = await mount('prune-sparsity-chart');
    expect($(el, '.empty').textContent).to.contain('No report');
    expect(el.chart).to.equal(null);
    const bad = structuredClone(MAGNITUDE_REPORT) as Report;
    bad.rounds[1]!.accuracy = 1.5;
    el.reports = [bad];
    await settle(el);
    expect(errorText(el)).to.equal('reports[0].rounds[1].accuracy must be a number in [0, 1] (got 1.5)');
    expect(el.chart).to.equal(null);
    el.reports = [MAGNITUDE_REPORT];
    el.labels = ['a', 'b'];
    await settle(el);
    expect(errorText(el)).to.contain('labels must be an array of 1 strings');
    el.labels = null;
    el.setAttribute('width', '50');
    await settle(el);
    expect(errorText(el)).to.contain('width must be an integer in [120, 4096]');
  });

  it('reads a version-1 report through the migration: its method shown as the axes it stood for', async () => {
    expect(runLabels([MAGNITUDE_REPORT_V1])).to.deep.equal(['magnitude · weight · global · after · iterative']);
    const el = await mount('prune-sparsity-chart', { reports: [MAGNITUDE_REPORT_V1, RANDOM_REPORT] });
    expect(el.validationMessage).to.equal(null);
    expect(legendLabels(el)).to.deep.equal(['sparsity', 'magnitude · weight · global · after · iterative', 'random · weight · global · after · iterative']);
    expect(el.series[0]!.points).to.deep.equal(sparsitySeries([MAGNITUDE_REPORT], null, false)[0]!.points);
    el.reports = [{ ...MAGNITUDE_REPORT_V1, version: 0 } as unknown as Report];
    await settle(el);
    expect(errorText(el)).to.match(/^reports\[0\]\.version must be /);
  });

  it('draws curves given directly: lines, dashed lines and marks alone, coloured by index', async () => {
    const el = await mount('prune-sparsity-chart', {
      curves: [
        { label: 'magnitude · one-shot', color: 0, points: [[0.9, 0.5], [0.5, 0.9]], baseline: [0, 0.95] },
        { label: 'magnitude · iterative', color: 0, style: 'dashed', points: [[0.5, 0.93], [0.9, 0.91]] },
        { label: 'magnitude · N:M', color: 0, style: 'points', points: [[0.5, 0.92]] },
        { label: 'random · one-shot', color: 1, points: [[0.5, 0.6]] },
      ],
    });
    expect(legendLabels(el)).to.deep.equal(['sparsity', 'magnitude · one-shot', 'magnitude · iterative', 'magnitude · N:M', 'random · one-shot']);
    expect(el.series.map((x) => [x.style, x.report, x.points.length])).to.deep.equal([['solid', 0, 2], ['dashed', 0, 2], ['points', 0, 1], ['solid', 1, 1]]);
    expect(el.series[0]!.points).to.deep.equal([[0.5, 0.9], [0.9, 0.5]]);
    expect(el.chart!.data[0]).to.deep.equal([0.5, 0.9]);
    expect(el.chart!.series[2]!.dash).to.deep.equal([6, 4]);
    el.curves = [{ label: 'x', color: 0, points: [[0.5, 1.2]] }];
    await settle(el);
    expect(errorText(el)).to.equal('curves[0].points[0] must be [sparsity, accuracy], both in [0, 1] (got array(2))');
  });

  it('loads a report from src, and says when it cannot', async () => {
    const url = `data:application/json,${encodeURIComponent(JSON.stringify(RANDOM_REPORT))}`;
    const el = await mount('prune-sparsity-chart', {}, { src: url });
    for (let i = 0; i < 50 && el.reports.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await settle(el);
    expect(el.reports.length).to.equal(1);
    expect(el.chart!.series.length).to.equal(2);
    el.src = '/no/such/report.json';
    await settle(el);
    for (let i = 0; i < 100 && errorText(el) === null; i++) await new Promise((r) => setTimeout(r, 20));
    expect(errorText(el)).to.match(/^src must be a URL serving a report.*HTTP 404/);
  });
});
