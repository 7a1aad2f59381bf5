// <prune-boost-lab>: boosting, with its pruning made visible. On a small seeded set the
// tree Worker fits gbdt or xgb; the lab shows the loss per stage (train and validation)
// with the stage the validation curve picks (or early stopping kept), the ensemble
// truncated to that stage, what pre- and post-pruning removed, and the first stage trees
// with their gamma-pruned splits greyed. Sliders for gamma, max depth and the learning
// rate refit live: debounced, and a result that a newer refit has overtaken is dropped.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { BOOST_ALGOS, BOOST_DATASETS, type BoostAlgo, type BoostDataSpec, type BoostDatasetKind, type BoostLabConfig, type BoostLabReport, type BoostScore } from '../../worker/tree-api.js';
import { TreeLabController, type TreeWorkerFactory } from './tree-lab-controller.js';
import { percent } from '../theme.js';
import { emit, theme } from './theme.js';
import './stage-chart.js';
import './tree-diagram.js';

export interface BoostCompleteDetail {
  report: BoostLabReport;
}

export interface BoostSettingsDetail {
  algo: BoostAlgo;
  gamma: number;
  maxDepth: number;
  learningRate: number;
}

/** The number attributes, their checks and how they read in a message. */
const NUMBER_ATTRS = [
  { attr: 'samples', key: 'samples', int: true, lo: 20, hi: 5000 },
  { attr: 'noise', key: 'noise', int: false, lo: 0, hi: 10 },
  { attr: 'seed', key: 'seed', int: true, lo: 0, hi: 2 ** 32 - 1 },
  { attr: 'n-estimators', key: 'nEstimators', int: true, lo: 1, hi: 500 },
  { attr: 'max-depth', key: 'maxDepth', int: true, lo: 1, hi: 12 },
  { attr: 'learning-rate', key: 'learningRate', int: false, lo: 0.001, hi: 1 },
  { attr: 'gamma', key: 'gamma', int: false, lo: 0, hi: 1e6 },
  { attr: 'early-stopping', key: 'earlyStopping', int: true, lo: 0, hi: 500 },
  { attr: 'shown-trees', key: 'shownTrees', int: true, lo: 0, hi: 12 },
  { attr: 'gamma-max', key: 'gammaMax', int: false, lo: 0.01, hi: 1e6 },
] as const;

type NumberKey = (typeof NUMBER_ATTRS)[number]['key'];

/**
 * @fires prune-boost-complete - CustomEvent<BoostCompleteDetail> after every fit shown (a stale one is never shown).
 * @fires prune-boost-settings - CustomEvent<BoostSettingsDetail> when a slider moves (the refit follows, debounced).
 * @csspart controls - the settings bar.
 * @csspart status - the busy / error line.
 * @csspart chart - the loss-per-stage chart element.
 * @csspart truncation - the ensemble-truncation table.
 * @csspart trees - the small multiple of stage trees.
 * @csspart diagram - each stage tree's diagram element.
 * @cssprop --prune-bg - background.
 * @cssprop --prune-fg - text colour.
 * @cssprop --prune-accent - accents (sliders, the picked stage).
 * @cssprop --prune-border - borders.
 * @cssprop --prune-surface - panel background.
 * @cssprop --prune-pruned - colour of pruned splits.
 */
@customElement('prune-boost-lab')
export class PruneBoostLab extends LitElement {
  static override styles = [
    theme,
    css`
      :host { display: block; background: var(--_bg); }
      .controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; background: var(--_surface); border: 1px solid var(--_border); border-radius: 8px; padding: 10px; }
      label { display: flex; flex-direction: column; font-size: 12px; color: var(--_muted); gap: 2px; }
      label.slider { min-width: 12em; }
      label.slider input { accent-color: var(--_accent); }
      input, select, button { font: inherit; color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border); border-radius: 4px; padding: 3px 6px; }
      input[type='number'] { width: 6em; }
      output { font-variant-numeric: tabular-nums; color: var(--_fg); }
      button { cursor: pointer; background: var(--_accent); color: var(--_on-accent); border-color: var(--_accent); padding: 4px 14px; }
      .status { min-height: 1.5em; margin: 6px 2px; color: var(--_muted); font-size: 13px; }
      .status.error { color: var(--_error); }
      h3 { font-size: 14px; margin: 12px 0 6px; font-weight: 600; }
      .grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; }
      @media (max-width: 900px) { .grid { grid-template-columns: minmax(0, 1fr); } }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
      /* Wider than a phone: the table scrolls in its column, and takes focus so that the keyboard can scroll it. */
      .scroll { overflow-x: auto; }
      th, td { padding: 3px 10px; border-bottom: 1px solid var(--_border); text-align: right; }
      th:first-child, td:first-child { text-align: left; }
      .trees { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 8px; }
      .trees figure { margin: 0; }
      .trees figcaption { font-size: 12px; color: var(--_muted); margin: 2px 0; }
      prune-tree-diagram { --prune-tree-height: 220px; }
      .note { color: var(--_muted); font-size: 12px; margin: 4px 0; }
    `,
  ];

  /** Makes the Worker (tests and embedders may supply their own). */
  @property({ attribute: false }) workerFactory: TreeWorkerFactory | undefined = undefined;
  /** gbdt (scikit-learn's GradientBoosting) or xgb (XGBoost's exact greedy trees). */
  @property({ reflect: true }) algo: BoostAlgo = 'xgb';
  /** The seeded set: friedman1, sine, step (regression) or moons, circles, xor (2 classes). */
  @property({ reflect: true }) source: BoostDatasetKind = 'friedman1';
  /** Rows of the set (a quarter are validation rows). */
  @property({ type: Number }) samples = 200;
  /** Noise of the set; NaN (attribute absent) = the set's default. */
  @property({ type: Number }) noise: number | null = Number.NaN;
  @property({ type: Number }) seed = 0;
  @property({ type: Number, attribute: 'n-estimators' }) nEstimators = 40;
  @property({ type: Number, attribute: 'max-depth' }) maxDepth = 3;
  @property({ type: Number, attribute: 'learning-rate' }) learningRate = 0.3;
  /** xgb's min_split_loss (gbdt has none). */
  @property({ type: Number }) gamma = 0;
  /** Stages without a better validation loss before the fit stops; 0 = off. */
  @property({ type: Number, attribute: 'early-stopping' }) earlyStopping = 0;
  /** Stage trees drawn. */
  @property({ type: Number, attribute: 'shown-trees' }) shownTrees = 4;
  /** Top of the gamma slider. */
  @property({ type: Number, attribute: 'gamma-max' }) gammaMax = 20;
  /** Debounce of the sliders' refit, in ms. */
  @property({ type: Number, attribute: false }) debounceMs = 200;

  @state() private report: BoostLabReport | null = null;
  @state() private inputError: string | null = null;

  /** The Worker: calls in flight, the last error, and why it stopped if it failed. */
  controller!: TreeLabController;
  /** Fits requested; a result is shown only when it answers the latest. */
  private seq = 0;
  /** Results dropped because a newer fit was asked for meanwhile. */
  dropped = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  override connectedCallback(): void {
    if (!this.controller) this.controller = new TreeLabController(this, this.workerFactory);
    super.connectedCallback();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  protected override firstUpdated(): void {
    void this.updateComplete.then(() => this.fit());
  }

  /** The settings as Worker arguments, or null (with the message naming the attribute) when one is bad. */
  private request(): { data: BoostDataSpec; config: BoostLabConfig } | null {
    if (!(BOOST_ALGOS as readonly string[]).includes(this.algo)) {
      this.inputError = `algo must be one of ${BOOST_ALGOS.join(', ')} (got ${JSON.stringify(this.algo)})`;
      return null;
    }
    if (!(BOOST_DATASETS as readonly string[]).includes(this.source)) {
      this.inputError = `source must be one of ${BOOST_DATASETS.join(', ')} (got ${JSON.stringify(this.source)})`;
      return null;
    }
    for (const a of NUMBER_ATTRS) {
      const v = this[a.key as NumberKey];
      // noise: absent (NaN before any attribute, null once removed) = the set's default.
      if (a.key === 'noise' && (v === null || Number.isNaN(v))) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < a.lo || v > a.hi || (a.int && !Number.isInteger(v))) {
        this.inputError = `${a.attr} must be ${a.int ? 'an integer' : 'a number'} in [${a.lo}, ${a.hi}]${a.key === 'noise' ? ' (or absent for the set\'s default)' : ''} (got ${String(v)})`;
        return null;
      }
    }
    if (this.algo === 'gbdt' && this.gamma !== 0) {
      this.inputError = `gamma is an xgb setting (gbdt has no gamma): set it to 0 or algo to xgb (got ${this.gamma})`;
      return null;
    }
    const data: BoostDataSpec = { kind: this.source, n: this.samples, seed: this.seed, ...(this.noise === null || Number.isNaN(this.noise) ? {} : { noise: this.noise }) };
    const config: BoostLabConfig = {
      algo: this.algo, nEstimators: this.nEstimators, maxDepth: this.maxDepth, learningRate: this.learningRate,
      earlyStopping: this.earlyStopping > 0 ? this.earlyStopping : null, seed: this.seed, shownTrees: this.shownTrees,
      ...(this.algo === 'xgb' ? { gamma: this.gamma } : {}),
    };
    return { data, config };
  }

  /**
   * Fits with the current settings in the Worker. The result is shown (and
   * prune-boost-complete fired) only if no newer fit was asked for meanwhile; a
   * failure keeps the last results and shows its message.
   */
  async fit(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.controller.crashed) this.controller.restart();
    const seq = ++this.seq;
    this.inputError = null;
    const req = this.request();
    if (!req) return;
    const report = await this.controller.run((api) => api.runBoost(req.data, req.config));
    if (seq !== this.seq) {
      if (report) this.dropped++;
      return;
    }
    if (!report) return;
    this.report = report;
    emit<BoostCompleteDetail>(this, 'prune-boost-complete', { report });
  }

  /** A refit after the debounce; a newer call restarts the wait. */
  private scheduleFit(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fit(), this.debounceMs);
  }

  private onSlider(key: 'gamma' | 'maxDepth' | 'learningRate', e: Event): void {
    this[key] = Number((e.target as HTMLInputElement).value);
    emit<BoostSettingsDetail>(this, 'prune-boost-settings', { algo: this.algo, gamma: this.gamma, maxDepth: this.maxDepth, learningRate: this.learningRate });
    this.scheduleFit();
  }

  private controls(): unknown {
    const xgb = this.algo === 'xgb';
    return html`<div class="controls" part="controls">
      <label>algorithm
        <select @change=${(e: Event) => { this.algo = (e.target as HTMLSelectElement).value as BoostAlgo; if (this.algo === 'gbdt') this.gamma = 0; void this.fit(); }}>
          ${BOOST_ALGOS.map((a) => html`<option value=${a} ?selected=${a === this.algo}>${a === 'gbdt' ? 'gbdt (scikit-learn)' : 'xgb (XGBoost exact)'}</option>`)}
        </select>
      </label>
      <label>data
        <select @change=${(e: Event) => { this.source = (e.target as HTMLSelectElement).value as BoostDatasetKind; void this.fit(); }}>
          ${BOOST_DATASETS.map((d) => html`<option value=${d} ?selected=${d === this.source}>${d}</option>`)}
        </select>
      </label>
      <label>stages<input type="number" min="1" max="500" .value=${String(this.nEstimators)}
        @change=${(e: Event) => { this.nEstimators = Number((e.target as HTMLInputElement).value); void this.fit(); }} /></label>
      <label title="0 = off">early stopping<input type="number" min="0" max="500" .value=${String(this.earlyStopping)}
        @change=${(e: Event) => { this.earlyStopping = Number((e.target as HTMLInputElement).value); void this.fit(); }} /></label>
      <label class="slider">gamma <output>${xgb ? this.gamma : '– (xgb only)'}</output>
        <input type="range" data-setting="gamma" min="0" max=${this.gammaMax} step=${this.gammaMax / 100} .value=${String(this.gamma)} ?disabled=${!xgb}
          @input=${(e: Event) => this.onSlider('gamma', e)} /></label>
      <label class="slider">max depth <output>${this.maxDepth}</output>
        <input type="range" data-setting="maxDepth" min="1" max="8" step="1" .value=${String(this.maxDepth)} @input=${(e: Event) => this.onSlider('maxDepth', e)} /></label>
      <label class="slider">learning rate <output>${this.learningRate}</output>
        <input type="range" data-setting="learningRate" min="0.01" max="1" step="0.01" .value=${String(this.learningRate)} @input=${(e: Event) => this.onSlider('learningRate', e)} /></label>
    </div>`;
  }

  private status(): unknown {
    const c = this.controller;
    if (c?.crashed) {
      return html`<div class="status error" part="status" role="alert">${c.crashed}.
        ${this.report ? 'The results shown are from the last fit that finished.' : ''}
        <button data-action="retry" @click=${() => void this.fit()}>Restart and retry</button></div>`;
    }
    const error = this.inputError ?? c?.error;
    if (error) return html`<div class="status error" part="status" role="alert">${error}</div>`;
    const r = this.report;
    const text = c?.pending > 0
      ? 'Fitting…'
      : r
        ? `${r.algo} on ${r.dataset.name}: ${r.dataset.n} rows, ${r.dataset.numFeatures} features · train ${r.sizes.train}, validation ${r.sizes.val} · ${r.trainLoss.length} stages in ${r.fitMs.toFixed(0)} ms`
        : '';
    return html`<div class="status" part="status" aria-live="polite">${text}</div>`;
  }

  private score(s: BoostScore): string {
    return s.accuracy !== undefined ? `accuracy ${percent(s.accuracy)}` : `R² ${s.r2!.toFixed(3)} · MSE ${s.mse!.toPrecision(4)}`;
  }

  private truncation(r: BoostLabReport): unknown {
    const row = (name: string, s: BoostLabReport['truncation']['before']): unknown => html`<tr data-row=${name}>
      <td>${name}</td><td>${s.stages}</td><td>${s.trees}</td><td>${s.totalNodes}</td><td>${s.val.loss.toPrecision(4)}</td><td>${this.score(s.val)}</td><td>${s.predictMs.toFixed(2)}</td></tr>`;
    const p = r.pruning;
    return html`<table part="truncation">
        <thead><tr><th>ensemble</th><th>stages</th><th>trees</th><th>nodes</th><th>val loss</th><th>validation</th><th>predict ms</th></tr></thead>
        <tbody>${row('as fit', r.truncation.before)}${row('truncated', r.truncation.after)}</tbody>
      </table>
      <p class="note">Stage ${r.bestStages} picked by ${r.picked === 'early-stopping' ? 'early stopping (the fit stopped early)' : 'the validation curve (its minimum)'}.
        Post-pruning (${p.post.method ?? 'off'}) removed ${p.post.splitsRemoved} splits in ${p.post.treesCut} of ${p.trees} trees;
        pre-pruning stopped leaves by ${Object.entries(p.pre).map(([k, v]) => `${k} ${v}`).join(', ')}.</p>`;
  }

  private trees(r: BoostLabReport): unknown {
    if (r.trees.length === 0) return nothing;
    const names = r.dataset.featureNames;
    return html`<h3>The first stage trees${r.algo === 'xgb' ? ' (gamma-pruned splits greyed)' : ' (as kept: gbdt does not keep the grown tree)'}</h3>
      <div class="trees" part="trees">
        ${r.trees.map((t) => html`<figure>
          <figcaption>stage ${t.stage + 1}${t.cut ? ` · ${t.cut.reduce((a, c) => a + c, 0)} splits pruned` : ''}</figcaption>
          <prune-tree-diagram part="diagram" data-stage=${t.stage} .tree=${t.tree} .cut=${t.cut} .op=${t.op} .featureNames=${names}></prune-tree-diagram>
        </figure>`)}
      </div>`;
  }

  protected override render(): unknown {
    const r = this.report;
    return html`${this.controls()}${this.status()}
      ${r ? html`<div class="grid">
          <div>
            <h3>Loss per stage (${r.lossName})</h3>
            <prune-stage-chart part="chart" .trainLoss=${r.trainLoss} .valLoss=${r.valLoss} .bestStage=${r.bestStages} width="460" height="240"></prune-stage-chart>
          </div>
          <div>
            <h3>Ensemble pruning: truncation to the picked stage</h3>
            <div class="scroll" tabindex="0" role="region" aria-label="ensemble truncation table">${this.truncation(r)}</div>
          </div>
        </div>
        ${this.trees(r)}` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-boost-lab': PruneBoostLab;
  }
  interface HTMLElementEventMap {
    'prune-boost-complete': CustomEvent<BoostCompleteDetail>;
    'prune-boost-settings': CustomEvent<BoostSettingsDetail>;
  }
}
