// <prune-tree-lab>: the decision-tree pruning lab. Pick a dataset, set growth limits
// (pre-pruning) and a post-pruning method; the Worker grows and prunes, and the lab
// shows the pre-vs-post table, the tree with pruned branches greyed, an alpha slider
// that walks the cost-complexity path pruning live, accuracy against alpha, the
// decision regions of 2-D sets, and a random forest before and after ensemble pruning.
// With task="regression": regression sets (sine, step, friedman1, a CSV), MSE/R² in the
// table, MSE along the path, and the fitted function (1 feature) or a heat map (2).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { REGRESSION_SOURCES, type DatasetSpec, type DatasetSummary, type ForestReport, type LabConfig, type LabReport, type PrePruning, type RegressionDatasetSpec,
  type RegressionLabConfig, type RegressionLabReport, type RegressionSource, type RegressionSummary, type RowKind } from '../../worker/tree-api.js';
import { TreeLabController, type TreeWorkerFactory } from './tree-lab-controller.js';
import { percent } from '../theme.js';
import { emit, theme } from './theme.js';
import './alpha-chart.js';
import './decision-regions.js';
import './pruning-table.js';
import './regression-view.js';
import './tree-diagram.js';
import type { MethodSelectDetail } from './pruning-table.js';

export const DATASET_KINDS = ['moons', 'circles', 'xor', 'spiral', 'iris', 'mnist', 'csv'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];
export type ShownMethod = 'ccp' | 'rep' | 'pep' | 'none';
export const TASKS = ['classification', 'regression'] as const;
export type TreeTask = (typeof TASKS)[number];
const REGRESSION_CRITERIA = ['squared_error', 'friedman_mse', 'absolute_error'] as const;
type RegressionCriterion = (typeof REGRESSION_CRITERIA)[number];

export interface RunCompleteDetail {
  dataset: string;
  report: LabReport;
}

export interface RegressionCompleteDetail {
  dataset: string;
  report: RegressionLabReport;
}

export interface AlphaChangeDetail {
  /** Step of the pruning path and its effective alpha. */
  step: number;
  alpha: number;
  leaves: number;
}

const REGION_RES = 120;
/** Grid of the 1-D regression view: cells across the x range. */
const LINE_RES = 400;
const PRE_FIELDS: Array<{ key: keyof PrePruning; label: string; min: number; step: string; hint: string }> = [
  { key: 'maxDepth', label: 'max depth', min: 1, step: '1', hint: 'integer ≥ 1' },
  { key: 'minSamplesSplit', label: 'min samples split', min: 2, step: '1', hint: 'integer ≥ 2' },
  { key: 'minSamplesLeaf', label: 'min samples leaf', min: 1, step: '1', hint: 'integer ≥ 1' },
  { key: 'minImpurityDecrease', label: 'min impurity decrease', min: 0, step: 'any', hint: 'number ≥ 0' },
  { key: 'maxLeafNodes', label: 'max leaf nodes', min: 2, step: '1', hint: 'integer ≥ 2 (best-first)' },
];

/**
 * @fires prune-run-complete - CustomEvent<RunCompleteDetail> after every grow-and-prune run (classification).
 * @fires prune-regression-complete - CustomEvent<RegressionCompleteDetail> after every grow-and-prune run with task="regression".
 * @fires prune-alpha-change - CustomEvent<AlphaChangeDetail> when the alpha slider moves.
 * @csspart controls - the settings bar.
 * @csspart status - the busy / error line.
 * @csspart table - the pre-vs-post table element.
 * @csspart diagram - the tree diagram element.
 * @csspart chart - the accuracy-vs-alpha chart element.
 * @csspart regions - the decision-regions element (2-D sets).
 * @csspart fit - the regression view: the fitted function (1 feature) or the heat map (2 features).
 * @csspart forest - the ensemble section.
 * @cssprop --prune-bg - background.
 * @cssprop --prune-fg - text colour.
 * @cssprop --prune-accent - accents (slider, selected row, current alpha).
 * @cssprop --prune-border - borders.
 * @cssprop --prune-surface - panel background.
 */
@customElement('prune-tree-lab')
export class PruneTreeLab extends LitElement {
  static override styles = [
    theme,
    css`
      :host { display: block; background: var(--_bg); }
      .controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; background: var(--_surface); border: 1px solid var(--_border); border-radius: 8px; padding: 10px; }
      fieldset { border: 1px solid var(--_border); border-radius: 6px; padding: 6px 8px; margin: 0; display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; }
      legend { font-size: 12px; color: var(--_muted); padding: 0 4px; }
      label { display: flex; flex-direction: column; font-size: 12px; color: var(--_muted); gap: 2px; }
      input, select, button { font: inherit; color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border); border-radius: 4px; padding: 3px 6px; }
      input[type='number'] { width: 6.5em; }
      input.wide { width: 9em; }
      button { cursor: pointer; background: var(--_accent); color: var(--_on-accent); border-color: var(--_accent); padding: 4px 14px; }
      button[disabled] { opacity: 0.6; cursor: progress; }
      .status { min-height: 1.5em; margin: 6px 2px; color: var(--_muted); font-size: 13px; }
      .status.error { color: var(--_error); }
      .grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; margin-top: 8px; }
      @media (max-width: 900px) { .grid { grid-template-columns: minmax(0, 1fr); } }
      h3 { font-size: 14px; margin: 12px 0 6px; font-weight: 600; }
      .slider { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; margin: 6px 0; }
      .slider input { flex: 1 1 8em; accent-color: var(--_accent); }
      .slider output { font-variant-numeric: tabular-nums; min-width: min(16em, 100%); font-size: 13px; }
      .note { color: var(--_muted); font-size: 12px; margin: 4px 0; }
      .forest table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
      .forest th, .forest td { padding: 3px 10px; border-bottom: 1px solid var(--_border); text-align: right; }
      .forest th:first-child, .forest td:first-child { text-align: left; }
    `,
  ];

  /** Makes the Worker (tests and embedders may supply their own). */
  @property({ attribute: false }) workerFactory: TreeWorkerFactory | undefined = undefined;
  /** classification (class labels) or regression (a real target). */
  @property({ reflect: true }) task: TreeTask = 'classification';
  /** The dataset; absent = moons (classification) or sine (regression). */
  @property() source: DatasetKind | RegressionSource | undefined = undefined;

  @state() private samples = 300;
  @state() private noise = 0.3;
  @state() private seed = 0;
  @state() private csvText = '';
  @state() private csvName = '';
  @state() private csvTarget = '';
  @state() private criterion: 'gini' | 'entropy' = 'gini';
  @state() private rcriterion: RegressionCriterion = 'squared_error';
  @state() private rsummary: RegressionSummary | null = null;
  @state() private rreport: RegressionLabReport | null = null;
  @state() private rgrid: Float64Array | null = null;
  /** Noise of the regression sets; null = the set's default. */
  @state() private rnoise: number | null = null;
  /** The task of the results shown (the last run that finished), which the task attribute may have left. */
  @state() private shownTask: TreeTask = 'classification';
  @state() private pre: PrePruning = {};
  @state() private valFraction = 0.2;
  @state() private testFraction = 0.2;
  @state() private confidence = 0.25;
  @state() private method: ShownMethod = 'ccp';
  @state() private summary: DatasetSummary | null = null;
  @state() private report: LabReport | null = null;
  @state() private stepIndex = 0;
  @state() private grid: Uint8Array | null = null;
  @state() private forest: ForestReport | null = null;
  @state() private nTrees = 25;
  @state() private inputError: string | null = null;

  /** The Worker: calls in flight, the last error, and why it stopped if it failed. */
  controller!: TreeLabController;
  private regionsSeq = 0;

  override connectedCallback(): void {
    if (!this.controller) this.controller = new TreeLabController(this, this.workerFactory);
    super.connectedCallback();
  }

  protected override firstUpdated(): void {
    // After this first render settles, so the run's state changes start a fresh update.
    void this.updateComplete.then(() => this.loadAndRun());
  }

  /** The dataset shown: the source attribute, or the task's default. */
  private get src(): string {
    return this.source ?? (this.task === 'regression' ? 'sine' : 'moons');
  }

  private get regression(): boolean {
    return this.task === 'regression';
  }

  private checkTask(): boolean {
    if ((TASKS as readonly string[]).includes(this.task)) return true;
    this.inputError = `task must be one of ${TASKS.join(', ')} (got ${JSON.stringify(this.task)})`;
    return false;
  }

  private regressionSpec(): RegressionDatasetSpec | null {
    const k = this.src;
    if (!(REGRESSION_SOURCES as readonly string[]).includes(k)) {
      this.inputError = `source must be one of ${REGRESSION_SOURCES.join(', ')} for task regression (got ${JSON.stringify(k)})`;
      return null;
    }
    if (k === 'csv') {
      if (!this.csvText) {
        this.inputError = 'Choose a CSV file (with a header row) first.';
        return null;
      }
      return { kind: 'csv', text: this.csvText, target: this.csvTarget, name: this.csvName };
    }
    return { kind: k as 'sine' | 'step' | 'friedman1', n: this.samples, seed: this.seed, ...(this.rnoise === null ? {} : { noise: this.rnoise }) };
  }

  private regressionConfig(): RegressionLabConfig {
    return { criterion: this.rcriterion, pre: this.pre, valFraction: this.valFraction, testFraction: this.testFraction, seed: this.seed };
  }

  private spec(): DatasetSpec | null {
    // The attribute is free text: name it here rather than let the Worker refuse an unknown spec.kind.
    const src = this.src;
    if (!(DATASET_KINDS as readonly string[]).includes(src)) {
      this.inputError = `source must be one of ${DATASET_KINDS.join(', ')} (got ${JSON.stringify(src)})`;
      return null;
    }
    switch (src as DatasetKind) {
      case 'iris':
        return { kind: 'iris' };
      case 'mnist':
        return { kind: 'mnist', n: this.samples };
      case 'csv':
        if (!this.csvText) {
          this.inputError = 'Choose a CSV file (with a header row) first.';
          return null;
        }
        return { kind: 'csv', text: this.csvText, target: this.csvTarget, name: this.csvName };
      default:
        return { kind: src as 'moons', n: this.samples, noise: this.noise, seed: this.seed };
    }
  }

  private config(): LabConfig {
    return { criterion: this.criterion, pre: this.pre, valFraction: this.valFraction, testFraction: this.testFraction, seed: this.seed, confidence: this.confidence };
  }

  /**
   * Loads the chosen dataset in the Worker, then grows and prunes. The shown results
   * change only when both succeed; a failure leaves the last ones with its message.
   */
  async loadAndRun(): Promise<void> {
    // After the Worker failed, a fresh one (it has no dataset yet: this loads it).
    if (this.controller.crashed) this.controller.restart();
    this.inputError = null;
    if (!this.checkTask()) return;
    if (this.regression) return this.loadAndRunRegression();
    const spec = this.spec();
    if (!spec) return;
    const config = this.config();
    const out = await this.controller.run((api) => api.loadAndRun(spec, config));
    if (!out) return;
    this.summary = out.summary;
    this.rsummary = null;
    this.rreport = null;
    this.forest = null;
    this.grid = null;
    this.shows(out.report);
  }

  private async loadAndRunRegression(): Promise<void> {
    const spec = this.regressionSpec();
    if (!spec) return;
    const config = this.regressionConfig();
    const out = await this.controller.run((api) => api.loadAndRunRegression(spec, config));
    if (!out) return;
    this.rsummary = out.summary;
    this.summary = null;
    this.report = null;
    this.forest = null;
    this.rgrid = null;
    this.showsRegression(out.report);
  }

  private showsRegression(report: RegressionLabReport): void {
    this.rreport = report;
    this.shownTask = 'regression';
    if (this.method === 'pep') this.method = 'ccp';
    this.stepIndex = Math.max(0, report.curve.findIndex((p) => p.step === report.bestStep));
    emit<RegressionCompleteDetail>(this, 'prune-regression-complete', { dataset: this.rsummary!.name, report });
    void this.refreshRegions();
  }

  /** Grows and prunes on the loaded dataset with the current settings (the last results stay if it fails). */
  async runLab(): Promise<void> {
    if (!this.checkTask()) return;
    if (this.regression) {
      if (!this.rsummary || this.controller.crashed) return this.loadAndRun();
      this.inputError = null;
      const report = await this.controller.run((api) => api.runRegressionLab(this.regressionConfig()));
      if (report) this.showsRegression(report);
      return;
    }
    if (!this.summary || this.controller.crashed) return this.loadAndRun();
    this.inputError = null;
    const report = await this.controller.run((api) => api.runLab(this.config()));
    if (!report) return;
    this.shows(report);
  }

  /** After a failure: (a fresh Worker if it stopped, then) the dataset and the run again. */
  retry(): Promise<void> {
    return this.loadAndRun();
  }

  private shows(report: LabReport): void {
    this.report = report;
    this.shownTask = 'classification';
    this.stepIndex = Math.max(0, report.curve.findIndex((p) => p.step === report.bestStep));
    emit<RunCompleteDetail>(this, 'prune-run-complete', { dataset: this.summary!.name, report });
    void this.refreshRegions();
  }

  private async runForest(): Promise<void> {
    const forest = await this.controller.run((api) =>
      api.runForest({ nTrees: this.nTrees, pre: this.pre, criterion: this.criterion, valFraction: this.valFraction, testFraction: this.testFraction, seed: this.seed }));
    if (forest) this.forest = forest;
  }

  /** The cut of the method shown: CCP at the slider's step, REP, PEP, or none. */
  private currentCut(): Uint8Array | null {
    const r = this.shownTask === 'regression' ? this.rreport : this.report;
    if (!r || this.method === 'none') return null;
    if (this.method === 'rep') return r.cuts.rep;
    if (this.method === 'pep') return 'pep' in r.cuts ? r.cuts.pep : null;
    const step = r.curve[this.stepIndex]?.step ?? 0;
    const cut = new Uint8Array(r.tree.nodeCount);
    for (let s = 1; s <= step; s++) cut[r.path.prunedNodes[s]!] = 1;
    return cut;
  }

  private async refreshRegions(): Promise<void> {
    if (this.shownTask === 'regression') {
      const pts = this.rsummary?.points;
      if (!pts || !this.rreport) return;
      const seq = ++this.regionsSeq;
      const cut = this.currentCut();
      const grid = await this.controller.run((api) => api.regressionGrid(cut, pts.x.length === pts.y.length ? LINE_RES : REGION_RES));
      if (grid && seq === this.regionsSeq) this.rgrid = grid;
      return;
    }
    if (!this.summary?.points || !this.report) return;
    const seq = ++this.regionsSeq;
    const cut = this.currentCut();
    const grid = await this.controller.run((api) => api.regions(cut, REGION_RES));
    if (grid && seq === this.regionsSeq) this.grid = grid;
  }

  private onSlide(e: Event): void {
    const r = this.shownTask === 'regression' ? this.rreport : this.report;
    if (!r) return;
    this.stepIndex = Number((e.target as HTMLInputElement).value);
    this.method = 'ccp';
    const p = r.curve[this.stepIndex]!;
    emit<AlphaChangeDetail>(this, 'prune-alpha-change', { step: p.step, alpha: p.alpha, leaves: p.leaves });
    void this.refreshRegions();
  }

  private setMethod(m: ShownMethod): void {
    this.method = m;
    void this.refreshRegions();
  }

  private onPre(key: keyof PrePruning, raw: string, min: number, integer: boolean): void {
    const next = { ...this.pre };
    if (raw.trim() === '') delete next[key];
    else {
      const v = Number(raw);
      if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
        this.inputError = `${key} must be ${integer ? 'an integer' : 'a number'} ≥ ${min} (or empty for no limit); got ${raw}`;
        return;
      }
      next[key] = v;
    }
    this.inputError = null;
    this.pre = next;
  }

  private async onFile(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    this.csvText = await file.text();
    this.csvName = file.name;
    // Default target: the last header name (the worker's CSV parser validates it properly).
    const header = this.csvText.split(/\r?\n/, 1)[0] ?? '';
    this.csvTarget = header.split(',').pop()?.trim().replace(/^"|"$/g, '') ?? '';
  }

  private datasetControls(): unknown {
    const k = this.src;
    const reg = this.regression;
    const synthetic = k === 'moons' || k === 'circles' || k === 'xor' || k === 'spiral' || (reg && k !== 'csv');
    const kinds: readonly string[] = reg ? REGRESSION_SOURCES : DATASET_KINDS;
    return html`<fieldset>
      <legend>dataset${reg ? ' (regression)' : ''}</legend>
      <label>data
        <select @change=${(e: Event) => { this.source = (e.target as HTMLSelectElement).value as DatasetKind; this.samples = this.source === 'mnist' ? 2000 : 300; }}>
          ${kinds.map((d) => html`<option value=${d} ?selected=${d === k}>${d === 'mnist' ? 'MNIST pixels' : d === 'csv' ? 'CSV file…' : d}</option>`)}
        </select>
      </label>
      ${synthetic || k === 'mnist' ? html`<label>rows<input type="number" min=${synthetic ? 4 : 1} max=${k === 'mnist' ? 10000 : 100000} .value=${String(this.samples)}
          @change=${(e: Event) => (this.samples = Number((e.target as HTMLInputElement).value))} /></label>` : nothing}
      ${synthetic && !reg ? html`<label>noise<input type="number" min="0" step="0.05" .value=${String(this.noise)}
          @change=${(e: Event) => (this.noise = Number((e.target as HTMLInputElement).value))} /></label>` : nothing}
      ${synthetic && reg ? html`<label title="empty = the set's default">noise<input type="number" min="0" step="0.05" .value=${this.rnoise === null ? '' : String(this.rnoise)}
          @change=${(e: Event) => { const v = (e.target as HTMLInputElement).value; this.rnoise = v.trim() === '' ? null : Number(v); }} /></label>` : nothing}
      ${k === 'csv' ? html`<label>file<input type="file" accept=".csv,text/csv" @change=${(e: Event) => void this.onFile(e)} /></label>
          <label>target column<input class="wide" .value=${this.csvTarget} @change=${(e: Event) => (this.csvTarget = (e.target as HTMLInputElement).value)} /></label>` : nothing}
      <label>seed<input type="number" min="0" step="1" .value=${String(this.seed)} @change=${(e: Event) => (this.seed = Number((e.target as HTMLInputElement).value))} /></label>
      <button ?disabled=${this.controller?.pending > 0} @click=${() => void this.loadAndRun()}>Load</button>
    </fieldset>`;
  }

  private pruningControls(): unknown {
    return html`<fieldset>
        <legend>pre-pruning (empty = no limit)</legend>
        ${this.regression
          ? html`<label>criterion
              <select @change=${(e: Event) => (this.rcriterion = (e.target as HTMLSelectElement).value as RegressionCriterion)}>
                ${REGRESSION_CRITERIA.map((c) => html`<option value=${c} ?selected=${this.rcriterion === c}>${c}</option>`)}
              </select>
            </label>`
          : html`<label>criterion
              <select @change=${(e: Event) => (this.criterion = (e.target as HTMLSelectElement).value as 'gini' | 'entropy')}>
                <option value="gini" ?selected=${this.criterion === 'gini'}>gini</option>
                <option value="entropy" ?selected=${this.criterion === 'entropy'}>entropy</option>
              </select>
            </label>`}
        ${PRE_FIELDS.map((f) => html`<label title=${f.hint}>${f.label}<input type="number" min=${f.min} step=${f.step}
            .value=${this.pre[f.key] === undefined || this.pre[f.key] === null ? '' : String(this.pre[f.key])}
            @change=${(e: Event) => this.onPre(f.key, (e.target as HTMLInputElement).value, f.min, f.step === '1')} /></label>`)}
      </fieldset>
      <fieldset>
        <legend>post-pruning</legend>
        <label>show
          <select @change=${(e: Event) => this.setMethod((e.target as HTMLSelectElement).value as ShownMethod)}>
            <option value="ccp" ?selected=${this.method === 'ccp'}>cost-complexity (slider)</option>
            <option value="rep" ?selected=${this.method === 'rep'}>reduced-error</option>
            ${this.regression ? nothing : html`<option value="pep" ?selected=${this.method === 'pep'}>pessimistic (C4.5)</option>`}
            <option value="none" ?selected=${this.method === 'none'}>none</option>
          </select>
        </label>
        ${this.regression ? nothing : html`<label title="C4.5 confidence factor: smaller prunes more">PEP CF<input type="number" min="0.001" max="0.5" step="0.05" .value=${String(this.confidence)}
          @change=${(e: Event) => (this.confidence = Number((e.target as HTMLInputElement).value))} /></label>`}
        <label>val fraction<input type="number" min="0.05" max="0.6" step="0.05" .value=${String(this.valFraction)}
          @change=${(e: Event) => (this.valFraction = Number((e.target as HTMLInputElement).value))} /></label>
        <label>test fraction<input type="number" min="0" max="0.6" step="0.05" .value=${String(this.testFraction)}
          @change=${(e: Event) => (this.testFraction = Number((e.target as HTMLInputElement).value))} /></label>
        <button ?disabled=${this.controller?.pending > 0} @click=${() => void this.runLab()}>Grow &amp; prune</button>
      </fieldset>`;
  }

  private status(): unknown {
    const c = this.controller;
    if (c?.crashed) {
      return html`<div class="status error" part="status" role="alert">${c.crashed}.
        ${this.report ? 'The results shown are from the last run that finished.' : ''}
        <button data-action="retry" @click=${() => void this.retry()}>Restart and retry</button></div>`;
    }
    const error = this.inputError ?? c?.error;
    if (error) return html`<div class="status error" part="status" role="alert">${error}</div>`;
    const s = this.summary;
    const r = this.report;
    const rs = this.rsummary;
    const rr = this.rreport;
    const text = c?.pending > 0
      ? 'Working…'
      : this.shownTask === 'regression' && rs && rr
        ? `${rs.name}: ${rs.n} rows, ${rs.numFeatures} features, target ${rs.targetName} (regression) · train ${rr.sizes.train}, validation ${rr.sizes.val}, test ${rr.sizes.test} (seed ${this.seed})`
      : s && r
        ? `${s.name}: ${s.n} rows, ${s.numFeatures} features, ${s.numClasses} classes · train ${r.sizes.train}, validation ${r.sizes.val}, test ${r.sizes.test} (seed ${this.seed})`
        : '';
    return html`<div class="status" part="status" aria-live="polite">${text}</div>`;
  }

  private forestSection(): unknown {
    const f = this.forest;
    const row = (name: string, s: ForestReport['before']): unknown => html`<tr>
      <td>${name}</td><td>${s.trees}</td><td>${s.totalNodes}</td><td>${percent(s.valAccuracy)}</td>
      <td>${s.testAccuracy === null ? '–' : percent(s.testAccuracy)}</td><td>${s.predictMs.toFixed(2)}</td></tr>`;
    return html`<section class="forest" part="forest">
      <h3>Ensembles: a random forest, then greedy ensemble pruning</h3>
      <p class="note">Same CART and pre-pruning; bootstrap rows and ⌊√features⌋ features per split (seeded). Trees are dropped one
        at a time while validation accuracy does not fall.</p>
      <label>trees<input type="number" min="1" max="200" .value=${String(this.nTrees)} @change=${(e: Event) => (this.nTrees = Number((e.target as HTMLInputElement).value))} /></label>
      <button ?disabled=${this.controller?.pending > 0 || !this.summary} @click=${() => void this.runForest()}>Grow forest &amp; prune</button>
      ${f ? html`<table>
          <thead><tr><th></th><th>trees</th><th>total nodes</th><th>val acc</th><th>test acc</th><th>predict ms</th></tr></thead>
          <tbody>${row('before', f.before)}${row('after', f.after)}</tbody>
        </table>
        <p class="note">kept trees ${f.kept.join(', ')} · forest grown in ${f.fitMs.toFixed(0)} ms</p>` : nothing}
    </section>`;
  }

  private renderRegression(): unknown {
    const r = this.rreport;
    const s = this.rsummary;
    if (!r || !s) return nothing;
    const cut = this.currentCut();
    const point = r.curve[this.stepIndex];
    const shown = this.method === 'none' ? 'unpruned' : this.method;
    const res = s.points ? (s.points.x.length === s.points.y.length ? LINE_RES : REGION_RES) : 0;
    return html`
      <prune-pruning-table part="table" .rows=${r.rows} .selected=${shown}
        @prune-method-select=${(e: CustomEvent<MethodSelectDetail>) => this.setMethod(e.detail.kind as ShownMethod)}></prune-pruning-table>
      <div class="grid">
        <div>
          <h3>Regression tree (${r.rows.some((x) => x.kind === 'pre') ? 'pre-pruned' : 'fully grown'}; pruned branches greyed)</h3>
          <div class="slider">
            <input type="range" min="0" max=${r.curve.length - 1} .value=${String(this.stepIndex)} @input=${(e: Event) => this.onSlide(e)}
              aria-label="position on the cost-complexity pruning path" />
            <output>${point ? `α = ${point.alpha.toPrecision(3)} · ${point.leaves} leaves${point.step === r.bestStep ? ' (best on validation)' : ''}` : ''}</output>
          </div>
          <prune-tree-diagram part="diagram" .tree=${r.tree} .cut=${cut} .featureNames=${s.featureNames}></prune-tree-diagram>
        </div>
        <div>
          <h3>MSE along the pruning path</h3>
          <prune-alpha-chart part="chart" metric="mse" .curve=${r.curve} .alpha=${this.method === 'ccp' ? point?.alpha ?? null : null} .bestAlpha=${r.bestAlpha} width="440" height="230"></prune-alpha-chart>
          ${s.points ? html`<h3>${s.numFeatures === 1 ? 'Data and the fitted function' : 'Predicted value (heat map)'} (${this.method === 'none' ? 'unpruned' : this.method.toUpperCase()})</h3>
            <prune-regression-view part="fit" .points=${s.points} .values=${this.rgrid} .res=${this.rgrid ? res : 0} size="360"></prune-regression-view>` : nothing}
        </div>
      </div>`;
  }

  protected override render(): unknown {
    if (this.shownTask === 'regression') {
      return html`<div class="controls" part="controls">${this.datasetControls()}${this.pruningControls()}</div>${this.status()}${this.renderRegression()}`;
    }
    const r = this.report;
    const s = this.summary;
    const cut = this.currentCut();
    const point = r?.curve[this.stepIndex];
    const shown: RowKind | null = this.method === 'none' ? 'unpruned' : this.method;
    return html`
      <div class="controls" part="controls">${this.datasetControls()}${this.pruningControls()}</div>
      ${this.status()}
      ${r && s ? html`
        <prune-pruning-table part="table" .rows=${r.rows} .selected=${shown}
          @prune-method-select=${(e: CustomEvent<MethodSelectDetail>) => this.setMethod(e.detail.kind as ShownMethod)}></prune-pruning-table>
        <div class="grid">
          <div>
            <h3>Tree (${r.rows.some((x) => x.kind === 'pre') ? 'pre-pruned' : 'fully grown'}; pruned branches greyed)</h3>
            <div class="slider">
              <input type="range" min="0" max=${r.curve.length - 1} .value=${String(this.stepIndex)} @input=${(e: Event) => this.onSlide(e)}
                aria-label="position on the cost-complexity pruning path" />
              <output>${point ? `α = ${point.alpha.toPrecision(3)} · ${point.leaves} leaves${point.step === r.bestStep ? ' (best on validation)' : ''}` : ''}</output>
            </div>
            <prune-tree-diagram part="diagram" .tree=${r.tree} .cut=${cut} .featureNames=${s.featureNames} .classNames=${s.classNames}></prune-tree-diagram>
          </div>
          <div>
            <h3>Accuracy along the pruning path</h3>
            <prune-alpha-chart part="chart" .curve=${r.curve} .alpha=${this.method === 'ccp' ? point?.alpha ?? null : null} .bestAlpha=${r.bestAlpha} width="440" height="230"></prune-alpha-chart>
            ${s.points ? html`<h3>Decision regions (${this.method === 'none' ? 'unpruned' : this.method.toUpperCase()})</h3>
              <prune-decision-regions part="regions" .grid=${this.grid} .res=${REGION_RES} .points=${s.points} size="320"></prune-decision-regions>` : nothing}
          </div>
        </div>
        ${this.forestSection()}` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-tree-lab': PruneTreeLab;
  }
  interface HTMLElementEventMap {
    'prune-run-complete': CustomEvent<RunCompleteDetail>;
    'prune-regression-complete': CustomEvent<RegressionCompleteDetail>;
    'prune-alpha-change': CustomEvent<AlphaChangeDetail>;
  }
}
