// <prune-latency-chart>: one series per inference path in the fixed order, p50 as the
// plotted value, the scale attribute, and invalid points named in the message.
import { expect } from '@esm-bundle/chai';
import '../../src/ui/latency-chart.js';
import { latencySeries } from '../../src/ui/latency-chart.js';
import { $$, errorText, mount, settle, unmountAll } from './helpers.js';
import { LATENCY } from './fixtures.js';

describe('<prune-latency-chart>', () => {
  afterEach(unmountAll);

  it('groups points by path: known paths in order, then others by name, each sorted by sparsity', () => {
    const pts = [
      { path: 'zeta', sparsity: 0, p50Ms: 1, p95Ms: 1 },
      { path: 'sparse', sparsity: 0.9, p50Ms: 0.5, p95Ms: 0.7 },
      { path: 'alpha', sparsity: 0, p50Ms: 1, p95Ms: 1 },
      { path: 'sparse', sparsity: 0.5, p50Ms: 1.5, p95Ms: 1.7 },
      { path: 'dense', sparsity: 0.5, p50Ms: 2, p95Ms: 3 },
    ];
    const s = latencySeries(pts);
    expect(s.map((x) => x.path)).to.deep.equal(['dense', 'sparse', 'alpha', 'zeta']);
    expect(s[1]!.points.map((p) => p.sparsity)).to.deep.equal([0.5, 0.9]);
  });

  it('draws one series per inference path with p50 as the value', async () => {
    const el = await mount('prune-latency-chart', { points: LATENCY });
    const labels = $$(el, '.u-legend .u-series th').map((th) => th.textContent!.trim());
    expect(labels).to.deep.equal(['sparsity', 'dense', 'masked', 'sparse', 'structured', 'int8']);
    expect(el.chart!.data[0]).to.deep.equal([0, 0.5, 0.75, 0.9]);
    expect(el.chart!.data[1]).to.deep.equal([1.2, 1.2, 1.2, 1.2]);
    expect(el.chart!.data[3]).to.deep.equal(LATENCY.filter((p) => p.path === 'sparse').map((p) => p.p50Ms));
  });

  it('maps the scale attribute to a log y scale', async () => {
    const el = await mount('prune-latency-chart', { points: LATENCY }, { scale: 'log' });
    expect(el.scale).to.equal('log');
    expect(el.chart!.scales.y!.distr).to.equal(3);
    el.setAttribute('scale', 'cubic');
    await settle(el);
    expect(errorText(el)).to.equal('scale must be one of linear, log (got "cubic")');
  });

  it('names invalid points: p95 below p50, a repeated path and sparsity, zero on a log scale', async () => {
    const el = await mount('prune-latency-chart', { points: [{ path: 'dense', sparsity: 0, p50Ms: 2, p95Ms: 1 }] });
    expect(errorText(el)).to.equal('points[0].p95Ms must be a number ≥ p50Ms (2) (got 1)');
    el.points = [{ path: 'int8', sparsity: 0.5, p50Ms: 1, p95Ms: 2 }, { path: 'int8', sparsity: 0.5, p50Ms: 1, p95Ms: 2 }];
    await settle(el);
    expect(errorText(el)).to.contain('points[1] must be the only point of path int8 at sparsity 0.5');
    el.points = [{ path: 'int8', sparsity: 0.5, p50Ms: 0, p95Ms: 2 }];
    el.scale = 'log';
    await settle(el);
    expect(errorText(el)).to.contain('points[0].p50Ms must be a number > 0 (log scale)');
    el.scale = 'linear';
    await settle(el);
    expect(errorText(el)).to.equal(null);
    expect(el.chart!.series.length).to.equal(2);
  });

  it('checks the optional per-path figures when present: numbers ≥ 0, wait map or nudge', async () => {
    const ok = { path: 'sparse', sparsity: 0.9, p50Ms: 1, p95Ms: 2, firstFrameMs: 3, compileMs: 0, throughput: 5000, modelGpuBytes: 1024, planGpuBytes: 2048, wait: 'nudge' };
    const el = await mount('prune-latency-chart', { points: [ok] });
    expect(errorText(el)).to.equal(null);
    el.points = [{ ...ok, throughput: -1 }];
    await settle(el);
    expect(errorText(el)).to.equal('points[0].throughput must be a number ≥ 0, or absent (got -1)');
    el.points = [{ ...ok, wait: 'spin' }];
    await settle(el);
    expect(errorText(el)).to.equal("points[0].wait must be 'map' or 'nudge', or absent (got \"spin\")");
  });
});
