// <prune-sparsity-chart>: accuracy (and optionally macro-F1) against sparsity, one
// series per report so that runs overlay (magnitude vs random, global vs local), with
// each run's dense baseline marked by a ring and a dashed level line, and a lottery run's
// re-initialised control dashed beside its tickets. uPlot draws it.
import uPlot from 'uplot';
import type { PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Report, RoundEntry } from '../lab/report.js';
import { PruneLabError, check } from '../errors.js';
import { checkControlMetrics, checkEntryMetrics, checkLabels } from './check-report.js';
import { axesLabel, currentReport } from './prune-axes.js';
import { JsonSourceController } from './json-source.js';
import { percent, seriesColor, themeColor } from './theme.js';
import { INTERACTION, SPARSITY_X, UPlotElement, lineSeries, strokePath } from './uplot-element.js';

export interface SparsitySeries {
  label: string;
  metric: 'accuracy' | 'macroF1';
  /** Index of the report it comes from (its colour). */
  report: number;
  /** [sparsity, value] sorted by sparsity; of entries with equal sparsity the later round wins. */
  points: Array<[number, number]>;
  /** [sparsity, value] of the dense baseline, when the report has one. */
  baseline: [number, number] | null;
  /** How it is drawn: a line (the default), a dashed line, or marks alone (N:M points). */
  style?: CurveStyle;
}

export type CurveStyle = 'solid' | 'dashed' | 'points';

/** A curve given directly (`curves`), instead of a report's rounds. */
export interface SparsityCurve {
  label: string;
  /** [sparsity, accuracy]; drawn in order of sparsity. */
  points: Array<[number, number]>;
  /** Colour index (--prune-series-N): curves of one criterion share it. */
  color: number;
  style?: CurveStyle;
  /** [sparsity, accuracy] of a dense baseline, ringed. */
  baseline?: [number, number] | null;
}

const CURVE_STYLES: readonly CurveStyle[] = ['solid', 'dashed', 'points'];

/** "magnitude · weight · global · after · iterative", disambiguated by a seed and then a number when runs share it. */
export function runLabels(reports: readonly Report[]): string[] {
  const base = reports.map((r) => currentReport(r).config.prune).map((p) => `${axesLabel(p)} · ${p.schedule}`);
  const seeded = base.map((b, i) => (base.filter((x) => x === b).length > 1 ? `${b} · seed ${reports[i]!.config.seed}` : b));
  return seeded.map((s, i) => (seeded.filter((x) => x === s).length > 1 ? `${s} #${i + 1}` : s));
}

/** [sparsity, value] sorted by sparsity; of entries with equal sparsity the later one wins. */
function bySparsity(entries: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const m = new Map<number, number>();
  for (const [x, y] of entries) m.set(x, y);
  return [...m].sort((a, b) => a[0] - b[0]);
}

/**
 * The series the chart draws: accuracy per report, then macro-F1 per report when asked.
 * A report whose rounds carry the lottery-ticket control (prune.control 'reinit') adds,
 * after its own, the control's series: the same masks trained from a fresh init, in the
 * report's colour, dashed (accuracy) or as marks (macro-F1).
 */
export function sparsitySeries(reports: readonly Report[], labels: readonly string[] | null, showF1: boolean): SparsitySeries[] {
  const names = labels ?? runLabels(reports);
  const metrics: Array<SparsitySeries['metric']> = showF1 ? ['accuracy', 'macroF1'] : ['accuracy'];
  return metrics.flatMap((metric) =>
    reports.flatMap((r, i) => {
      const entries: RoundEntry[] = [...(r.baseline ? [r.baseline] : []), ...r.rounds];
      const label = metric === 'accuracy' ? names[i]! : `${names[i]!} (macro-F1)`;
      const own: SparsitySeries = {
        label,
        metric,
        report: i,
        points: bySparsity(entries.map((e) => [e.sparsity, e[metric]] as const)),
        baseline: r.baseline ? ([r.baseline.sparsity, r.baseline[metric]] as [number, number]) : null,
      };
      const controlled = r.rounds.filter((e) => e.control !== undefined);
      if (controlled.length === 0) return [own];
      const control: SparsitySeries = {
        label: `${label} · ${controlled[0]!.control!.kind} control`,
        metric,
        report: i,
        points: bySparsity(controlled.map((e) => [e.sparsity, e.control![metric]] as const)),
        baseline: null,
        style: metric === 'accuracy' ? 'dashed' : 'points',
      };
      return [own, control];
    }),
  );
}

/**
 * Sparsity (x) against test accuracy (y) for one or more experiment reports.
 *
 * @csspart chart - the box holding the plot.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-series-0 - colour of the first report's series (and -1, -2, … for the next).
 * @cssprop --prune-muted - colour of the axes and the baseline label.
 * @cssprop --prune-border - the box's border colour.
 * @cssprop --prune-bg - the box's background.
 * @cssprop --prune-error - colour of the error message.
 */
@customElement('prune-sparsity-chart')
export class PruneSparsityChart extends UPlotElement {
  /** The reports to overlay, one series each. */
  @property({ attribute: false }) reports: Report[] = [];
  /** The reports as drawn: in the current version (validate() migrates older ones). */
  private current: Report[] = [];
  /** Series names, one per report (default: criterion · granularity · scope · when · schedule). */
  @property({ attribute: false }) labels: string[] | null = null;
  /** Also draw macro-F1 (dashed) for each report. */
  @property({ type: Boolean, attribute: 'show-f1' }) showF1 = false;
  /** Curves to draw instead of the reports' rounds (null: the reports); points in [0, 1] × [0, 1]. */
  @property({ attribute: false }) curves: SparsityCurve[] | null = null;
  /** One report: the same as `reports = [report]` (null: none). */
  get report(): Report | null {
    return this.reports[0] ?? null;
  }

  set report(r: Report | null) {
    this.reports = r === null ? [] : [r];
  }

  /** URL of a report JSON (or an array of reports) to load into `reports`. */
  @property() src: string | null = null;

  private source = new JsonSourceController(this, (v) => {
    this.reports = (Array.isArray(v) ? v : [v]) as Report[];
  });

  protected readonly figureLabel = 'accuracy against sparsity';

  protected get emptyText(): string {
    return this.source.status === 'pending' ? 'Loading report…' : 'No report yet.';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src')) this.source.load(this.src);
    super.willUpdate(changed);
  }

  protected validate(): void {
    if (this.source.status === 'error') {
      throw new PruneLabError('invalid-argument', `src must be a URL serving a report, or an array of reports, as JSON (could not load ${this.src}: ${this.source.error})`, 'src');
    }
    this.validateSize();
    check(Array.isArray(this.reports), 'reports', 'an array of reports', this.reports);
    this.current = [];
    this.current = this.reports.map((raw, i) => {
      const f = `reports[${i}]`;
      check(typeof raw === 'object' && raw !== null, f, 'a report object', raw);
      // Older reports are read through the migration chain (which names what it cannot read).
      const r = currentReport(raw, f);
      check(Array.isArray(r.rounds), `${f}.rounds`, 'an array of round entries', r.rounds);
      check(typeof r.config?.prune?.criterion === 'string', `${f}.config.prune.criterion`, 'a string', r.config?.prune?.criterion);
      if (r.baseline !== null) checkEntryMetrics(r.baseline, `${f}.baseline`);
      r.rounds.forEach((e, k) => {
        checkEntryMetrics(e, `${f}.rounds[${k}]`);
        if (e.control !== undefined) checkControlMetrics(e.control, `${f}.rounds[${k}].control`);
      });
      return r;
    });
    if (this.labels !== null) checkLabels(this.labels, 'labels', this.reports.length);
    if (this.curves !== null) {
      check(Array.isArray(this.curves), 'curves', 'null or an array of { label, points, color, style? }', this.curves);
      this.curves.forEach((c, i) => {
        const f = `curves[${i}]`;
        check(typeof c === 'object' && c !== null && typeof c.label === 'string', `${f}.label`, 'a string', c?.label);
        check(Number.isInteger(c.color) && c.color >= 0, `${f}.color`, 'an integer ≥ 0', c.color);
        check(c.style === undefined || CURVE_STYLES.includes(c.style), `${f}.style`, `one of ${CURVE_STYLES.join(', ')}`, c.style);
        check(Array.isArray(c.points), `${f}.points`, 'an array of [sparsity, accuracy]', c.points);
        const unit = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;
        c.points.forEach((p, k) => check(Array.isArray(p) && p.length === 2 && unit(p[0]) && unit(p[1]), `${f}.points[${k}]`, '[sparsity, accuracy], both in [0, 1]', p));
        if (c.baseline) check(unit(c.baseline[0]) && unit(c.baseline[1]), `${f}.baseline`, 'null or [sparsity, accuracy], both in [0, 1]', c.baseline);
      });
    }
  }

  /** The series as drawn (for scripts and tests). */
  get series(): SparsitySeries[] {
    if (this.validationMessage !== null) return [];
    if (this.curves !== null) {
      return this.curves.map((c) => ({
        label: c.label, metric: 'accuracy' as const, report: c.color, style: c.style ?? 'solid',
        points: [...c.points].sort((a, b) => a[0] - b[0]), baseline: c.baseline ?? null,
      }));
    }
    return sparsitySeries(this.current, this.labels, this.showF1);
  }

  protected hasData(): boolean {
    return this.series.some((s) => s.points.length > 0);
  }

  protected plotData(): uPlot.AlignedData {
    return uPlot.join(this.series.map((s) => [s.points.map((p) => p[0]), s.points.map((p) => p[1])]));
  }

  protected plotOptions(axis: Partial<uPlot.Axis>): Omit<uPlot.Options, 'width' | 'height'> {
    const series = this.series;
    const colors = series.map((s) => seriesColor(this, s.report));
    const muted = themeColor(this, '--_muted', '#667085');
    const xs = series.flatMap((s) => s.points.map((p) => p[0]));
    const xMax = Math.min(1, Math.ceil((Math.max(...xs) + 0.02) * 10) / 10);
    const drawBaselines = (u: uPlot): void => {
      series.forEach((s, i) => {
        if (!s.baseline || !u.series[i + 1]?.show) return;
        const x = u.valToPos(s.baseline[0], 'x', true);
        const y = u.valToPos(s.baseline[1], 'y', true);
        const px = uPlot.pxRatio;
        strokePath(u, colors[i]!, 1, [4, 4], (ctx) => {
          ctx.globalAlpha = 0.6;
          ctx.moveTo(u.bbox.left, y);
          ctx.lineTo(u.bbox.left + u.bbox.width, y);
        });
        strokePath(u, colors[i]!, 2, [], (ctx) => ctx.arc(x, y, 7 * px, 0, 2 * Math.PI));
        if (i === 0) {
          u.ctx.save();
          u.ctx.fillStyle = muted;
          u.ctx.font = `${11 * px}px system-ui, sans-serif`;
          u.ctx.fillText('baseline', x + 10 * px, y - 8 * px);
          u.ctx.restore();
        }
      });
    };
    return {
      scales: {
        x: { time: false, range: [0, xMax] },
        y: {
          range: (_u, lo, hi) => {
            const pad = Math.max(0.005, (hi - lo) * 0.1);
            return [Math.max(0, lo - pad), Math.min(1, hi + pad)];
          },
        },
      },
      axes: [
        { ...axis, label: 'sparsity (fraction of prunable weights at zero)', values: (_u, vals) => vals.map((v) => (v == null ? '' : percent(v, 0))) },
        { ...axis, label: this.showF1 ? 'accuracy / macro-F1' : 'accuracy', size: 56, values: (_u, vals) => vals.map((v) => (v == null ? '' : percent(v))) },
      ],
      series: [SPARSITY_X, ...series.map((s, i) => {
        const line = lineSeries(s.label, colors[i]!, (v) => percent(v, 2), s.metric === 'macroF1' || s.style === 'dashed' ? [6, 4] : []);
        // Marks alone: no line between them, larger points.
        return s.style === 'points' ? { ...line, paths: () => null, spanGaps: false, points: { show: true, size: 11, fill: colors[i]!, stroke: colors[i]! } } : line;
      })],
      ...INTERACTION,
      hooks: { draw: [drawBaselines] },
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-sparsity-chart': PruneSparsityChart;
  }
}
