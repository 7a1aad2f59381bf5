// <prune-layer-sparsity>: one bar per layer of a round entry, its length the layer's
// sparsity, labelled with the layer's name, shape and nonzero / params; excluded
// (non-prunable) layers are marked, and structured runs show units kept.
import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { cssomStyle } from './cssom-style.js';
import type { RoundEntry } from '../lab/report.js';
import { check } from '../errors.js';
import { checkFraction, checkLayers } from './check-report.js';
import { PruneElement } from './prune-element.js';
import { percent, theme, themeColor } from './theme.js';
import { type BarFigure, type FigureSource } from './figure-export.js';
import './figure-export.js';

/**
 * Per-layer sparsity bars of one round.
 *
 * @csspart layer - one row (a layer); excluded layers also have part `excluded`.
 * @csspart bar - the track of a bar.
 * @csspart fill - the filled part of a bar (its width is the sparsity).
 * @csspart error - the message shown for an invalid property.
 * @cssprop --prune-accent - colour of the bars.
 * @cssprop --prune-surface - colour of the bar tracks.
 * @cssprop --prune-pruned - colour of an excluded layer's bar.
 * @cssprop --prune-muted - colour of the secondary text.
 */
@customElement('prune-layer-sparsity')
export class PruneLayerSparsity extends PruneElement implements FigureSource {
  static override styles = [
    theme,
    css`
      :host { display: block; }
      .head { color: var(--_muted); margin-bottom: 6px; }
      .row { display: grid; grid-template-columns: minmax(5em, 8em) minmax(5em, 1fr) minmax(0, 15em); gap: 4px 10px; align-items: center; margin: 4px 0; }
      .name { font-weight: 600; }
      .shape, .counts { color: var(--_muted); font-variant-numeric: tabular-nums; font-size: 0.92em; }
      .bar { background: var(--_surface); border: 1px solid var(--_border); border-radius: 3px; height: 14px; overflow: hidden; }
      .fill { background: var(--_accent); height: 100%; }
      .excluded .fill { background: var(--_pruned); }
      .tag { font-size: 0.8em; color: var(--_muted); border: 1px solid var(--_border); border-radius: 3px; padding: 0 4px; margin-left: 4px; }
      .empty { color: var(--_muted); }
      .tools { float: right; }
    `,
  ];

  /** The round to show (a report's baseline, one of its rounds, or its final entry). */
  @property({ attribute: false }) entry: RoundEntry | null = null;

  readonly figureName = 'layer-sparsity';

  /** The bars as a figure (downloads); null with no entry. */
  figure(): BarFigure | null {
    const e = this.entry;
    if (e === null || this.validationMessage !== null) return null;
    return {
      kind: 'bars', title: `sparsity per layer, round ${e.round} (${percent(e.sparsity)} overall)`, valueLabel: 'fraction of the layer\'s weights at zero', max: 1,
      color: themeColor(this, '--_accent', '#2563eb'),
      bars: e.layers.map((l) => ({ label: l.name, value: l.sparsity, text: `${percent(l.sparsity)} zero${l.prunable ? '' : ' (excluded)'}`, ...(l.prunable ? {} : { color: '#c4c9d2' }) })),
      table: {
        header: ['layer', 'kind', 'shape', 'params', 'nonzero', 'sparsity', 'prunable'],
        rows: e.layers.map((l) => [l.name, l.kind, l.shape.join('x'), l.params, l.nonzero, l.sparsity, String(l.prunable)]),
      },
    };
  }

  figureCanvas(): null {
    return null;
  }

  protected validate(): void {
    if (this.entry === null) return;
    check(typeof this.entry === 'object', 'entry', 'a round entry object or null', this.entry);
    checkFraction(this.entry.sparsity, 'entry.sparsity');
    checkLayers(this.entry, 'entry');
  }

  protected renderValid(): unknown {
    const e = this.entry;
    if (e === null) return html`<div class="empty">No round yet.</div>`;
    return html`
      <div class="tools"><prune-figure-menu part="figure-menu" .source=${this} label="per-layer sparsity"></prune-figure-menu></div>
      <div class="head" part="head">
        Round ${e.round}${e.round === 0 ? ' (dense baseline)' : ''}: ${percent(e.sparsity)} of prunable weights are zero
      </div>
      ${e.layers.map((l) => {
        const units = e.units?.[l.name];
        return html`<div class="row ${l.prunable ? '' : 'excluded'}" part=${l.prunable ? 'layer' : 'layer excluded'} data-layer=${l.name}>
          <div>
            <span class="name">${l.name}</span>${l.prunable ? '' : html`<span class="tag">excluded</span>`}
            <div class="shape">${l.kind} ${l.shape.join('×')}${units ? html` · units ${units.after}/${units.before}` : ''}</div>
          </div>
          <div class="bar" part="bar" role="meter" aria-label="${l.name} sparsity" aria-valuemin="0" aria-valuemax="1" aria-valuenow=${l.sparsity}>
            <div class="fill" part="fill" style=${cssomStyle({ width: `${(l.sparsity * 100).toFixed(2)}%` })}></div>
          </div>
          <div class="counts">${percent(l.sparsity)} zero · ${l.nonzero.toLocaleString('en')}/${l.params.toLocaleString('en')} kept</div>
        </div>`;
      })}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-layer-sparsity': PruneLayerSparsity;
  }
}
