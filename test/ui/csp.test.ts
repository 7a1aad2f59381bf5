// Every element under a Content-Security-Policy without style-src 'unsafe-inline':
// this page gets `style-src 'self'` (a meta policy, before any element is defined),
// and each element must render with its computed positions and sizes in place and
// cause no securitypolicyviolation. Style attributes written by markup or by
// setAttribute are what such a policy blocks; the CSSOM (element.style, adopted
// stylesheets) is not, and a control case below proves the policy is in force.
// First: the policy and the violation log, before any element module is evaluated.
import { POLICY, violations } from './strict-style-policy.js';
import { expect } from '@esm-bundle/chai';
import '../../src/ui/index.js';
import '../../src/ui/trees/index.js';
import '../../src/ui/training-chart.js';
import { fitTree } from '../../src/trees/cart.js';
import { runLab } from '../../src/trees/lab.js';
import { synthetic } from '../../src/data/synthetic.js';
import type { PruneTreeDiagram } from '../../src/ui/trees/tree-diagram.js';
import type { PruneDecisionRegions } from '../../src/ui/trees/decision-regions.js';
import type { PruneTreeLab } from '../../src/ui/trees/tree-lab.js';
import { $, $$, mount, settle, unmountAll } from './helpers.js';
import { LATENCY, MAGNITUDE_REPORT, RANDOM_REPORT, SIZES, PREDICTIONS, blobWeights } from './fixtures.js';
import { dataB } from '../trees/helpers.js';

/** The violations since the last call (a violation event is queued as a task: let it arrive). */
async function takeViolations(): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 50));
  return violations.splice(0);
}

async function until(ok: () => boolean, what: string, ms = 60000): Promise<void> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`elements under the policy "${POLICY}"`, () => {
  afterEach(async () => {
    unmountAll();
    for (const el of [...document.body.children]) if (el.tagName.startsWith('PRUNE-')) el.remove();
    await takeViolations();
  });

  it('is in force: a style attribute set by script is blocked and reported', async () => {
    const div = document.createElement('div');
    document.body.append(div);
    div.setAttribute('style', 'left: 7px');
    expect(div.style.left).to.equal('');
    // The CSSOM is allowed.
    div.style.setProperty('top', '3px');
    expect(div.style.top).to.equal('3px');
    const seen = await takeViolations();
    div.remove();
    expect(seen).to.have.length(1);
    expect(seen[0]).to.match(/^style-src-attr blocked inline/);
  });

  it('<prune-tree-diagram>: the tooltip sits beside the hovered node', async () => {
    const tree = fitTree(dataB);
    const el = (await mount('prune-tree-diagram', { tree, featureNames: ['x'] })) as PruneTreeDiagram;
    const node = $(el, 'g.node[data-node="2"]');
    node.dispatchEvent(new PointerEvent('pointerenter'));
    await settle(el);
    const circle = node.querySelector('circle')!;
    const cx = Number(circle.getAttribute('cx'));
    const cy = Number(circle.getAttribute('cy'));
    const svgWidth = Number($(el, 'svg').getAttribute('width'));
    const tip = $(el, '[part="tooltip"]');
    const left = Math.min(cx + 14, Math.max(0, svgWidth - 200));
    expect([tip.style.left, tip.style.top]).to.deep.equal([`${left}px`, `${cy + 14}px`]);
    expect(getComputedStyle(tip).position).to.equal('absolute');
    expect([tip.offsetLeft, tip.offsetTop]).to.deep.equal([left, cy + 14]);
    expect(await takeViolations()).to.deep.equal([]);
  });

  it('<prune-decision-regions>: the canvas has its size', async () => {
    const el = (await mount('prune-decision-regions', { grid: Uint8Array.from([0, 1, 1, 0]), res: 2, size: 137 })) as PruneDecisionRegions;
    const cv = $<HTMLCanvasElement>(el, 'canvas');
    expect([cv.style.width, cv.style.height]).to.deep.equal(['137px', '137px']);
    expect(cv.clientWidth).to.equal(137);
    expect(await takeViolations()).to.deep.equal([]);
  });

  it('the bars, the confusion matrix, the mask view and the digit pad have their sizes and colours', async () => {
    const bars = await mount('prune-layer-sparsity', { entry: MAGNITUDE_REPORT.rounds[1]! });
    expect($$(bars, '[part="fill"]').map((f) => f.style.width)).to.deep.equal(['78.13%', '58.33%']);
    const size = await mount('prune-size-view', { sizes: SIZES });
    expect($$(size, '[part="fill"]').map((f) => f.style.width)).to.deep.equal(['100%', `${((272 / 652) * 100).toFixed(2)}%`, `${((166 / 652) * 100).toFixed(2)}%`]);
    const cm = await mount('prune-confusion-matrix', { confusion: RANDOM_REPORT.rounds[1]!.confusion });
    const cells = $$(cm, 'td[style]');
    expect(cells.length).to.be.above(0);
    for (const c of cells) expect(c.style.background).to.match(/^color-mix\(/);
    const { weights, mask } = blobWeights(784, 12, 0.5, 1);
    const mv = await mount('prune-mask-view', { weights, mask, inputs: 784, units: 12 });
    await settle(mv);
    expect($$(mv, '[style]').map((x) => x.style.width).filter((w) => w !== '')).to.have.length.above(0);
    const pad = await mount('prune-digit-pad', { predictions: PREDICTIONS }, { size: '160' });
    const sized = $$(pad, '[style]').filter((x) => x.style.width === '160px' && x.style.height === '160px');
    expect(sized).to.have.length(1);
    expect(await takeViolations()).to.deep.equal([]);
  });

  const report = runLab(synthetic('moons', { n: 120, noise: 0.3, seed: 1 }), { pre: { maxDepth: 4 } });
  const charts: Array<[string, Record<string, unknown>]> = [
    ['prune-sparsity-chart', { reports: [MAGNITUDE_REPORT, RANDOM_REPORT] }],
    ['prune-latency-chart', { points: LATENCY }],
    ['prune-training-chart', { points: [{ step: 0, loss: 2, accuracy: 0.1 }, { step: 10, loss: 1, accuracy: 0.6 }] }],
    ['prune-alpha-chart', { curve: report.curve, bestAlpha: report.bestAlpha, alpha: report.bestAlpha }],
  ];
  for (const [tag, props] of charts) {
    it(`<${tag}> (uPlot) draws, its legend markers coloured`, async () => {
      const el = document.createElement(tag);
      Object.assign(el, props);
      document.body.append(el);
      await until(() => el.shadowRoot?.querySelector('.uplot canvas') != null, `${tag}'s plot`);
      expect(el.shadowRoot!.querySelector<HTMLCanvasElement>('.uplot canvas')!.width).to.be.above(0);
      const markers = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.u-legend .u-series .u-marker')].slice(1);
      expect(markers.length).to.be.above(0);
      for (const m of markers) expect(m.style.border || m.style.background, `${tag} legend marker`).to.not.equal('');
      expect(await takeViolations()).to.deep.equal([]);
    });
  }

  it('<prune-tree-lab> through its Worker: the diagram and the regions render', async () => {
    const lab = document.createElement('prune-tree-lab') as PruneTreeLab;
    lab.source = 'xor';
    document.body.append(lab);
    const root = lab.shadowRoot!;
    await until(() => root.querySelector('prune-decision-regions')?.grid != null, 'the first run and its regions');
    const diagram = root.querySelector('prune-tree-diagram')!;
    await diagram.updateComplete;
    expect(diagram.shadowRoot!.querySelectorAll('g.node').length).to.equal(diagram.tree!.nodeCount);
    diagram.shadowRoot!.querySelector('g.node[data-node="0"]')!.dispatchEvent(new PointerEvent('pointerenter'));
    await diagram.updateComplete;
    const tip = diagram.shadowRoot!.querySelector<HTMLElement>('[part="tooltip"]')!;
    const cy = Number(diagram.shadowRoot!.querySelector('g.node[data-node="0"] circle')!.getAttribute('cy'));
    expect(tip.style.top).to.equal(`${cy + 14}px`);
    const regions = root.querySelector('prune-decision-regions')!;
    await regions.updateComplete;
    expect(regions.shadowRoot!.querySelector('canvas')!.style.width).to.equal('320px');
    expect(await takeViolations()).to.deep.equal([]);
  });
});
