// <prune-tree-lab task="regression"> end to end through its real tree Worker, against
// the engine run here on the same seeded rows and split (the oracle).
import { expect } from '@esm-bundle/chai';
import '../../../src/ui/trees/index.js';
import type { PruneTreeLab, RegressionCompleteDetail } from '../../../src/ui/trees/tree-lab.js';
import type { PruneRegressionView } from '../../../src/ui/trees/regression-view.js';
import type { PruneTreeDiagram } from '../../../src/ui/trees/tree-diagram.js';
import type { PruneAlphaChart } from '../../../src/ui/trees/alpha-chart.js';
import { regressionSet } from '../../../src/trees/datasets.js';
import { splitRows } from '../../../src/trees/split.js';
import { subsetRows } from '../../../src/trees/data.js';
import { fitRegressor, evaluateRegressor } from '../../../src/trees/regress.js';
import { ccpPath, cutAtStep } from '../../../src/trees/ccp.js';
import { predictValues } from '../../../src/trees/tree.js';
import { mount, settle, unmountAll, $, $$ } from '../helpers.js';

const details: RegressionCompleteDetail[] = [];
const onDone = (e: Event): void => void details.push((e as CustomEvent<RegressionCompleteDetail>).detail);
beforeEach(() => {
  details.length = 0;
  document.addEventListener('prune-regression-complete', onDone);
});
afterEach(() => {
  document.removeEventListener('prune-regression-complete', onDone);
  unmountAll();
});

async function until(ok: () => boolean, what: string, ms = 60000): Promise<void> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

async function idle(el: PruneTreeLab): Promise<void> {
  await settle(el);
  await until(() => el.controller.pending === 0, 'the Worker to finish');
  await settle(el);
}

describe('<prune-tree-lab task="regression">', () => {
  it('sine: the table, the path and the fitted function equal the engine; the slider prunes the drawn function', async () => {
    const el = await mount('prune-tree-lab', {}, { task: 'regression', source: 'sine' });
    await until(() => details.length > 0, 'the first regression run');
    await idle(el);
    const r = details[0]!.report;
    const data = regressionSet('sine', { n: 300, seed: 0 });
    const split = splitRows(data.n, { valFraction: 0.2, testFraction: 0.2, seed: 0 });
    const train = subsetRows(data, split.train);
    const test = subsetRows(data, split.test);
    const tree = fitRegressor(train, {});
    expect(r.tree.nodeCount).to.equal(tree.nodeCount);
    const unpruned = r.rows.find((x) => x.kind === 'unpruned')!;
    const ref = evaluateRegressor(tree, test);
    expect(unpruned.test!.mse).to.be.closeTo(ref.mse, 1e-12);
    expect(unpruned.test!.r2).to.be.closeTo(ref.r2, 1e-12);
    expect(unpruned.train.mse).to.be.closeTo(0, 1e-9); // grown to purity on distinct x
    // The table has MSE and R² columns and no PEP row.
    const table = $(el, 'prune-pruning-table');
    const head = $$(table, 'th').map((t) => t.textContent!.trim());
    expect(head).to.include.members(['train MSE', 'val MSE', 'test MSE', 'R² (test)']);
    expect(r.rows.map((x) => x.kind)).to.not.include('pep');
    expect($$(table, 'tbody tr').length).to.equal(r.rows.length);
    const chart = $<PruneAlphaChart>(el, 'prune-alpha-chart');
    expect(chart.metric).to.equal('mse');
    expect(chart.chart).to.not.equal(null);
    // The 1-D view: 400 cells of predictions of the tree as CCP-pruned at the best step.
    const view = $<PruneRegressionView>(el, 'prune-regression-view');
    const path = ccpPath(tree);
    const b = r.path.alphas.length;
    expect(b).to.equal(path.alphas.length);
    const gridAt = (step: number): number[] => {
      const pts = view.points!;
      const x = Float32Array.from({ length: 400 }, (_, q) => pts.bounds.x0 + ((q + 0.5) / 400) * (pts.bounds.x1 - pts.bounds.x0));
      return Array.from(predictValues(tree, x, cutAtStep(tree, path, step)));
    };
    expect(view.res).to.equal(400);
    expect(Array.from(view.values!)).to.deep.equal(gridAt(r.bestStep));
    // Slide to the last step (the root alone): the function is one constant.
    const slider = $<HTMLInputElement>(el, '.slider input');
    slider.value = String(r.curve.length - 1);
    slider.dispatchEvent(new Event('input'));
    await idle(el);
    const last = r.curve[r.curve.length - 1]!;
    expect(last.leaves).to.equal(1);
    expect(new Set(view.values!).size).to.equal(1);
    expect(Array.from(view.values!)).to.deep.equal(gridAt(last.step));
    const diagram = $<PruneTreeDiagram>(el, 'prune-tree-diagram');
    expect($$(diagram, 'g.node.pruned').length).to.equal(tree.nodeCount - 1);
  });

  it('a 2-feature CSV draws a heat map; bad task and source values are refused naming them', async () => {
    const lines = ['a,b,y'];
    for (let i = 0; i < 60; i++) lines.push(`${i % 10},${Math.floor(i / 10)},${(i % 10 > 4 ? 2.5 : 0.5) + (Math.floor(i / 10) > 2 ? 10 : 0)}`);
    const el = await mount('prune-tree-lab', {}, { task: 'regression', source: 'csv' });
    await settle(el);
    const file = new File([lines.join('\n')], 'plane.csv', { type: 'text/csv' });
    const input = $<HTMLInputElement>(el, 'input[type="file"]');
    const dt = new DataTransfer();
    dt.items.add(file);
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    await until(() => (el as unknown as { csvText: string }).csvText !== '', 'the CSV read');
    await el.loadAndRun();
    await idle(el);
    expect(details.length).to.equal(1);
    const view = $<PruneRegressionView>(el, 'prune-regression-view');
    expect(view.res).to.equal(120);
    expect(view.values!.length).to.equal(120 * 120);
    // Four plateaus (0.5, 2.5, 10.5, 12.5): the unpruned tree's heat map takes exactly those values.
    const sel = $$<HTMLSelectElement>(el, 'select').find((s) => [...s.options].some((o) => o.value === 'none'))!;
    sel.value = 'none';
    sel.dispatchEvent(new Event('change'));
    await idle(el);
    expect([...new Set(view.values!)].sort((a, b) => a - b)).to.deep.equal([0.5, 2.5, 10.5, 12.5]);
    for (const [attr, value, says] of [['task', 'regresion', 'task must be one of classification, regression'], ['source', 'moons', 'source must be one of sine, step, friedman1, csv for task regression']] as const) {
      el.setAttribute(attr, value);
      await settle(el);
      await el.loadAndRun();
      await idle(el);
      expect($(el, '[part="status"]').textContent).to.contain(says);
      el.setAttribute(attr, attr === 'task' ? 'regression' : 'csv');
    }
  });
});
