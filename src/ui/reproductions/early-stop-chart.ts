// <prune-early-stop-chart>: the early-stopping iteration (least validation loss) against
// sparsity, for winning tickets and their re-initialised controls (Frankle & Carbin's
// Figure 4, left). uPlot draws it on the shared chart base.
import uPlot from 'uplot';
import { customElement, property } from 'lit/decorators.js';
import { check } from '../../errors.js';
import { inRange } from '../prune-element.js';
import { seriesColor } from '../theme.js';
import { INTERACTION, SPARSITY_X, UPlotElement, lineSeries } from '../uplot-element.js';

export interface EarlyStopPoint {
  sparsity: number;
  /** Early-stop iterations; null where not recorded. */
  ticket: number | null;
  reinit: number | null;
}

export interface EarlyStopSeries {
  label: 'ticket' | 're-initialised';
  /** [sparsity, iteration], by sparsity. */
  points: Array<[number, number]>;
}

/**
 * Early-stop iteration against sparsity: tickets (solid) and re-initialised (dashed).
 *
 * @csspart chart - the box holding the plot.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-series-0 - the tickets' colour.
 * @cssprop --prune-series-1 - the re-initialised networks' colour.
 */
@customElement('prune-early-stop-chart')
export class PruneEarlyStopChart extends UPlotElement {
  /** One point per sparsity. */
  @property({ attribute: false }) points: EarlyStopPoint[] = [];

  protected readonly figureLabel = 'early-stopping iteration against sparsity, tickets and re-initialised';
  protected readonly emptyText = 'No early-stopping record.';

  protected validate(): void {
    this.validateSize();
    check(Array.isArray(this.points), 'points', 'an array of { sparsity, ticket, reinit }', this.points);
    const it = (v: unknown): boolean => v === null || (Number.isInteger(v) && (v as number) >= 0);
    this.points.forEach((p, i) => {
      check(typeof p === 'object' && p !== null && inRange(p.sparsity, 0, 1), `points[${i}].sparsity`, 'a number in [0, 1]', p?.sparsity);
      check(it(p.ticket), `points[${i}].ticket`, 'null or an iteration (an integer ≥ 0)', p.ticket);
      check(it(p.reinit), `points[${i}].reinit`, 'null or an iteration (an integer ≥ 0)', p.reinit);
    });
  }

  /** The series as drawn (for scripts and tests). */
  get series(): EarlyStopSeries[] {
    if (this.validationMessage !== null) return [];
    const sorted = [...this.points].sort((a, b) => a.sparsity - b.sparsity);
    const pick = (k: 'ticket' | 'reinit'): Array<[number, number]> => sorted.filter((p) => p[k] !== null).map((p) => [p.sparsity, p[k]!]);
    return [{ label: 'ticket' as const, points: pick('ticket') }, { label: 're-initialised' as const, points: pick('reinit') }].filter((s) => s.points.length > 0);
  }

  protected hasData(): boolean {
    return this.series.length > 0;
  }

  protected plotData(): uPlot.AlignedData {
    return uPlot.join(this.series.map((s) => [s.points.map((p) => p[0]), s.points.map((p) => p[1])]));
  }

  protected plotOptions(axis: Partial<uPlot.Axis>): Omit<uPlot.Options, 'width' | 'height'> {
    const series = this.series;
    return {
      scales: { x: { time: false, range: [0, 1] }, y: { range: (_u, _lo, hi) => [0, Math.max(1, hi ?? 1) * 1.08] } },
      axes: [
        { ...axis, label: 'sparsity (fraction of prunable weights at zero)', values: (_u, vals) => vals.map((v) => (v == null ? '' : `${Math.round(v * 100)}%`)) },
        { ...axis, label: 'early-stop iteration', size: 60, values: (_u, vals) => vals.map((v) => (v == null ? '' : v.toLocaleString('en'))) },
      ],
      series: [SPARSITY_X, ...series.map((s) => lineSeries(s.label, seriesColor(this, s.label === 'ticket' ? 0 : 1), (v) => v.toLocaleString('en'), s.label === 'ticket' ? [] : [6, 4]))],
      ...INTERACTION,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-early-stop-chart': PruneEarlyStopChart;
  }
}
