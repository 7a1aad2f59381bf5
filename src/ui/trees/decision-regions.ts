// <prune-decision-regions>: for a 2-D dataset, the class a tree predicts over the
// plane (a grid from the Worker, tinted by class) with the data points on top;
// redrawn whenever the grid changes, i.e. as the tree is pruned.
import { css, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { check } from '../../errors.js';
import { PruneElement } from '../prune-element.js';
import { cssomStyle } from '../cssom-style.js';
import type { Bounds } from '../../worker/tree-api.js';
import { classColor, rgba, theme } from './theme.js';
import { ColorSchemeController } from '../color-scheme.js';

export interface RegionPoints {
  /** Row-major n × 2. */
  x: Float32Array;
  y: Int32Array;
  bounds: Bounds;
}

/**
 * @csspart canvas - the drawing.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-class-0 - colour of class 0 (and --prune-class-1 … for the others).
 * @cssprop --prune-region-alpha - opacity of the region tint (default 0.28).
 */
@customElement('prune-decision-regions')
export class PruneDecisionRegions extends PruneElement {
  static override styles = [
    theme,
    css`
      :host { display: inline-block; }
      canvas { display: block; border: 1px solid var(--_border); border-radius: 6px; background: var(--_bg); }
    `,
  ];

  constructor() {
    super();
    // Canvas colours are read per draw: redraw when the page switches between light and dark.
    new ColorSchemeController(this);
  }

  /** res × res predicted classes, row 0 at the top (largest y). */
  @property({ attribute: false }) grid: Uint8Array | null = null;
  @property({ type: Number }) res = 0;
  @property({ attribute: false }) points: RegionPoints | null = null;
  /** Canvas size in CSS pixels (square). */
  @property({ type: Number }) size = 320;

  @query('canvas') private canvas!: HTMLCanvasElement;

  protected validate(): void {
    check(Number.isInteger(this.size) && this.size >= 40 && this.size <= 4096, 'size', 'an integer in [40, 4096] (CSS pixels)', this.size);
    check(Number.isInteger(this.res) && this.res >= 0 && this.res <= 1024, 'res', 'an integer in [0, 1024]', this.res);
    check(this.grid === null || (this.grid instanceof Uint8Array && this.grid.length === this.res * this.res), 'grid', `null or a Uint8Array of res × res = ${this.res * this.res} classes`, this.grid);
    const p = this.points;
    if (p === null) return;
    check(p.x instanceof Float32Array && p.y instanceof Int32Array && p.x.length === 2 * p.y.length, 'points', 'rows x (n × 2, Float32Array) with classes y (n, Int32Array)', p);
    const b = p.bounds;
    check(b !== undefined && b.x1 > b.x0 && b.y1 > b.y0, 'points.bounds', 'x0 < x1 and y0 < y1', b);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this.validationMessage === null) this.draw();
  }

  private draw(): void {
    const cv = this.canvas;
    if (!cv) return;
    const dpr = globalThis.devicePixelRatio || 1;
    const px = Math.round(this.size * dpr);
    if (cv.width !== px) {
      cv.width = px;
      cv.height = px;
    }
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, px, px);
    const colors = new Map<number, string>();
    const color = (k: number): string => {
      if (!colors.has(k)) colors.set(k, classColor(this, k));
      return colors.get(k)!;
    };
    const res = this.res;
    if (this.grid && res > 0 && this.grid.length === res * res) {
      // One pixel per cell in a small canvas, scaled up unsmoothed: crisp, seamless cells.
      const alpha = Number(getComputedStyle(this).getPropertyValue('--prune-region-alpha')) || 0.28;
      const small = document.createElement('canvas');
      small.width = res;
      small.height = res;
      const sctx = small.getContext('2d')!;
      const img = sctx.createImageData(res, res);
      const rgb = new Map<number, number[]>();
      for (let i = 0; i < res * res; i++) {
        const k = this.grid[i]!;
        if (!rgb.has(k)) rgb.set(k, rgba(color(k)));
        img.data.set(rgb.get(k)!, 4 * i);
        img.data[4 * i + 3] = Math.round(255 * alpha);
      }
      sctx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, px, px);
    }
    const p = this.points;
    if (!p) return;
    const { x0, x1, y0, y1 } = p.bounds;
    const radius = Math.max(2, 2.5 * dpr);
    ctx.lineWidth = dpr;
    ctx.strokeStyle = getComputedStyle(this).getPropertyValue('--_bg').trim() || '#fff';
    for (let i = 0; i < p.y.length; i++) {
      const cx = ((p.x[2 * i]! - x0) / (x1 - x0)) * px;
      const cy = ((y1 - p.x[2 * i + 1]!) / (y1 - y0)) * px;
      ctx.fillStyle = color(p.y[i]!);
      ctx.beginPath();
      ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }

  protected renderValid(): unknown {
    return html`<canvas part="canvas" style=${cssomStyle({ width: `${this.size}px`, height: `${this.size}px` })} role="img"
      aria-label=${this.summary()}></canvas>`;
  }

  /** The text alternative: the share of the plane each class is predicted on, and the points drawn. */
  private summary(): string {
    const g = this.grid;
    const shares = new Map<number, number>();
    if (g) for (const k of g) shares.set(k, (shares.get(k) ?? 0) + 1);
    const parts = [...shares].sort((a, b) => a[0] - b[0]).map(([k, n]) => `class ${k} ${Math.round((100 * n) / g!.length)}%`);
    const n = this.points?.y.length ?? 0;
    return `decision regions${parts.length ? ` (the plane predicted as ${parts.join(", ")})` : ""} and ${n} data points`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-decision-regions': PruneDecisionRegions;
  }
}
