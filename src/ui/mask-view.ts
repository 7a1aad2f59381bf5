// <prune-mask-view>: a layer's weights (or mask) unit by unit, each unit's incoming
// weights drawn as one tile, e.g. the 784 inputs of a first Linear layer's hidden
// unit as a 28×28 image. Weights are stored in×out (K×N), so unit n is column n.
import { css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { cssomStyle } from './cssom-style.js';
import { check, checkDim } from '../errors.js';
import { PruneElement } from './prune-element.js';
import { rgba, theme, themeColor } from './theme.js';
import { ColorSchemeController } from './color-scheme.js';

const MODES = ['weights', 'mask'] as const;
const GAP = 1;

export interface TileLayout {
  units: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  /** Canvas size in weight pixels (tiles plus 1-pixel gaps). */
  width: number;
  height: number;
}

/** Where unit n's tile starts on the canvas, in weight pixels. */
export function tileOrigin(layout: TileLayout, n: number): [number, number] {
  return [(n % layout.columns) * (layout.tileWidth + GAP), Math.floor(n / layout.columns) * (layout.tileHeight + GAP)];
}

/**
 * Incoming weights (or the mask) of every unit of a layer as a grid of tiles.
 *
 * @csspart canvas - the canvas holding the tiles.
 * @csspart caption - the line under it: units, kept weights, and the hovered unit.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-positive - colour of the largest positive weight (smaller ones fade to the background).
 * @cssprop --prune-negative - colour of the most negative weight.
 * @cssprop --prune-pruned - colour of pruned weights (mask 0).
 * @cssprop --prune-fg - colour of kept weights in mask mode.
 * @cssprop --prune-bg - colour of a zero weight.
 * @cssprop --prune-border - colour of the gaps between tiles.
 */
@customElement('prune-mask-view')
export class PruneMaskView extends PruneElement {
  static override styles = [
    theme,
    css`
      :host { display: block; }
      canvas { display: block; max-width: 100%; height: auto; image-rendering: pixelated; border: 1px solid var(--_border); background: var(--_border); }
      .caption { color: var(--_muted); margin-top: 4px; font-variant-numeric: tabular-nums; min-height: 1.4em; }
      .empty { color: var(--_muted); }
    `,
  ];

  constructor() {
    super();
    // Canvas colours are read per draw: redraw when the page switches between light and dark.
    new ColorSchemeController(this);
  }

  /** The layer's weights, in×out row-major (inputs × units). */
  @property({ attribute: false }) weights: Float32Array | null = null;
  /** The layer's mask (1 kept, 0 pruned), same layout; in mask mode without it, zero weights count as pruned. */
  @property({ attribute: false }) mask: Uint8Array | null = null;
  /** Incoming weights per unit (784 = 28×28 for MNIST). */
  @property({ type: Number }) inputs = 784;
  /** Number of units (columns of the weight matrix); inferred from the weights when not set. */
  @property({ type: Number }) units: number | null = null;
  /** Tile width in weights; by default √inputs (which must then be an integer). */
  @property({ type: Number, attribute: 'tile-width' }) tileWidth: number | null = null;
  /** Tiles per row; by default about √units. */
  @property({ type: Number }) columns: number | null = null;
  /** 'weights' (diverging colours, pruned in grey) or 'mask' (kept vs pruned). */
  @property() mode: 'weights' | 'mask' = 'weights';
  /** CSS pixels per weight. */
  @property({ type: Number }) zoom = 2;

  @state() private hovered: { unit: number; input: number } | null = null;
  @query('canvas') private canvas!: HTMLCanvasElement | null;

  protected validate(): void {
    checkDim(this.inputs, 'inputs');
    if (this.tileWidth === null) {
      check(Number.isInteger(Math.sqrt(this.inputs)), 'inputs', 'a perfect square (784 = 28×28) unless tile-width is set', this.inputs);
    } else {
      checkDim(this.tileWidth, 'tile-width');
      check(this.inputs % this.tileWidth === 0, 'tile-width', `a divisor of inputs (${this.inputs})`, this.tileWidth);
    }
    check((MODES as readonly string[]).includes(this.mode), 'mode', `one of ${MODES.join(', ')}`, this.mode);
    check(Number.isInteger(this.zoom) && this.zoom >= 1 && this.zoom <= 16, 'zoom', 'an integer in [1, 16]', this.zoom);
    if (this.units !== null) checkDim(this.units, 'units');
    if (this.weights === null) return;
    const w = this.weights;
    check(w instanceof Float32Array, 'weights', 'a Float32Array (inputs × units, in×out)', w);
    const units = this.units ?? w.length / this.inputs;
    check(w.length > 0 && w.length === this.inputs * units, 'weights', `${this.units === null ? 'a multiple of inputs' : `inputs × units = ${this.inputs * units}`} values`, w.length);
    if (this.columns !== null) check(Number.isInteger(this.columns) && this.columns >= 1 && this.columns <= units, 'columns', `an integer in [1, ${units}]`, this.columns);
    // check() only on a bad value: a first Linear layer has ~235k weights, checked on every render.
    for (let i = 0; i < w.length; i++) if (!Number.isFinite(w[i])) check(false, `weights[${i}]`, 'a finite number', w[i]);
    const m = this.mask;
    if (m === null) return;
    check(m instanceof Uint8Array && m.length === w.length, 'mask', `a Uint8Array of ${w.length} values (the weights' length)`, m);
    for (let i = 0; i < m.length; i++) if (m[i]! > 1) check(false, `mask[${i}]`, '0 or 1', m[i]);
  }

  /** The grid the canvas shows (null while there are no weights or a property is invalid). */
  get layout(): TileLayout | null {
    if (this.weights === null || this.validationMessage !== null) return null;
    const units = this.units ?? this.weights.length / this.inputs;
    const tileWidth = this.tileWidth ?? Math.sqrt(this.inputs);
    const tileHeight = this.inputs / tileWidth;
    const columns = this.columns ?? Math.ceil(Math.sqrt((units * tileHeight) / tileWidth));
    const rows = Math.ceil(units / columns);
    return { units, tileWidth, tileHeight, columns, rows, width: columns * (tileWidth + GAP) - GAP, height: rows * (tileHeight + GAP) - GAP };
  }

  private kept(i: number): boolean {
    return this.mask ? this.mask[i] === 1 : this.mode === 'weights' || this.weights![i] !== 0;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Hovering only changes the caption: keep the canvas.
    if (changed.size === 1 && (changed as Map<PropertyKey, unknown>).has('hovered')) return;
    const layout = this.layout;
    const ctx = this.canvas?.getContext('2d');
    if (!layout || !ctx) return;
    const w = this.weights!;
    const n = layout.units;
    const bg = rgba(themeColor(this, '--_bg', '#ffffff'));
    const gap = rgba(themeColor(this, '--_border', '#d6dae1'));
    const pos = rgba(themeColor(this, '--_positive', '#c2410c'));
    const neg = rgba(themeColor(this, '--_negative', '#1d4ed8'));
    const pruned = rgba(themeColor(this, '--_pruned', '#c4c9d2'));
    const fg = rgba(themeColor(this, '--_fg', '#1d2330'));
    let maxAbs = 0;
    for (let i = 0; i < w.length; i++) if (this.kept(i)) maxAbs = Math.max(maxAbs, Math.abs(w[i]!));
    const img = ctx.createImageData(layout.width, layout.height);
    const px = img.data;
    for (let p = 0; p < layout.width * layout.height; p++) px.set(gap, p * 4);
    // Plain writes, no per-pixel arrays: a first Linear layer is ~235k pixels, drawn on the main thread.
    for (let u = 0; u < n; u++) {
      const [ox, oy] = tileOrigin(layout, u);
      for (let k = 0; k < this.inputs; k++) {
        const i = k * n + u;
        const o = ((oy + Math.floor(k / layout.tileWidth)) * layout.width + ox + (k % layout.tileWidth)) * 4;
        if (!this.kept(i) || this.mode === 'mask') {
          const c = this.kept(i) ? fg : pruned;
          px[o] = c[0]!;
          px[o + 1] = c[1]!;
          px[o + 2] = c[2]!;
          px[o + 3] = c[3]!;
          continue;
        }
        const t = maxAbs === 0 ? 0 : w[i]! / maxAbs;
        const to = t >= 0 ? pos : neg;
        const a = Math.abs(t);
        px[o] = Math.round(bg[0]! + (to[0]! - bg[0]!) * a);
        px[o + 1] = Math.round(bg[1]! + (to[1]! - bg[1]!) * a);
        px[o + 2] = Math.round(bg[2]! + (to[2]! - bg[2]!) * a);
        px[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
  }

  private onPointerMove(ev: PointerEvent): void {
    const layout = this.layout;
    const canvas = this.canvas;
    if (!layout || !canvas) return;
    const r = canvas.getBoundingClientRect();
    const x = Math.floor(((ev.clientX - r.left) / r.width) * layout.width);
    const y = Math.floor(((ev.clientY - r.top) / r.height) * layout.height);
    const col = Math.floor(x / (layout.tileWidth + GAP));
    const row = Math.floor(y / (layout.tileHeight + GAP));
    const tx = x - col * (layout.tileWidth + GAP);
    const ty = y - row * (layout.tileHeight + GAP);
    const unit = row * layout.columns + col;
    const inside = tx >= 0 && tx < layout.tileWidth && ty >= 0 && ty < layout.tileHeight && col < layout.columns && unit < layout.units;
    this.hovered = inside ? { unit, input: ty * layout.tileWidth + tx } : null;
  }

  private caption(layout: TileLayout): string {
    const n = layout.units;
    const total = n * this.inputs;
    let kept = 0;
    for (let i = 0; i < total; i++) if (this.mask ? this.mask[i] === 1 : this.weights![i] !== 0) kept++;
    const all = `${n} units × ${this.inputs} inputs · ${kept.toLocaleString('en')}/${total.toLocaleString('en')} weights kept`;
    const h = this.hovered;
    if (!h || h.unit >= n) return all;
    let unitKept = 0;
    for (let k = 0; k < this.inputs; k++) if (this.mask ? this.mask[k * n + h.unit] === 1 : this.weights![k * n + h.unit] !== 0) unitKept++;
    const i = h.input * n + h.unit;
    const v = this.mask && this.mask[i] === 0 ? 'pruned' : `w = ${this.weights![i]!.toPrecision(3)}`;
    const rc = `(${Math.floor(h.input / layout.tileWidth)}, ${h.input % layout.tileWidth})`;
    return `unit ${h.unit}: ${unitKept}/${this.inputs} kept · input ${h.input} ${rc}: ${v}`;
  }

  protected renderValid(): unknown {
    const layout = this.layout;
    if (!layout) return html`<div class="empty">No weights yet.</div>`;
    return html`
      <canvas
        part="canvas"
        width=${layout.width}
        height=${layout.height}
        style=${cssomStyle({ width: `${layout.width * this.zoom}px` })}
        role="img"
        aria-label="${layout.units} tiles of ${layout.tileWidth}×${layout.tileHeight} ${this.mode === 'mask' ? 'mask values' : 'weights'}"
        @pointermove=${this.onPointerMove}
        @pointerleave=${() => (this.hovered = null)}
      ></canvas>
      <div class="caption" part="caption" aria-live="polite">${this.caption(layout)}</div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-mask-view': PruneMaskView;
  }
}
