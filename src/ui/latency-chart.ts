// <prune-latency-chart>: frame latency against sparsity, one series per inference
// path (dense / masked / sparse / structured / int8): p50 as the line, p95 as a
// whisker above each point. uPlot draws it; the y scale may be logarithmic.
import uPlot from 'uplot';
import { customElement, property } from 'lit/decorators.js';
import { check } from '../errors.js';
import { inRange } from './prune-element.js';
import { checkFraction } from './check-report.js';
import { percent, seriesColor } from './theme.js';
import type { LatencyPoint } from '../worker/api.js';
import { INFERENCE_PATHS, LATENCY_EXTRAS } from './types.js';
import { INTERACTION, SPARSITY_X, UPlotElement, lineSeries, strokePath } from './uplot-element.js';
import type { LineFigure } from './figure-export.js';

export interface LatencySeries {
  path: string;
  /** Sorted by sparsity. */
  points: LatencyPoint[];
}

const SCALES = ['linear', 'log'] as const;

/** Points grouped by path: known paths in INFERENCE_PATHS order, then others by name. */
export function latencySeries(points: readonly LatencyPoint[]): LatencySeries[] {
  const paths = [...new Set(points.map((p) => p.path))];
  const rank = (p: string): number => {
    const k = (INFERENCE_PATHS as readonly string[]).indexOf(p);
    return k < 0 ? INFERENCE_PATHS.length : k;
  };
  paths.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return paths.map((path) => ({ path, points: points.filter((p) => p.path === path).sort((a, b) => a.sparsity - b.sparsity) }));
}

/**
 * Frame latency (p50, with p95 whiskers) against sparsity, one series per inference path.
 *
 * @csspart chart - the box holding the plot.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-series-0 - colour of the first path's series (dense; -1 masked, -2 sparse, … in series order).
 * @cssprop --prune-muted - colour of the axes.
 * @cssprop --prune-border - the box's border colour.
 * @cssprop --prune-bg - the box's background.
 * @cssprop --prune-error - colour of the error message.
 */
@customElement('prune-latency-chart')
export class PruneLatencyChart extends UPlotElement {
  /** The measured points (src/infer produces them). */
  @property({ attribute: false }) points: LatencyPoint[] = [];
  /** The y scale: 'linear' or 'log' (paths often differ by an order of magnitude). */
  @property() scale: 'linear' | 'log' = 'linear';

  protected readonly figureLabel = 'frame latency against sparsity, per inference path';
  protected readonly emptyText = 'No latency measured yet.';

  protected validate(): void {
    this.validateSize();
    check((SCALES as readonly string[]).includes(this.scale), 'scale', `one of ${SCALES.join(', ')}`, this.scale);
    check(Array.isArray(this.points), 'points', 'an array of { path, sparsity, p50Ms, p95Ms }', this.points);
    const seen = new Set<string>();
    this.points.forEach((p, i) => {
      const f = `points[${i}]`;
      check(typeof p === 'object' && p !== null, f, 'an object { path, sparsity, p50Ms, p95Ms }', p);
      check(typeof p.path === 'string' && p.path.length > 0, `${f}.path`, `a non-empty string (${INFERENCE_PATHS.join(', ')}, …)`, p.path);
      checkFraction(p.sparsity, `${f}.sparsity`);
      const lo = this.scale === 'log' ? Number.MIN_VALUE : 0;
      check(inRange(p.p50Ms, lo, Infinity), `${f}.p50Ms`, this.scale === 'log' ? 'a number > 0 (log scale)' : 'a number ≥ 0', p.p50Ms);
      check(inRange(p.p95Ms, p.p50Ms, Infinity), `${f}.p95Ms`, `a number ≥ p50Ms (${p.p50Ms})`, p.p95Ms);
      for (const k of LATENCY_EXTRAS) if (p[k] !== undefined) check(inRange(p[k], 0, Infinity), `${f}.${k}`, 'a number ≥ 0, or absent', p[k]);
      if (p.wait !== undefined) check(p.wait === 'map' || p.wait === 'nudge', `${f}.wait`, "'map' or 'nudge', or absent", p.wait);
      const key = `${p.path}@${p.sparsity}`;
      check(!seen.has(key), f, `the only point of path ${p.path} at sparsity ${p.sparsity}`, p.path);
      seen.add(key);
    });
  }

  /** The series as drawn (for scripts and tests). */
  get series(): LatencySeries[] {
    return this.validationMessage === null ? latencySeries(this.points) : [];
  }

  protected hasData(): boolean {
    return this.points.length > 0;
  }

  /** The plotted p50 lines, with each path's p95 (the whiskers) as more CSV columns. */
  override figure(): LineFigure | null {
    const f = super.figure();
    if (f === null) return null;
    const at = (s: LatencySeries, x: number): number | null => s.points.find((p) => p.sparsity === x)?.p95Ms ?? null;
    return { ...f, extra: this.series.map((s) => ({ label: `${s.path} p95 (ms)`, values: f.xs.map((x) => at(s, x)) })) };
  }

  protected plotData(): uPlot.AlignedData {
    return uPlot.join(this.series.map((s) => [s.points.map((p) => p.sparsity), s.points.map((p) => p.p50Ms)]));
  }

  protected plotOptions(axis: Partial<uPlot.Axis>): Omit<uPlot.Options, 'width' | 'height'> {
    const series = this.series;
    const colors = series.map((_s, i) => seriesColor(this, i));
    const ms = (v: number): string => (v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2));
    const whiskers = (u: uPlot): void => {
      series.forEach((s, i) => {
        if (!u.series[i + 1]?.show) return;
        const cap = 4 * uPlot.pxRatio;
        strokePath(u, colors[i]!, 1.5, [], (ctx) => {
          for (const p of s.points) {
            const x = u.valToPos(p.sparsity, 'x', true);
            const y50 = u.valToPos(p.p50Ms, 'y', true);
            const y95 = u.valToPos(p.p95Ms, 'y', true);
            ctx.moveTo(x, y50);
            ctx.lineTo(x, y95);
            ctx.moveTo(x - cap, y95);
            ctx.lineTo(x + cap, y95);
          }
        });
      });
    };
    const p95 = Math.max(...this.points.map((p) => p.p95Ms));
    return {
      scales: {
        x: { time: false, range: [0, 1] },
        y: this.scale === 'log' ? { distr: 3, range: (_u, lo) => [lo / 1.5, p95 * 1.5] } : { range: [0, Math.max(p95 * 1.1, 1e-3)] },
      },
      axes: [
        { ...axis, label: 'sparsity', values: (_u, vals) => vals.map((v) => (v == null ? '' : percent(v, 0))) },
        { ...axis, label: 'frame latency, ms (p50 ⊢ p95)', size: 56, values: (_u, vals) => vals.map((v) => (v == null ? '' : ms(v))) },
      ],
      series: [SPARSITY_X, ...series.map((s, i) => lineSeries(s.path, colors[i]!, (v) => `${ms(v)} ms`))],
      ...INTERACTION,
      hooks: { draw: [whiskers] },
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-latency-chart': PruneLatencyChart;
  }
}
