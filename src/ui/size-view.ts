// <prune-size-view>: a model's size three ways (dense f32, sparse values + indices,
// sparse + int8) as bars scaled to the largest, with bytes and the ratio to dense.
import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { cssomStyle } from './cssom-style.js';
import { check } from '../errors.js';
import { PruneElement } from './prune-element.js';
import { theme, themeColor } from './theme.js';
import { type BarFigure, type FigureSource } from './figure-export.js';
import './figure-export.js';
import type { ModelSizes } from './types.js';

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

const ROWS = [
  { key: 'denseF32', attr: 'dense-f32', label: 'dense f32' },
  { key: 'sparse', attr: 'sparse', label: 'sparse (values + indices)' },
  { key: 'sparseInt8', attr: 'sparse-int8', label: 'sparse + int8' },
] as const;

/**
 * Model size three ways, as bars.
 *
 * @csspart row - one way of storing the model (data-kind: denseF32, sparse, sparseInt8).
 * @csspart bar - the track of a bar.
 * @csspart fill - the filled part of a bar (its width is the size over the largest size).
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-accent - colour of the bars.
 * @cssprop --prune-surface - colour of the bar tracks.
 * @cssprop --prune-muted - colour of the figures.
 */
@customElement('prune-size-view')
export class PruneSizeView extends PruneElement implements FigureSource {
  static override styles = [
    theme,
    css`
      :host { display: block; }
      .row { display: grid; grid-template-columns: minmax(6em, 13em) minmax(4em, 1fr) minmax(0, 11em); gap: 10px; align-items: center; margin: 4px 0; }
      .bar { background: var(--_surface); border: 1px solid var(--_border); border-radius: 3px; height: 16px; overflow: hidden; }
      .fill { background: var(--_accent); height: 100%; }
      .figure { color: var(--_muted); font-variant-numeric: tabular-nums; }
      .empty { color: var(--_muted); }
      .tools { display: flex; justify-content: flex-end; }
    `,
  ];

  readonly figureName = 'model-size';

  /** The three bars as a figure (downloads); null until all three sizes are set. */
  figure(): BarFigure | null {
    const s = this.sizes;
    if (s === null || this.validationMessage !== null) return null;
    return {
      kind: 'bars', title: 'model size three ways', valueLabel: 'bytes (bars relative to the largest)', max: Math.max(s.denseF32, s.sparse, s.sparseInt8),
      color: themeColor(this, '--_accent', '#2563eb'),
      bars: ROWS.map((r) => ({ label: r.label, value: s[r.key], text: formatBytes(s[r.key]) })),
      table: { header: ['storage', 'bytes', 'ratio to dense f32'], rows: ROWS.map((r) => [r.label, s[r.key], s[r.key] === 0 ? '' : s.denseF32 / s[r.key]]) },
    };
  }

  figureCanvas(): null {
    return null;
  }

  /** Bytes with every weight and bias as f32. */
  @property({ type: Number, attribute: 'dense-f32' }) denseF32: number | null = null;
  /** Bytes as nonzero f32 values plus their indices (plus biases). */
  @property({ type: Number }) sparse: number | null = null;
  /** Bytes as nonzero int8 values (with scales) plus indices (plus biases). */
  @property({ type: Number, attribute: 'sparse-int8' }) sparseInt8: number | null = null;

  /** All three sizes at once (null until all three are set). */
  get sizes(): ModelSizes | null {
    if (this.denseF32 === null || this.sparse === null || this.sparseInt8 === null) return null;
    return { denseF32: this.denseF32, sparse: this.sparse, sparseInt8: this.sparseInt8 };
  }

  set sizes(s: ModelSizes | null) {
    this.denseF32 = s?.denseF32 ?? null;
    this.sparse = s?.sparse ?? null;
    this.sparseInt8 = s?.sparseInt8 ?? null;
  }

  protected validate(): void {
    for (const r of ROWS) {
      const v = this[r.key];
      check(v === null || (Number.isInteger(v) && v >= 0), r.attr, 'a byte count (an integer ≥ 0)', v);
    }
  }

  protected renderValid(): unknown {
    const s = this.sizes;
    if (s === null) return html`<div class="empty">No model size yet.</div>`;
    const max = Math.max(s.denseF32, s.sparse, s.sparseInt8);
    const menu = html`<div class="tools"><prune-figure-menu part="figure-menu" .source=${this} label="model sizes"></prune-figure-menu></div>`;
    return [menu, ...ROWS.map((r) => {
      const v = s[r.key];
      const ratio = v === 0 ? '' : ` · ${(s.denseF32 / v).toFixed(1)}× smaller`;
      return html`<div class="row" part="row" data-kind=${r.key}>
        <span>${r.label}</span>
        <div class="bar" part="bar" role="meter" aria-label=${r.label} aria-valuemin="0" aria-valuemax=${max} aria-valuenow=${v}>
          <div class="fill" part="fill" style=${cssomStyle({ width: `${max === 0 ? 0 : ((v / max) * 100).toFixed(2)}%` })}></div>
        </div>
        <span class="figure">${formatBytes(v)}${r.key === 'denseF32' ? '' : ratio}</span>
      </div>`;
    })];
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-size-view': PruneSizeView;
  }
}
