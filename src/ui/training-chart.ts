// <prune-training-chart>: live training loss (left axis) and accuracy (right axis)
// against training steps, across the baseline and every fine-tune round, with
// each round's start marked. New points go into the live plot with setData (no
// rebuild), so it can follow a running experiment several times a second.
import uPlot from 'uplot';
import type { PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { check } from '../errors.js';
import { inRange } from './prune-element.js';
import { percent, seriesColor, themeColor } from './theme.js';
import { INTERACTION, UPlotElement, lineSeries, strokePath } from './uplot-element.js';

export interface TrainingPoint {
  /** Training steps since the run started (baseline and fine-tuning counted together). */
  step: number;
  /** Mean training loss of the epoch so far; null where not read back yet. */
  loss: number | null;
  /** Training accuracy of the epoch so far, in [0, 1]; null where not read back yet. */
  accuracy: number | null;
}

export interface RoundMark {
  step: number;
  label: string;
}

/**
 * Training loss and accuracy against steps, with round starts marked.
 *
 * @csspart chart - the box holding the plot.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-series-0 - colour of the loss line.
 * @cssprop --prune-series-1 - colour of the accuracy line.
 * @cssprop --prune-muted - colour of the axes and the round marks.
 * @cssprop --prune-border - the box's border colour.
 * @cssprop --prune-bg - the box's background.
 */
@customElement('prune-training-chart')
export class PruneTrainingChart extends UPlotElement {
  /** The points, in step order. */
  @property({ attribute: false }) points: TrainingPoint[] = [];
  /** Where each round (baseline training, then fine-tuning) starts. */
  @property({ attribute: false }) marks: RoundMark[] = [];

  protected readonly figureLabel = 'training loss and accuracy against steps';
  protected readonly emptyText = 'No training yet.';

  protected validate(): void {
    this.validateSize();
    check(Array.isArray(this.points), 'points', 'an array of { step, loss, accuracy }', this.points);
    let last = -Infinity;
    this.points.forEach((p, i) => {
      const f = `points[${i}]`;
      check(typeof p === 'object' && p !== null, f, 'an object { step, loss, accuracy }', p);
      check(inRange(p.step, Math.max(0, last), Infinity), `${f}.step`, `a number ≥ ${Math.max(0, last)} (steps ascend)`, p.step);
      check(p.loss === null || inRange(p.loss, 0, Infinity), `${f}.loss`, 'null or a number ≥ 0', p.loss);
      check(p.accuracy === null || inRange(p.accuracy, 0, 1), `${f}.accuracy`, 'null or a number in [0, 1]', p.accuracy);
      last = p.step;
    });
    check(Array.isArray(this.marks), 'marks', 'an array of { step, label }', this.marks);
    this.marks.forEach((m, i) => check(inRange(m?.step, 0, Infinity) && typeof m.label === 'string', `marks[${i}]`, 'an object { step ≥ 0, label: string }', m));
  }

  protected hasData(): boolean {
    return this.points.length > 0;
  }

  protected plotData(): uPlot.AlignedData {
    return [this.points.map((p) => p.step), this.points.map((p) => p.loss), this.points.map((p) => p.accuracy)];
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Only new points: feed the live plot instead of rebuilding it.
    const onlyPoints = changed.size === 1 && changed.has('points');
    if (onlyPoints && this.chart && this.validationMessage === null && this.hasData()) {
      this.chart.setData(this.plotData());
      return;
    }
    super.updated(changed);
  }

  protected plotOptions(axis: Partial<uPlot.Axis>): Omit<uPlot.Options, 'width' | 'height'> {
    const lossColor = seriesColor(this, 0);
    const accColor = seriesColor(this, 1);
    const muted = themeColor(this, '--_muted', '#667085');
    const marks = this.marks;
    const drawMarks = (u: uPlot): void => {
      const px = uPlot.pxRatio;
      for (const m of marks) {
        const x = u.valToPos(m.step, 'x', true);
        if (x < u.bbox.left - 1 || x > u.bbox.left + u.bbox.width + 1) continue;
        strokePath(u, muted, 1, [3, 3], (ctx) => {
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
        });
        u.ctx.save();
        u.ctx.fillStyle = muted;
        u.ctx.font = `${10 * px}px system-ui, sans-serif`;
        u.ctx.fillText(m.label, x + 3 * px, u.bbox.top + 11 * px);
        u.ctx.restore();
      }
    };
    return {
      scales: { x: { time: false, range: (_u, _lo, hi) => [0, Math.max(hi ?? 1, 1)] }, loss: { range: (_u, _lo, hi) => [0, Math.max(hi ?? 1, 1e-3) * 1.05] }, acc: { range: [0, 1] } },
      axes: [
        { ...axis, label: 'training step' },
        { ...axis, scale: 'loss', label: 'loss', size: 50, values: (_u, vals) => vals.map((v) => (v == null ? '' : v.toFixed(2))) },
        { ...axis, scale: 'acc', side: 1, label: 'accuracy', size: 56, grid: { show: false }, values: (_u, vals) => vals.map((v) => (v == null ? '' : percent(v, 0))) },
      ],
      series: [
        { label: 'step' },
        { ...lineSeries('loss', lossColor, (v) => v.toFixed(4)), scale: 'loss', points: { show: false } },
        { ...lineSeries('accuracy', accColor, (v) => percent(v, 2)), scale: 'acc', points: { show: false } },
      ],
      ...INTERACTION,
      hooks: { draw: [drawMarks] },
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-training-chart': PruneTrainingChart;
  }
}
