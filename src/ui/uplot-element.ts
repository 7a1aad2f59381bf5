// The base of the uPlot charts: owns the plot's lifetime (built after each valid
// render, destroyed on invalid data and on disconnect) and its width and height.
import { css, html, nothing, render, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import { check } from '../errors.js';
import { PruneElement } from './prune-element.js';
import { theme, themeColor, uplotStyles } from './theme.js';
import { dataTable, uplotTable } from './chart-table.js';
import { ColorSchemeController } from './color-scheme.js';
import { uplotFigure, type FigureSource, type LineFigure } from './figure-export.js';

export abstract class UPlotElement extends PruneElement implements FigureSource {
  static override styles = [
    theme,
    uplotStyles,
    css`
      :host { display: block; }
      .box { border: 1px solid var(--_border); border-radius: 6px; padding: 6px; background: var(--_bg); width: fit-content; }
      .empty { color: var(--_muted); padding: 12px; }
      .tools { display: flex; justify-content: flex-end; margin-bottom: 2px; }
    `,
  ];

  /** Plot width in CSS pixels: the most it takes (it shrinks to fit a narrower container, down to 120). */
  @property({ type: Number }) width = 560;
  /** Plot height in CSS pixels. */
  @property({ type: Number }) height = 300;

  @query('.box') private box!: HTMLDivElement | null;
  @query('.alt') private alt!: HTMLDivElement | null;
  private plot: uPlot | null = null;
  private resizer: ResizeObserver | null = null;
  private observedWidth = -1;

  constructor() {
    super();
    // Axis and label colours are read when the plot is built: rebuild it when the scheme changes.
    new ColorSchemeController(this);
  }

  /** The live uPlot instance (null while empty or invalid): for scripts that want its API. */
  get chart(): uPlot | null {
    return this.plot;
  }

  /** The plotted series as a figure (PNG, SVG and CSV downloads); null while empty. */
  figure(): LineFigure | null {
    return this.plot ? uplotFigure(this.plot, this.figureLabel) : null;
  }

  figureCanvas(): HTMLCanvasElement | null {
    return this.plot?.ctx.canvas ?? null;
  }

  get figureName(): string {
    return this.localName.replace(/^prune-/, '');
  }

  /** What the figure shows, for screen readers. */
  protected abstract readonly figureLabel: string;
  /** Whether there is anything to draw. */
  protected abstract hasData(): boolean;
  /** Shown instead of a plot when there is nothing to draw. */
  protected abstract readonly emptyText: string;
  /** Options less width and height, and the data, of a plot built from valid properties. */
  protected abstract plotOptions(axis: Partial<uPlot.Axis>): Omit<uPlot.Options, 'width' | 'height'>;
  protected abstract plotData(): uPlot.AlignedData;

  protected validateSize(): void {
    for (const [field, v] of [['width', this.width], ['height', this.height]] as const) {
      check(Number.isInteger(v) && v >= 120 && v <= 4096, field, 'an integer in [120, 4096] (CSS pixels)', v);
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Follow the container's width (uPlot draws at a fixed size): a phone-wide card gets a narrower plot.
    // Only a new width counts (a resized plot changes the height), and the plot is resized after the
    // observer's turn, so that resizing never feeds back into the same observation.
    this.resizer ??= typeof ResizeObserver === 'function' ? new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width ?? 0;
      if (w === this.observedWidth) return;
      this.observedWidth = w;
      requestAnimationFrame(() => this.fit());
    }) : null;
    this.resizer?.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizer?.disconnect();
    this.destroyPlot();
  }

  /** The plot's width: `width`, or less where the element is narrower (the box's padding and border are 14 px). */
  private plotWidth(): number {
    const room = this.clientWidth;
    return room > 0 ? Math.max(120, Math.min(this.width, Math.floor(room - 14))) : this.width;
  }

  private fit(): void {
    const w = this.plotWidth();
    if (this.plot && this.plot.width !== w) this.plot.setSize({ width: w, height: this.height });
  }

  /** The legend's series toggles (uPlot listens for clicks only): Tab reaches them, Enter or Space toggles. */
  private keyboardLegend(u: uPlot): void {
    u.root.querySelectorAll<HTMLTableRowElement>('.u-legend tr.u-series').forEach((row, i) => {
      const th = row.querySelector('th');
      if (i === 0 || !th) return;
      th.tabIndex = 0;
      th.setAttribute('role', 'button');
      th.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        th.click();
      });
    });
    this.syncLegend(u);
  }

  /** Each toggle says whether its series shows; the table lists the shown ones. */
  private syncLegend(u: uPlot): void {
    u.root.querySelectorAll<HTMLTableRowElement>('.u-legend tr.u-series').forEach((row, i) => {
      if (i > 0) row.querySelector('th')?.setAttribute('aria-pressed', String(u.series[i]?.show !== false));
    });
    this.renderAlt(u);
  }

  /** The chart's text alternative: its plotted values as a visually hidden table (chart-table.ts). */
  private renderAlt(u: uPlot | null): void {
    if (this.alt) render(u ? dataTable(uplotTable(u, this.figureLabel)) : nothing, this.alt);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.destroyPlot();
    if (this.validationMessage !== null || !this.hasData() || !this.box) return;
    const muted = themeColor(this, '--_muted', '#667085');
    const axis: Partial<uPlot.Axis> = {
      stroke: muted,
      grid: { stroke: 'rgb(128 128 128 / 0.18)', width: 1 },
      ticks: { stroke: 'rgb(128 128 128 / 0.3)', width: 1 },
    };
    const opts = this.plotOptions(axis);
    // The table follows the data, also where a chart feeds new points through setData.
    const hooks = {
      ...opts.hooks,
      setData: [...(opts.hooks?.setData ?? []), (u: uPlot) => this.renderAlt(u)],
      setSeries: [...(opts.hooks?.setSeries ?? []), (u: uPlot) => this.syncLegend(u)],
    };
    this.plot = new uPlot({ ...opts, hooks, width: this.plotWidth(), height: this.height }, this.plotData(), this.box);
    this.renderAlt(this.plot);
    this.keyboardLegend(this.plot);
  }

  private destroyPlot(): void {
    this.plot?.destroy();
    this.plot = null;
    this.renderAlt(null);
  }

  protected override renderValid(): unknown {
    return html`<div class="box" part="chart" role="figure" aria-label=${this.figureLabel}>
      <div class="alt"></div>
      ${this.hasData() ? html`<div class="tools"><prune-figure-menu part="figure-menu" .source=${this} label=${this.figureLabel}></prune-figure-menu></div>` : html`<div class="empty">${this.emptyText}</div>`}
    </div>`;
  }
}

/** The x series (sparsity, shown as a percentage) every chart here starts with. */
export const SPARSITY_X: uPlot.Series = { label: 'sparsity', value: (_u, v) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`) };

/** A line with round points, drawn across the gaps that joining series on one x leaves. */
export function lineSeries(label: string, color: string, format: (v: number) => string, dash: number[] = []): uPlot.Series {
  return {
    label,
    stroke: color,
    width: 2,
    dash,
    spanGaps: true,
    points: { show: true, size: 6, fill: color },
    value: (_u, v) => (v === null ? '–' : format(v)),
  };
}

/** Live legend; no drag-to-zoom (the charts are small and their ranges fixed). */
export const INTERACTION: Pick<uPlot.Options, 'legend' | 'cursor'> = { legend: { live: true }, cursor: { drag: { x: false, y: false } } };

/** Draws a vertical or horizontal mark on a plot's canvas, in CSS-pixel units scaled to the device. */
export function strokePath(u: uPlot, color: string, width: number, dash: number[], draw: (ctx: CanvasRenderingContext2D) => void): void {
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = width * uPlot.pxRatio;
  ctx.setLineDash(dash.map((d) => d * uPlot.pxRatio));
  ctx.beginPath();
  draw(ctx);
  ctx.stroke();
  ctx.restore();
}
