// <prune-stage-chart>: a boosted ensemble's training and validation loss after each
// stage (uPlot), with a marker at the stage the validation curve picks (or early
// stopping kept), where truncation cuts the ensemble.
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import { check } from '../../errors.js';
import { INTERACTION, lineSeries, strokePath, UPlotElement } from '../uplot-element.js';
import { themeColor } from '../theme.js';
import { classColor } from './theme.js';

const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4));

/**
 * @csspart chart - the box holding the plot.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-accent - colour of the picked-stage marker.
 * @cssprop --prune-class-0 - colour of the train line (--prune-class-1 validation).
 */
@customElement('prune-stage-chart')
export class PruneStageChart extends UPlotElement {
  /** Loss after each stage on the training rows. */
  @property({ attribute: false }) trainLoss: readonly number[] = [];
  /** Loss after each stage on the validation rows (same length, or empty). */
  @property({ attribute: false }) valLoss: readonly number[] = [];
  /** 1-based stage count picked (drawn as a vertical line); null = none. */
  @property({ type: Number, attribute: 'best-stage' }) bestStage: number | null = null;
  /** Axis label of the loss. */
  @property({ attribute: 'loss-label' }) lossLabel = 'loss';

  protected readonly figureLabel = 'training and validation loss after each boosting stage';
  protected readonly emptyText = 'No stages yet.';

  protected validate(): void {
    this.validateSize();
    check(Array.isArray(this.trainLoss) && this.trainLoss.every((v) => Number.isFinite(v)), 'trainLoss', 'an array of finite losses', this.trainLoss);
    check(Array.isArray(this.valLoss) && this.valLoss.every((v) => Number.isFinite(v)) && (this.valLoss.length === 0 || this.valLoss.length === this.trainLoss.length),
      'valLoss', `an array of finite losses, empty or as long as trainLoss (${this.trainLoss.length})`, this.valLoss);
    const b = this.bestStage;
    check(b === null || (Number.isInteger(b) && b >= 1 && b <= this.trainLoss.length), 'bestStage', `null or an integer in [1, ${this.trainLoss.length}]`, b);
  }

  protected hasData(): boolean {
    return this.trainLoss.length > 0;
  }

  protected plotData(): uPlot.AlignedData {
    const x = this.trainLoss.map((_, i) => i + 1);
    return this.valLoss.length > 0 ? [x, [...this.trainLoss], [...this.valLoss]] : [x, [...this.trainLoss]];
  }

  protected plotOptions(axis: Partial<uPlot.Axis>): Omit<uPlot.Options, 'width' | 'height'> {
    const accent = themeColor(this, '--_accent', '#2563eb');
    const many = this.trainLoss.length >= 60;
    const series = [lineSeries('train', classColor(this, 0), fmt), ...(this.valLoss.length > 0 ? [lineSeries('validation', classColor(this, 1), fmt, [6, 3])] : [])]
      .map((s) => ({ ...s, points: { ...s.points, show: !many } }));
    return {
      scales: { x: { time: false } },
      axes: [{ ...axis, label: 'stage (trees per class)' }, { ...axis, label: this.lossLabel, size: 60 }],
      series: [{ label: 'stage' }, ...series],
      ...INTERACTION,
      hooks: {
        draw: [(u) => {
          if (this.bestStage === null) return;
          const x = u.valToPos(this.bestStage, 'x', true);
          strokePath(u, accent, 1.5, [5, 4], (ctx) => {
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
          });
        }],
      },
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-stage-chart': PruneStageChart;
  }
}
