// <prune-criteria-sweep>: "which criterion wins?" on one trained model. It asks the
// lab Worker for a sweep (LabApi.sweep: the baseline trained once, then every
// criterion from its weights through the engine's runner) and overlays the curves
// on one sparsity chart: one-shot with no fine-tuning (solid), iterative with
// fine-tuning (dashed), and the N:M points (marks), one colour per criterion.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { PruneLabError, type ErrorCode } from '../../errors.js';
import type { ExperimentConfig, LabFailure, RoundEntry, SweepCurve, SweepEvent, SweepOptions, SweepSkip } from '../../worker/api.js';
import { WEIGHT_CRITERIA } from '../../worker/api.js';
import { emit, percent, theme } from '../theme.js';
import type { SparsityCurve } from '../sparsity-chart.js';
import '../sparsity-chart.js';
import { LabController, defaultLabWorker, type LabWorkerFactory } from './lab-controller.js';
import { parseNm } from './lab-config.js';
import { labStyles } from './lab-styles.js';
import { adapterLine } from '../adapter-line.js';

/** What a sweep gave: the baseline, the curves and what was left out. */
export interface SweepResultDetail {
  baseline: RoundEntry;
  curves: SweepCurve[];
  skipped: SweepSkip[];
}

const MODE_LABEL: Record<SweepCurve['mode'], string> = { oneshot: 'one-shot', iterative: 'iterative, fine-tuned', nm: 'N:M' };
const MODE_STYLE = { oneshot: 'solid', iterative: 'dashed', nm: 'points' } as const;

/** "a b, c" → ['a', 'b', 'c']. */
const words = (v: string): string[] => v.split(/[\s,]+/).filter(Boolean);

/** The chart's curves: colour by criterion (its place in `criteria`), style by mode, the baseline ringed on the first. */
export function sweepCurves(curves: readonly SweepCurve[], criteria: readonly string[], baseline: RoundEntry | null): SparsityCurve[] {
  const order = (c: SweepCurve): number => criteria.indexOf(c.criterion) * 3 + Object.keys(MODE_STYLE).indexOf(c.mode);
  return [...curves].sort((a, b) => order(a) - order(b)).map((c, i) => ({
    label: `${c.criterion} · ${MODE_LABEL[c.mode]}`,
    color: Math.max(0, criteria.indexOf(c.criterion)),
    style: MODE_STYLE[c.mode],
    points: c.points.map((p) => [p.sparsity, p.accuracy] as [number, number]),
    ...(i === 0 && baseline ? { baseline: [baseline.sparsity, baseline.accuracy] as [number, number] } : {}),
  }));
}

/**
 * Compares pruning criteria on one model trained once in the lab Worker.
 *
 * @fires sweep-complete - CustomEvent<SweepResultDetail>: the sweep finished.
 * @fires run-error - CustomEvent<{ code, message, field? }>: it was refused, stopped or lost its GPU.
 * @csspart controls - the settings bar.
 * @csspart error - the message for an invalid setting or a failed sweep.
 * @csspart progress - the progress line.
 * @csspart chart - the accuracy-against-sparsity chart.
 * @csspart table - the table of the points.
 */
@customElement('prune-criteria-sweep')
export class PruneCriteriaSweep extends LitElement {
  static override styles = [theme, labStyles];

  /** 'lenet-300-100' or 'lenet-5'. */
  @property() model = 'lenet-300-100';
  /** Training images of the baseline (a seeded draw). */
  @property({ attribute: 'train-samples', type: Number }) trainSamples = 2000;
  @property({ attribute: 'validation-samples', type: Number }) validationSamples = 500;
  /** Test images every point is measured on. */
  @property({ attribute: 'test-samples', type: Number }) testSamples = 1000;
  /** Baseline training epochs. */
  @property({ type: Number }) epochs = 2;
  @property({ attribute: 'batch-size', type: Number }) batchSize = 64;
  @property({ type: Number }) seed = 1;
  /** Weight criteria to compare (space- or comma-separated; default all of them). */
  @property() criteria: string = WEIGHT_CRITERIA.join(' ');
  /** One-shot sparsities, ascending (space- or comma-separated). */
  @property() sparsities = '0.5 0.7 0.8 0.9 0.95';
  /** Iterative curve: rounds up to `iterative-target` (0: no iterative curve), each followed by `finetune-epochs`. */
  @property({ type: Number }) rounds = 3;
  @property({ attribute: 'iterative-target', type: Number }) iterativeTarget = 0.95;
  @property({ attribute: 'finetune-epochs', type: Number }) finetuneEpochs = 1;
  /** N:M patterns (space- or comma-separated; empty: none). */
  @property() nm = '2:4 4:8 1:4';
  /** Folder of the IDX files; default: data/mnist/ beside the library. */
  @property({ attribute: 'data-url' }) dataUrl: string | null = null;
  /** URL of the lab Worker script; default: the one beside this module. */
  @property({ attribute: 'worker-url' }) workerUrl: string | null = null;
  /** Makes the Worker (tests and embedders may supply their own); overrides worker-url. */
  @property({ attribute: false }) workerFactory: LabWorkerFactory | null = null;

  readonly controller: LabController = new LabController(this, () => this.workerFactory ?? this.workerFromUrl());

  @state() private baseline: RoundEntry | null = null;
  @state() private found: SweepCurve[] = [];
  @state() private skips: SweepSkip[] = [];
  @state() private progress: { done: number; total: number; label: string } | null = null;
  @state() private failure: LabFailure | null = null;
  private running: Promise<SweepResultDetail> | null = null;

  private workerFromUrl(): LabWorkerFactory {
    const url = this.workerUrl;
    if (!url) return defaultLabWorker;
    return () => new Worker(new URL(url, document.baseURI), { type: 'module', name: 'prune-lab' });
  }

  /** The curves so far (or of the last sweep), as the Worker sent them. */
  get curves(): SweepCurve[] {
    return [...this.found];
  }

  /** Criteria and modes left out, with why. */
  get skipped(): SweepSkip[] {
    return [...this.skips];
  }

  /** The sweep the settings describe, or the first setting that is not well-formed (the Worker checks the rest). */
  get options(): { ok: true; options: SweepOptions } | { ok: false; error: LabFailure } {
    const bad = (field: string, expected: string, got: unknown): { ok: false; error: LabFailure } =>
      ({ ok: false, error: { code: 'invalid-argument', field, message: `${field} must be ${expected} (got ${JSON.stringify(got)})` } });
    const sparsities = words(this.sparsities).map(Number);
    if (sparsities.some((s) => Number.isNaN(s))) return bad('sparsities', 'a list of numbers', this.sparsities);
    const nm = words(this.nm).map(parseNm);
    if (nm.some((p) => p === null)) return bad('nm', 'a list of N:M patterns (2:4 4:8 …)', this.nm);
    const config: ExperimentConfig = {
      model: this.model,
      dataset: { name: 'mnist' },
      train: { epochs: this.epochs, batchSize: this.batchSize, optimizer: { type: 'adam', lr: 0.001 } },
      prune: { schedule: 'oneshot', targetSparsity: 0, rounds: 1, finetuneEpochs: 0 },
      seed: this.seed,
      subsets: { train: this.trainSamples, validation: this.validationSamples, test: this.testSamples },
    };
    return {
      ok: true,
      options: {
        config,
        dataUrl: this.resolvedDataUrl,
        criteria: words(this.criteria),
        sparsities,
        iterative: this.rounds > 0 ? { targetSparsity: this.iterativeTarget, rounds: this.rounds, finetuneEpochs: this.finetuneEpochs } : null,
        nm: nm as Array<{ n: number; m: number }>,
      },
    };
  }

  get resolvedDataUrl(): string {
    const base = this.dataUrl ? new URL(this.dataUrl, document.baseURI) : new URL(/* @vite-ignore */ '../data/mnist/', import.meta.url);
    const s = base.href;
    return s.endsWith('/') ? s : `${s}/`;
  }

  /** Trains the baseline and runs every criterion; resolves with the result, rejects with a PruneLabError (after run-error). */
  run(): Promise<SweepResultDetail> {
    if (this.running) return Promise.reject(new PruneLabError('invalid-argument', 'a sweep is already in progress: stop it first', 'run'));
    const p = this.runOnce().finally(() => (this.running = null));
    this.running = p;
    return p;
  }

  /** Stops the sweep at the next step boundary (run() then rejects with code 'aborted'). */
  stop(): void {
    this.controller.abort();
  }

  private fail(error: LabFailure): PruneLabError {
    this.failure = error;
    emit(this, 'run-error', { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
    return new PruneLabError(error.code as ErrorCode, error.message, error.field);
  }

  private async runOnce(): Promise<SweepResultDetail> {
    await this.controller.whenReady();
    if (this.controller.deviceError) throw this.fail(this.controller.deviceError);
    const o = this.options;
    if (!o.ok) throw this.fail(o.error);
    this.failure = null;
    this.baseline = null;
    this.found = [];
    this.skips = [];
    this.progress = null;
    const out = await this.controller.sweep(o.options, (e: SweepEvent) => this.onEvent(e));
    if (out.kind !== 'done') throw this.fail(out.error);
    this.baseline = out.baseline;
    this.found = out.curves;
    this.skips = out.skipped;
    const detail = { baseline: out.baseline, curves: out.curves, skipped: out.skipped };
    emit<SweepResultDetail>(this, 'sweep-complete', detail);
    return detail;
  }

  private onEvent(e: SweepEvent): void {
    if (e.type === 'progress') this.progress = { done: e.done, total: e.total, label: e.label };
    else if (e.type === 'baseline') this.baseline = e.entry;
    else if (e.type === 'skipped') this.skips = [...this.skips, e];
    else this.found = [...this.found.filter((c) => c.criterion !== e.curve.criterion || c.mode !== e.curve.mode), e.curve];
  }

  private field(label: string, key: 'trainSamples' | 'testSamples' | 'epochs' | 'rounds' | 'finetuneEpochs' | 'sparsities' | 'criteria' | 'nm', attr: string): unknown {
    const v = this[key];
    const numeric = typeof v === 'number';
    return html`<label data-control=${attr}>${label}<input name=${attr} type=${numeric ? 'number' : 'text'} .value=${String(v)} ?disabled=${this.controller.running}
      @change=${(e: Event) => {
        const raw = (e.target as HTMLInputElement).value;
        (this as unknown as Record<string, unknown>)[key] = numeric ? Number(raw) : raw;
      }} /></label>`;
  }

  private table(): unknown {
    const oneshot = this.found.filter((c) => c.mode === 'oneshot');
    if (!this.baseline && this.found.length === 0) return nothing;
    const xs = [...new Set(oneshot.flatMap((c) => c.points.map((p) => p.sparsity.toFixed(3))))].sort();
    const pts = (c: SweepCurve | undefined): string => (c ? c.points.map((p) => `${p.nm ?? percent(p.sparsity, 0)}: ${percent(p.accuracy, 1)}`).join(', ') : '–');
    return html`<table class="paths" part="table">
      <caption>test accuracy${this.baseline ? ` · dense baseline ${percent(this.baseline.accuracy, 2)}` : ''}</caption>
      <thead><tr><th>criterion</th>${xs.map((x) => html`<th>${percent(Number(x), 0)}</th>`)}<th>iterative, fine-tuned</th><th>N:M</th></tr></thead>
      <tbody>${words(this.criteria).map((name) => {
        const o = oneshot.find((c) => c.criterion === name);
        return html`<tr data-criterion=${name}><td>${name}</td>
          ${xs.map((x) => html`<td>${(() => {
            const p = o?.points.find((q) => q.sparsity.toFixed(3) === x);
            return p ? percent(p.accuracy, 1) : '–';
          })()}</td>`)}
          <td>${pts(this.found.find((c) => c.criterion === name && c.mode === 'iterative'))}</td>
          <td>${pts(this.found.find((c) => c.criterion === name && c.mode === 'nm'))}</td></tr>`;
      })}</tbody>
    </table>`;
  }

  protected override render(): unknown {
    const c = this.controller;
    const p = this.progress;
    const error = c.deviceError ?? this.failure;
    return html`
      <div class="controls" part="controls"><fieldset><legend>which criterion wins?</legend>
        ${this.field('train samples', 'trainSamples', 'train-samples')}${this.field('test samples', 'testSamples', 'test-samples')}
        ${this.field('epochs', 'epochs', 'epochs')}${this.field('criteria', 'criteria', 'criteria')}${this.field('one-shot sparsities', 'sparsities', 'sparsities')}
        ${this.field('iterative rounds', 'rounds', 'rounds')}${this.field('fine-tune epochs', 'finetuneEpochs', 'finetune-epochs')}${this.field('N:M', 'nm', 'nm')}
      </fieldset>
      <div class="run" part="run">
        <button class="primary" data-action="run" ?disabled=${c.running || c.deviceError !== null || c.adapter === null} @click=${() => void this.run().catch(() => {})}>Run</button>
        <button data-action="stop" ?disabled=${!c.running} @click=${() => this.stop()}>Stop</button>
      </div></div>
      ${error ? html`<p class="error" part="error" role="alert">${error.message}</p>` : nothing}
      <div class="progress" part="progress">${p ? html`<progress max=${p.total} .value=${p.done}></progress><span aria-live="polite">${p.done}/${p.total} runs · ${p.label}</span>` : html`<span>${c.adapter ? adapterLine(c.adapter) : 'Starting the GPU worker…'}</span>`}</div>
      <section class="view" part="chart"><h3>Accuracy against sparsity <small>solid: one-shot, no fine-tuning · dashed: iterative, fine-tuned · marks: N:M</small></h3>
        <prune-sparsity-chart .curves=${sweepCurves(this.found, words(this.criteria), this.baseline)} width="720" height="360"></prune-sparsity-chart>
      </section>
      ${this.table()}
      ${this.skips.length ? html`<ul class="skipped" data-skipped>${this.skips.map((s) => html`<li data-criterion=${s.criterion} data-stage=${s.stage}>${s.criterion} · ${s.nm ?? MODE_LABEL[s.mode]} left out (${s.stage}): ${s.error.message}</li>`)}</ul>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-criteria-sweep': PruneCriteriaSweep;
  }
  interface HTMLElementEventMap {
    'sweep-complete': CustomEvent<SweepResultDetail>;
  }
}
