// <prune-boost-lab> end to end through its real tree Worker, against the engine run
// here on the same seeded rows and split (the oracle), and <prune-stage-chart> alone.
import { expect } from '@esm-bundle/chai';
import '../../../src/ui/trees/boost-lab.js';
import type { PruneBoostLab } from '../../../src/ui/trees/boost-lab.js';
import type { PruneStageChart } from '../../../src/ui/trees/stage-chart.js';
import type { PruneTreeDiagram } from '../../../src/ui/trees/tree-diagram.js';
import type { BoostLabReport } from '../../../src/worker/tree-api.js';
import { regressionSet } from '../../../src/trees/datasets.js';
import { splitRows } from '../../../src/trees/split.js';
import { subsetBoostRows } from '../../../src/trees/boost/data.js';
import { fitXgb } from '../../../src/trees/boost/xgb.js';
import { fitGbdt } from '../../../src/trees/boost/gbdt.js';
import { mount, settle, unmountAll, $, $$ } from '../helpers.js';

const listeners: Array<(e: Event) => void> = [];
afterEach(() => {
  unmountAll();
  for (const l of listeners.splice(0)) document.removeEventListener('prune-boost-complete', l);
});

async function until(ok: () => boolean, what: string, ms = 60000): Promise<void> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

function rows(n: number, seed: number) {
  const data = regressionSet('friedman1', { n, seed });
  const split = splitRows(data.n, { valFraction: 0.25, testFraction: 0, seed });
  return { train: subsetBoostRows(data, split.train), val: subsetBoostRows(data, split.val) };
}

/** Mounts the lab and waits for its first report. */
async function lab(attrs: Record<string, string>): Promise<{ el: PruneBoostLab; reports: BoostLabReport[] }> {
  const reports: BoostLabReport[] = [];
  const onReport = (e: Event): void => void reports.push((e as CustomEvent<{ report: BoostLabReport }>).detail.report);
  listeners.push(onReport);
  document.addEventListener('prune-boost-complete', onReport);
  const el = await mount('prune-boost-lab', {}, attrs);
  await until(() => reports.length > 0 || $(el, '[part="status"]').classList.contains('error'), 'the first fit');
  await settle(el);
  return { el, reports };
}

describe('<prune-boost-lab>', () => {
  it('xgb: losses per stage, the picked stage and the gamma-pruned splits equal the engine on the same rows', async () => {
    const { el, reports } = await lab({ algo: 'xgb', source: 'friedman1', samples: '160', 'n-estimators': '25', 'max-depth': '3', 'learning-rate': '0.3', gamma: '40', 'shown-trees': '3' });
    const r = reports[0]!;
    const { train, val } = rows(160, 0);
    const ref = fitXgb(train, { nEstimators: 25, maxDepth: 3, eta: 0.3, gamma: 40, seed: 0 }, { val });
    expect(r.sizes).to.deep.equal({ train: train.n, val: val.n });
    expect(r.trainLoss.length).to.equal(25);
    r.trainLoss.forEach((v, i) => expect(v).to.be.closeTo(ref.trainLoss[i]!, 1e-9));
    r.valLoss.forEach((v, i) => expect(v).to.be.closeTo(ref.valLoss![i]!, 1e-5));
    let best = 0;
    ref.valLoss!.forEach((v, i) => (v < ref.valLoss![best]! ? (best = i) : 0));
    expect(r.bestStages).to.equal(best + 1);
    expect(r.truncation.after.stages).to.equal(best + 1);
    // The chart gets both curves and the marker.
    const chart = $<PruneStageChart>(el, 'prune-stage-chart');
    expect(chart.bestStage).to.equal(best + 1);
    expect(chart.chart!.data[1]!.length).to.equal(25);
    // Each drawn tree greys exactly what its gamma cut removed, and the cut equals the engine's.
    const diagrams = $$<PruneTreeDiagram>(el, 'prune-tree-diagram');
    expect(diagrams.length).to.equal(3);
    let cutSeen = 0;
    diagrams.forEach((d, s) => {
      const t = ref.trees[s]![0]!;
      expect(Array.from(d.cut ?? new Uint8Array(t.nodeCount))).to.deep.equal(Array.from(t.cut));
      // Greyed nodes: every descendant of a cut node.
      let below = 0;
      const stack = [...Array.from(t.cut).flatMap((c, v) => (c === 1 ? [v] : []))];
      while (stack.length) {
        const v = stack.pop()!;
        if (t.left[v] !== -1) { below += 2; stack.push(t.left[v]!, t.right[v]!); }
      }
      expect($$(d, 'g.node.pruned').length).to.equal(below);
      expect($$(d, 'g.node').length).to.equal(t.nodeCount);
      cutSeen += t.cut.reduce((a, c) => a + c, 0);
    });
    expect(cutSeen, 'gamma 40 prunes some split of the first trees').to.be.greaterThan(0);
    expect(r.pruning.post.method).to.equal('gamma');
    expect($$(el, '[part="truncation"] tbody tr').length).to.equal(2);
  });

  it('a slider refits after the debounce; a result overtaken by a newer fit is dropped', async () => {
    const { el, reports } = await lab({ algo: 'xgb', source: 'friedman1', samples: '120', 'n-estimators': '10', 'max-depth': '2' });
    expect(reports.length).to.equal(1);
    const settings: number[] = [];
    el.addEventListener('prune-boost-settings', (e) => settings.push(e.detail.maxDepth));
    el.debounceMs = 30;
    const slider = $<HTMLInputElement>(el, 'input[data-setting="maxDepth"]');
    slider.value = '4';
    slider.dispatchEvent(new Event('input'));
    await until(() => reports.length === 2, 'the refit');
    expect(settings).to.deep.equal([4]);
    expect(reports[1]!.params.maxDepth).to.equal(4);
    const { train, val } = rows(120, 0);
    const ref = fitXgb(train, { nEstimators: 10, maxDepth: 4, seed: 0 }, { val });
    reports[1]!.trainLoss.forEach((v, i) => expect(v).to.be.closeTo(ref.trainLoss[i]!, 1e-9));
    // Two fits asked back to back: the first one's answer comes first and is dropped.
    el.gamma = 5;
    const first = el.fit();
    el.gamma = 7;
    await Promise.all([first, el.fit()]);
    await settle(el);
    expect(el.dropped).to.equal(1);
    expect(reports.length).to.equal(3);
    expect(reports[2]!.params.gamma).to.equal(7);
  });

  it('gbdt: the losses equal the engine, and bad attributes are refused naming them', async () => {
    const { el, reports } = await lab({ algo: 'gbdt', source: 'friedman1', samples: '120', 'n-estimators': '15', 'max-depth': '2', 'learning-rate': '0.2', 'early-stopping': '3' });
    const { train, val } = rows(120, 0);
    const ref = fitGbdt(train, { nEstimators: 15, maxDepth: 2, learningRate: 0.2, nIterNoChange: 3, seed: 0 }, { val });
    const r = reports[0]!;
    expect(r.trainLoss.length).to.equal(ref.trainLoss.length);
    r.trainLoss.forEach((v, i) => expect(v).to.be.closeTo(ref.trainLoss[i]!, 1e-9));
    expect(r.stoppedEarly).to.equal(ref.stoppedEarly);
    expect($(el, 'input[data-setting="gamma"]').hasAttribute('disabled')).to.equal(true);
    for (const [attr, value] of [['algo', 'lightgbm'], ['source', 'cifar'], ['n-estimators', '0'], ['max-depth', '2.5'], ['learning-rate', 'x'], ['gamma', '1'], ['samples', '3']] as const) {
      el.setAttribute(attr, value);
      await el.fit();
      await settle(el);
      const status = $(el, '[part="status"]');
      expect(status.classList.contains('error'), attr).to.equal(true);
      expect(status.textContent, attr).to.contain(attr);
      // The last good results stay.
      expect($$(el, 'prune-stage-chart').length).to.equal(1);
      el.removeAttribute(attr);
      if (attr === 'algo') el.algo = 'gbdt';
      if (attr === 'source') el.source = 'friedman1';
      if (attr === 'n-estimators') el.nEstimators = 15;
      if (attr === 'max-depth') el.maxDepth = 2;
      if (attr === 'learning-rate') el.learningRate = 0.2;
      if (attr === 'gamma') el.gamma = 0;
      if (attr === 'samples') el.samples = 120;
    }
    expect(reports.length).to.equal(1);
  });
});

describe('<prune-stage-chart>', () => {
  it('plots both curves and names a bad property', async () => {
    const el = await mount('prune-stage-chart', { trainLoss: [3, 2, 1], valLoss: [3, 2.5, 2.7], bestStage: 2 });
    expect(el.chart!.data.length).to.equal(3);
    el.bestStage = 4;
    await settle(el);
    expect($(el, '[part="error"]').textContent).to.contain('bestStage must be null or an integer in [1, 3]');
  });
});
