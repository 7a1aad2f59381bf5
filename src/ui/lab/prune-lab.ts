// <prune-lab>: the whole pruning lab in one element. Every control is an attribute
// and a property, checked by the engine's own config validation (in the Worker)
// with a visible message; a run streams progress, rounds, fc1's weights and each
// inference path's latency from the Worker into the views; finished runs live in
// IndexedDB, are overlaid on the sparsity chart, and go out and in as JSON / CSV.
// The user's own model (.onnx, or model-url) and data (CSV) come in through
// <prune-model-io>, which also hands the final model back as ONNX (model-io.ts).
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { PruneLabError, type ErrorCode } from '../../errors.js';
import type { ExperimentConfig, LabEvent, LabFailure, LabProgress, LatencyPoint, LayerSnapshot, Prediction, Report, RoundEntry } from '../../worker/api.js';
import { layerSize } from '../../metrics/size.js';
import { emit, percent, theme } from '../theme.js';
import type { ModelSizes } from '../types.js';
import { formatBytes } from '../size-view.js';
import { axesLabel } from '../prune-axes.js';
import type { DigitInputDetail } from '../digit-pad.js';
import type { RoundMark, TrainingPoint } from '../training-chart.js';
import '../training-chart.js';
import { runLabels } from '../sparsity-chart.js';
import '../latency-chart.js';
import '../layer-sparsity.js';
import '../mask-view.js';
import '../confusion-matrix.js';
import '../metrics-table.js';
import '../size-view.js';
import '../digit-pad.js';
import { LabController, defaultLabWorker, type LabWorkerFactory } from './lab-controller.js';
import { CONTROLS, DEFAULTS, VIEWS, buildConfig, controlOf, criterionOptions, parseViews, type ControlSpec, type LabControls, type LabView } from './lab-config.js';
import { decodeHash, encodeHash } from './hash-state.js';
import { DB_NAME, RunStore, holdRunLock, type RunRecord, type RunState } from './run-store.js';
import { download, reportFileName, reportJson } from './report-io.js';
import { labStyles } from './lab-styles.js';
import { adapterLine } from '../adapter-line.js';
import { latencyNote } from '../latency-note.js';
import { ModelIo, type ModelIoChange } from './model-io.js';
import './model-io.js';
import { referenceStyles, type ReproductionLoadDetail } from '../reproductions/reproductions.js';
import '../reproductions/reproductions.js';
import { REFERENCE_RUNS } from '../reproductions/manifest.js';
import { duration as fmtDuration, fetchReport, referenceCurve } from '../reproductions/figures.js';

/** Detail of `run-error`. */
export interface RunErrorDetail {
  code: string;
  message: string;
  /** The config field or attribute at fault, when there is one. */
  field?: string;
}

// Attribute converters. As with native elements, a removed attribute means the
// default; '' means null for the numbers that may be empty (all the data, no rewind).
// A number that does not parse becomes NaN, which the lab reports by the attribute's name.
const text = (def: string) => ({ fromAttribute: (v: string | null): string => v ?? def, toAttribute: (v: string): string => v });
const num = (def: number) => ({
  fromAttribute: (v: string | null): number => (v === null ? def : v.trim() === '' ? NaN : Number(v)),
  toAttribute: (v: number): string => String(v),
});
/** A choice that may be unset: absent or '' is null (the engine's default), and null removes the attribute. */
const nullableText = {
  fromAttribute: (v: string | null): string | null => (v === null || v === '' ? null : v),
  toAttribute: (v: string | null): string | null => v,
};
const nullableNum = (def: number | null) => ({
  fromAttribute: (v: string | null): number | null => (v === null ? def : v.trim() === '' ? null : Number(v)),
  toAttribute: (v: number | null): string => (v === null ? '' : String(v)),
});

/** The controls that show the engine's normalized axes once the settings are checked. */
const AXES: ReadonlyArray<keyof LabControls> = ['granularity', 'criterion', 'scope', 'when'];
const GRANULARITY = CONTROLS.find((c) => c.key === 'granularity')!;
const WHEN_CONTROL = CONTROLS.find((c) => c.key === 'when')!;

/** Keys of the URL hash besides the controls. */
const HASH_EXTRA = ['latency-frames'] as const;
const LATENCY_FRAMES = 200;
const MAX_LAYER_SNAPSHOTS = 12;
/** The live curve redraws at most this often (each redraw is a whole uPlot draw on the main thread). */
const CURVE_EVERY_MS = 500;

/** Model size three ways from a round entry's per-layer counts (weights in×out or F×C×k×k). */
export function entrySizes(e: RoundEntry): ModelSizes {
  const sizes = e.layers.map((l) => {
    const rows = l.kind === 'conv2d' ? l.shape[0]! : l.shape[1] ?? 1;
    return layerSize(l.name, rows, l.params / Math.max(1, rows), l.nonzero, l.biases);
  });
  return {
    denseF32: sizes.reduce((t, s) => t + s.denseF32, 0),
    sparse: sizes.reduce((t, s) => t + s.sparse, 0),
    sparseInt8: sizes.reduce((t, s) => t + s.sparseInt8, 0),
  };
}

/**
 * How far a run got, in its schedule's unit: rounds for one-shot and iterative runs
 * (one report entry each), fine-tune epochs for gradual ones (one entry per epoch;
 * the `rounds` mask updates happen inside those epochs).
 */
export function runProgress(r: Pick<Report, 'config' | 'rounds'>): { done: number; total: number; unit: 'round' | 'epoch'; text: string } {
  const p = r.config.prune;
  const done = r.rounds.length;
  if (p.schedule === 'gradual') {
    const total = p.finetuneEpochs;
    return { done, total, unit: 'epoch', text: `${done}/${total} epoch${total === 1 ? '' : 's'} (${p.rounds} mask update${p.rounds === 1 ? '' : 's'})` };
  }
  const total = p.schedule === 'oneshot' ? 1 : p.rounds;
  return { done, total, unit: 'round', text: `${done}/${total} round${total === 1 ? '' : 's'}` };
}

/**
 * The pruning lab: configure, run, pause and stop an experiment in a Web Worker, and
 * watch it in live charts; compare runs stored in IndexedDB.
 *
 * @fires prune-round - CustomEvent<RoundEntry>: the baseline (round 0) and each pruning round, when finished.
 * @fires run-complete - CustomEvent<Report>: a run finished; the detail is its report.
 * @fires run-error - CustomEvent<RunErrorDetail>: a run was refused (invalid config), stopped ('aborted'), failed, or lost its GPU ('device-lost').
 * @fires model-export - CustomEvent<ModelExportDetail> (from <prune-model-io>): the final model was saved as ONNX in one form (the detail holds its bytes).
 * @csspart controls - the settings bar.
 * @csspart run - the run / pause / stop buttons.
 * @csspart error - the message for an invalid control or a failed run.
 * @csspart progress - the progress line (bar, round, epoch, ETA, samples/s).
 * @csspart view - each view card (data-view: curves, sparsity, latency, layers, mask, confusion, metrics, size, pad, runs, reproductions).
 * @csspart reference - the badge on the curves, sparsity and layers cards while they show the stored reference runs (an empty lab's first visit).
 * @csspart runs - the table of stored runs.
 * @csspart latency-note - under the latency view: how this browser reports finished GPU work, and when the wall clock shows that rather than the model.
 * @csspart model-io - the panel for your own .onnx model and CSV data, and the ONNX downloads (<prune-model-io>).
 * @cssprop --prune-bg - background.
 * @cssprop --prune-fg - text colour.
 * @cssprop --prune-surface - the settings bar's background.
 * @cssprop --prune-accent - buttons, progress bar and chart accents.
 * @cssprop --prune-border - borders.
 * @cssprop --prune-error - messages.
 * @cssprop --prune-muted - secondary text.
 * @cssprop --prune-series-0 - first series colour of the charts (and -1, -2, … after it).
 */
@customElement('prune-lab')
export class PruneLab extends LitElement {
  static override styles = [theme, labStyles, referenceStyles];

  /** 'lenet-300-100', 'lenet-5', or 'custom' (then `model-spec` holds the spec). */
  @property({ converter: text(DEFAULTS.model), reflect: true }) model = DEFAULTS.model;
  /** A model spec as JSON, used when model is 'custom'. */
  @property({ attribute: 'model-spec' }) modelSpec: string | null = DEFAULTS.modelSpec;
  /** Attribute `dataset`: 'mnist', or 'idx' for other IDX files laid out like MNIST's at `data-url`. */
  @property({ attribute: 'dataset', converter: text(DEFAULTS.datasetName), reflect: true }) datasetName = DEFAULTS.datasetName;
  /**
   * Legacy shorthand for the axes: 'global' or 'local' magnitude, 'random', or 'structured'
   * (neurons / filters, criterion l2 unless given). Null (absent): the axes below decide.
   * Changing granularity, criterion or scope from the form clears it (the axes it stood for are kept).
   */
  @property({ converter: nullableText, reflect: true }) method: string | null = DEFAULTS.method;
  /** What is removed: 'weight' (single weights), 'unit' (neurons / filters, physically shrunk) or 'nm' (N:M groups). */
  @property({ converter: text(DEFAULTS.granularity), reflect: true }) granularity = DEFAULTS.granularity;
  /**
   * How weights are scored (weight, nm: magnitude, random, taylor, snip, synflow, lamp, wanda, sparsegpt,
   * movement; the engine names those a combination allows) or units (l1, l2, taylor, norm-product).
   * Null (absent): the granularity's default (magnitude; l2 for units).
   */
  @property({ converter: nullableText, reflect: true }) criterion: string | null = DEFAULTS.criterion;
  /** One threshold across every prunable layer ('global') or one per layer ('local'). */
  @property({ converter: text(DEFAULTS.scope), reflect: true }) scope = DEFAULTS.scope;
  /** When the masks are chosen: 'after' training, at 'init' (then the sparse net trains), or 'during' training (gradual). */
  @property({ converter: text(DEFAULTS.when), reflect: true }) when = DEFAULTS.when;
  /** The N:M pattern "N:M" (2:4, 4:8, 1:4, …), used with granularity 'nm'; the sparsity is then 1 − N/M. */
  @property({ converter: text(DEFAULTS.nm), reflect: true }) nm = DEFAULTS.nm;
  /** Calibration images (a seeded subset of the training split) for taylor, snip, wanda, sparsegpt; empty: 1,024. */
  @property({ attribute: 'calibration-samples', converter: nullableNum(DEFAULTS.calibrationSamples), reflect: true }) calibrationSamples: number | null = DEFAULTS.calibrationSamples;
  /** 'oneshot', 'iterative' or 'gradual'. */
  @property({ converter: text(DEFAULTS.schedule), reflect: true }) schedule = DEFAULTS.schedule;
  /** Fraction of prunable weights to remove, in [0, 1). */
  @property({ attribute: 'target-sparsity', converter: num(DEFAULTS.targetSparsity), reflect: true }) targetSparsity = DEFAULTS.targetSparsity;
  /** Pruning rounds (iterative), or mask updates (gradual); one-shot uses 1. */
  @property({ converter: num(DEFAULTS.rounds), reflect: true }) rounds = DEFAULTS.rounds;
  /** Epochs of baseline training. */
  @property({ converter: num(DEFAULTS.epochs), reflect: true }) epochs = DEFAULTS.epochs;
  /** Epochs of fine-tuning after each round. */
  @property({ attribute: 'finetune-epochs', converter: num(DEFAULTS.finetuneEpochs), reflect: true }) finetuneEpochs = DEFAULTS.finetuneEpochs;
  /** 'sgd' (momentum 0.9) or 'adam'. */
  @property({ converter: text(DEFAULTS.optimizer), reflect: true }) optimizer = DEFAULTS.optimizer;
  /** Learning rate, in (0, 10]. */
  @property({ attribute: 'learning-rate', converter: num(DEFAULTS.learningRate), reflect: true }) learningRate = DEFAULTS.learningRate;
  /** Mini-batch size. */
  @property({ attribute: 'batch-size', converter: num(DEFAULTS.batchSize), reflect: true }) batchSize = DEFAULTS.batchSize;
  /** Seed of init, data order, subsets and random pruning. */
  @property({ converter: num(DEFAULTS.seed), reflect: true }) seed = DEFAULTS.seed;
  /** Training images (a seeded draw); empty for all 55,000. */
  @property({ attribute: 'train-samples', converter: nullableNum(DEFAULTS.trainSamples), reflect: true }) trainSamples: number | null = DEFAULTS.trainSamples;
  /** Validation images; empty for min(5,000, 10% of the training rows). */
  @property({ attribute: 'validation-samples', converter: nullableNum(DEFAULTS.validationSamples), reflect: true }) validationSamples: number | null = DEFAULTS.validationSamples;
  /** Test images the metrics come from; empty for all 10,000. */
  @property({ attribute: 'test-samples', converter: nullableNum(DEFAULTS.testSamples), reflect: true }) testSamples: number | null = DEFAULTS.testSamples;
  /** Lottery-ticket rewinding: empty for off, else the training step survivors are reset to (0 = init). */
  @property({ converter: nullableNum(DEFAULTS.rewind), reflect: true }) rewind: number | null = DEFAULTS.rewind;
  /** The lottery-ticket control: 'reinit' trains the same masks from a fresh seeded init beside each rewound round (needs rewind); absent: none. */
  @property({ converter: nullableText, reflect: true }) control: string | null = DEFAULTS.control;
  /** Per-layer ratios, "fc1=0.92,fc2=0.91" (NAME=exclude keeps a layer dense); absent or empty: none. */
  @property({ attribute: 'layer-sparsity', converter: nullableText, reflect: true }) layerSparsity: string | null = DEFAULTS.layerSparsity;
  /** With per-layer ratios and schedule 'iterative': 'fixed' (round 1 prunes each layer to its ratio) or 'iterative' (reached over the rounds); absent: fixed. */
  @property({ attribute: 'layer-schedule', converter: nullableText, reflect: true }) layerSchedule: string | null = DEFAULTS.layerSchedule;
  /** Fine-tuning's learning rate, in (0, 10]; empty: the learning rate. */
  @property({ attribute: 'finetune-lr', converter: nullableNum(DEFAULTS.finetuneLr), reflect: true }) finetuneLr: number | null = DEFAULTS.finetuneLr;
  /** Every this many training steps, the validation loss and accuracy (early stopping's record); empty: off. */
  @property({ attribute: 'validate-every', converter: nullableNum(DEFAULTS.validateEvery), reflect: true }) validateEvery: number | null = DEFAULTS.validateEvery;
  /** The learning-rate schedule within each training: constant, cosine, cosine:MIN or step:EVERY:GAMMA; absent or empty: none. */
  @property({ attribute: 'lr-schedule', converter: nullableText, reflect: true }) lrSchedule: string | null = DEFAULTS.lrSchedule;
  /** L2 weight decay λ in [0, 1]; empty: none. */
  @property({ attribute: 'weight-decay', converter: nullableNum(DEFAULTS.weightDecay), reflect: true }) weightDecay: number | null = DEFAULTS.weightDecay;
  /** SGD's momentum in [0, 1) (default 0.9; empty: none); set aside with Adam. */
  @property({ converter: nullableNum(DEFAULTS.momentum), reflect: true }) momentum: number | null = DEFAULTS.momentum;

  /** Timed frames per inference path after each round (0: no latency chart; else ≥ 200). */
  @property({ attribute: 'latency-frames', converter: num(LATENCY_FRAMES), reflect: true }) latencyFrames = LATENCY_FRAMES;
  /** URL of an .onnx model to import (fetched once set; then model is 'onnx'). A URL that cannot be fetched or imported is refused naming model-url. */
  @property({ attribute: 'model-url' }) modelUrl: string | null = null;
  /** Folder of the IDX files; default: data/mnist/ beside the library (../data/mnist/ from this module). */
  @property({ attribute: 'data-url' }) dataUrl: string | null = null;
  /** URL of the lab Worker script; default: the one beside this module. */
  @property({ attribute: 'worker-url' }) workerUrl: string | null = null;
  /** Which views to show: a list of curves, sparsity, latency, layers, mask, confusion, metrics, size, pad, runs, reproductions (default all). */
  @property() views: string | null = null;
  /** Keep the settings in the page's URL hash (shareable links; opening one restores them). */
  @property({ type: Boolean, attribute: 'url-hash' }) urlHash = false;
  /** IndexedDB database of stored runs; 'none' stores nothing. */
  @property({ attribute: 'db-name', converter: text(DB_NAME) }) dbName = DB_NAME;
  /**
   * Stored runs an empty lab shows, marked as reference, on the curves, sparsity and layers
   * cards until the visitor has runs of their own: space-separated report URLs; absent:
   * the project's (REFERENCE_RUNS); 'none': none.
   */
  @property({ attribute: 'reference-runs' }) referenceRuns: string | null = null;
  /** Makes the Worker (tests and embedders may supply their own); overrides worker-url. */
  @property({ attribute: false }) workerFactory: LabWorkerFactory | null = null;

  /** The Worker, its status and its device. */
  readonly controller: LabController = new LabController(this, () => this.workerFactory ?? this.workerFromUrl());
  /** The imported model, the CSV, and the last run's ONNX export sizes. */
  readonly io: ModelIo = new ModelIo(this, this.controller, (what) => this.onInputs(what));

  @state() private configError: LabFailure | null = null;
  @state() private report: Report | null = null;
  @state() private viewing: Report | null = null;
  @state() private progress: LabProgress | null = null;
  @state() private phase: 'idle' | 'loading' | 'running' | 'paused' = 'idle';
  @state() private curve: TrainingPoint[] = [];
  @state() private marks: RoundMark[] = [];
  @state() private latency: LatencyPoint[] = [];
  @state() private layers = new Map<number, LayerSnapshot>();
  @state() private selectedRound: number | null = null;
  @state() private maskMode: 'weights' | 'mask' = 'weights';
  @state() private runs: RunRecord[] = [];
  @state() private chartReports: Report[] = [];
  @state() private predictions: Prediction[] = [];
  /** The reference runs loaded (referenceRuns), and whether the stored runs have been read (no reference flashes before a returning visitor's runs). */
  @state() private references: Report[] = [];
  @state() private runsLoaded = false;
  private referenceAborter: AbortController | null = null;
  @state() private notice: string | null = null;

  @state() private validConfig: ExperimentConfig | null = null;
  private validation: Promise<void> = Promise.resolve();
  private validationSeq = 0;
  private store: Promise<RunStore | null> | null = null;
  private writes: Promise<void> = Promise.resolve();
  private runStart = 0;
  /** Every curve point so far; `curve` (what the chart gets) is a copy published at most every CURVE_EVERY_MS. */
  private curvePoints: TrainingPoint[] = [];
  private curveTimer: ReturnType<typeof setTimeout> | null = null;
  private curveKey = '';
  private curveBase = 0;
  private curveEnd = 0;
  private applyingHash = false;
  private markupAttrs: Map<string, string | null> | null = null;
  private runPromise: Promise<Report> | null = null;
  private lastConfig: ExperimentConfig | null = null;

  private workerFromUrl(): LabWorkerFactory {
    const url = this.workerUrl;
    if (!url) return defaultLabWorker;
    return () => new Worker(new URL(url, document.baseURI), { type: 'module', name: 'prune-lab' });
  }

  /** The folder the Worker loads the IDX files from, as an absolute URL. */
  get resolvedDataUrl(): string {
    const base = this.dataUrl ? new URL(this.dataUrl, document.baseURI) : new URL(/* @vite-ignore */ '../data/mnist/', import.meta.url);
    const s = base.href;
    return s.endsWith('/') ? s : `${s}/`;
  }

  private get controls(): LabControls {
    const out = {} as Record<keyof LabControls, unknown>;
    for (const c of CONTROLS) out[c.key] = this[c.key];
    return out as unknown as LabControls;
  }

  /** The message shown for the first invalid control (or lab option), or null. */
  get validationMessage(): string | null {
    const opt = this.optionProblem();
    if (opt) return opt.message;
    if (!this.configError) return null;
    const c = controlOf(this.configError.field);
    return c ? `${c.label}: ${this.configError.message}` : this.configError.message;
  }

  /** Resolves when the current settings have been checked (by the engine, in the Worker), including a check started meanwhile (a model-url import ending). */
  get validated(): Promise<void> {
    return (async () => {
      let p: Promise<void>;
      do {
        p = this.validation;
        await p;
      } while (p !== this.validation);
    })();
  }

  /** The engine config the controls make, once valid (defaults filled in); null while invalid. */
  get config(): ExperimentConfig | null {
    return this.configError || this.optionProblem() ? null : this.validConfig;
  }

  /** Every stored run, oldest first (a copy). */
  get storedRuns(): RunRecord[] {
    return [...this.runs];
  }

  /** The current run's report so far, or the last one (null before any). */
  get currentReport(): Report | null {
    return this.report;
  }

  /** A problem with an option the engine does not check (latency-frames, views, db-name), by attribute. */
  private optionProblem(): { field: string; message: string } | null {
    const f = this.latencyFrames;
    if (!(f === 0 || (Number.isInteger(f) && f >= 200 && f <= 100000))) {
      return { field: 'latency-frames', message: `latency-frames must be 0 (no latency measured) or an integer in [200, 100000] (got ${JSON.stringify(Number.isNaN(f) ? this.getAttribute('latency-frames') : f)})` };
    }
    const v = parseViews(this.views);
    if ('error' in v) return { field: 'views', message: v.error };
    if (this.dbName !== 'none' && !this.dbName) return { field: 'db-name', message: "db-name must be a database name, or 'none'" };
    const u = this.io.urlError;
    if (u) return { field: 'model-url', message: u.message };
    return null;
  }

  private get shownViews(): Set<LabView> {
    const v = parseViews(this.views);
    return new Set('views' in v ? v.views : VIEWS);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.urlHash) {
      // What the page's markup set: a link's absent keys fall back to these.
      this.markupAttrs ??= new Map([...CONTROLS.map((c) => c.attr), ...HASH_EXTRA].map((a) => [a, this.getAttribute(a)]));
      this.applyHash(location.hash, false);
      window.addEventListener('hashchange', this.onHashChange);
    }
    void this.loadRuns();
    void this.loadReferences();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.referenceAborter?.abort();
    this.referenceAborter = null;
    this.publishCurve();
    window.removeEventListener('hashchange', this.onHashChange);
    this.phase = 'idle';
  }

  private onHashChange = (): void => this.applyHash(location.hash, true);

  /**
   * Sets the settings a link carries. On a hash change the link is the whole state:
   * settings it leaves out go back to the markup's values (or the defaults).
   */
  private applyHash(hash: string, whole: boolean): void {
    const known = new Set<string>([...CONTROLS.map((c) => c.attr), ...HASH_EXTRA]);
    const unknown: string[] = [];
    const given = new Map(decodeHash(hash));
    this.applyingHash = true;
    for (const [k, v] of given) {
      if (known.has(k)) this.setAttribute(k, v);
      else unknown.push(k);
    }
    if (whole) {
      for (const k of known) {
        if (given.has(k)) continue;
        const v = this.markupAttrs?.get(k) ?? null;
        if (v === null) this.removeAttribute(k);
        else this.setAttribute(k, v);
      }
    }
    if (unknown.length) this.notice = `Ignored unknown settings in the link: ${unknown.join(', ')} (known: ${[...known].join(', ')}).`;
  }

  private writeHash(): void {
    const pairs: Array<[string, string]> = [];
    for (const c of CONTROLS) {
      const v = this[c.key];
      if (v === DEFAULTS[c.key]) continue;
      pairs.push([c.attr, v === null ? '' : String(v)]);
    }
    if (this.latencyFrames !== LATENCY_FRAMES) pairs.push(['latency-frames', String(this.latencyFrames)]);
    const hash = encodeHash(pairs);
    if (hash !== location.hash && !(hash === '' && location.hash === '#')) history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // Other data may accept what a refused run's data did not: data-url clears that mark too.
    if (changed.has('modelUrl')) void this.io.loadUrl(this.modelUrl, document.baseURI);
    if (CONTROLS.some((c) => changed.has(c.key as keyof PruneLab)) || changed.has('dataUrl') || changed.has('modelUrl') || !this.hasUpdated) this.scheduleValidation();
    // Another database: no reference runs until its stored runs have been read.
    if (changed.has('dbName') && this.hasUpdated && changed.get('dbName') !== undefined) this.runsLoaded = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const controlChanged = CONTROLS.some((c) => changed.has(c.key as keyof PruneLab)) || changed.has('latencyFrames');
    if (this.urlHash && controlChanged && !this.applyingHash && this.hasUpdated) this.writeHash();
    this.applyingHash = false;
    if (changed.has('dbName') && this.hasUpdated && changed.get('dbName') !== undefined) {
      this.store = null;
      void this.loadRuns();
    }
    if (changed.has('referenceRuns') && changed.get('referenceRuns') !== undefined) void this.loadReferences();
  }

  // ---- reference runs (an empty lab's first visit) ----

  /** Loads the reference runs (reference-runs); one that cannot be read is left out, with a notice. */
  private async loadReferences(): Promise<void> {
    this.referenceAborter?.abort();
    const aborter = new AbortController();
    this.referenceAborter = aborter;
    const v = this.referenceRuns?.trim();
    const urls = v === 'none' ? [] : v ? v.split(/\s+/).map((u) => new URL(u, document.baseURI).href) : REFERENCE_RUNS;
    const loaded = await Promise.all(urls.map((u) => fetchReport(u, aborter.signal).catch(() => null)));
    if (aborter.signal.aborted) return;
    this.references = loaded.flatMap((l) => (l?.status === 'ok' ? [l.report] : []));
    const failed = loaded.flatMap((l) => (l && l.status !== 'ok' ? [l.why] : []));
    if (failed.length) this.notice = `Reference runs left out: ${failed.join('; ')}.`;
  }

  /** The reference runs loaded (reference-runs), shown or not. */
  get referenceReports(): Report[] {
    return [...this.references];
  }

  /** The reference runs the empty cards show: none once the visitor has stored runs (or before they were read). */
  get shownReferences(): Report[] {
    return this.runsLoaded && this.runs.length === 0 ? this.references : [];
  }

  /** The reference the curves and layers cards show: the first of the lab's model, else the first. */
  private mainReference(): Report | null {
    const refs = this.shownReferences;
    return refs.find((r) => r.model.name === this.model) ?? refs[0] ?? null;
  }

  private referenceBadge(r: Report): unknown {
    return html`<span class="badge" part="reference" title=${`a stored run (${r.model.name}, ${r.createdAt.slice(0, 10)}), shown until your own run has results`}>reference</span>`;
  }

  private scheduleValidation(): void {
    const seq = ++this.validationSeq;
    const controls = this.controls;
    this.validation = (async () => {
      await this.controller.whenReady().catch(() => {});
      await this.io.urlSettled;
      if (seq !== this.validationSeq) return;
      const built = buildConfig(controls, this.loadedInputs());
      if (!built.ok) {
        this.configError = built.error;
        this.validConfig = null;
        return;
      }
      const r = await this.controller.validate(built.config);
      if (seq !== this.validationSeq || r === null) return;
      this.configError = r.ok ? null : { code: r.code, message: r.message, ...(r.field ? { field: r.field } : {}) };
      this.validConfig = r.ok ? r.config : null;
    })();
  }

  // ---- the user's own model and data ----

  /** What <prune-model-io> loaded, as buildConfig takes it. */
  private loadedInputs(): Parameters<typeof buildConfig>[1] {
    const c = this.io.csv;
    return {
      onnx: this.io.onnx?.spec ?? null,
      csv: c ? { model: c.model, name: c.file.name, target: c.target, ...(c.test ? { test: c.test.name } : {}) } : null,
    };
  }

  /**
   * A model or CSV was loaded: the lab runs on it (model 'onnx'; dataset 'csv', with the
   * CSV's own MLP unless an imported model is chosen, and the subset sizes that were
   * MNIST's defaults left to the CSV's split), and the settings are checked again.
   */
  private onInputs(what: ModelIoChange): void {
    if (what === 'onnx') this.model = 'onnx';
    if (what === 'csv') {
      this.datasetName = 'csv';
      if (this.model !== 'onnx') this.model = 'tabular-mlp';
      for (const k of ['trainSamples', 'validationSamples', 'testSamples'] as const) if (this[k] === DEFAULTS[k]) this[k] = null;
    }
    this.scheduleValidation();
  }

  // ---- stored runs ----

  private openStore(): Promise<RunStore | null> {
    if (this.dbName === 'none') return Promise.resolve(null);
    this.store ??= RunStore.open(this.dbName).catch((e: unknown) => {
      this.notice = `Runs cannot be stored here (IndexedDB: ${e instanceof Error ? e.message : String(e)}).`;
      return null;
    });
    return this.store;
  }

  private async loadRuns(): Promise<void> {
    const store = await this.openStore();
    if (!store) {
      this.runsLoaded = true;
      return;
    }
    const interrupted = await store.markInterrupted();
    this.runs = await store.list();
    this.runsLoaded = true;
    if (interrupted.length) this.notice = `${interrupted.length} run${interrupted.length === 1 ? ' was' : 's were'} interrupted by a reload; finished rounds are kept.`;
    this.refreshChart();
  }

  /** Writes a record whole, after the writes before it (one run's records stay in order). */
  private persist(report: Report, state: RunState): Promise<void> {
    const copy = structuredClone(report);
    this.writes = this.writes.then(async () => {
      const store = await this.openStore();
      if (!store) return;
      const old = await store.get(copy.id);
      await store.put({ id: copy.id, state, shown: old?.shown ?? true, savedAt: '', report: copy });
      this.runs = await store.list();
      this.refreshChart();
    }).catch((e: unknown) => {
      this.notice = `Could not store the run: ${e instanceof Error ? e.message : String(e)}`;
    });
    return this.writes;
  }

  private refreshChart(): void {
    const current = this.report && this.report.baseline ? [this.report] : [];
    const ids = new Set(current.map((r) => r.id));
    this.chartReports = [...current, ...this.runs.filter((r) => r.shown && !ids.has(r.id) && r.report.baseline).map((r) => r.report)];
  }

  private async toggleShown(rec: RunRecord, shown: boolean): Promise<void> {
    const store = await this.openStore();
    if (!store) return;
    await store.setShown(rec.id, shown);
    this.runs = await store.list();
    this.refreshChart();
  }

  /** Deletes a stored run. */
  async deleteRun(id: string): Promise<void> {
    const store = await this.openStore();
    if (!store) return;
    await store.delete(id);
    if (this.viewing?.id === id) this.viewing = null;
    this.runs = await store.list();
    this.refreshChart();
  }

  /** Stores reports from a JSON file's text (one report or an array); throws PruneLabError naming the first bad field. */
  async importReports(text: string, name = 'file'): Promise<Report[]> {
    const reports = await this.controller.readReports(text, name);
    const store = await this.openStore();
    if (!store) throw new PruneLabError('invalid-argument', "db-name must name a database to import into (it is 'none')", 'db-name');
    for (const r of reports) {
      const state: RunState = r.status === 'running' ? 'interrupted' : r.status;
      await store.put({ id: r.id, state, shown: true, savedAt: '', report: r });
    }
    this.runs = await store.list();
    this.refreshChart();
    return reports;
  }

  private async onImport(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      const reports = await this.importReports(await file.text(), file.name);
      this.notice = `Imported ${reports.length} run${reports.length === 1 ? '' : 's'} from ${file.name}.`;
    } catch (err) {
      this.notice = err instanceof Error ? err.message : String(err);
    }
    input.value = '';
  }

  private exportJson(r: Report): void {
    download(reportFileName(r, 'json'), reportJson(r), 'application/json');
  }

  private async exportCsv(r: Report): Promise<void> {
    try {
      download(reportFileName(r, 'csv'), await this.controller.csv(r), 'text/csv');
    } catch (e) {
      this.notice = `CSV export failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  // ---- running ----

  /**
   * Runs an experiment with the current settings. Resolves with the report when it
   * completes; rejects with a PruneLabError (code 'invalid-config', 'aborted',
   * 'device-lost', …) otherwise, after firing run-error.
   */
  run(): Promise<Report> {
    if (this.runPromise) return Promise.reject(new PruneLabError('invalid-argument', 'a run is already in progress: stop it first', 'run'));
    const p = this.runOnce().finally(() => {
      this.runPromise = null;
    });
    this.runPromise = p;
    return p;
  }

  /** Fires run-error and makes the rejection of run(): the code passes through as the engine gave it ('internal' for an unexpected failure). */
  private fail(error: { code: string; message: string; field?: string | undefined }): PruneLabError {
    emit<RunErrorDetail>(this, 'run-error', { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
    return new PruneLabError(error.code as ErrorCode, error.message, error.field);
  }

  private async runOnce(): Promise<Report> {
    await this.controller.whenReady();
    await this.validation;
    const problem = this.optionProblem();
    if (problem) throw this.fail({ code: 'invalid-argument', ...problem });
    if (this.controller.deviceError) throw this.fail(this.controller.deviceError);
    if (this.configError || !this.validConfig) {
      throw this.fail(this.configError ? { code: this.configError.code, message: this.validationMessage ?? this.configError.message, field: this.configError.field } : { code: 'invalid-config', message: 'the settings have not been checked yet' });
    }
    const config = this.validConfig;
    let release = (): void => {};
    const held = new Promise<void>((r) => (release = r));
    let locked = false;
    const onnx = this.model === 'onnx' ? this.io.onnx : null;
    const tabular = this.datasetName === 'csv' ? this.io.tabular : null;
    const outcome = await this.controller.start({
      config, dataUrl: this.resolvedDataUrl, latencyFrames: this.latencyFrames, ...(onnx ? { model: onnx.id } : {}), ...(tabular ? { tabular } : {}),
    }, (e) => {
      if (e.type === 'accepted') this.acceptRun(e.config);
      if (e.type === 'round' && !locked) {
        locked = true;
        holdRunLock(e.report.id, held);
      }
      this.onLabEvent(e);
    });
    this.phase = 'idle';
    this.publishCurve();
    try {
      if (outcome.kind === 'refused') {
        // Refused against the data (or the config): the control at fault is marked until it changes.
        const c = controlOf(outcome.error.field);
        if (c && (outcome.error.code === 'invalid-config' || outcome.error.code === 'invalid-argument' || outcome.error.code === 'invalid-data')) this.configError = outcome.error;
        throw this.fail(outcome.error);
      }
      if (outcome.kind === 'lost') {
        // A crashed Worker sends no report: the rounds it streamed (this run's, once locked) are kept.
        const kept = outcome.report ?? (locked && this.report ? { ...this.report, status: 'error' as const, error: { code: outcome.error.code, message: outcome.error.message } } : null);
        if (kept) {
          this.report = kept;
          await this.persist(kept, 'interrupted');
        }
        throw this.fail(outcome.error);
      }
      const report = outcome.report;
      this.report = report;
      this.refreshChart();
      // The Worker keeps the run's final model: its ONNX forms and their sizes.
      await this.io.refreshSizes();
      if (report.status === 'complete') {
        await this.persist(report, 'complete');
        emit<Report>(this, 'run-complete', report);
        return report;
      }
      if (report.baseline) await this.persist(report, report.status === 'aborted' ? 'aborted' : 'error');
      throw this.fail(report.error ?? { code: report.status === 'aborted' ? 'aborted' : 'internal', message: report.status === 'aborted' ? 'the run was stopped' : 'the run failed' });
    } finally {
      release();
    }
  }

  /** The Worker took the run: only now do the last run's results make way for it. */
  private acceptRun(config: ExperimentConfig): void {
    this.lastConfig = config;
    this.io.clearSizes();
    this.io.error = null;
    this.report = null;
    this.viewing = null;
    this.progress = null;
    this.curve = [];
    this.curvePoints = [];
    this.marks = [];
    this.latency = [];
    this.layers = new Map();
    this.selectedRound = null;
    this.predictions = [];
    this.notice = null;
    this.curveKey = '';
    this.curveBase = 0;
    this.curveEnd = 0;
    this.runStart = performance.now();
    this.refreshChart();
  }

  private onLabEvent(e: LabEvent): void {
    switch (e.type) {
      case 'phase':
        this.phase = e.phase;
        break;
      case 'progress':
        this.progress = e.progress;
        this.addCurvePoint(e.progress);
        break;
      case 'round':
        this.publishCurve();
        this.report = e.report;
        this.refreshChart();
        void this.persist(e.report, 'running');
        emit<RoundEntry>(this, 'prune-round', e.entry);
        break;
      case 'layer': {
        const next = new Map(this.layers);
        next.set(e.round, e.layer);
        while (next.size > MAX_LAYER_SNAPSHOTS) next.delete(next.keys().next().value!);
        this.layers = next;
        break;
      }
      case 'latency':
        this.latency = [...this.latency, ...e.points];
        break;
      case 'device-lost':
        this.notice = null;
        break;
    }
  }

  private addCurvePoint(p: LabProgress): void {
    if (p.phase !== 'train' && p.phase !== 'finetune') return;
    const key = `${p.phase}:${p.round}`;
    if (key !== this.curveKey) {
      this.curveKey = key;
      this.curveBase = this.curveEnd;
      this.marks = [...this.marks, { step: this.curveBase, label: p.round === 0 ? 'baseline' : `round ${p.round}` }];
    }
    const step = this.curveBase + p.epoch * p.stepsPerEpoch + p.step;
    this.curveEnd = Math.max(this.curveEnd, step);
    if (!Number.isFinite(p.loss) || !Number.isFinite(p.accuracy)) return;
    const last = this.curvePoints.at(-1);
    if (last && last.step > step) return;
    this.curvePoints.push({ step, loss: p.loss, accuracy: p.accuracy });
    this.curveTimer ??= setTimeout(() => this.publishCurve(), CURVE_EVERY_MS);
  }

  private publishCurve(): void {
    if (this.curveTimer !== null) clearTimeout(this.curveTimer);
    this.curveTimer = null;
    if (this.curve.length !== this.curvePoints.length) this.curve = [...this.curvePoints];
  }

  /** Holds the run at the next step boundary. */
  pause(): void {
    this.controller.pause();
  }

  resume(): void {
    this.controller.resume();
  }

  /** Stops the run at the next step boundary (run() then rejects with code 'aborted'; finished rounds are stored). */
  stop(): void {
    this.controller.abort();
  }

  /** After a lost device: a fresh Worker and device, then the same run again. */
  async restart(): Promise<Report> {
    await this.controller.restart();
    this.scheduleValidation();
    return this.run();
  }

  private async onDigit(e: CustomEvent<DigitInputDetail>): Promise<void> {
    const p = await this.controller.infer(e.detail.pixels);
    if (p) this.predictions = p;
  }

  // ---- rendering ----

  private shownReport(): Report | null {
    return this.viewing ?? this.report;
  }

  private shownEntry(): RoundEntry | null {
    const r = this.shownReport();
    if (!r) return null;
    const all = [...(r.baseline ? [r.baseline] : []), ...r.rounds];
    if (this.selectedRound !== null) return all.find((x) => x.round === this.selectedRound) ?? all.at(-1) ?? null;
    return all.at(-1) ?? null;
  }

  /** What an axis control shows: the engine's normalized value once checked (a legacy method's axes, a default criterion), else the property. */
  private shownValue(c: ControlSpec): unknown {
    const p = this.validConfig?.prune as Record<string, unknown> | undefined;
    if (p && AXES.includes(c.key)) return p[c.key] ?? this[c.key];
    return this[c.key];
  }

  private setControl(c: ControlSpec, raw: string): void {
    const current = this[c.key];
    let v: unknown = raw;
    if (c.step !== undefined) v = c.nullable && raw.trim() === '' ? null : raw.trim() === '' ? NaN : Number(raw);
    else if (c.key === 'modelSpec' || c.nullable) v = raw.trim() === '' ? null : raw;
    // Choosing an axis (or clearing the legacy method) keeps the axes the method stood for.
    if ((c.key === 'method' && v === null) || (this.method !== null && (c.key === 'granularity' || c.key === 'criterion' || c.key === 'scope'))) {
      const p = this.validConfig?.prune;
      if (p) {
        this.granularity = p.granularity ?? this.granularity;
        this.criterion = p.criterion ?? this.criterion;
        this.scope = p.scope ?? this.scope;
      }
      this.method = null;
    }
    if (v !== current) (this as unknown as Record<string, unknown>)[c.key] = v;
    // What the new granularity or when allows: a criterion of its list, and the schedule it runs with.
    if (c.key === 'granularity' || c.key === 'when') {
      if (this.criterion !== null && !criterionOptions(this.granularity, this.when).includes(this.criterion)) this.criterion = null;
      if (v === 'nm' || v === 'init') this.schedule = 'oneshot';
      if (v === 'init') this.finetuneEpochs = 0;
      if (v === 'during') this.schedule = 'gradual';
    }
  }

  private renderControl(c: ControlSpec): unknown {
    const v = this.shownValue(c);
    const bad = controlOf(this.configError?.field) === c;
    const nm = this.granularity === 'nm';
    const setAside = (c.key === 'rounds' && this.schedule === 'oneshot') || (c.key === 'targetSparsity' && nm) || (c.key === 'nm' && !nm) || (c.key === 'momentum' && this.optimizer !== 'sgd');
    const disabled = this.controller.running || setAside;
    const id = `c-${c.attr}`;
    let input: unknown;
    if (c.key === 'method' && this.method === null) return nothing;
    if (c.options) {
      const options = c.key === 'criterion' ? criterionOptions(String(this.shownValue(GRANULARITY)), String(this.shownValue(WHEN_CONTROL))) : c.options;
      const shown = v === null ? '' : String(v);
      input = html`<select id=${id} name=${c.attr} ?disabled=${disabled} aria-invalid=${bad ? 'true' : 'false'} @change=${(e: Event) => this.setControl(c, (e.target as HTMLSelectElement).value)}>
        ${c.key === 'method' ? html`<option value="">none: use the axes</option>` : nothing}
        ${c.noneLabel ? html`<option value="" ?selected=${v === null}>${c.noneLabel}</option>`
          : c.nullable && c.key !== 'method' && v === null ? html`<option value="" selected>default</option>` : nothing}
        ${options.map((o) => html`<option value=${o} ?selected=${o === shown}>${o}</option>`)}
        ${v === null || options.includes(shown) ? nothing : html`<option value=${shown} selected>${shown}</option>`}
      </select>`;
    } else if (c.suggest || c.text) {
      const list = c.suggest ? `${id}-list` : undefined;
      input = html`<input id=${id} name=${c.attr} type="text" list=${list ?? nothing} ?disabled=${disabled} aria-invalid=${bad ? 'true' : 'false'} size=${c.text ? '16' : '5'}
        placeholder=${c.placeholder ?? nothing} .value=${v === null ? '' : String(v)} @change=${(e: Event) => this.setControl(c, (e.target as HTMLInputElement).value)} />
        ${c.suggest ? html`<datalist id=${list!}>${c.suggest.map((o) => html`<option value=${o}></option>`)}</datalist>` : nothing}`;
    } else if (c.key === 'modelSpec') {
      if (this.model !== 'custom') return nothing;
      input = html`<textarea id=${id} name=${c.attr} ?disabled=${disabled} aria-invalid=${bad ? 'true' : 'false'} placeholder=${c.hint}
        .value=${this.modelSpec ?? ''} @change=${(e: Event) => this.setControl(c, (e.target as HTMLTextAreaElement).value)}></textarea>`;
    } else {
      const fixed = c.key === 'rounds' && this.schedule === 'oneshot' ? '1' : c.key === 'targetSparsity' && nm ? String(this.validConfig?.prune.targetSparsity ?? '') : null;
      const shown = fixed ?? (v === null || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v));
      input = html`<input id=${id} name=${c.attr} type="number" step=${c.step ?? 'any'} ?disabled=${disabled} aria-invalid=${bad ? 'true' : 'false'}
        placeholder=${c.placeholder ?? (c.nullable ? (c.key === 'calibrationSamples' ? 'default' : 'all') : '')} .value=${shown} @change=${(e: Event) => this.setControl(c, (e.target as HTMLInputElement).value)} />`;
    }
    return html`<label class=${c.key === 'modelSpec' ? 'wide' : ''} title=${c.hint} data-control=${c.attr}>${c.label}${input}
      ${bad ? html`<span class="why">${this.configError!.message}</span>` : nothing}</label>`;
  }

  private controlsBar(): unknown {
    const by = (keys: Array<keyof LabControls>): ControlSpec[] => keys.map((k) => CONTROLS.find((c) => c.key === k)!);
    const c = this.controller;
    const running = c.running;
    const canRun = !running && !c.deviceError && this.validationMessage === null && this.validConfig !== null;
    return html`<div class="controls" part="controls">
      <fieldset><legend>model &amp; data</legend>${by(['model', 'modelSpec', 'datasetName', 'trainSamples', 'validationSamples', 'testSamples']).map((x) => this.renderControl(x))}</fieldset>
      <fieldset><legend>pruning</legend>${by(['method', 'granularity', 'criterion', 'scope', 'when', 'nm', 'schedule', 'targetSparsity', 'rounds', 'finetuneEpochs', 'finetuneLr', 'calibrationSamples']).map((x) => this.renderControl(x))}</fieldset>
      <fieldset><legend>per layer &amp; lottery ticket</legend>${by(['layerSparsity', 'layerSchedule', 'rewind', 'control']).map((x) => this.renderControl(x))}</fieldset>
      <fieldset><legend>training</legend>${by(['epochs', 'optimizer', 'learningRate', 'momentum', 'weightDecay', 'lrSchedule', 'batchSize', 'validateEvery', 'seed']).map((x) => this.renderControl(x))}</fieldset>
      <div class="run" part="run">
        <button class="primary" data-action="run" ?disabled=${!canRun} @click=${() => void this.run().catch(() => {})}>Run</button>
        <button data-action="pause" ?disabled=${!running} @click=${() => (c.status === 'paused' ? this.resume() : this.pause())}>${c.status === 'paused' ? 'Resume' : 'Pause'}</button>
        <button data-action="stop" ?disabled=${!running} @click=${() => this.stop()}>Stop</button>
      </div>
    </div>`;
  }

  private statusLine(): unknown {
    const c = this.controller;
    const msg = this.validationMessage;
    if (c.deviceError) return html`<p class="error" part="error" role="alert">${c.deviceError.message}</p>`;
    if (c.status === 'lost') {
      return html`<p class="error" part="error" role="alert">${c.error?.message ?? 'The GPU device was lost.'} Finished rounds are kept.
        <button data-action="restart" @click=${() => void this.restart().catch(() => {})}>Restart on a new device</button></p>`;
    }
    if (msg) return html`<p class="error" part="error" role="alert">${msg}</p>`;
    const io = this.io.error;
    if (io) return html`<p class="error" part="error" role="alert" data-io-error>${io.file && !io.message.startsWith(io.file) ? `${io.file}: ` : ''}${io.message}</p>`;
    if (c.status === 'error' && c.error) return html`<p class="error" part="error" role="alert">Run ended: ${c.error.message}</p>`;
    return nothing;
  }

  private progressLine(): unknown {
    const p = this.progress;
    const c = this.controller;
    const running = c.running;
    if (!running && !p) return html`<div class="notice" part="notice" aria-live="polite">${this.notice ?? (c.adapter ? adapterLine(c.adapter) : 'Starting the GPU worker…')}</div>`;
    const elapsed = performance.now() - this.runStart;
    const eta = p?.etaMs ?? NaN;
    const frac = c.status === 'complete' ? 1 : Number.isFinite(eta) ? elapsed / (elapsed + eta) : 0;
    const phase = this.phase === 'loading' ? 'loading data' : c.status === 'paused' ? 'paused' : running ? (p?.phase ?? 'starting') : c.status;
    const parts = p ? [
      phase,
      `round ${p.round}/${p.rounds}`,
      p.epochs > 0 ? `epoch ${Math.min(p.epoch + 1, p.epochs)}/${p.epochs}` : '',
      running ? `ETA ${fmtDuration(eta)}` : `took ${fmtDuration(this.report?.timeMs ?? NaN)}`,
      Number.isFinite(p.samplesPerSec) ? `${Math.round(p.samplesPerSec).toLocaleString('en')} samples/s` : '',
    ].filter(Boolean) : [phase];
    return html`<div class="progress" part="progress">
      <progress max="1" .value=${Math.min(1, Math.max(0, frac))} aria-label="run progress"></progress>
      <span aria-live="polite">${parts.join(' · ')}</span>
    </div>${this.notice ? html`<div class="notice" part="notice">${this.notice}</div>` : nothing}`;
  }

  private roundPicker(): unknown {
    const r = this.shownReport();
    if (!r) return nothing;
    const all = [...(r.baseline ? [r.baseline] : []), ...r.rounds];
    if (all.length === 0) return nothing;
    const cur = this.shownEntry();
    return html`<select aria-label="round shown" @change=${(e: Event) => {
      const v = (e.target as HTMLSelectElement).value;
      this.selectedRound = v === 'latest' ? null : Number(v);
    }}>
      <option value="latest" ?selected=${this.selectedRound === null}>latest</option>
      ${all.map((x) => html`<option value=${x.round} ?selected=${this.selectedRound === x.round}>${x.round === 0 ? 'baseline' : `round ${x.round}`} (${percent(x.sparsity)})</option>`)}
    </select>${cur ? html`<small>${this.viewing ? 'stored run · ' : ''}${cur.round === 0 ? 'baseline' : `round ${cur.round}`}, ${percent(cur.sparsity)} sparse, accuracy ${percent(cur.accuracy, 2)}${cur.control
      ? html`; <span data-control-accuracy title="the same masks on a fresh seeded init (seed ${cur.control.seed}), trained like the ticket">reinit control ${percent(cur.control.accuracy, 2)}</span>` : nothing}</small>` : nothing}`;
  }

  private view(name: LabView, title: string, body: unknown, extra: unknown = nothing): unknown {
    if (!this.shownViews.has(name)) return nothing;
    return html`<section class="view" part="view" data-view=${name}><h3>${title}${extra}</h3>${body}</section>`;
  }

  private runsTable(): unknown {
    const runs = this.runs;
    const io = html`<div class="io">
      <label>Import JSON<input type="file" accept=".json,application/json" data-action="import" @change=${(e: Event) => void this.onImport(e)} /></label>
    </div>`;
    if (runs.length === 0) return html`<div class="empty">No stored runs yet.</div>${io}`;
    return html`<table class="runs" part="runs">
      <thead><tr><th>on chart</th><th>run</th><th>state</th><th>progress</th><th>final</th><th></th></tr></thead>
      <tbody>
        ${[...runs].reverse().map((rec) => {
          const r = rec.report;
          const fin = r.final;
          return html`<tr data-run=${rec.id}>
            <td><input type="checkbox" aria-label="show on the sparsity chart" .checked=${rec.shown} @change=${(e: Event) => void this.toggleShown(rec, (e.target as HTMLInputElement).checked)} /></td>
            <td title=${r.id}>${new Date(r.createdAt).toLocaleString()} · ${r.model.name} · <span data-axes>${axesLabel(r.config.prune)}</span> · ${r.config.prune.schedule} → ${percent(r.config.prune.targetSparsity, 0)}</td>
            <td><span class="state ${rec.state}" title=${r.error?.message ?? ''}>${rec.state}</span></td>
            <td data-progress>${runProgress(r).text}</td>
            <td>${fin ? `${percent(fin.sparsity)} sparse · ${percent(fin.accuracy, 2)}` : '–'}</td>
            <td>
              <button data-action="view" @click=${() => { this.viewing = r; this.selectedRound = null; }}>view</button>
              <button data-action="json" @click=${() => this.exportJson(r)}>JSON</button>
              <button data-action="csv" @click=${() => void this.exportCsv(r)}>CSV</button>
              <button data-action="delete" ?disabled=${rec.state === 'running' && this.report?.id === rec.id && this.controller.running} @click=${() => void this.deleteRun(rec.id)}>delete</button>
            </td>
          </tr>`;
        })}
      </tbody>
    </table>${io}`;
  }

  /** The latest round's figures per path: p50/p95, first frame and compile, batch-256 throughput, GPU bytes, wait. */
  private latencyTable(): unknown {
    if (this.latency.length === 0) return nothing;
    const last = Math.max(...this.latency.map((p) => p.sparsity));
    const rows = this.latency.filter((p) => p.sparsity === last);
    const ms = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(v >= 10 ? 1 : 2));
    return html`<div class="paths-box"><table class="paths" data-sparsity=${last}>
      <caption>at ${percent(last)} sparsity · times in ms · img/s at batch 256 · bytes on the GPU</caption>
      <thead><tr><th>path</th><th title="median frame latency">p50</th><th title="95th-percentile frame latency">p95</th>
        <th title="GPU time of the frame's dispatches alone (no upload, submit or map)">GPU</th><th title="the first frame alone">1st frame</th><th title="shader compilation while the path was prepared (0: cached)">compile</th>
        <th title="images per second at batch 256">img/s</th><th title="the model's weights in this path's format">model</th>
        <th title="what the path's frame plan allocated (tracked)">plan</th><th title="how frames waited for their class">wait</th></tr></thead>
      <tbody>${rows.map((p) => html`<tr data-path=${p.path}>
        <td>${p.path}</td><td>${ms(p.p50Ms)}</td><td>${ms(p.p95Ms)}</td><td>${ms(p.gpuMs)}</td><td>${ms(p.firstFrameMs)}</td><td>${ms(p.compileMs)}</td>
        <td>${p.throughput === undefined ? '–' : Math.round(p.throughput).toLocaleString('en-US')}</td>
        <td>${p.modelGpuBytes === undefined ? '–' : formatBytes(p.modelGpuBytes)}</td><td>${p.planGpuBytes === undefined ? '–' : formatBytes(p.planGpuBytes)}</td>
        <td>${p.wait ?? '–'}</td></tr>`)}</tbody>
    </table></div>`;
  }

  protected override render(): unknown {
    const entry = this.shownEntry();
    // An empty lab's first visit: the stored reference runs, until the visitor's own run has results.
    const ref = this.mainReference();
    const refCurve = this.curve.length === 0 && ref ? referenceCurve(ref) : null;
    const refSparsity = this.chartReports.length === 0 ? this.shownReferences : [];
    const refLayers = !entry ? ref?.final ?? null : null;
    const layer = entry && !this.viewing ? this.layers.get(entry.round) ?? null : null;
    const sizes = entry ? entrySizes(entry) : null;
    const tileWidth = layer && !Number.isInteger(Math.sqrt(layer.inputs)) ? largestDivisorUpTo(layer.inputs, Math.sqrt(layer.inputs)) : null;
    return html`
      ${this.controlsBar()}
      <prune-model-io part="model-io" .io=${this.io} .version=${this.io.version} ?disabled=${this.controller.running}
        @model-io-error=${(e: CustomEvent<LabFailure>) => { this.io.error = { ...e.detail, file: '' }; this.requestUpdate(); }}></prune-model-io>
      ${this.statusLine()}
      ${this.progressLine()}
      <div class="grid">
        ${this.view('curves', 'Training loss and accuracy', html`<prune-training-chart class=${refCurve ? 'reference' : ''} ?data-reference=${refCurve !== null}
            .points=${refCurve?.points ?? this.curve} .marks=${refCurve?.marks ?? this.marks} width="560" height="240"></prune-training-chart>`,
          refCurve && ref ? html`${this.referenceBadge(ref)}<small>a stored run's test loss and accuracy after each round, until your run trains</small>` : nothing)}
        ${this.view('sparsity', 'Accuracy against sparsity', html`<prune-sparsity-chart class=${refSparsity.length ? 'reference' : ''} ?data-reference=${refSparsity.length > 0}
            .reports=${refSparsity.length ? refSparsity : this.chartReports} .labels=${refSparsity.length ? runLabels(refSparsity).map((l, i) => `reference: ${refSparsity[i]!.model.name} · ${l}`) : null} width="560" height="260"></prune-sparsity-chart>`,
          refSparsity.length
            ? html`${this.referenceBadge(refSparsity[0]!)}<small>stored reference runs, until your own run has a round; ring = dense baseline</small>`
            : html`<small>one point per round; ring = dense baseline; stored runs ticked below are overlaid</small>`)}
        ${this.view('latency', 'Frame latency against sparsity', this.latencyFrames === 0 && this.latency.length === 0
          ? html`<div class="empty">Latency is not measured (latency-frames is 0).</div>`
          : html`<prune-latency-chart .points=${this.latency} scale="log" width="560" height="260"></prune-latency-chart>${this.latencyTable()}
            <p class="latency-note" part="latency-note">${latencyNote(this.latency, this.controller.adapter?.engine)}</p>`,
          html`<small>one 28×28 image to a class, p50 with p95 whiskers, ${this.latencyFrames || '≥ 200'} frames per path</small>`)}
        ${this.view('layers', 'Per-layer sparsity', html`<prune-layer-sparsity class=${refLayers ? 'reference' : ''} ?data-reference=${refLayers !== null} .entry=${refLayers ?? entry}></prune-layer-sparsity>`,
          refLayers && ref ? html`${this.referenceBadge(ref)}<small>a stored run's last round (${ref.model.name}), until your run has a round</small>` : this.roundPicker())}
        ${this.view('mask', `Weights of ${layer?.name ?? 'the first Linear layer'}`, layer
          ? html`<prune-mask-view .weights=${layer.weights} .mask=${layer.mask} inputs=${layer.inputs} .units=${layer.units} .tileWidth=${tileWidth} .mode=${this.maskMode} zoom="1"></prune-mask-view>`
          : html`<div class="empty">${this.viewing ? 'Stored runs keep no weights.' : 'Each hidden unit\'s incoming weights appear here as a tile after the baseline.'}</div>`,
          html`<select aria-label="mask view mode" @change=${(e: Event) => (this.maskMode = (e.target as HTMLSelectElement).value as 'weights' | 'mask')}>
            <option value="weights" ?selected=${this.maskMode === 'weights'}>weights</option><option value="mask" ?selected=${this.maskMode === 'mask'}>mask</option></select>`)}
        ${this.view('confusion', 'Confusion matrix', html`<prune-confusion-matrix .confusion=${entry?.confusion ?? []}></prune-confusion-matrix>`)}
        ${this.view('metrics', 'Precision, recall, F1', html`<prune-metrics-table .entry=${entry}></prune-metrics-table>`)}
        ${this.view('size', 'Model size', html`<prune-size-view .sizes=${sizes}></prune-size-view>`)}
        ${this.view('pad', 'Draw a digit', html`<prune-digit-pad size="200" .predictions=${this.predictions}
            @digit-input=${(e: CustomEvent<DigitInputDetail>) => void this.onDigit(e)} @digit-clear=${() => (this.predictions = [])}></prune-digit-pad>`,
          html`<small>the dense baseline and the latest pruned model answer on every stroke</small>`)}
        ${this.view('runs', 'Stored runs', this.runsTable())}
        ${this.view('reproductions', 'Reproductions', html`<prune-reproductions .labElement=${this}
            @reproduction-load=${(e: CustomEvent<ReproductionLoadDetail>) => { this.notice = `Loaded the ${e.detail.full ? 'full' : 'reduced'} config of the reproduction ${e.detail.id} (${e.detail.role}): press Run.`; }}></prune-reproductions>`,
          html`<small>our stored reports beside the papers' figures</small>`)}
      </div>
    `;
  }

  /** The settings of the last run started (null before any). */
  get lastRunConfig(): ExperimentConfig | null {
    return this.lastConfig;
  }
}

function largestDivisorUpTo(n: number, max: number): number {
  for (let d = Math.floor(max); d >= 1; d--) if (n % d === 0) return d;
  return 1;
}

declare global {
  interface HTMLElementTagNameMap {
    'prune-lab': PruneLab;
  }
  interface HTMLElementEventMap {
    'prune-round': CustomEvent<RoundEntry>;
    'run-complete': CustomEvent<Report>;
    'run-error': CustomEvent<RunErrorDetail>;
  }
}
