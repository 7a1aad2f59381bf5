// The charts' text alternative and width (#18): the visually hidden table of a uPlot
// chart lists what it plots, formatted as the legend formats it, follows setData, and
// samples long series evenly; a chart shrinks to a narrower container and grows back;
// the decision regions' summary gives each class's share of the plane.
import { expect } from '@esm-bundle/chai';
import '../../src/ui/sparsity-chart.js';
import '../../src/ui/training-chart.js';
import '../../src/ui/trees/decision-regions.js';
import { MAX_TABLE_ROWS, sampledIndices } from '../../src/ui/chart-table.js';
import { $, $$, mount, settle, unmountAll } from './helpers.js';
import { MAGNITUDE_REPORT, RANDOM_REPORT } from './fixtures.js';

const cells = (el: Element): string[][] => $$(el, 'table[part="data-table"] tr').map((tr) => [...tr.children].map((c) => c.textContent!.trim()));

/** Waits until fn() holds, one frame at a time (ResizeObserver callbacks come after layout). */
async function until(fn: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 120 && !fn(); i++) await new Promise((r) => requestAnimationFrame(r));
  expect(fn(), what).to.equal(true);
}

describe('chart text alternative and width', () => {
  afterEach(unmountAll);

  it('samples long series evenly, keeping the first and the last point', () => {
    expect(sampledIndices(4)).to.deep.equal([0, 1, 2, 3]);
    expect(sampledIndices(10, 4)).to.deep.equal([0, 3, 6, 9]);
    const many = sampledIndices(1000);
    expect(many.length).to.equal(MAX_TABLE_ROWS);
    expect([many[0], many.at(-1)]).to.deep.equal([0, 999]);
    expect(new Set(many).size).to.equal(MAX_TABLE_ROWS);
  });

  it('<prune-sparsity-chart>: one row per sparsity, a column per run, in the legend\'s formats, hidden from sight only', async () => {
    const el = await mount('prune-sparsity-chart', { reports: [MAGNITUDE_REPORT, RANDOM_REPORT] });
    expect(cells(el)).to.deep.equal([
      ['sparsity', 'magnitude · weight · global · after · iterative', 'random · weight · global · after · iterative'],
      ['0.0%', '92.67%', '92.67%'],
      ['50.0%', '92.67%', '86.00%'],
      ['75.0%', '88.67%', '74.67%'],
    ]);
    expect($(el, 'table[part="data-table"] caption').textContent).to.equal('accuracy against sparsity: the plotted values');
    // Inside the figure, in a 1-px clipped box.
    const box = $(el, 'table[part="data-table"]').parentElement!;
    expect(box.closest('[role="figure"]')).to.not.equal(null);
    expect(box.getBoundingClientRect().width).to.be.at.most(1);
    el.reports = [MAGNITUDE_REPORT];
    await settle(el);
    expect(cells(el).map((r) => r.length)).to.deep.equal([2, 2, 2, 2]);
    el.reports = [];
    await settle(el);
    expect(cells(el)).to.deep.equal([]);
  });

  it('the legend toggles are buttons: Enter hides a series (aria-pressed and the table follow), Space shows it again', async () => {
    const el = await mount('prune-sparsity-chart', { reports: [MAGNITUDE_REPORT, RANDOM_REPORT] });
    const toggles = $$(el, '.u-legend tr.u-series th[role="button"]');
    expect(toggles.map((t) => [t.tabIndex, t.getAttribute('aria-pressed')])).to.deep.equal([[0, 'true'], [0, 'true']]);
    const key = (t: HTMLElement, k: string) => t.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
    key(toggles[1]!, 'Enter');
    expect(el.chart!.series[2]!.show).to.equal(false);
    expect(toggles[1]!.getAttribute('aria-pressed')).to.equal('false');
    expect(cells(el)[0]).to.deep.equal(['sparsity', 'magnitude · weight · global · after · iterative']);
    key(toggles[1]!, ' ');
    expect(el.chart!.series[2]!.show).to.equal(true);
    expect(toggles[1]!.getAttribute('aria-pressed')).to.equal('true');
    expect(cells(el)[0]!.length).to.equal(3);
    // Other keys do nothing.
    key(toggles[0]!, 'a');
    expect(el.chart!.series[1]!.show).to.equal(true);
  });

  it('<prune-training-chart>: the table follows points fed through setData, sampled past the row limit', async () => {
    const points = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i * 10, loss: 2 / (i + 1), accuracy: i / n }));
    const el = await mount('prune-training-chart', { points: points(3) });
    expect(cells(el)).to.deep.equal([['step', 'loss', 'accuracy'], ['0', '2.0000', '0.00%'], ['10', '1.0000', '33.33%'], ['20', '0.6667', '66.67%']]);
    const chart = el.chart;
    el.points = points(500);
    await settle(el);
    expect(el.chart, 'fed, not rebuilt').to.equal(chart);
    const rows = cells(el).slice(1);
    expect(rows.length).to.equal(MAX_TABLE_ROWS);
    expect(rows[0]).to.deep.equal(['0', '2.0000', '0.00%']);
    expect(rows.at(-1)).to.deep.equal(['4,990', (2 / 500).toFixed(4), '99.80%']);
    expect($(el, 'table[part="data-table"] caption').textContent).to.contain(`(${MAX_TABLE_ROWS} of 500 points)`);
  });

  it('<prune-decision-regions>: the label gives each class\'s share of the grid and the number of points', async () => {
    const points = { x: Float32Array.from([0, 0, 1, 1, 0.5, 0.5]), y: Int32Array.from([0, 1, 1]), bounds: { x0: 0, x1: 1, y0: 0, y1: 1 } };
    const el = await mount('prune-decision-regions', { grid: Uint8Array.from([0, 1, 1, 1, 2, 1, 1, 1, 1]), res: 3, size: 90, points });
    expect($(el, 'canvas').getAttribute('aria-label')).to.equal('decision regions (the plane predicted as class 0 11%, class 1 78%, class 2 11%) and 3 data points');
  });

  it('shrinks the plot to a narrower container (down to 120 px) and grows it back to `width`', async () => {
    const box = document.createElement('div');
    box.style.width = '300px';
    document.body.append(box);
    try {
      const el = document.createElement('prune-sparsity-chart');
      el.reports = [MAGNITUDE_REPORT];
      box.append(el);
      await settle(el);
      // 300 px less the box's padding and border (14 px).
      await until(() => el.chart?.width === 286, `plot width ${el.chart?.width}, want 286`);
      box.style.width = '100px';
      await until(() => el.chart?.width === 120, `plot width ${el.chart?.width}, want 120`);
      box.style.width = '1000px';
      await until(() => el.chart?.width === 560, `plot width ${el.chart?.width}, want 560`);
    } finally {
      box.remove();
    }
  });
});
