// <prune-alpha-chart>: train / validation / test accuracy of every subtree on the
// cost-complexity pruning path, against its alpha (uPlot, arcsinh x scale so that
// alpha = 0 and the small alphas near it both show), with markers at the chosen
// (best-on-validation) alpha and at the alpha the slider currently prunes at.
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import { check } from '../../errors.js';
import { INTERACTION, lineSeries, strokePath, UPlotElement } from '../uplot-element.js';
import { percent, themeColor } from '../theme.js';
import type { PathPoint } from '../../worker/tree-api.js';
import { classColor } from './theme.js';

const SERIES = [
  { key: 'trainAccuracy', label: 'train', dash: [] as number[] },
  { key: 'valAccuracy', label: 'validation', dash: [6, 3] },
  { key: 'testAccuracy', label: 'test', dash: [2, 3] },
] as const;

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
  @property({ attribute: false }) curve: readonly PathPoint[] = [];
  /** Alpha the tree is pruned at now (drawn as a solid line). */
  @property({ type: Number }) alpha: number | null = null;
  /** The alpha chosen on validation (drawn dashed). */
  @property({ type: Number, attribute: 'best-alpha' }) bestAlpha: number | null = null;

  protected readonly figureLabel = 'accuracy against alpha along the pruning path';
  protected readonly emptyText = 'No pruning path yet.';

  protected validate(): void {
    this.validateSize();
    check(Array.isArray(this.curve), 'curve', 'an array of path points', this.curve);
    this.curve.forEach((p, i) => {
      check(Number.isFinite(p.alpha) && p.alpha >= 0 && (i === 0 || p.alpha >= this.curve[i - 1]!.alpha), `curve[${i}].alpha`, 'a finite alpha ≥ 0, not below the previous one', p.alpha);
      for (const s of SERIES) {
        const v = p[s.key];
        check((s.key === 'testAccuracy' && v === null) || (typeof v === 'number' && v >= 0 && v <= 1), `curve[${i}].${s.key}`, 'an accuracy in [0, 1]', v);
      }
    });
    for (const [field, v] of [['alpha', this.alpha], ['bestAlpha', this.bestAlpha]] as const) {
      check(v === null || (Number.isFinite(v) && v >= 0), field, 'a finite alpha ≥ 0 or null', v);
    }
  }

  protected hasData(): boolean {
    return this.curve.length > 0;
  }

  private series(): Array<(typeof SERIES)[number]> {
    const hasTest = this.curve.some((p) => p.testAccuracy !== null);
    return SERIES.filter((s) => s.key !== 'testAccuracy' || hasTest);
  }

  protected plotData(): uPlot.AlignedData {
    return [this.curve.map((p) => p.alpha), ...this.series().map((s) => this.curve.map((p) => p[s.key]))];
  }

  protected plotOptions(axis: Partial<uPlot.Axis>): Omit<uPlot.Options, 'width' | 'height'> {
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
      scales: { x: { time: false, distr: 4, asinh: linthresh }, y: { range: [0, 1] } },
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
          values: (_u, vals) => vals.map((v) => (v === 0 ? '0' : v >= 0.01 ? String(Number(v.toPrecision(1))) : v.toExponential(0))),
        },
        { ...axis, label: 'accuracy', values: (_u, vals) => vals.map((v) => `${Math.round(v * 100)}%`) },
      ],
      series: [
        { label: 'alpha', value: (_u, v) => (v === null ? '–' : v.toPrecision(3)) },
        ...this.series().map((s, i) => {
          const line = lineSeries(s.label, classColor(this, i), percent, [...s.dash]);
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
