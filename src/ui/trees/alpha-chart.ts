// <prune-alpha-chart>: train / validation / test accuracy of every subtree on the
// cost-complexity pruning path, against its alpha (uPlot, arcsinh x scale so that
// alpha = 0 and the small alphas near it both show), with markers at the chosen
// (best-on-validation) alpha and at the alpha the slider currently prunes at.
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { PathPoint } from '../../worker/tree-api.js';
import { theme } from './theme.js';

const SERIES = [
  { key: 'trainAccuracy', label: 'train', color: '#4e79a7', dash: [] as number[] },
  { key: 'valAccuracy', label: 'validation', color: '#f28e2b', dash: [6, 3] },
  { key: 'testAccuracy', label: 'test', color: '#59a14f', dash: [2, 3] },
] as const;

/**
 * @csspart chart - the box holding the plot.
 * @cssprop --prune-accent - colour of the current-alpha marker.
 * @cssprop --prune-muted - colour of axes and the best-alpha marker.
 */
@customElement('prune-alpha-chart')
export class PruneAlphaChart extends LitElement {
  static override styles = [
    theme,
    css`
      :host { display: block; }
      .box { border: 1px solid var(--_border); border-radius: 6px; padding: 6px; background: var(--_bg); min-height: 60px; }
      .empty { color: var(--_muted); padding: 12px; }
      /* The few uPlot layout rules it needs (its own stylesheet cannot reach a shadow root). */
      .uplot { font-family: inherit; line-height: 1.4; width: min-content; color: var(--_fg); }
      .uplot canvas { display: block; position: relative; width: 100%; height: 100%; }
      .u-wrap { position: relative; user-select: none; }
      .u-over, .u-under { position: absolute; }
      .u-under { overflow: hidden; }
      .u-axis { position: absolute; }
      .u-legend { font-size: 12px; margin: 4px auto 0; text-align: center; }
      .u-legend.u-inline { display: block; }
      .u-legend.u-inline * { display: inline-block; }
      .u-legend.u-inline tr { margin-right: 14px; }
      .u-legend th { font-weight: 500; }
      .u-legend .u-marker { width: 12px; height: 3px; margin-right: 4px; vertical-align: middle; }
      .u-legend .u-off > * { opacity: 0.35; }
      .u-cursor-x, .u-cursor-y { position: absolute; left: 0; top: 0; pointer-events: none; }
      .u-cursor-x { height: 100%; border-right: 1px dashed var(--_muted); }
      .u-cursor-y { width: 100%; border-bottom: 1px dashed var(--_muted); }
      .u-cursor-pt { position: absolute; top: 0; left: 0; border-radius: 50%; border: 0 solid; pointer-events: none; background-clip: padding-box !important; }
      .u-select { position: absolute; pointer-events: none; background: rgb(128 128 128 / 0.15); }
    `,
  ];

  @property({ attribute: false }) curve: readonly PathPoint[] = [];
  /** Alpha the tree is pruned at now (drawn as a solid line). */
  @property({ type: Number }) alpha: number | null = null;
  /** The alpha chosen on validation (drawn dashed). */
  @property({ type: Number, attribute: 'best-alpha' }) bestAlpha: number | null = null;
  @property({ type: Number }) width = 520;
  @property({ type: Number }) height = 240;

  @query('.box') private box!: HTMLDivElement;
  private plot: uPlot | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.plot?.destroy();
    this.plot = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('curve') || changed.has('width') || changed.has('height')) this.rebuild();
    else if (changed.has('alpha') || changed.has('bestAlpha')) this.plot?.redraw(false, false);
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = null;
    if (this.curve.length === 0 || !this.box) return;
    const styles = getComputedStyle(this);
    const fg = styles.getPropertyValue('--_muted').trim() || '#667085';
    const accent = styles.getPropertyValue('--_accent').trim() || '#2563eb';
    const hasTest = this.curve.some((p) => p.testAccuracy !== null);
    const series = SERIES.filter((s) => s.key !== 'testAccuracy' || hasTest);
    const xs = this.curve.map((p) => p.alpha);
    const positive = xs.filter((a) => a > 0);
    const linthresh = positive.length > 0 ? Math.min(...positive) : 1;
    const data: uPlot.AlignedData = [xs, ...series.map((s) => this.curve.map((p) => p[s.key]))];
    const marker = (u: uPlot, a: number | null, color: string, dash: number[]): void => {
      if (a === null) return;
      const x = u.valToPos(a, 'x', true);
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash(dash.map((d) => d * devicePixelRatio));
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.restore();
    };
    const axis = { stroke: fg, grid: { stroke: 'rgb(128 128 128 / 0.18)', width: 1 }, ticks: { stroke: 'rgb(128 128 128 / 0.3)', width: 1 } };
    this.plot = new uPlot(
      {
        width: this.width,
        height: this.height,
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
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            dash: [...s.dash],
            points: { show: this.curve.length < 60 },
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`),
          })),
        ],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
        hooks: { draw: [(u) => { marker(u, this.bestAlpha, fg, [5, 4]); marker(u, this.alpha, accent, []); }] },
      },
      data,
      this.box,
    );
  }

  protected override render(): unknown {
    return html`<div class="box" part="chart" role="figure" aria-label="accuracy against alpha">
      ${this.curve.length === 0 ? html`<div class="empty">No pruning path yet.</div>` : ''}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-alpha-chart': PruneAlphaChart;
  }
}
