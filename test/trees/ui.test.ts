// The tree-lab elements in the browser: each part rendered from real engine output,
// and <prune-tree-lab> end to end through its real Worker (on a synthetic set).
import { expect } from '@esm-bundle/chai';
import { fitTree } from '../../src/trees/cart.js';
import { runLab } from '../../src/trees/lab.js';
import { synthetic } from '../../src/data/synthetic.js';
import '../../src/ui/trees/index.js';
import type { PruneTreeDiagram } from '../../src/ui/trees/tree-diagram.js';
import type { PrunePruningTable } from '../../src/ui/trees/pruning-table.js';
import type { PruneDecisionRegions } from '../../src/ui/trees/decision-regions.js';
import type { PruneAlphaChart } from '../../src/ui/trees/alpha-chart.js';
import type { PruneTreeLab } from '../../src/ui/trees/tree-lab.js';
import { CLASS_COLORS } from '../../src/ui/trees/theme.js';
import { dataB } from './helpers.js';

async function mount<T extends HTMLElement>(tag: string, props: Record<string, unknown> = {}): Promise<T> {
  const el = document.createElement(tag) as T & { updateComplete: Promise<boolean> };
  Object.assign(el, props);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

async function until(ok: () => boolean, what: string, ms = 60000): Promise<void> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(() => {
  for (const el of [...document.body.children]) if (el.tagName.startsWith('PRUNE-')) el.remove();
});

describe('<prune-tree-diagram>', () => {
  const tree = fitTree(dataB);
  const cut = Uint8Array.from([0, 0, 1, 0, 0, 0, 0]);

  it('draws every node, greys what a cut removes and marks the cut node', async () => {
    const el = await mount<PruneTreeDiagram>('prune-tree-diagram', { tree, cut, featureNames: ['x'] });
    const nodes = [...el.shadowRoot!.querySelectorAll('g.node')];
    expect(nodes.length).to.equal(7);
    const pruned = nodes.filter((g) => g.classList.contains('pruned')).map((g) => Number(g.getAttribute('data-node')));
    expect(pruned).to.deep.equal([3, 4, 5, 6]);
    expect(nodes.find((g) => g.classList.contains('cut'))!.getAttribute('data-node')).to.equal('2');
    expect(el.shadowRoot!.querySelectorAll('line.pruned').length).to.equal(4);
  });

  it('shows a message naming a bad property instead of drawing', async () => {
    const el = await mount<PruneTreeDiagram>('prune-tree-diagram', { tree, cut: new Uint8Array(3) });
    expect(el.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain('cut must be null or a Uint8Array of nodeCount (7)');
    expect(el.shadowRoot!.querySelector('svg')).to.equal(null);
    const regions = await mount<PruneDecisionRegions>('prune-decision-regions', { grid: new Uint8Array(5), res: 2 });
    expect(regions.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain('grid must be null or a Uint8Array of res × res = 4 classes');
  });

  it('removes pruned branches when collapsed', async () => {
    const el = await mount<PruneTreeDiagram>('prune-tree-diagram', { tree, cut, collapsed: true });
    expect(el.shadowRoot!.querySelectorAll('g.node').length).to.equal(3);
  });

  it('shows node details on hover and fires prune-node-hover', async () => {
    const el = await mount<PruneTreeDiagram>('prune-tree-diagram', { tree, cut, featureNames: ['x'], classNames: ['no', 'yes'] });
    const seen: Array<number | null> = [];
    document.body.addEventListener('prune-node-hover', (e) => seen.push(e.detail.node), { once: true });
    el.shadowRoot!.querySelector('g.node[data-node="2"]')!.dispatchEvent(new PointerEvent('pointerenter'));
    await el.updateComplete;
    const tip = el.shadowRoot!.querySelector('[part="tooltip"]')!.textContent!.replace(/\s+/g, ' ');
    expect(tip).to.contain('node 2');
    expect(tip).to.contain('x ≤ 5.500');
    expect(tip).to.contain('samples 5');
    expect(tip).to.contain('no 1, yes 4');
    expect(tip).to.contain('cut here');
    expect(seen).to.deep.equal([2]);
  });
});

describe('<prune-pruning-table>, <prune-alpha-chart>, <prune-decision-regions>', () => {
  const data = synthetic('moons', { n: 200, noise: 0.3, seed: 1 });
  const report = runLab(data, { pre: { maxDepth: 5 } });

  it('lists every method and lets a post-pruning row be picked', async () => {
    const el = await mount<PrunePruningTable>('prune-pruning-table', { rows: report.rows, selected: 'ccp' });
    const rows = [...el.shadowRoot!.querySelectorAll('tbody tr')];
    expect(rows.length).to.equal(report.rows.length);
    expect(rows.map((r) => r.querySelector('.kind')!.textContent)).to.deep.equal(['none', 'pre', 'post', 'post', 'post']);
    expect(rows[2]!.classList.contains('selected')).to.equal(true);
    const picked: string[] = [];
    document.body.addEventListener('prune-method-select', (e) => picked.push(e.detail.kind));
    (rows[0] as HTMLElement).click();
    (rows[3] as HTMLElement).click();
    expect(picked).to.deep.equal(['rep']);
    expect(rows[0]!.querySelectorAll('td')[1]!.textContent).to.equal(String(report.rows[0]!.leaves));
  });

  it('plots train, validation and test accuracy along the path', async () => {
    const el = await mount<PruneAlphaChart>('prune-alpha-chart', { curve: report.curve, bestAlpha: report.bestAlpha, alpha: report.bestAlpha });
    await until(() => el.shadowRoot!.querySelector('.uplot') !== null, 'uPlot');
    const legend = el.shadowRoot!.querySelector('.u-legend')!.textContent!;
    for (const s of ['train', 'validation', 'test']) expect(legend).to.contain(s);
    expect(el.shadowRoot!.querySelector('canvas')!.width).to.be.greaterThan(0);
  });

  it('paints each grid cell in its class colour', async () => {
    const el = await mount<PruneDecisionRegions>('prune-decision-regions', { grid: Uint8Array.from([0, 1, 1, 0]), res: 2, size: 100 });
    el.style.setProperty('--prune-region-alpha', '1');
    el.requestUpdate();
    await el.updateComplete;
    const cv = el.shadowRoot!.querySelector('canvas')!;
    const ctx = cv.getContext('2d')!;
    const at = (fx: number, fy: number): number[] => Array.from(ctx.getImageData(Math.floor(fx * cv.width), Math.floor(fy * cv.height), 1, 1).data.slice(0, 3));
    const hex = (c: string): number[] => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    expect(at(0.25, 0.25)).to.deep.equal(hex(CLASS_COLORS[0]!));
    expect(at(0.75, 0.25)).to.deep.equal(hex(CLASS_COLORS[1]!));
    expect(at(0.25, 0.75)).to.deep.equal(hex(CLASS_COLORS[1]!));
  });
});

describe('<prune-tree-lab> through its Worker', () => {
  it('loads a set, grows and prunes, and prunes live along the slider', async () => {
    const runs: string[] = [];
    document.body.addEventListener('prune-run-complete', (e) => runs.push(e.detail.dataset));
    const lab = await mount<PruneTreeLab>('prune-tree-lab', { source: 'xor' });
    const root = lab.shadowRoot!;
    await until(() => root.querySelector('prune-pruning-table') !== null, 'the first run');
    expect(runs).to.deep.equal(['xor']);
    const table = root.querySelector('prune-pruning-table')!;
    await table.updateComplete;
    expect(table.shadowRoot!.querySelectorAll('tbody tr').length).to.equal(4);
    expect(root.querySelector('.status')!.textContent).to.contain('xor: 300 rows');

    const diagram = root.querySelector('prune-tree-diagram')!;
    const slider = root.querySelector<HTMLInputElement>('input[type="range"]')!;
    const alphas: number[] = [];
    document.body.addEventListener('prune-alpha-change', (e) => alphas.push(e.detail.leaves));
    slider.value = slider.max;
    slider.dispatchEvent(new Event('input'));
    await lab.updateComplete;
    await diagram.updateComplete;
    // The last step collapses the root: everything below it is greyed.
    expect(alphas).to.deep.equal([1]);
    expect(diagram.shadowRoot!.querySelectorAll('g.node:not(.pruned)').length).to.equal(1);
    const regions = root.querySelector('prune-decision-regions')!;
    await until(() => (regions.grid?.length ?? 0) > 0 && new Set(regions.grid).size === 1, 'regions of the root alone');
  });

  it('shows the engine\'s validation error and terminates its Worker on disconnect', async () => {
    const lab = await mount<PruneTreeLab>('prune-tree-lab', { source: 'moons' });
    const root = lab.shadowRoot!;
    await until(() => root.querySelector('prune-pruning-table') !== null, 'the first run');
    (lab as unknown as { valFraction: number }).valFraction = 0.9;
    await lab.runLab();
    await lab.updateComplete;
    expect(root.querySelector('.status.error')!.textContent).to.contain('valFraction');
    lab.remove();
    // A call after disconnect resolves to nothing instead of hanging.
    await lab.runLab();
  });

  it('refuses an unknown source by name and keeps the last results', async () => {
    const lab = await mount<PruneTreeLab>('prune-tree-lab', { source: 'moons' });
    const root = lab.shadowRoot!;
    await until(() => root.querySelector('prune-pruning-table') !== null, 'the first run');
    const table = root.querySelector('prune-pruning-table');
    lab.setAttribute('source', 'cifar');
    await lab.loadAndRun();
    await lab.updateComplete;
    expect(root.querySelector('.status.error')!.textContent).to.contain('source must be one of moons, circles, xor, spiral, iris, mnist, csv (got "cifar")');
    expect(root.querySelector('prune-pruning-table')).to.equal(table);
    lab.remove();
  });

  it('keeps the last results when a run throws or the Worker fails, says why, and retries on a fresh Worker', async () => {
    const made: Worker[] = [];
    const workerFactory = (): Worker => {
      const w = new Worker(new URL('./faulty-tree.worker.ts', import.meta.url), { type: 'module' });
      made.push(w);
      return w;
    };
    const runs: string[] = [];
    const onRun = (e: CustomEvent<{ dataset: string }>): void => void runs.push(e.detail.dataset);
    document.body.addEventListener('prune-run-complete', onRun);
    try {
      const lab = await mount<PruneTreeLab>('prune-tree-lab', { source: 'xor', workerFactory });
      const root = lab.shadowRoot!;
      await until(() => root.querySelector('prune-decision-regions')?.grid != null, 'the first run and its regions');
      const diagram = (): PruneTreeDiagram => root.querySelector('prune-tree-diagram')!;
      const shown = (): unknown => ({
        tree: diagram().tree, rows: root.querySelector('prune-pruning-table')!.rows,
        grid: root.querySelector('prune-decision-regions')!.grid, status: root.querySelector('.status')!.textContent,
      });
      const before = shown();
      const setSeed = (v: number): void => void ((lab as unknown as { seed: number }).seed = v);

      // An exception mid-fit: its message, the last results untouched.
      setSeed(901);
      await lab.runLab();
      await lab.updateComplete;
      expect(root.querySelector('.status.error')!.textContent).to.contain("Cannot read properties of undefined (reading 'left')");
      expect({ ...(shown() as object), status: null }).to.deep.equal({ ...(before as object), status: null });
      expect(lab.controller.crashed).to.equal(null);

      // The Worker fails while a run is in flight: the call ends, the message says so, a retry button appears.
      setSeed(902);
      await lab.runLab();
      await lab.updateComplete;
      expect(lab.controller.pending).to.equal(0);
      expect(lab.controller.crashed).to.equal('the tree Worker failed: Uncaught Error: out of memory in fit');
      const status = root.querySelector('.status.error')!.textContent!.replace(/\s+/g, ' ');
      expect(status).to.contain('the tree Worker failed: Uncaught Error: out of memory in fit.');
      expect(status).to.contain('The results shown are from the last run that finished.');
      expect({ ...(shown() as object), status: null }).to.deep.equal({ ...(before as object), status: null });
      expect(runs).to.deep.equal(['xor']);

      // Retry: a fresh Worker loads the set and runs again.
      setSeed(0);
      root.querySelector<HTMLButtonElement>('button[data-action="retry"]')!.click();
      await until(() => runs.length === 2, 'the retried run');
      await lab.updateComplete;
      expect(made).to.have.length(2);
      expect(lab.controller.crashed).to.equal(null);
      expect(root.querySelector('.status.error')).to.equal(null);
      expect(diagram().tree!.nodeCount).to.equal((before as { tree: { nodeCount: number } }).tree.nodeCount);
    } finally {
      document.body.removeEventListener('prune-run-complete', onRun as EventListener);
    }
  });
});
