// Figure downloads (src/ui/figure-export.ts): the CSV holds the plotted numbers, the SVG
// draws them where its axes put them (positions mapped back to values), and the menu's
// PNG / SVG / CSV items save files through a link whose click is caught here.
import { expect } from '@esm-bundle/chai';
import '../../src/ui/sparsity-chart.js';
import '../../src/ui/latency-chart.js';
import '../../src/ui/training-chart.js';
import '../../src/ui/layer-sparsity.js';
import '../../src/ui/size-view.js';
import '../../src/ui/confusion-matrix.js';
import { figureCsv, figureSvg, ticks, type BarFigure, type LineFigure } from '../../src/ui/figure-export.js';
import { sparsitySeries } from '../../src/ui/sparsity-chart.js';
import { $, mount, settle, unmountAll } from './helpers.js';
import { LATENCY, MAGNITUDE_REPORT, RANDOM_REPORT, SIZES } from './fixtures.js';

/** CSV text to rows of cells (no quoted commas in these fixtures' numbers). */
function parseCsv(text: string): string[][] {
  return text.trim().split('\n').map((l) => l.split(','));
}

function parseSvg(text: string): Document {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  // The message's text, not the node (chai would walk the whole document to print it).
  expect(doc.querySelector('parsererror')?.textContent ?? null, 'well-formed SVG').to.equal(null);
  return doc;
}

/** Fails naming `what` if p has not settled after ms (so a lost download fails instead of hanging the file). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms))]);
}

/** Catches the next download link's click (and stops the download). */
function nextDownload(): Promise<{ name: string; href: string }> {
  return new Promise((resolve) => {
    const on = (e: Event): void => {
      const a = e.target;
      if (!(a instanceof HTMLAnchorElement) || !a.download) return;
      e.preventDefault();
      document.removeEventListener('click', on, true);
      resolve({ name: a.download, href: a.href });
    };
    document.addEventListener('click', on, true);
  });
}

describe('figure export', function () {
  // Small figures: a test that has not finished in a minute is stuck, not slow.
  this.timeout(60000);
  afterEach(unmountAll);

  it('picks round ticks, and powers of ten on a log axis', () => {
    expect(ticks(0, 1).map((v) => Number(v.toFixed(9)))).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(0.3, 47, true)).to.deep.equal([1, 10]);
    expect(ticks(0, 250)).to.deep.equal([0, 50, 100, 150, 200, 250]);
  });

  it('a sparsity chart: the CSV is the plotted data, and the SVG draws each point where its axes put it', async () => {
    const el = await mount('prune-sparsity-chart', { reports: [MAGNITUDE_REPORT, RANDOM_REPORT] }, { width: '500', height: '280' });
    const f = el.figure()!;
    const want = sparsitySeries([MAGNITUDE_REPORT, RANDOM_REPORT], null, false);
    const rows = parseCsv(figureCsv(f));
    expect(rows[0]).to.deep.equal([f.x.label, ...want.map((s) => s.label)]);
    // Every series' points appear in its column at their sparsity, and nothing else does.
    want.forEach((s, k) => {
      const got = rows.slice(1).filter((r) => r[k + 1] !== '').map((r) => [Number(r[0]), Number(r[k + 1])]);
      expect(got).to.deep.equal(s.points);
    });
    const W = 640;
    const H = 360;
    const doc = parseSvg(figureSvg(f, W, H));
    const groups = [...doc.querySelectorAll('g.series')];
    expect(groups.map((g) => g.getAttribute('data-label'))).to.deep.equal(want.map((s) => s.label));
    expect([...doc.querySelectorAll('g.legend text')].map((t) => t.textContent)).to.deep.equal(want.map((s) => s.label));
    // The plot box of one y axis and one legend row: x in [60, W − 16], y in [28, H − 60].
    const box = { left: 60, right: W - 16, top: 28, bottom: H - 60 };
    groups.forEach((g, k) => {
      const pts = [...g.querySelectorAll('circle')].map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]);
      expect(pts.length).to.equal(want[k]!.points.length);
      pts.forEach(([cx, cy], i) => {
        const x = f.x.min + ((cx! - box.left) / (box.right - box.left)) * (f.x.max - f.x.min);
        const y = f.y[0]!.min + ((box.bottom - cy!) / (box.bottom - box.top)) * (f.y[0]!.max - f.y[0]!.min);
        // Coordinates are rounded to 0.01 px.
        expect(Math.abs(x - want[k]!.points[i]![0])).to.be.below(1e-3);
        expect(Math.abs(y - want[k]!.points[i]![1])).to.be.below(1e-3);
      });
      const d = g.querySelector('path')!.getAttribute('d')!;
      expect(d.split('L').length).to.equal(want[k]!.points.length);
    });
    // The axes are the chart's own scales.
    expect([f.x.min, f.x.max]).to.deep.equal([el.chart!.scales.x!.min, el.chart!.scales.x!.max]);
    expect([f.y[0]!.min, f.y[0]!.max]).to.deep.equal([el.chart!.scales.y!.min, el.chart!.scales.y!.max]);
  });

  it('a latency chart: p50 lines plus each path\'s p95 column; a log scale is read as one', async () => {
    const el = await mount('prune-latency-chart', { points: LATENCY }, { scale: 'log' });
    const f = el.figure()!;
    expect(f.y[0]!.log).to.equal(true);
    const rows = parseCsv(figureCsv(f));
    const paths = el.series.map((s) => s.path);
    expect(rows[0]).to.deep.equal([f.x.label, ...paths, ...paths.map((p) => `${p} p95 (ms)`)]);
    for (const p of LATENCY) {
      const row = rows.find((r) => Number(r[0]) === p.sparsity)!;
      const k = paths.indexOf(p.path);
      expect([Number(row[1 + k]), Number(row[1 + paths.length + k])]).to.deep.equal([p.p50Ms, p.p95Ms]);
    }
    const ticksY = [...parseSvg(figureSvg(f)).querySelectorAll('line.tick-y')];
    expect(ticksY.length).to.be.greaterThan(0);
  });

  it('a training chart: two y axes, each line on its own', async () => {
    const points = [{ step: 0, loss: 2.3, accuracy: 0.1 }, { step: 10, loss: 1.1, accuracy: 0.6 }, { step: 20, loss: 0.5, accuracy: 0.85 }];
    const el = await mount('prune-training-chart', { points, marks: [{ step: 0, label: 'baseline' }] });
    const f = el.figure() as LineFigure;
    expect(f.y.length).to.equal(2);
    expect(f.lines.map((l) => [l.label, l.axis])).to.deep.equal([['loss', 0], ['accuracy', 1]]);
    const rows = parseCsv(figureCsv(f)).slice(1).map((r) => r.map(Number));
    expect(rows).to.deep.equal(points.map((p) => [p.step, p.loss, p.accuracy]));
  });

  it('bars: layer sparsity and model size rows in the CSV, bar lengths in the SVG', async () => {
    const entry = MAGNITUDE_REPORT.rounds.at(-1)!;
    const el = await mount('prune-layer-sparsity', { entry });
    const f = el.figure() as BarFigure;
    const rows = parseCsv(figureCsv(f));
    expect(rows[0]).to.deep.equal(['layer', 'kind', 'shape', 'params', 'nonzero', 'sparsity', 'prunable']);
    expect(rows.slice(1).map((r) => [r[0], Number(r[3]), Number(r[4]), Number(r[5])])).to.deep.equal(entry.layers.map((l) => [l.name, l.params, l.nonzero, l.sparsity]));
    const doc = parseSvg(figureSvg(f, 640));
    const track = Number(doc.querySelector('g.bar rect')!.getAttribute('width'));
    const fills = [...doc.querySelectorAll('rect.fill')].map((r) => Number(r.getAttribute('width')) / track);
    fills.forEach((w, i) => expect(Math.abs(w - entry.layers[i]!.sparsity)).to.be.below(1e-3));
    const size = await mount('prune-size-view', { sizes: SIZES });
    const sf = size.figure()!;
    expect(parseCsv(figureCsv(sf)).slice(1).map((r) => Number(r[1]))).to.deep.equal([SIZES.denseF32, SIZES.sparse, SIZES.sparseInt8]);
  });

  it('a confusion matrix: the counts row by row in the CSV, one shaded cell per count in the SVG', async () => {
    const confusion = [5, 1, 0, 2, 7, 1, 0, 3, 9];
    const el = await mount('prune-confusion-matrix', { confusion, labels: ['a', 'b', 'c'] });
    const f = el.figure()!;
    expect(figureCsv(f)).to.equal('true class \\ predicted class,a,b,c\na,5,1,0\nb,2,7,1\nc,0,3,9\n');
    const cells = [...parseSvg(figureSvg(f)).querySelectorAll('g.cell')];
    expect(cells.map((g) => Number(g.querySelector('text')!.textContent))).to.deep.equal(confusion);
    // Shade: the cell's share of its row (diagonal), its square root (off the diagonal), times 0.8.
    const shade = cells.map((g) => Number(g.querySelector('rect')!.getAttribute('fill-opacity')));
    expect(shade[0]).to.be.closeTo((5 / 6) * 0.8, 0.005);
    expect(shade[1]).to.be.closeTo(Math.sqrt(1 / 6) * 0.8, 0.005);
    expect(shade[2]).to.equal(0);
    expect($(el, 'prune-figure-menu')).to.not.equal(null);
  });

  it('quotes CSV cells that hold commas or quotes', () => {
    const f: BarFigure = { kind: 'bars', title: 't', valueLabel: 'v', max: 1, color: '#000', bars: [{ label: 'a, "b"', value: 0.5, text: '' }] };
    expect(figureCsv(f)).to.equal('label,v\n"a, ""b""",0.5\n');
  });

  it('the menu is a labelled button; its items save PNG, SVG and CSV files (keyboard too)', async () => {
    const el = await mount('prune-sparsity-chart', { reports: [MAGNITUDE_REPORT] });
    const menu = $(el, 'prune-figure-menu');
    await settle(menu as never);
    const button = $<HTMLButtonElement>(menu, '[part="button"]');
    expect(button.getAttribute('aria-label')).to.equal('Download the accuracy against sparsity');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect($(menu, '[role="menu"]').hidden).to.equal(true);
    button.click();
    await settle(menu as never);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    // Opening focuses the first item; ArrowDown moves on, Escape closes and returns focus.
    const items = [...menu.shadowRoot!.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')];
    expect(items.map((b) => b.textContent)).to.deep.equal(['PNG', 'SVG', 'CSV']);
    expect(menu.shadowRoot!.activeElement).to.equal(items[0]);
    items[0]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, composed: true }));
    expect(menu.shadowRoot!.activeElement).to.equal(items[1]);
    items[1]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await settle(menu as never);
    expect($(menu, '[role="menu"]').hidden).to.equal(true);
    expect(menu.shadowRoot!.activeElement).to.equal(button);

    const got: Record<string, Blob> = {};
    for (const format of ['csv', 'svg', 'png']) {
      button.click();
      await settle(menu as never);
      const saved = nextDownload();
      $<HTMLButtonElement>(menu, `[data-format="${format}"]`).click();
      const { name, href } = await within(saved, 30000, `the ${format} download`);
      expect(name).to.equal(`sparsity-chart.${format}`);
      got[format] = await within(fetch(href).then((r) => r.blob()), 30000, `reading the ${format} file`);
    }
    expect(await got.csv!.text()).to.equal(figureCsv(el.figure()!));
    expect(await got.svg!.text()).to.equal(figureSvg(el.figure()!));
    // The PNG is the plot's canvas, at its size.
    const png = await within(createImageBitmap(got.png!), 30000, 'decoding the PNG');
    expect([png.width, png.height]).to.deep.equal([el.chart!.ctx.canvas.width, el.chart!.ctx.canvas.height]);
  });

  it('a chart without a canvas (model size) gets its PNG from its SVG', async () => {
    const el = await mount('prune-size-view', { sizes: SIZES });
    const menu = $(el, 'prune-figure-menu');
    await settle(menu as never);
    $<HTMLButtonElement>(menu, '[part="button"]').click();
    await settle(menu as never);
    const saved = nextDownload();
    $<HTMLButtonElement>(menu, '[data-format="png"]').click();
    const { name, href } = await within(saved, 30000, 'the png download');
    expect(name).to.equal('model-size.png');
    const png = await within(fetch(href).then((r) => r.blob()).then((b) => createImageBitmap(b)), 30000, 'decoding the PNG');
    const svg = parseSvg(figureSvg(el.figure()!)).documentElement;
    expect([png.width, png.height]).to.deep.equal([Number(svg.getAttribute('width')), Number(svg.getAttribute('height'))]);
  });
});
