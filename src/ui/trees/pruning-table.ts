// <prune-pruning-table>: pre- vs post-pruning side by side on the same split, one
// row per method (unpruned, each pre-pruning setting, CCP at the best alpha, REP,
// PEP): size, accuracies, macro-F1 and times (regression: MSE and R², no PEP). The best test accuracy is marked; a
// post-pruning row can be picked to show its tree.
import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { check } from '../../errors.js';
import { PruneElement } from '../prune-element.js';
import type { LabRow, RegressionLabRow, RowKind } from '../../worker/tree-api.js';
import { percent } from '../theme.js';
import { emit, theme } from './theme.js';

export interface MethodSelectDetail {
  kind: RowKind;
}

/**
 * @fires prune-method-select - CustomEvent<MethodSelectDetail> when a post-pruning row is clicked.
 * @csspart table - the table.
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-accent - marks the selected row and the best score.
 */
@customElement('prune-pruning-table')
export class PrunePruningTable extends PruneElement {
  static override styles = [
    theme,
    css`
      :host { display: block; }
      /* Wider than a phone: it scrolls on its own, and takes focus so that the keyboard can scroll it. */
      .scroll { overflow-x: auto; }
      table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
      th, td { padding: 4px 8px; border-bottom: 1px solid var(--_border); text-align: right; white-space: nowrap; }
      th:first-child, td:first-child { text-align: left; white-space: normal; }
      th { font-weight: 600; color: var(--_muted); font-size: 12px; }
      tr.post { cursor: pointer; }
      tr.post:hover td { background: var(--_surface); }
      tr.selected td:first-child { box-shadow: inset 3px 0 0 var(--_accent); }
      .best { color: var(--_accent); font-weight: 600; }
      .kind { display: inline-block; min-width: 5.5em; color: var(--_muted); font-size: 12px; }
      button.pick { font: inherit; color: inherit; background: none; border: 0; padding: 0; text-align: left; cursor: pointer; text-decoration: underline dotted; text-underline-offset: 3px; }
    `,
  ];

  /** Classification rows (accuracies, macro-F1) or regression rows (MSE, R²); not mixed. */
  @property({ attribute: false }) rows: readonly LabRow[] | readonly RegressionLabRow[] = [];
  /** The post-pruning method shown elsewhere (highlighted). */
  @property() selected: RowKind | null = null;

  private get regression(): boolean {
    return this.rows.length > 0 && 'train' in this.rows[0]!;
  }

  protected validate(): void {
    check(Array.isArray(this.rows), 'rows', 'an array of lab rows', this.rows);
    if (this.regression) {
      (this.rows as readonly RegressionLabRow[]).forEach((r, i) => {
        check(['unpruned', 'pre', 'ccp', 'rep'].includes(r?.kind), `rows[${i}].kind`, 'one of unpruned, pre, ccp, rep (regression)', r?.kind);
        for (const k of ['train', 'val', 'test'] as const) {
          const m = r[k];
          check((k === 'test' && m === null) || (m !== undefined && m !== null && Number.isFinite(m.mse) && m.mse >= 0 && Number.isFinite(m.r2) && m.r2 <= 1),
            `rows[${i}].${k}`, 'an MSE ≥ 0 and an R² ≤ 1 (test: or null)', m);
        }
      });
      return;
    }
    (this.rows as readonly LabRow[]).forEach((r, i) => {
      check(['unpruned', 'pre', 'ccp', 'rep', 'pep'].includes(r?.kind), `rows[${i}].kind`, 'one of unpruned, pre, ccp, rep, pep', r?.kind);
      for (const k of ['trainAccuracy', 'valAccuracy', 'macroF1'] as const) check(r[k] >= 0 && r[k] <= 1, `rows[${i}].${k}`, 'a number in [0, 1]', r[k]);
      check(r.testAccuracy === null || (r.testAccuracy >= 0 && r.testAccuracy <= 1), `rows[${i}].testAccuracy`, 'a number in [0, 1] or null', r.testAccuracy);
    });
  }

  /** A post-pruning row's name is a button (its click reaches the row's handler): the keyboard picks rows too. */
  private label(kind: RowKind, text: string, post: boolean): unknown {
    return post ? html`<button class="pick" aria-pressed=${kind === this.selected ? 'true' : 'false'}>${text}</button>` : text;
  }

  private pick(kind: RowKind): void {
    if (kind === 'ccp' || kind === 'rep' || kind === 'pep') emit<MethodSelectDetail>(this, 'prune-method-select', { kind });
  }

  private renderRegression(rows: readonly RegressionLabRow[]): unknown {
    const hasTest = rows.some((r) => r.test !== null);
    const on = (r: RegressionLabRow): { mse: number; r2: number } => (hasTest ? r.test! : r.val);
    const best = Math.min(...rows.map((r) => on(r).mse));
    const ms = (v: number): string => (v === 0 ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(0));
    const mse = (v: number): string => v.toPrecision(4);
    const kinds: Record<RegressionLabRow['kind'], string> = { unpruned: 'none', pre: 'pre', ccp: 'post', rep: 'post' };
    return html`<div class="scroll" tabindex="0" role="region" aria-label="pruning methods compared">
    <table part="table">
      <thead><tr>
        <th>method</th><th>leaves</th><th>depth</th><th>train MSE</th><th>val MSE</th><th>test MSE</th>
        <th>R² (${hasTest ? 'test' : 'val'})</th><th>fit ms</th><th>prune ms</th>
      </tr></thead>
      <tbody>
        ${rows.map((r) => html`<tr class="${kinds[r.kind] === 'post' ? 'post' : ''} ${r.kind === this.selected ? 'selected' : ''}"
            @click=${() => this.pick(r.kind)}>
          <td><span class="kind">${kinds[r.kind]}</span>${this.label(r.kind, r.label, kinds[r.kind] === 'post')}</td>
          <td>${r.leaves}</td><td>${r.depth}</td>
          <td>${mse(r.train.mse)}</td>
          <td class=${!hasTest && on(r).mse === best ? 'best' : ''}>${mse(r.val.mse)}</td>
          <td class=${hasTest && on(r).mse === best ? 'best' : ''}>${r.test ? mse(r.test.mse) : '–'}</td>
          <td>${on(r).r2.toFixed(3)}</td><td>${ms(r.fitMs)}</td><td>${ms(r.pruneMs)}</td>
        </tr>`)}
      </tbody>
    </table></div>`;
  }

  protected renderValid(): unknown {
    if (this.rows.length === 0) return nothing;
    if (this.regression) return this.renderRegression(this.rows as readonly RegressionLabRow[]);
    const rowsC = this.rows as readonly LabRow[];
    const hasTest = rowsC.some((r) => r.testAccuracy !== null);
    const scoreOf = (r: LabRow): number => (hasTest ? r.testAccuracy! : r.valAccuracy);
    const best = Math.max(...rowsC.map(scoreOf));
    const pct = (v: number | null): string => (v === null ? '–' : percent(v));
    const ms = (v: number): string => (v === 0 ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(0));
    const kinds: Record<RowKind, string> = { unpruned: 'none', pre: 'pre', ccp: 'post', rep: 'post', pep: 'post' };
    return html`<div class="scroll" tabindex="0" role="region" aria-label="pruning methods compared">
    <table part="table">
      <thead><tr>
        <th>method</th><th>leaves</th><th>depth</th><th>train</th><th>val</th><th>test</th>
        <th>macro-F1 (${hasTest ? 'test' : 'val'})</th><th>fit ms</th><th>prune ms</th>
      </tr></thead>
      <tbody>
        ${rowsC.map((r) => html`<tr class="${kinds[r.kind] === 'post' ? 'post' : ''} ${r.kind === this.selected ? 'selected' : ''}"
            @click=${() => this.pick(r.kind)}>
          <td><span class="kind">${kinds[r.kind]}</span>${this.label(r.kind, r.label, kinds[r.kind] === 'post')}</td>
          <td>${r.leaves}</td><td>${r.depth}</td>
          <td>${pct(r.trainAccuracy)}</td>
          <td class=${!hasTest && scoreOf(r) === best ? 'best' : ''}>${pct(r.valAccuracy)}</td>
          <td class=${hasTest && scoreOf(r) === best ? 'best' : ''}>${pct(r.testAccuracy)}</td>
          <td>${r.macroF1.toFixed(3)}</td><td>${ms(r.fitMs)}</td><td>${ms(r.pruneMs)}</td>
        </tr>`)}
      </tbody>
    </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-pruning-table': PrunePruningTable;
  }
  interface HTMLElementEventMap {
    'prune-method-select': CustomEvent<MethodSelectDetail>;
  }
}
