// <prune-confusion-matrix>: a C×C table of counts (rows: true class, columns:
// predicted), shaded by the fraction of the true class each cell holds, with the
// hovered cell's counts spelled out below.
import { css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { cssomStyle } from './cssom-style.js';
import { check, checkDim } from '../errors.js';
import { checkCount, checkLabels } from './check-report.js';
import { PruneElement } from './prune-element.js';
import { percent, theme, themeColor } from './theme.js';
import { type FigureSource, type MatrixFigure } from './figure-export.js';
import './figure-export.js';

/**
 * A confusion matrix with hover read-out.
 *
 * @csspart matrix - the table.
 * @csspart cell - a count cell (diagonal cells also have part `diagonal`).
 * @csspart readout - the line describing the hovered cell.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-accent - shade of correct (diagonal) cells.
 * @cssprop --prune-error - shade of confused (off-diagonal) cells.
 * @cssprop --prune-muted - colour of headers and the read-out.
 */
@customElement('prune-confusion-matrix')
export class PruneConfusionMatrix extends PruneElement implements FigureSource {
  static override styles = [
    theme,
    css`
      :host { display: block; }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
      th { color: var(--_muted); font-weight: 500; padding: 2px 6px; font-size: 0.9em; }
      td { text-align: center; min-width: 2.6em; padding: 4px 4px; border: 1px solid var(--_border); cursor: default; }
      /* Phone-wide: eleven columns fit in about 300 px. */
      @media (max-width: 480px) { td { min-width: 0; padding: 3px 1px; font-size: 12px; } th { padding: 2px 2px; } }
      caption { caption-side: bottom; color: var(--_muted); font-size: 0.85em; padding-top: 4px; text-align: left; }
      .readout { color: var(--_muted); min-height: 1.4em; margin-top: 4px; }
      .axis { color: var(--_muted); font-size: 0.85em; }
      .tools { display: flex; justify-content: flex-end; max-width: 40em; }
    `,
  ];

  /** Counts, row-major: row = true class, column = predicted class (a report's `confusion`). */
  @property({ type: Array }) confusion: number[] = [];
  /** Number of classes; inferred as √(confusion.length) when not set. */
  @property({ type: Number }) classes: number | null = null;
  /** Class names (default: 0, 1, …). */
  @property({ type: Array }) labels: string[] | null = null;

  @state() private hovered: [number, number] | null = null;

  readonly figureName = 'confusion-matrix';

  /** The counts as a figure (downloads); null while empty or invalid. */
  figure(): MatrixFigure | null {
    if (this.validationMessage !== null || this.confusion.length === 0) return null;
    return {
      kind: 'matrix', title: `confusion matrix, ${this.size} classes`, rowLabel: 'true class', colLabel: 'predicted class',
      labels: Array.from({ length: this.size }, (_, k) => this.label(k)), values: [...this.confusion],
      diagonal: themeColor(this, '--_accent', '#2563eb'), offDiagonal: themeColor(this, '--_error', '#b42318'),
    };
  }

  figureCanvas(): null {
    return null;
  }

  private get size(): number {
    return this.classes ?? Math.round(Math.sqrt(this.confusion.length));
  }

  protected validate(): void {
    check(Array.isArray(this.confusion), 'confusion', 'an array of counts (classes × classes)', this.confusion);
    if (this.classes !== null) checkDim(this.classes, 'classes');
    const c = this.size;
    if (this.confusion.length === 0 && this.classes === null) return;
    check(this.confusion.length === c * c, 'confusion', this.classes === null ? 'a square number of counts' : `classes × classes = ${c * c} counts`, this.confusion.length);
    this.confusion.forEach((v, i) => checkCount(v, `confusion[${i}]`));
    if (this.labels !== null) checkLabels(this.labels, 'labels', c);
  }

  private label(k: number): string {
    return this.labels?.[k] ?? String(k);
  }

  private describeCell(t: number, p: number): string {
    const c = this.size;
    const v = this.confusion[t * c + p]!;
    const row = this.confusion.slice(t * c, t * c + c).reduce((s, x) => s + x, 0);
    const share = row === 0 ? '' : ` (${percent(v / row)} of true ${this.label(t)})`;
    return `true ${this.label(t)} → predicted ${this.label(p)}: ${v.toLocaleString('en')} of ${row.toLocaleString('en')}${share}`;
  }

  protected renderValid(): unknown {
    const c = this.size;
    if (this.confusion.length === 0) return html`<div class="readout">No confusion matrix yet.</div>`;
    const rows = Array.from({ length: c }, (_, t) => this.confusion.slice(t * c, t * c + c));
    return html`
      <div class="tools"><prune-figure-menu part="figure-menu" .source=${this} label="confusion matrix"></prune-figure-menu></div>
      <table part="matrix" aria-label="confusion matrix, ${c} classes">
        <caption>rows: true class · columns: predicted class</caption>
        <thead><tr><th class="axis">true \\ pred</th>${rows.map((_, p) => html`<th scope="col">${this.label(p)}</th>`)}</tr></thead>
        <tbody>
          ${rows.map((row, t) => {
            const total = row.reduce((s, x) => s + x, 0);
            return html`<tr>
              <th scope="row">${this.label(t)}</th>
              ${row.map((v, p) => {
                const f = total === 0 ? 0 : v / total;
                const shade = t === p ? 'var(--_accent)' : 'var(--_error)';
                // Off-diagonal shares are small: stretch them so a 5% confusion still shows.
                const strength = t === p ? f : Math.min(1, Math.sqrt(f));
                // At most half the shade over the background: the text (--_fg) stays at 4.5:1 or more in light and dark.
                return html`<td
                  part=${t === p ? 'cell diagonal' : 'cell'}
                  class=${strength > 0.6 ? 'strong' : ''}
                  data-true=${t}
                  data-pred=${p}
                  title=${this.describeCell(t, p)}
                  style=${cssomStyle({ background: `color-mix(in srgb, ${shade} ${(strength * 50).toFixed(1)}%, transparent)` })}
                  @pointerenter=${() => (this.hovered = [t, p])}
                  @pointerleave=${() => (this.hovered = null)}
                >${v}</td>`;
              })}
            </tr>`;
          })}
        </tbody>
      </table>
      <div class="readout" part="readout" aria-live="polite">${this.hovered ? this.describeCell(...this.hovered) : 'Hover a cell for its counts.'}</div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-confusion-matrix': PruneConfusionMatrix;
  }
}
