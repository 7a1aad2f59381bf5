// <prune-regression-view>: what a regression tree predicts, drawn over the data. One
// feature: the rows as points and the fitted piecewise-constant function as a step
// line across the grid the Worker evaluated; two features: a heat map of the
// prediction over the plane with the rows on top, both on one colour scale (class
// colour 0 = lowest target, class colour 1 = highest). Redrawn whenever the grid
// changes, i.e. as the tree is pruned.
import { css, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { check } from '../../errors.js';
import { PruneElement } from '../prune-element.js';
import { cssomStyle } from '../cssom-style.js';
import type { Bounds } from '../../worker/tree-api.js';
import { classColor, rgba, theme } from './theme.js';
import { ColorSchemeController } from '../color-scheme.js';

export interface RegressionPoints {
  /** Row-major n × d, d = 1 or 2. */
  x: Float32Array;
  y: Float64Array;
  bounds: Bounds;
}

/**
 * @csspart canvas - the drawing.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-class-0 - colour of the lowest target (1-D: the points).
 * @cssprop --prune-class-1 - colour of the highest target (1-D: the fitted function).
 * @cssprop --prune-region-alpha - opacity of the heat map (default 0.55).
 */
@customElement('prune-regression-view')
export class PruneRegressionView extends PruneElement {
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

  @property({ attribute: false }) points: RegressionPoints | null = null;
  /** Predictions: res cells left to right (1 feature) or res × res row-major, row 0 at the top (2 features). */
  @property({ attribute: false }) values: Float64Array | null = null;
  @property({ type: Number }) res = 0;
  /** Canvas width in CSS pixels (height: width for 2 features, width / 1.8 for 1). */
  @property({ type: Number }) size = 320;

  @query('canvas') private canvas!: HTMLCanvasElement;

  private get dims(): number {
    const p = this.points;
    return p ? p.x.length / p.y.length : 0;
  }

  protected validate(): void {
    check(Number.isInteger(this.size) && this.size >= 40 && this.size <= 4096, 'size', 'an integer in [40, 4096] (CSS pixels)', this.size);
    check(Number.isInteger(this.res) && this.res >= 0 && this.res <= 1024, 'res', 'an integer in [0, 1024]', this.res);
    const p = this.points;
    if (p !== null) {
      check(p.x instanceof Float32Array && p.y instanceof Float64Array && p.y.length > 0 && (p.x.length === p.y.length || p.x.length === 2 * p.y.length),
        'points', 'rows x (n × 1 or n × 2, Float32Array) with targets y (n, Float64Array)', p);
      check(p.bounds !== undefined && p.bounds.x1 > p.bounds.x0 && (this.dims === 1 || p.bounds.y1 > p.bounds.y0), 'points.bounds', 'x0 < x1 (and y0 < y1 for 2 features)', p.bounds);
    }
    const want = this.dims === 2 ? this.res * this.res : this.res;
    check(this.values === null || (this.values instanceof Float64Array && this.values.length === want), 'values',
      `null or a Float64Array of ${this.dims === 2 ? 'res × res' : 'res'} = ${want} predictions`, this.values);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this.validationMessage === null) this.draw();
  }

  private height(): number {
    return this.dims === 2 ? this.size : Math.round(this.size / 1.8);
  }

  private draw(): void {
    const cv = this.canvas;
    const p = this.points;
    if (!cv || !p) return;
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.round(this.size * dpr);
    const h = Math.round(this.height() * dpr);
    if (cv.width !== w || cv.height !== h) {
      cv.width = w;
      cv.height = h;
    }
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, w, h);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of p.y) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (const v of this.values ?? []) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const c0 = rgba(classColor(this, 0));
    const c1 = rgba(classColor(this, 1));
    const mix = (v: number): number[] => {
      const f = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      return [0, 1, 2].map((i) => Math.round(c0[i]! + (c1[i]! - c0[i]!) * f));
    };
    const { x0, x1 } = p.bounds;
    const sx = (x: number): number => ((x - x0) / (x1 - x0)) * w;
    const radius = Math.max(2, 2.5 * dpr);
    if (this.dims === 1) {
      // y grows upwards, with a 6% margin.
      const m = (hi - lo) * 0.06 || 1;
      const sy = (v: number): number => h - ((v - lo + m) / (hi - lo + 2 * m)) * h;
      ctx.fillStyle = classColor(this, 0);
      ctx.globalAlpha = 0.7;
      for (let i = 0; i < p.y.length; i++) {
        ctx.beginPath();
        ctx.arc(sx(p.x[i]!), sy(p.y[i]!), radius, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      const v = this.values;
      if (v && this.res > 0) {
        ctx.strokeStyle = classColor(this, 1);
        ctx.lineWidth = 2 * dpr;
        ctx.beginPath();
        for (let q = 0; q < this.res; q++) {
          const a = (q / this.res) * w;
          const b = ((q + 1) / this.res) * w;
          if (q === 0) ctx.moveTo(a, sy(v[q]!));
          else ctx.lineTo(a, sy(v[q]!));
          ctx.lineTo(b, sy(v[q]!));
        }
        ctx.stroke();
      }
      return;
    }
    const res = this.res;
    if (this.values && res > 0) {
      const alpha = Number(getComputedStyle(this).getPropertyValue('--prune-region-alpha')) || 0.55;
      const small = document.createElement('canvas');
      small.width = res;
      small.height = res;
      const sctx = small.getContext('2d')!;
      const img = sctx.createImageData(res, res);
      for (let i = 0; i < res * res; i++) {
        img.data.set(mix(this.values[i]!), 4 * i);
        img.data[4 * i + 3] = Math.round(255 * alpha);
      }
      sctx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, w, h);
    }
    const { y0, y1 } = p.bounds;
    ctx.lineWidth = dpr;
    ctx.strokeStyle = getComputedStyle(this).getPropertyValue('--_bg').trim() || '#fff';
    for (let i = 0; i < p.y.length; i++) {
      const [r, g, b] = mix(p.y[i]!);
      ctx.fillStyle = `rgb(${r} ${g} ${b})`;
      ctx.beginPath();
      ctx.arc(sx(p.x[2 * i]!), ((y1 - p.x[2 * i + 1]!) / (y1 - y0)) * h, radius, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }

  protected renderValid(): unknown {
    return html`<canvas part="canvas" style=${cssomStyle({ width: `${this.size}px`, height: `${this.height()}px` })} role="img"
      aria-label=${this.dims === 2 ? 'predicted value over the plane (heat map) and the data' : 'the data and the fitted piecewise-constant function'}></canvas>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-regression-view': PruneRegressionView;
  }
}
