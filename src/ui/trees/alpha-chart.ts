// <prune-alpha-chart>: train / validation / test accuracy of every subtree on the
// cost-complexity pruning path (or their MSE, for a regression tree), against its alpha (uPlot, arcsinh x scale so that
// alpha = 0 and the small alphas near it both show), with markers at the chosen
// (best-on-validation) alpha and at the alpha the slider currently prunes at.
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import { check } from '../../errors.js';
import { INTERACTION, lineSeries, strokePath, UPlotElement } from '../uplot-element.js';
import { percent, themeColor } from '../theme.js';
import type { PathPoint, RegressionPathPoint } from '../../worker/tree-api.js';
import { classColor } from './theme.js';

type Point = PathPoint | RegressionPathPoint;
interface Series {
  key: 'trainAccuracy' | 'valAccuracy' | 'testAccuracy' | 'trainMse' | 'valMse' | 'testMse';
  label: string;
  dash: number[];
  test: boolean;
}
const SERIES: Record<'accuracy' | 'mse', Series[]> = {
  accuracy: [
    { key: 'trainAccuracy', label: 'train', dash: [], test: false },
    { key: 'valAccuracy', label: 'validation', dash: [6, 3], test: false },
    { key: 'testAccuracy', label: 'test', dash: [2, 3], test: true },
  ],
  mse: [
    { key: 'trainMse', label: 'train', dash: [], test: false },
    { key: 'valMse', label: 'validation', dash: [6, 3], test: false },
    { key: 'testMse', label: 'test', dash: [2, 3], test: true },
  ],
};
const value = (p: Point, k: Series['key']): number | null => (p as unknown as Record<string, number | null>)[k] ?? null;

/**
 * @csspart chart - the box holding the plot.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-accent - colour of the current-alpha marker.
 * @cssprop --prune-muted - colour of axes and the best-alpha marker.
 * @cssprop --prune-class-0 - colour of the train line (--prune-class-1 validation, --prune-class-2 test).
 */
@customElement('prune-alpha-chart')
export class PruneAlphaChart extends UPlotElement {
  /** One point per subtree of the path, alphas increasing. */
  @property({ attribute: false }) curve: readonly Point[] = [];
  /** What the curve holds: accuracies (classification) or mean squared errors (regression). */
  @property() metric: 'accuracy' | 'mse' = 'accuracy';
  /** Alpha the tree is pruned at now (drawn as a solid line). */
  @property({ type: Number }) alpha: number | null = null;
  /** The alpha chosen on validation (drawn dashed). */
  @property({ type: Number, attribute: 'best-alpha' }) bestAlpha: number | null = null;

  protected readonly figureLabel = 'accuracy against alpha along the pruning path';
  protected readonly emptyText = 'No pruning path yet.';

  protected validate(): void {
    this.validateSize();
    check(this.metric === 'accuracy' || this.metric === 'mse', 'metric', 'accuracy or mse', this.metric);
    check(Array.isArray(this.curve), 'curve', 'an array of path points', this.curve);
    const acc = this.metric === 'accuracy';
    this.curve.forEach((p, i) => {
      check(Number.isFinite(p.alpha) && p.alpha >= 0 && (i === 0 || p.alpha >= this.curve[i - 1]!.alpha), `curve[${i}].alpha`, 'a finite alpha ≥ 0, not below the previous one', p.alpha);
      for (const s of SERIES[this.metric]) {
        const v = value(p, s.key);
        check((s.test && v === null) || (typeof v === 'number' && v >= 0 && (!acc || v <= 1) && Number.isFinite(v)), `curve[${i}].${s.key}`, acc ? 'an accuracy in [0, 1]' : 'a finite mean squared error ≥ 0', v);
      }
    });
    for (const [field, v] of [['alpha', this.alpha], ['bestAlpha', this.bestAlpha]] as const) {
      check(v === null || (Number.isFinite(v) && v >= 0), field, 'a finite alpha ≥ 0 or null', v);
    }
  }

  protected hasData(): boolean {
    return this.curve.length > 0;
  }

  private series(): Series[] {
    const all = SERIES[this.metric];
    const hasTest = this.curve.some((p) => value(p, all[2]!.key) !== null);
    return all.filter((s) => !s.test || hasTest);
  }

  protected plotData(): uPlot.AlignedData {
    return [this.curve.map((p) => p.alpha), ...this.series().map((s) => this.curve.map((p) => value(p, s.key)))];
  }

  protected plotOptions(axis: Partial<uPlot.Axis>): Omit<uPlot.Options, 'width' | 'height'> {
    const acc = this.metric === 'accuracy';
    const positive = this.curve.map((p) => p.alpha).filter((a) => a > 0);
    const linthresh = positive.length > 0 ? Math.min(...positive) : 1;
    const muted = themeColor(this, '--_muted', '#667085');
    const accent = themeColor(this, '--_accent', '#2563eb');
    const marker = (u: uPlot, a: number | null, color: string, dash: number[]): void => {
      if (a === null) return;
      const x = u.valToPos(a, 'x', true);
      strokePath(u, color, 1.5, dash, (ctx) => {
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
      });
    };
    return {
      scales: { x: { time: false, distr: 4, asinh: linthresh }, y: acc ? { range: [0, 1] } : {} },
      axes: [
        {
          ...axis,
          label: 'alpha (effective, weakest link)',
          // asinh scale: ticks at 0 and at the powers of ten in range, clear of the 0 tick.
          splits: (_u, _i, lo, hi) => {
            const ticks = lo <= 0 ? [0] : [];
            for (let e = Math.ceil(Math.log10(3 * linthresh)); 10 ** e <= hi; e++) if (10 ** e >= lo) ticks.push(10 ** e);
            return ticks;
          },
          // uPlot passes null for a tick it leaves unlabelled.
          values: (_u, vals) => vals.map((v: number | null) => (v === null ? '' : v === 0 ? '0' : v >= 0.01 ? String(Number(v.toPrecision(1))) : v.toExponential(0))),
        },
        acc
          ? { ...axis, label: 'accuracy', values: (_u, vals) => vals.map((v) => `${Math.round(v * 100)}%`) }
          : { ...axis, label: 'MSE', size: 56, values: (_u, vals) => vals.map((v: number | null) => (v === null ? '' : Number(v.toPrecision(3)).toString())) },
      ],
      series: [
        { label: 'alpha', value: (_u, v) => (v === null ? '–' : v.toPrecision(3)) },
        ...this.series().map((s, i) => {
          const line = lineSeries(s.label, classColor(this, i), acc ? percent : (v) => v.toPrecision(4), [...s.dash]);
          return { ...line, points: { ...line.points, show: this.curve.length < 60 } };
        }),
      ],
      ...INTERACTION,
      hooks: { draw: [(u) => { marker(u, this.bestAlpha, muted, [5, 4]); marker(u, this.alpha, accent, []); }] },
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-alpha-chart': PruneAlphaChart;
  }
}
