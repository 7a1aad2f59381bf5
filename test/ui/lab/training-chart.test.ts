// <prune-training-chart>: loss and accuracy against steps in one uPlot, new points fed
// to the live plot (no rebuild), round marks, and messages for invalid points.
import { expect } from '@esm-bundle/chai';
import '../../../src/ui/training-chart.js';
import type { TrainingPoint } from '../../../src/ui/training-chart.js';
import { $$, errorText, mount, settle, unmountAll } from '../helpers.js';

const POINTS: TrainingPoint[] = [
  { step: 10, loss: 2.1, accuracy: 0.3 },
  { step: 20, loss: 1.2, accuracy: 0.62 },
  { step: 30, loss: 0.7, accuracy: 0.81 },
];

describe('<prune-training-chart>', () => {
  afterEach(unmountAll);

  it('draws loss and accuracy against steps on two scales', async () => {
    const el = await mount('prune-training-chart', { points: POINTS, marks: [{ step: 0, label: 'baseline' }] });
    const u = el.chart!;
    expect(u.series.map((s) => s.label)).to.deep.equal(['step', 'loss', 'accuracy']);
    expect(u.series.map((s) => s.scale)).to.deep.equal(['x', 'loss', 'acc']);
    expect(u.data).to.deep.equal([[10, 20, 30], [2.1, 1.2, 0.7], [0.3, 0.62, 0.81]]);
    expect($$(el, '.u-legend .u-series th').map((th) => th.textContent!.trim())).to.deep.equal(['step', 'loss', 'accuracy']);
  });

  it('feeds new points to the live plot instead of rebuilding it; other changes rebuild', async () => {
    const el = await mount('prune-training-chart', { points: POINTS.slice(0, 2) });
    const first = el.chart;
    el.points = POINTS;
    await settle(el);
    expect(el.chart).to.equal(first, 'same uPlot instance');
    expect(el.chart!.data[0]).to.deep.equal([10, 20, 30]);
    el.marks = [{ step: 15, label: 'round 1' }];
    await settle(el);
    expect(el.chart).to.not.equal(first);
  });

  it('shows a placeholder without points, and a message naming a bad point', async () => {
    const el = await mount('prune-training-chart');
    expect(el.chart).to.equal(null);
    expect(el.shadowRoot!.textContent).to.contain('No training yet.');
    el.points = [POINTS[1]!, POINTS[0]!];
    await settle(el);
    expect(errorText(el)).to.equal('points[1].step must be a number ≥ 20 (steps ascend) (got 10)');
    el.points = [{ step: 1, loss: 0.5, accuracy: 1.5 }];
    await settle(el);
    expect(errorText(el)).to.equal('points[0].accuracy must be null or a number in [0, 1] (got 1.5)');
    el.points = [{ step: 1, loss: null, accuracy: null }];
    el.marks = [{ step: -1, label: 'x' }];
    await settle(el);
    expect(errorText(el)).to.equal('marks[0] must be an object { step ≥ 0, label: string } (got object)');
  });
});
