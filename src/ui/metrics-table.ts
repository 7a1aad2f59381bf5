// <prune-metrics-table>: per-class precision, recall, F1 and support of a round,
// with the macro averages and the accuracy below them.
import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RoundEntry } from '../lab/report.js';
import { check } from '../errors.js';
import { checkEntryMetrics, checkLabels, checkPerClass } from './check-report.js';
import { PruneElement } from './prune-element.js';
import { theme } from './theme.js';

/**
 * Precision / recall / F1 table of one round entry.
 *
 * @csspart table - the table.
 * @csspart macro - the macro-average row.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-border - colour of the rules.
 * @cssprop --prune-muted - colour of the headers.
 */
@customElement('prune-metrics-table')
export class PruneMetricsTable extends PruneElement {
  static override styles = [
    theme,
    css`
      :host { display: block; }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
      th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid var(--_border); }
      /* Phone-wide: tighter columns, so that the table fits instead of scrolling. */
      @media (max-width: 480px) { th, td { padding: 3px 4px; } }
      th { color: var(--_muted); font-weight: 500; }
      th[scope='row'], th:first-child { text-align: left; }
      tfoot td, tfoot th { font-weight: 600; border-bottom: none; }
      .empty { color: var(--_muted); }
    `,
  ];

  /** The round whose metrics to list. */
  @property({ attribute: false }) entry: RoundEntry | null = null;
  /** Class names (default: 0, 1, …). */
  @property({ type: Array }) labels: string[] | null = null;
  /** Decimals shown. */
  @property({ type: Number }) digits = 3;

  protected validate(): void {
    check(Number.isInteger(this.digits) && this.digits >= 0 && this.digits <= 6, 'digits', 'an integer in [0, 6]', this.digits);
    if (this.entry === null) return;
    checkEntryMetrics(this.entry, 'entry');
    checkPerClass(this.entry, 'entry');
    if (this.labels !== null) checkLabels(this.labels, 'labels', this.entry.perClass.precision.length);
  }

  /** Row sums of the confusion matrix when it has classes² counts, else null. */
  private support(c: number): number[] | null {
    const m = this.entry?.confusion;
    if (!Array.isArray(m) || m.length !== c * c) return null;
    return Array.from({ length: c }, (_, t) => m.slice(t * c, t * c + c).reduce((s, x) => s + x, 0));
  }

  protected renderValid(): unknown {
    const e = this.entry;
    if (e === null) return html`<div class="empty">No metrics yet.</div>`;
    const { precision, recall, f1 } = e.perClass;
    const support = this.support(precision.length);
    const f = (v: number): string => v.toFixed(this.digits);
    return html`<table part="table">
      <thead><tr><th scope="col">class</th><th scope="col">precision</th><th scope="col">recall</th><th scope="col">F1</th>${support ? html`<th scope="col">support</th>` : ''}</tr></thead>
      <tbody>
        ${precision.map((p, c) => html`<tr data-class=${c}>
          <th scope="row">${this.labels?.[c] ?? c}</th><td>${f(p)}</td><td>${f(recall[c]!)}</td><td>${f(f1[c]!)}</td>${support ? html`<td>${support[c]}</td>` : ''}
        </tr>`)}
      </tbody>
      <tfoot>
        <tr part="macro"><th scope="row">macro avg</th><td>${f(e.precision)}</td><td>${f(e.recall)}</td><td>${f(e.macroF1)}</td>${support ? html`<td>${support.reduce((s, x) => s + x, 0)}</td>` : ''}</tr>
        <tr><th scope="row">accuracy</th><td></td><td></td><td>${f(e.accuracy)}</td>${support ? html`<td></td>` : ''}</tr>
      </tfoot>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-metrics-table': PruneMetricsTable;
  }
}
