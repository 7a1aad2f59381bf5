// Figure downloads for every chart element: a figure's data in one small model (line
// series over a shared x, or labelled bars), serialized as CSV and as a standalone SVG
// (axes, ticks, series paths, legend) built from that data rather than scraped from the
// page; PNG from the chart's canvas, or the SVG rasterized where a chart has none; and
// <prune-figure-menu>, the labelled, keyboard-reachable menu the charts show.
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type uPlot from 'uplot';
import { theme } from './theme.js';

export interface FigureLine {
  label: string;
  color: string;
  /** One value per x (null: no point there), aligned with the figure's xs. */
  values: Array<number | null>;
  dash?: number[];
  /** Which y axis it is read on (index into `y`). */
  axis: number;
  /** Marks at the points, no line between them. */
  marksOnly?: boolean;
}

export interface FigureAxis {
  label: string;
  min: number;
  max: number;
  log?: boolean;
  /** Tick text. */
  format?: (v: number) => string;
}

export interface LineFigure {
  kind: 'lines';
  title: string;
  x: FigureAxis;
  /** One or two y axes (the second is drawn on the right). */
  y: FigureAxis[];
  xs: number[];
  lines: FigureLine[];
  /** More CSV columns aligned with xs (values the plot draws that are not lines, e.g. whiskers). */
  extra?: Array<{ label: string; values: Array<number | null> }>;
}

export interface BarFigure {
  kind: 'bars';
  title: string;
  /** What a bar's length measures. */
  valueLabel: string;
  /** Bars are drawn as value / max. */
  max: number;
  color: string;
  bars: Array<{ label: string; value: number; text: string; color?: string }>;
  /** The CSV (the bars' full rows); default: label, value. */
  table?: { header: string[]; rows: Array<Array<string | number>> };
}

export interface MatrixFigure {
  kind: 'matrix';
  title: string;
  /** What rows and columns are (e.g. true class, predicted class). */
  rowLabel: string;
  colLabel: string;
  /** One label per row and per column (a square matrix). */
  labels: string[];
  /** Row-major counts. */
  values: number[];
  /** Shade of the diagonal cells, and of the others. */
  diagonal: string;
  offDiagonal: string;
}

export type Figure = LineFigure | BarFigure | MatrixFigure;

/** A chart that offers downloads. */
export interface FigureSource {
  /** The figure as plotted now, or null when there is nothing to download. */
  figure(): Figure | null;
  /** The drawn canvas, for PNG (null: the PNG is rasterized from the SVG). */
  figureCanvas(): HTMLCanvasElement | null;
  /** The downloads' file name, without extension. */
  readonly figureName: string;
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The plotted data as CSV: the x column then one column per line (and extras), or the bars' rows. */
export function figureCsv(f: Figure): string {
  let header: string[];
  let rows: Array<Array<string | number | null>>;
  if (f.kind === 'lines') {
    header = [f.x.label, ...f.lines.map((l) => l.label), ...(f.extra ?? []).map((e) => e.label)];
    rows = f.xs.map((x, i) => [x, ...f.lines.map((l) => l.values[i] ?? null), ...(f.extra ?? []).map((e) => e.values[i] ?? null)]);
  } else if (f.kind === 'matrix') {
    const c = f.labels.length;
    header = [`${f.rowLabel} \\ ${f.colLabel}`, ...f.labels];
    rows = f.labels.map((l, t) => [l, ...f.values.slice(t * c, t * c + c)]);
  } else {
    header = f.table?.header ?? ['label', f.valueLabel];
    rows = f.table?.rows ?? f.bars.map((b) => [b.label, b.value]);
  }
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const num = (v: number): string => String(Math.round(v * 100) / 100);

/** About `count` round ticks across [lo, hi] (powers of ten on a log axis). */
export function ticks(lo: number, hi: number, log = false, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  if (log) {
    if (!(lo > 0)) return [hi];
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      const v = 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
    return out.length > 0 ? out : [lo, hi];
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = first; k * step <= hi + step * 1e-9 && out.length < 50; k++) out.push(k * step || 0);
  return out;
}

function scaler(a: FigureAxis, from: number, to: number): (v: number) => number {
  const f = a.log ? Math.log10 : (v: number) => v;
  const lo = f(a.min);
  const span = f(a.max) - lo || 1;
  return (v) => from + ((f(v) - lo) / span) * (to - from);
}

const FONT = 'font-family="system-ui, sans-serif" font-size="11"';
const TITLE_FONT = 'font-family="system-ui, sans-serif" font-size="13"';

function lineSvg(f: LineFigure, width: number, height: number): string {
  const right = f.y.length > 1 ? 56 : 16;
  const legendRows = Math.ceil(f.lines.length / 3);
  const box = { left: 60, top: 28, right: width - right, bottom: height - 44 - 16 * legendRows };
  const sx = scaler(f.x, box.left, box.right);
  const sy = f.y.map((a) => scaler(a, box.bottom, box.top));
  const out: string[] = [];
  out.push(`<text x="${width / 2}" y="16" text-anchor="middle" ${TITLE_FONT}>${xml(f.title)}</text>`);
  out.push(`<rect x="${box.left}" y="${box.top}" width="${num(box.right - box.left)}" height="${num(box.bottom - box.top)}" fill="none" stroke="#98a2b3"/>`);
  const fmt = (a: FigureAxis, v: number): string => xml(a.format ? a.format(v) : String(Number(v.toPrecision(6))));
  for (const t of ticks(f.x.min, f.x.max, f.x.log)) {
    const x = num(sx(t));
    out.push(`<line class="tick-x" x1="${x}" y1="${box.bottom}" x2="${x}" y2="${box.bottom + 4}" stroke="#98a2b3"/>`);
    out.push(`<text x="${x}" y="${box.bottom + 16}" text-anchor="middle" ${FONT} fill="#667085">${fmt(f.x, t)}</text>`);
  }
  out.push(`<text x="${(box.left + box.right) / 2}" y="${box.bottom + 32}" text-anchor="middle" ${FONT} fill="#667085">${xml(f.x.label)}</text>`);
  f.y.forEach((a, k) => {
    const side = k === 0 ? box.left : box.right;
    const dir = k === 0 ? -1 : 1;
    for (const t of ticks(a.min, a.max, a.log)) {
      const y = num(sy[k]!(t));
      out.push(`<line class="tick-y" x1="${side}" y1="${y}" x2="${side + 4 * dir}" y2="${y}" stroke="#98a2b3"/>`);
      out.push(`<text x="${side + 6 * dir}" y="${y}" dy="4" text-anchor="${k === 0 ? 'end' : 'start'}" ${FONT} fill="#667085">${fmt(a, t)}</text>`);
    }
    const lx = k === 0 ? 14 : width - 10;
    const ly = (box.top + box.bottom) / 2;
    out.push(`<text x="${lx}" y="${ly}" transform="rotate(-90 ${lx} ${ly})" text-anchor="middle" ${FONT} fill="#667085">${xml(a.label)}</text>`);
  });
  f.lines.forEach((l, i) => {
    const y = sy[l.axis] ?? sy[0]!;
    const pts = f.xs.map((x, k) => [x, l.values[k]] as const).filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]));
    const xy = pts.map(([x, v]) => `${num(sx(x))},${num(y(v))}`);
    const dash = l.dash && l.dash.length > 0 ? ` stroke-dasharray="${l.dash.join(' ')}"` : '';
    out.push(`<g class="series" data-series="${i}" data-label="${xml(l.label)}">`);
    if (!l.marksOnly && xy.length > 1) out.push(`<path d="M${xy.join('L')}" fill="none" stroke="${xml(l.color)}" stroke-width="2"${dash}/>`);
    if (pts.length <= 60 || l.marksOnly) for (const p of xy) { const [cx, cy] = p.split(','); out.push(`<circle cx="${cx}" cy="${cy}" r="${l.marksOnly ? 4.5 : 2.5}" fill="${xml(l.color)}"/>`); }
    out.push('</g>');
    const lx = 16 + (i % 3) * ((width - 32) / 3);
    const ly = height - 12 - 16 * (legendRows - 1 - Math.floor(i / 3));
    out.push(`<g class="legend"><line x1="${num(lx)}" y1="${ly - 4}" x2="${num(lx + 14)}" y2="${ly - 4}" stroke="${xml(l.color)}" stroke-width="3"${dash}/>`
      + `<text x="${num(lx + 18)}" y="${ly}" ${FONT}>${xml(l.label)}</text></g>`);
  });
  return out.join('\n');
}

function barSvg(f: BarFigure, width: number): { body: string; height: number } {
  const row = 24;
  const top = 28;
  const labelW = 120;
  const textW = 170;
  const barW = Math.max(40, width - labelW - textW - 24);
  const out: string[] = [`<text x="${width / 2}" y="16" text-anchor="middle" ${TITLE_FONT}>${xml(f.title)}</text>`];
  f.bars.forEach((b, i) => {
    const y = top + i * row;
    const w = f.max > 0 ? (b.value / f.max) * barW : 0;
    out.push(`<g class="bar" data-label="${xml(b.label)}" data-value="${b.value}">`
      + `<text x="${labelW}" y="${y + 12}" text-anchor="end" ${FONT}>${xml(b.label)}</text>`
      + `<rect x="${labelW + 8}" y="${y + 2}" width="${barW}" height="14" fill="none" stroke="#98a2b3"/>`
      + `<rect class="fill" x="${labelW + 8}" y="${y + 2}" width="${num(w)}" height="14" fill="${xml(b.color ?? f.color)}"/>`
      + `<text x="${labelW + barW + 16}" y="${y + 12}" ${FONT} fill="#667085">${xml(b.text)}</text></g>`);
  });
  const height = top + f.bars.length * row + 24;
  out.push(`<text x="${labelW + 8}" y="${height - 8}" ${FONT} fill="#667085">${xml(f.valueLabel)}</text>`);
  return { body: out.join('\n'), height };
}

/** Cells shaded by their share of the row (off-diagonal shares stretched by a square root, as the element does). */
function matrixSvg(f: MatrixFigure): { body: string; width: number; height: number } {
  const c = f.labels.length;
  const cell = 36;
  const left = 70;
  const top = 48;
  const out: string[] = [`<text x="${left}" y="16" ${TITLE_FONT}>${xml(f.title)}</text>`,
    `<text x="${left + (c * cell) / 2}" y="${top - 22}" text-anchor="middle" ${FONT} fill="#667085">${xml(f.colLabel)}</text>`];
  f.labels.forEach((l, k) => {
    out.push(`<text x="${left + k * cell + cell / 2}" y="${top - 6}" text-anchor="middle" ${FONT}>${xml(l)}</text>`);
    out.push(`<text x="${left - 6}" y="${top + k * cell + cell / 2 + 4}" text-anchor="end" ${FONT}>${xml(l)}</text>`);
  });
  for (let t = 0; t < c; t++) {
    const row = f.values.slice(t * c, t * c + c);
    const total = row.reduce((a, v) => a + v, 0);
    row.forEach((v, p) => {
      const share = total === 0 ? 0 : v / total;
      const strength = t === p ? share : Math.min(1, Math.sqrt(share));
      const x = left + p * cell;
      const y = top + t * cell;
      out.push(`<g class="cell" data-true="${t}" data-pred="${p}"><rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${xml(t === p ? f.diagonal : f.offDiagonal)}" fill-opacity="${num(strength * 0.8)}" stroke="#d6dae1"/>`
        + `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" ${FONT}>${v}</text></g>`);
    });
  }
  const height = top + c * cell + 24;
  out.push(`<text x="14" y="${top + (c * cell) / 2}" transform="rotate(-90 14 ${top + (c * cell) / 2})" text-anchor="middle" ${FONT} fill="#667085">${xml(f.rowLabel)}</text>`);
  return { body: out.join('\n'), width: left + c * cell + 16, height };
}

/** A standalone SVG document of the figure (white background, its own fonts and colours). */
export function figureSvg(f: Figure, width = 640, height = 360): string {
  let body: string;
  if (f.kind === 'lines') body = lineSvg(f, width, height);
  else if (f.kind === 'matrix') ({ body, width, height } = matrixSvg(f));
  else ({ body, height } = barSvg(f, width));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n`
    + `<rect width="100%" height="100%" fill="#ffffff"/>\n${body}\n</svg>\n`;
}

function resolveColor(s: uPlot.Series, u: uPlot, i: number): string {
  const stroke = s.stroke as unknown;
  const c = typeof stroke === 'function' ? (stroke as (u: uPlot, i: number) => unknown)(u, i) : stroke;
  return typeof c === 'string' ? c : '#2563eb';
}

/** The figure a uPlot instance draws: its shown series over its x, read on its axes and scales. */
export function uplotFigure(u: uPlot, title: string): LineFigure {
  const axes = u.axes;
  const xAxis = axes[0];
  const yAxes = axes.slice(1);
  const yScales = yAxes.map((a) => a.scale ?? 'y');
  const axisOf = (key: string | undefined): number => Math.max(0, yScales.indexOf(key ?? 'y'));
  const tickText = (a: uPlot.Axis | undefined): ((v: number) => string) | undefined => {
    const values = a?.values;
    if (typeof values !== 'function') return undefined;
    return (v) => String((values as (u: uPlot, v: number[], ...rest: unknown[]) => unknown[])(u, [v], 0, 0, 0)[0] ?? v);
  };
  const scaleAxis = (key: string, a: uPlot.Axis | undefined, label: string): FigureAxis => {
    const s = u.scales[key];
    const data = u.data.slice(key === 'x' ? 0 : 1, key === 'x' ? 1 : undefined).flat().filter((v): v is number => typeof v === 'number');
    return {
      label: typeof a?.label === 'string' ? a.label : label,
      min: s?.min ?? Math.min(...data),
      max: s?.max ?? Math.max(...data),
      log: s?.distr === 3,
      format: tickText(a),
    };
  };
  const lines: FigureLine[] = [];
  u.series.forEach((s, i) => {
    if (i === 0 || s.show === false) return;
    // A series drawn as marks alone has a paths function of no arguments (`() => null`);
    // uPlot's own path builders take (u, seriesIdx, idx0, idx1).
    const marksOnly = typeof s.paths === 'function' && s.paths.length === 0;
    lines.push({
      label: typeof s.label === 'string' ? s.label : `series ${i}`,
      color: resolveColor(s, u, i),
      values: [...(u.data[i] ?? [])].map((v) => (typeof v === 'number' ? v : null)),
      dash: s.dash,
      axis: axisOf(s.scale),
      marksOnly,
    });
  });
  return {
    kind: 'lines',
    title,
    x: scaleAxis('x', xAxis, 'x'),
    y: (yAxes.length > 0 ? yAxes : [undefined]).map((a, k) => scaleAxis(yScales[k] ?? 'y', a, 'y')),
    xs: [...u.data[0]].map(Number),
    lines,
  };
}

/** Saves a blob as a file through a temporary link (appended so that the click is observable). */
export function downloadBlob(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function canvasBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
}

/** PNG bytes of a figure: the chart's own canvas when it has one, else its SVG drawn onto one. */
export async function figurePng(f: Figure, canvas: HTMLCanvasElement | null, width = 640, height = 360): Promise<Blob> {
  if (canvas) return canvasBlob(canvas);
  const svg = figureSvg(f, width, height);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    c.getContext('2d')!.drawImage(img, 0, 0);
    return await canvasBlob(c);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export type FigureFormat = 'png' | 'svg' | 'csv';
export const FIGURE_FORMATS: readonly FigureFormat[] = ['png', 'svg', 'csv'];

/** Builds the file of one format for a source and saves it; false when there is nothing to save. */
export async function downloadFigure(source: FigureSource, format: FigureFormat): Promise<boolean> {
  const f = source.figure();
  if (f === null) return false;
  const blob = format === 'csv' ? new Blob([figureCsv(f)], { type: 'text/csv' })
    : format === 'svg' ? new Blob([figureSvg(f)], { type: 'image/svg+xml' })
    : await figurePng(f, source.figureCanvas());
  downloadBlob(`${source.figureName}.${format}`, blob);
  return true;
}

/**
 * A small "Download" menu: PNG, SVG and CSV of the chart it is given.
 *
 * @csspart button - the menu's button.
 * @csspart menu - the list of formats.
 * @cssprop --prune-border - borders.
 * @cssprop --prune-bg - background.
 */
@customElement('prune-figure-menu')
export class PruneFigureMenu extends LitElement {
  static override styles = [
    theme,
    css`
      :host { display: inline-block; position: relative; font-size: 12px; }
      button { font: inherit; color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border); border-radius: 4px; padding: 1px 8px; cursor: pointer; }
      button:focus-visible { outline: 2px solid var(--_accent); outline-offset: 1px; }
      [role='menu'] { position: absolute; right: 0; top: 100%; z-index: 2; display: flex; flex-direction: column; gap: 2px; margin-top: 2px;
        background: var(--_bg); border: 1px solid var(--_border); border-radius: 4px; padding: 3px; }
      [role='menu'][hidden] { display: none; }
    `,
  ];

  /** The chart whose figure is downloaded. */
  @property({ attribute: false }) source: FigureSource | null = null;
  /** What the figure is, for the button's label. */
  @property() label = 'figure';
  @state() private open = false;

  private async choose(format: FigureFormat): Promise<void> {
    this.open = false;
    if (this.source) await downloadFigure(this.source, format);
    this.renderRoot.querySelector<HTMLButtonElement>('[part="button"]')?.focus();
  }

  private async toggle(): Promise<void> {
    this.open = !this.open;
    if (this.open) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    }
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.open) {
      this.open = false;
      this.renderRoot.querySelector<HTMLButtonElement>('[part="button"]')?.focus();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const items = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')];
    const at = items.indexOf((this.renderRoot as ShadowRoot).activeElement as HTMLButtonElement);
    if (at < 0) return;
    e.preventDefault();
    items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]!.focus();
  }

  protected override render(): unknown {
    return html`<div @keydown=${this.onKey}>
      <button part="button" aria-haspopup="menu" aria-expanded=${this.open ? 'true' : 'false'} aria-label="Download the ${this.label}"
        @click=${() => void this.toggle()}>Download ▾</button>
      <div role="menu" part="menu" aria-label="formats" ?hidden=${!this.open}>
        ${FIGURE_FORMATS.map((f) => html`<button role="menuitem" data-format=${f} @click=${() => void this.choose(f)}>${f.toUpperCase()}</button>`)}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-figure-menu': PruneFigureMenu;
  }
}
