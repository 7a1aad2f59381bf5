// The controls of <prune-lab>: each one's attribute, label and allowed values, the
// engine config they make up, and which control an engine error is about. The
// values are checked by the engine's own validation (in the Worker); here only
// what never reaches it is checked: numbers that did not parse, custom-spec JSON,
// an N:M pattern that is not "N:M", a learning-rate schedule or per-layer list not of
// their form, a model or dataset that needs a file not loaded.
import type { ExperimentConfig, LabFailure, ModelSpec } from '../../worker/api.js';
import { GRANULARITIES, WEIGHT_CRITERIA, UNIT_CRITERIA, WHEN, NM_CRITERIA, INIT_CRITERIA, DURING_CRITERIA, parseLrSchedule, formatLrSchedule, parseLayerSparsity, formatLayerSparsity } from '../../worker/api.js';

export { parseLrSchedule, formatLrSchedule, parseLayerSparsity, formatLayerSparsity };

/** 'onnx': the imported .onnx model; 'tabular-mlp': the default MLP sized to the loaded CSV. */
export const MODELS = ['lenet-300-100', 'lenet-5', 'custom', 'onnx', 'tabular-mlp'] as const;
/** 'csv': the CSV loaded in the page. */
export const DATASETS = ['mnist', 'idx', 'csv'] as const;
/** The legacy shorthand for the axes (attribute `method`; absent: the axes below decide). */
export const METHOD_NAMES = ['global', 'local', 'random', 'structured'] as const;
export const SCOPES = ['global', 'local'] as const;
/** Every criterion name (the options offered depend on the granularity and when: criterionOptions). */
export const CRITERION_NAMES = [...new Set<string>([...WEIGHT_CRITERIA, ...UNIT_CRITERIA])] as readonly string[];
/** The N:M patterns offered (the attribute takes any "N:M" with 1 ≤ N < M ≤ 16). */
export const NM_PATTERNS = ['2:4', '4:8', '1:4'] as const;
export const SCHEDULE_NAMES = ['oneshot', 'iterative', 'gradual'] as const;
export const OPTIMIZER_NAMES = ['sgd', 'adam'] as const;
/** prune.control: the lottery-ticket control (the same masks on a fresh seeded init, beside each round). */
export const CONTROL_NAMES = ['reinit'] as const;
/** prune.layerSchedule: per-layer ratios reached in round 1 ('fixed') or over the rounds ('iterative'). */
export const LAYER_SCHEDULES = ['fixed', 'iterative'] as const;
/** Learning-rate schedules offered (the attribute takes constant | cosine | cosine:MIN | step:EVERY:GAMMA). */
export const LR_SCHEDULES = ['constant', 'cosine', 'cosine:0.00001', 'step:1:0.5'] as const;
export const VIEWS = ['curves', 'sparsity', 'latency', 'layers', 'mask', 'confusion', 'metrics', 'size', 'pad', 'runs', 'reproductions'] as const;
export type LabView = (typeof VIEWS)[number];

/** The values of the controls, as the element's properties hold them. */
export interface LabControls {
  model: string;
  modelSpec: string | null;
  /** The `dataset` attribute (HTMLElement.dataset is taken). */
  datasetName: string;
  /** Legacy: null unless set (then the engine maps it onto granularity, criterion and scope). */
  method: string | null;
  granularity: string;
  /** null: the granularity's default (magnitude for weights and N:M, l2 for units). */
  criterion: string | null;
  scope: string;
  when: string;
  /** "N:M", used with granularity 'nm'. */
  nm: string;
  /** null: the engine's default (1,024, or the training rows if fewer); only for criteria that score from data. */
  calibrationSamples: number | null;
  schedule: string;
  targetSparsity: number;
  rounds: number;
  epochs: number;
  finetuneEpochs: number;
  optimizer: string;
  learningRate: number;
  batchSize: number;
  seed: number;
  trainSamples: number | null;
  validationSamples: number | null;
  testSamples: number | null;
  rewind: number | null;
  /** null: none; 'reinit': the lottery-ticket control beside each round (needs rewind). */
  control: string | null;
  /** null: the engine's default ('fixed'); 'iterative' reaches each per-layer ratio over the rounds. */
  layerSchedule: string | null;
  /** "fc1=0.92,fc2=0.91,fc3=exclude": per-layer sparsities (or a layer left dense); null: none. */
  layerSparsity: string | null;
  /** null: fine-tuning uses the learning rate. */
  finetuneLr: number | null;
  /** null: no validation curve; else every this many training steps. */
  validateEvery: number | null;
  /** "constant", "cosine", "cosine:MIN" or "step:EVERY:GAMMA"; null: none (a constant rate). */
  lrSchedule: string | null;
  /** null: no weight decay. */
  weightDecay: number | null;
  /** SGD only; null: none (the engine's 0). */
  momentum: number | null;
}

export const DEFAULTS: LabControls = {
  model: 'lenet-300-100',
  modelSpec: null,
  datasetName: 'mnist',
  method: null,
  granularity: 'weight',
  criterion: null,
  scope: 'global',
  when: 'after',
  nm: '2:4',
  calibrationSamples: null,
  schedule: 'iterative',
  targetSparsity: 0.9,
  rounds: 3,
  epochs: 2,
  finetuneEpochs: 1,
  optimizer: 'adam',
  learningRate: 0.001,
  batchSize: 64,
  seed: 1,
  trainSamples: 5000,
  validationSamples: 1000,
  testSamples: 2000,
  rewind: null,
  control: null,
  layerSchedule: null,
  layerSparsity: null,
  finetuneLr: null,
  validateEvery: null,
  lrSchedule: null,
  weightDecay: null,
  momentum: 0.9,
};

export interface ControlSpec {
  key: keyof LabControls;
  attr: string;
  label: string;
  /** Config fields (prefixes) whose errors belong to this control. */
  fields: string[];
  options?: readonly string[];
  /** Options offered as suggestions only: any text may be typed (the N:M pattern). */
  suggest?: readonly string[];
  /** A nullable choice: null (the attribute absent or empty) is allowed beside the options. */
  nullable?: boolean;
  /** Numbers: the input's step; null-able numbers may be left empty. */
  step?: string;
  /** Free text of a form of its own (parsed by buildConfig): the per-layer list, the lr schedule. */
  text?: boolean;
  /** A nullable choice: the option that stands for null, always offered (else "default" while null). */
  noneLabel?: string;
  /** Empty number or text: what it means (the input's placeholder). */
  placeholder?: string;
  hint: string;
}

export const CONTROLS: readonly ControlSpec[] = [
  { key: 'model', attr: 'model', label: 'model', fields: ['model'], options: MODELS, hint: 'LeNet-300-100, LeNet-5, a custom spec, the imported .onnx model, or the MLP sized to the CSV' },
  { key: 'modelSpec', attr: 'model-spec', label: 'custom spec (JSON)', fields: ['model.'], hint: '{ "input": {"C":1,"H":28,"W":28}, "layers": [...] }' },
  { key: 'datasetName', attr: 'dataset', label: 'dataset', fields: ['dataset'], options: DATASETS, hint: 'MNIST, IDX files laid out like it at data-url, or the CSV loaded below' },
  { key: 'method', attr: 'method', label: 'method (legacy)', fields: ['prune.method'], options: METHOD_NAMES, nullable: true, hint: 'global / local magnitude, random, structured: a shorthand for granularity, criterion and scope' },
  { key: 'granularity', attr: 'granularity', label: 'granularity', fields: ['prune.granularity'], options: GRANULARITIES, hint: 'single weights, whole units (neurons / filters, shrunk), or N:M groups' },
  { key: 'criterion', attr: 'criterion', label: 'criterion', fields: ['prune.criterion', 'prune.sparsegpt', 'prune.synflow'], options: CRITERION_NAMES, nullable: true, hint: 'how weights (or units) are scored; the list follows granularity and when' },
  { key: 'scope', attr: 'scope', label: 'scope', fields: ['prune.scope'], options: SCOPES, hint: 'one threshold across all layers, or one per layer' },
  { key: 'when', attr: 'when', label: 'when', fields: ['prune.when'], options: WHEN, hint: 'after training, at initialization (then train the sparse net), or during training (gradual)' },
  { key: 'nm', attr: 'nm', label: 'N:M pattern', fields: ['prune.nm'], suggest: NM_PATTERNS, hint: 'keep N of every M consecutive weights along a row\'s inputs (granularity nm)' },
  { key: 'calibrationSamples', attr: 'calibration-samples', label: 'calibration samples', fields: ['prune.calibration'], step: '1', nullable: true, hint: 'empty: 1,024 (or the training rows); taylor, snip, wanda, sparsegpt only' },
  { key: 'schedule', attr: 'schedule', label: 'schedule', fields: ['prune.schedule'], options: SCHEDULE_NAMES, hint: 'one-shot, iterative, gradual' },
  { key: 'targetSparsity', attr: 'target-sparsity', label: 'target sparsity', fields: ['prune.targetSparsity'], step: '0.01', hint: 'in [0, 1)' },
  { key: 'rounds', attr: 'rounds', label: 'rounds', fields: ['prune.rounds', 'prune.gradualEvery', 'prune.gradualStart'], step: '1', hint: '1 to 100 (one-shot: 1)' },
  { key: 'epochs', attr: 'epochs', label: 'epochs', fields: ['train.epochs'], step: '1', hint: 'baseline training epochs' },
  { key: 'finetuneEpochs', attr: 'finetune-epochs', label: 'fine-tune epochs', fields: ['prune.finetuneEpochs'], step: '1', hint: 'per round' },
  { key: 'optimizer', attr: 'optimizer', label: 'optimizer', fields: ['train.optimizer.type', 'train.optimizer'], options: OPTIMIZER_NAMES, hint: 'SGD (with the momentum below) or Adam' },
  { key: 'learningRate', attr: 'learning-rate', label: 'learning rate', fields: ['train.optimizer.lr'], step: 'any', hint: 'in (0, 10]' },
  { key: 'lrSchedule', attr: 'lr-schedule', label: 'lr schedule', fields: ['train.schedule'], text: true, suggest: LR_SCHEDULES, nullable: true, placeholder: 'constant', hint: 'constant, cosine (to 0), cosine:MIN, or step:EVERY:GAMMA (× GAMMA every EVERY epochs); within each training' },
  { key: 'weightDecay', attr: 'weight-decay', label: 'weight decay', fields: ['train.optimizer.weightDecay'], step: 'any', nullable: true, placeholder: 'none', hint: 'empty: none; else the L2 λ in [0, 1], added to the gradient' },
  { key: 'momentum', attr: 'momentum', label: 'SGD momentum', fields: ['train.optimizer.momentum'], step: 'any', nullable: true, placeholder: '0', hint: 'in [0, 1); empty: none (0); SGD only' },
  { key: 'batchSize', attr: 'batch-size', label: 'batch size', fields: ['train.batchSize'], step: '1', hint: 'at most the training samples' },
  { key: 'seed', attr: 'seed', label: 'seed', fields: ['seed'], step: '1', hint: 'integer in [0, 2³¹−1]' },
  { key: 'trainSamples', attr: 'train-samples', label: 'train samples', fields: ['subsets.train', 'trainSubset'], step: '1', nullable: true, hint: 'empty: all 55,000' },
  { key: 'validationSamples', attr: 'validation-samples', label: 'validation samples', fields: ['subsets.validation', 'validationSubset'], step: '1', nullable: true, hint: 'empty: min(5,000, 10% of the training rows)' },
  { key: 'testSamples', attr: 'test-samples', label: 'test samples', fields: ['subsets.test', 'testSubset'], step: '1', nullable: true, hint: 'empty: all 10,000' },
  { key: 'rewind', attr: 'rewind', label: 'lottery-ticket rewind', fields: ['prune.rewind'], step: '1', nullable: true, hint: 'empty: off; else the training step to rewind survivors to (0 = init)' },
  { key: 'control', attr: 'control', label: 'lottery control', fields: ['prune.control'], options: CONTROL_NAMES, nullable: true, noneLabel: 'none', hint: 'reinit: beside each rewound round, the same masks on a fresh seeded init (Frankle & Carbin\'s control); needs rewind, weight granularity, when after' },
  { key: 'layerSparsity', attr: 'layer-sparsity', label: 'per-layer sparsity', fields: ['prune.layers'], text: true, nullable: true, placeholder: 'fc1=0.92,fc2=0.91', hint: 'NAME=S[,NAME=S…]: a layer\'s own ratio S in [0, 1), or NAME=exclude to keep it dense; empty: none' },
  { key: 'layerSchedule', attr: 'layer-schedule', label: 'layer schedule', fields: ['prune.layerSchedule'], options: LAYER_SCHEDULES, nullable: true, noneLabel: 'default (fixed)', hint: 'iterative schedule with per-layer sparsities: fixed prunes each layer to its ratio in round 1; iterative reaches it over the rounds' },
  { key: 'finetuneLr', attr: 'finetune-lr', label: 'fine-tune lr', fields: ['prune.finetuneLr'], step: 'any', nullable: true, placeholder: 'the learning rate', hint: 'in (0, 10]; empty: the learning rate' },
  { key: 'validateEvery', attr: 'validate-every', label: 'validate every', fields: ['train.validateEvery'], step: '1', nullable: true, placeholder: 'off', hint: 'empty: off; else every N training steps, the validation loss and accuracy (early stopping\'s record)' },
];

/** The criteria the engine accepts with this granularity and when (CRITERIA of src/lab/config.ts). */
export function criterionOptions(granularity: string, when: string): readonly string[] {
  if (granularity === 'unit') return UNIT_CRITERIA;
  if (granularity === 'nm') return NM_CRITERIA;
  if (when === 'init') return INIT_CRITERIA;
  if (when === 'during') return DURING_CRITERIA;
  return WEIGHT_CRITERIA;
}

/** "N:M" → { n, m } (integers; their range is the engine's to check), or null when it is not of that form. */
export function parseNm(v: string): { n: number; m: number } | null {
  const r = /^\s*(\d{1,3})\s*:\s*(\d{1,3})\s*$/.exec(v);
  return r ? { n: Number(r[1]), m: Number(r[2]) } : null;
}

/** A decimal number as typed ("0.5", ".5", "1e-5"); Number() alone would take "", "0x10" and "Infinity". */
/** The control an error names: by its attribute, else by the longest matching config-field prefix. */
export function controlOf(field: string | undefined): ControlSpec | undefined {
  if (!field) return undefined;
  const byAttr = CONTROLS.find((c) => c.attr === field);
  if (byAttr) return byAttr;
  let best: ControlSpec | undefined;
  let len = -1;
  for (const c of CONTROLS) {
    for (const f of c.fields) {
      if ((field === f || field.startsWith(f.endsWith('.') ? f : `${f}.`) || field.startsWith(`${f}[`)) && f.length > len) {
        best = c;
        len = f.length;
      }
    }
  }
  return best;
}

function problem(c: ControlSpec, message: string, got: unknown): LabFailure {
  const shown = typeof got === 'number' && Number.isNaN(got) ? 'NaN' : JSON.stringify(got);
  return { code: 'invalid-config', field: c.attr, message: `${c.attr} must be ${message} (got ${shown})` };
}

/** What the page loaded: the imported model's spec, and the CSV (its default model, file name, target and test file). */
export interface LoadedInputs {
  onnx?: ModelSpec | null;
  csv?: { model: ModelSpec; name: string; target: string; test?: string } | null;
}

/**
 * The engine config the controls describe, or the first control that cannot be
 * turned into one (a number that did not parse, custom-spec JSON that did not, an
 * .onnx model or CSV chosen but not loaded). Everything else is for the engine to check.
 */
export function buildConfig(c: LabControls, loaded: LoadedInputs = {}): { ok: true; config: ExperimentConfig } | { ok: false; error: LabFailure } {
  for (const spec of CONTROLS) {
    const v = c[spec.key];
    if (spec.step !== undefined && !(v === null && spec.nullable) && (typeof v !== 'number' || Number.isNaN(v))) {
      return { ok: false, error: problem(spec, spec.nullable ? 'a number, or empty' : 'a number', v) };
    }
  }
  const nm = parseNm(c.nm);
  if (nm === null) return { ok: false, error: problem(CONTROLS.find((s) => s.key === 'nm')!, 'an N:M pattern such as 2:4 (N kept in every M)', c.nm) };
  const lrSchedule = c.lrSchedule === null ? null : parseLrSchedule(c.lrSchedule);
  if (c.lrSchedule !== null && lrSchedule === null) {
    return { ok: false, error: problem(CONTROLS.find((s) => s.key === 'lrSchedule')!, 'constant, cosine, cosine:MIN or step:EVERY:GAMMA (MIN, GAMMA numbers, EVERY an integer), or empty', c.lrSchedule) };
  }
  const layers = c.layerSparsity === null ? null : parseLayerSparsity(c.layerSparsity);
  if (c.layerSparsity !== null && layers === null) {
    return { ok: false, error: problem(CONTROLS.find((s) => s.key === 'layerSparsity')!, 'NAME=S[,NAME=S…] (S a number, or exclude; each layer once), such as fc1=0.92,fc2=0.91, or empty', c.layerSparsity) };
  }
  let model: string | ModelSpec = c.model;
  if (c.model === 'custom') {
    const spec = CONTROLS.find((s) => s.key === 'modelSpec')!;
    if (!c.modelSpec) return { ok: false, error: problem(spec, "a JSON model spec when model is 'custom'", c.modelSpec) };
    try {
      model = JSON.parse(c.modelSpec) as ModelSpec;
    } catch (e) {
      return { ok: false, error: { code: 'invalid-config', field: spec.attr, message: `${spec.attr} must be JSON (${e instanceof Error ? e.message : String(e)})` } };
    }
  }
  const modelControl = CONTROLS.find((s) => s.key === 'model')!;
  const datasetControl = CONTROLS.find((s) => s.key === 'datasetName')!;
  if (c.model === 'onnx') {
    if (!loaded.onnx) return { ok: false, error: problem(modelControl, "an imported model when model is 'onnx': choose or drop an .onnx file, or set model-url", c.model) };
    model = loaded.onnx;
  }
  if (c.model === 'tabular-mlp') {
    if (!loaded.csv) return { ok: false, error: problem(modelControl, "sized to a CSV when model is 'tabular-mlp': choose or drop a .csv file first", c.model) };
    model = loaded.csv.model;
  }
  const csv = loaded.csv;
  if (c.datasetName === 'csv' && !csv) return { ok: false, error: problem(datasetControl, "a loaded CSV when dataset is 'csv': choose or drop a .csv file", c.datasetName) };
  const subsets: NonNullable<ExperimentConfig['subsets']> = {};
  if (c.trainSamples !== null) subsets.train = c.trainSamples;
  if (c.validationSamples !== null) subsets.validation = c.validationSamples;
  if (c.testSamples !== null) subsets.test = c.testSamples;
  // Momentum is SGD's: the control is set aside with Adam.
  const decay = c.weightDecay !== null ? { weightDecay: c.weightDecay } : {};
  const optimizer = c.optimizer === 'sgd'
    ? { type: 'sgd' as const, lr: c.learningRate, ...(c.momentum !== null ? { momentum: c.momentum } : {}), ...decay }
    : { type: c.optimizer as 'adam', lr: c.learningRate, ...decay };
  type Prune = ExperimentConfig['prune'];
  const config = {
    model,
    dataset: c.datasetName === 'idx' ? { name: 'idx' } : c.datasetName === 'csv' && csv
      ? { name: 'csv', label: csv.name, target: csv.target, ...(csv.test !== undefined ? { test: csv.test } : {}) }
      : { name: c.datasetName as 'mnist' },
    train: {
      epochs: c.epochs, batchSize: c.batchSize, optimizer,
      ...(lrSchedule ? { schedule: lrSchedule } : {}),
      ...(c.validateEvery !== null ? { validateEvery: c.validateEvery } : {}),
    },
    prune: {
      // Each axis only when it is not its default, so that the engine fills in the rest
      // (and a legacy method's config is what it was before the axes: method alone).
      ...(c.method !== null ? { method: c.method as Prune['method'] } : {}),
      ...(c.granularity !== DEFAULTS.granularity ? { granularity: c.granularity as Prune['granularity'] } : {}),
      ...(c.criterion !== null ? { criterion: c.criterion as Prune['criterion'] } : {}),
      ...(c.scope !== DEFAULTS.scope ? { scope: c.scope as Prune['scope'] } : {}),
      ...(c.when !== DEFAULTS.when ? { when: c.when as Prune['when'] } : {}),
      ...(c.granularity === 'nm' ? { nm } : {}),
      ...(c.calibrationSamples !== null ? { calibration: { samples: c.calibrationSamples } } : {}),
      schedule: c.schedule as Prune['schedule'],
      // N:M fixes the sparsity (1 − N/M): the engine fills it in.
      ...(c.granularity === 'nm' ? {} : { targetSparsity: c.targetSparsity }),
      // One-shot is one round by definition: the rounds control is set aside for it.
      rounds: c.schedule === 'oneshot' ? 1 : c.rounds,
      finetuneEpochs: c.finetuneEpochs,
      rewind: c.rewind === null ? false : c.rewind,
      ...(c.control !== null ? { control: c.control as Prune['control'] } : {}),
      ...(layers ? { layers } : {}),
      ...(c.layerSchedule !== null ? { layerSchedule: c.layerSchedule as Prune['layerSchedule'] } : {}),
      ...(c.finetuneLr !== null ? { finetuneLr: c.finetuneLr } : {}),
    },
    seed: c.seed,
    ...(Object.keys(subsets).length ? { subsets } : {}),
  } as ExperimentConfig;
  return { ok: true, config };
}

/** A lab view list from an attribute ("curves sparsity pad" or comma-separated); null: all. */
export function parseViews(v: string | null): { views: LabView[] } | { error: string } {
  if (v === null || v.trim() === '') return { views: [...VIEWS] };
  const names = v.split(/[\s,]+/).filter(Boolean);
  const bad = names.find((n) => !(VIEWS as readonly string[]).includes(n));
  if (bad !== undefined) return { error: `views must be a list of ${VIEWS.join(', ')} (got ${JSON.stringify(bad)})` };
  return { views: names as LabView[] };
}
