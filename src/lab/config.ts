// The experiment config: everything a run needs, validated in full before any GPU
// work starts, with errors that name the field and the allowed values.
import { PruneLabError, checkFields } from '../errors.js';
import { planModel, PRESETS, type ModelPlan, type ModelSpec } from '../nn/spec.js';
import { validateOptimizer, validateSchedule, type LrSchedule, type OptimizerConfig } from '../nn/optim.js';
import {
  METHODS, SCHEDULE_KINDS, GRANULARITIES, WEIGHT_CRITERIA, UNIT_CRITERIA, WHEN, NM_CRITERIA, INIT_CRITERIA, DURING_CRITERIA,
  CALIBRATED_CRITERIA, DEFAULT_CALIBRATION_SAMPLES, SPARSEGPT_DEFAULTS, SYNFLOW_DEFAULTS, METHOD_AXES,
  type PruneMethod, type PruneScheduleKind, type Granularity, type WeightCriterionName, type UnitCriterionName,
  type PruneWhen, type CriterionName,
} from './axes.js';

// The axes' vocabulary lives in ./axes.ts (data only); re-exported here for the engine's callers.
export {
  METHODS, SCHEDULE_KINDS, GRANULARITIES, WEIGHT_CRITERIA, UNIT_CRITERIA, WHEN, NM_CRITERIA, INIT_CRITERIA, DURING_CRITERIA,
  CALIBRATED_CRITERIA, DEFAULT_CALIBRATION_SAMPLES, SPARSEGPT_DEFAULTS, SYNFLOW_DEFAULTS, METHOD_AXES,
};
export type { PruneMethod, PruneScheduleKind, Granularity, WeightCriterionName, UnitCriterionName, PruneWhen, CriterionName };

export interface LayerOverride {
  /** Leave this layer dense. */
  exclude?: boolean;
  /** Prune this layer to its own ratio (a separate group). */
  sparsity?: number;
}

export interface ExperimentConfig {
  /** A preset name ('lenet-300-100', 'lenet-5') or a model spec. */
  model: string | ModelSpec;
  /**
   * 'csv' (tabular): the training file's label, the target column, and the test file's
   * label when one was given (else the test rows are held out of the training file).
   */
  dataset: { name: 'mnist' } | { name: 'idx'; label?: string } | { name: 'csv'; label?: string; target: string; test?: string };
  train: {
    epochs: number;
    batchSize: number;
    optimizer: OptimizerConfig;
    schedule?: LrSchedule;
    /**
     * Early stopping's record (issue #17): every this many steps of every training (the
     * baseline, each round's fine-tuning, the reinit control), the loss and accuracy on the
     * validation split, kept in the round's entry as earlyStop (the curve, the iteration of
     * its minimum, and the evaluated split's accuracy with the weights of that iteration).
     * Recording only: training runs its full budget.
     */
    validateEvery?: number;
  };
  prune: {
    /**
     * Legacy shorthand for the axes, still accepted (and kept in the normalized config
     * when given): 'global' → granularity 'weight', criterion 'magnitude', scope 'global';
     * 'local' → the same with scope 'local'; 'random' → weight / 'random'; 'structured'
     * → granularity 'unit' with criterion l1 | l2 | taylor | norm-product (default l2).
     * An axis given beside it must agree with it (prune.granularity, prune.criterion,
     * prune.scope are refused otherwise).
     */
    method?: PruneMethod;
    /**
     * What is removed: single weights ('weight', the default), whole units ('unit':
     * neurons / filters, physically shrunk), or N:M groups ('nm': n kept in every m
     * consecutive weights along each output's input dimension; see prune.nm).
     */
    granularity?: Granularity;
    /**
     * How weights or units are scored. Weight and nm: magnitude (default), random,
     * taylor, snip, synflow, lamp, wanda, sparsegpt, movement (nm: only magnitude, random,
     * taylor, snip, wanda, sparsegpt). Unit: l1, l2 (default), taylor, norm-product.
     */
    criterion?: CriterionName;
    /**
     * Granularity 'nm' only (default 2:4): integers 1 ≤ n < m ≤ 16. The sparsity is then
     * 1 − n/m in every group: prune.targetSparsity may be left out (it is filled in), and
     * if given must equal 1 − n/m. N:M runs are one-shot, with no per-layer sparsity.
     */
    nm?: { n: number; m: number };
    /**
     * When the masks are chosen. 'after' (default): after the baseline training, in rounds
     * (oneshot, iterative). 'init': once, on the freshly initialized network (criteria
     * magnitude, random, snip, synflow; schedule 'oneshot', finetuneEpochs 0, no rewind);
     * the sparse network then trains for train.epochs. In the report, round 0 is then the
     * dense network at initialization (untrained, loss null) and round 1 the network
     * pruned at init and trained. 'during': the masks follow a gradual schedule while
     * fine-tuning (schedule 'gradual'; criteria magnitude, lamp, taylor, wanda, movement;
     * movement needs 'during'). Schedule 'gradual' implies 'during' and the default is
     * then 'during'. SNIP and SynFlow are defined at initialization, but scoring a
     * trained network with them ('after') is legitimate and allowed; Wanda and SparseGPT
     * are refused at 'init' (their scores need trained weights to mean anything).
     */
    when?: PruneWhen;
    /**
     * Criteria that score from data (taylor, snip, wanda, sparsegpt) only: a seeded subset
     * of the training split. Without it, 1024 rows, or the training rows if fewer; a given
     * samples must fit the training rows. batchSize defaults to train.batchSize, or
     * samples if fewer. Each round of the report records the size used (calibration).
     */
    calibration?: { samples: number; batchSize?: number };
    /** Criterion 'sparsegpt' only: columns per block (default 128) and the dampening λ (a fraction of mean(diag H), default 0.01). */
    sparsegpt?: { blockSize?: number; damp?: number };
    /** Criterion 'synflow' only: pruning iterations of the exponential schedule (default 100). */
    synflow?: { iterations?: number };
    /**
     * Rank within each layer ('local') or across all prunable layers ('global', the
     * default; 'local' with method 'local'). For unit granularity, units are ranked per
     * layer or globally. For criterion 'random' it is the scope of the magnitude run whose
     * per-layer counts the random masks take. N:M groups, Wanda (which compares
     * within each output row) and SparseGPT (layer by layer) are always local: each
     * layer goes to the target (or its own rule), and 'global' is refused for them.
     */
    scope?: 'global' | 'local';
    /**
     * Criterion 'random' (weight granularity) only: the weights to keep, per round (oneshot: 1, iterative: `rounds`)
     * and per layer (every layer of the model in order, excluded ones at their full size),
     * as read from the `layers[].nonzero` of a magnitude run's report with the same config
     * and seed. Integers within the layer sizes, non-increasing from round to round.
     * Without it, a random run keeps a magnitude "twin" of its network in lock-step (the
     * same baseline, pruned at the same scope and overrides and fine-tuned with the same
     * seeds) and takes its counts each round (the twin's fine-tune time counts in the
     * round's timeMs.prune); with local scope, or when every layer has its own ratio, the
     * counts are fixed and no twin runs.
     */
    keptCounts?: number[][];
    schedule: PruneScheduleKind;
    targetSparsity: number;
    rounds: number;
    finetuneEpochs: number;
    /** Per-layer overrides by layer name (fc1, conv2, …). */
    layers?: Record<string, LayerOverride>;
    /** Lottery-ticket rewinding: false, or the training step whose weights survivors are reset to (0 = init). */
    rewind?: false | number;
    /**
     * Iterative only, with per-layer sparsities (layers[].sparsity): 'fixed' (default) prunes
     * such a layer to its ratio in round 1; 'iterative' makes each layer's ratio a final target
     * reached by the same geometric schedule as the run's target, 1 − (1 − s_l)^(r/R) in round
     * r of R (each round removes the same fraction of the layer's remaining weights:
     * Frankle & Carbin's 20% of hidden-layer and 10% of output-layer weights per round).
     */
    layerSchedule?: 'fixed' | 'iterative';
    /**
     * Fine-tuning's learning rate after each round (default train.optimizer.lr), with
     * train.schedule applied within each round's training as in the baseline's.
     */
    finetuneLr?: number;
    /**
     * 'reinit': the lottery-ticket control (Frankle & Carbin 2019). Beside each round's
     * rewound network, a copy with the same masks whose survivors take a fresh seeded init
     * (the model's initializer, seed derived from the run's seed and the round) trains with
     * the same budget and batch order; its figures are the round entry's control. The
     * masks of the next round still come from the rewound (ticket) network. Needs
     * prune.rewind, weight granularity, when 'after' and a oneshot or iterative schedule.
     */
    control?: 'reinit';
    /** Gradual: update masks every this many steps (Δt), starting at step t0 (default 0). */
    gradualEvery?: number;
    gradualStart?: number;
  };
  seed: number;
  subsets?: { train?: number; validation?: number; test?: number };
  /** Which split the round metrics come from. */
  evaluateOn?: 'test' | 'validation';
}

/** The prune section as validateConfig returns it: every axis filled in. */
export type NormalizedPrune = ExperimentConfig['prune'] & {
  granularity: Granularity;
  criterion: CriterionName;
  scope: 'global' | 'local';
  when: PruneWhen;
  rewind: false | number;
};
/** A config as validateConfig returns it (and as reports store it). */
export type NormalizedConfig = ExperimentConfig & { prune: NormalizedPrune; evaluateOn: 'test' | 'validation' };

const CONFIG_FIELDS = ['model', 'dataset', 'train', 'prune', 'seed', 'subsets', 'evaluateOn'] as const;
const PRUNE_FIELDS = ['method', 'granularity', 'criterion', 'nm', 'when', 'calibration', 'sparsegpt', 'synflow', 'scope', 'keptCounts', 'schedule', 'targetSparsity', 'rounds', 'finetuneEpochs', 'layers', 'rewind', 'gradualEvery', 'gradualStart', 'layerSchedule', 'finetuneLr', 'control'] as const;

function bad(field: string, expected: string, got: unknown): never {
  throw new PruneLabError('invalid-config', `${field} must be ${expected} (got ${JSON.stringify(got)})`, field);
}

function int(v: unknown, field: string, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) bad(field, `an integer in [${lo}, ${hi}]`, v);
}

function ratio(v: unknown, field: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) bad(field, 'a number in [0, 1)', v);
}

function oneOf<T extends string>(v: unknown, field: string, allowed: readonly T[]): void {
  if (!allowed.includes(v as T)) bad(field, `one of ${allowed.join(', ')}`, v);
}

/** Resolves the model to a spec (presets by name). */
export function resolveModel(model: ExperimentConfig['model']): ModelSpec {
  if (typeof model === 'string') {
    const p = Object.hasOwn(PRESETS, model) ? PRESETS[model] : undefined;
    if (!p) bad('model', `one of ${Object.keys(PRESETS).join(', ')} or a model spec object`, model);
    return p;
  }
  return model;
}

/** Checks every field; returns the config with defaults filled in. Throws PruneLabError('invalid-config'). */
export function validateConfig(raw: unknown): NormalizedConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('config', 'an object', raw);
  checkFields(raw, 'config', CONFIG_FIELDS, 'invalid-config', '');
  const c = raw as unknown as ExperimentConfig;
  const plan = planModel(resolveModel(c.model));
  if (typeof c.dataset !== 'object' || c.dataset === null) bad('dataset', "{ name: 'mnist' }, { name: 'idx' } or { name: 'csv', target }", c.dataset);
  oneOf(c.dataset.name, 'dataset.name', ['mnist', 'idx', 'csv']);
  checkFields(c.dataset, 'dataset', c.dataset.name === 'idx' ? ['name', 'label'] : c.dataset.name === 'csv' ? ['name', 'label', 'target', 'test'] : ['name']);
  if (c.dataset.name !== 'mnist' && c.dataset.label !== undefined && typeof c.dataset.label !== 'string') bad('dataset.label', 'a string', c.dataset.label);
  if (c.dataset.name === 'csv') {
    if (typeof c.dataset.target !== 'string' || c.dataset.target === '') bad('dataset.target', 'the name of the target column (a non-empty string)', c.dataset.target);
    if (c.dataset.test !== undefined && typeof c.dataset.test !== 'string') bad('dataset.test', 'a string (the test file\'s label)', c.dataset.test);
  }
  if (typeof c.train !== 'object' || c.train === null) bad('train', 'an object { epochs, batchSize, optimizer }', c.train);
  checkFields(c.train, 'train', ['epochs', 'batchSize', 'optimizer', 'schedule', 'validateEvery']);
  int(c.train.epochs, 'train.epochs', 0, 1000);
  int(c.train.batchSize, 'train.batchSize', 1, 65536);
  validateOptimizer(c.train.optimizer, 'train.optimizer');
  if (c.train.schedule !== undefined) validateSchedule(c.train.schedule, 'train.schedule');
  if (c.train.validateEvery !== undefined) int(c.train.validateEvery, 'train.validateEvery', 1, 1e6);
  const prune = validatePrune(c.prune, plan);
  int(c.seed, 'seed', 0, 2 ** 31 - 1);
  if (c.subsets !== undefined) {
    checkFields(c.subsets, 'subsets', ['train', 'validation', 'test']);
    for (const k of ['train', 'validation', 'test'] as const) if (c.subsets[k] !== undefined) int(c.subsets[k], `subsets.${k}`, 1, 1e7);
  }
  if (c.evaluateOn !== undefined) oneOf(c.evaluateOn, 'evaluateOn', ['test', 'validation']);
  return { ...c, prune, evaluateOn: c.evaluateOn ?? 'test' };
}

const has = <T extends string>(list: readonly T[], v: unknown): v is T => list.includes(v as T);

/** An optional sub-object of prune: an object of known fields, given only where it applies. */
function section(v: unknown, field: string, fields: readonly string[], applies: boolean, onlyWith: string): v is Record<string, unknown> {
  if (v === undefined) return false;
  if (!applies) bad(field, `given only with ${onlyWith}`, v);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(field, `an object { ${fields.join(', ')} }`, v);
  checkFields(v, field, fields);
  return true;
}

/**
 * The prune section: the legacy method mapped onto the axes, each axis checked against
 * the others, every axis filled in. The rules (what each combination means) are the
 * field docs of ExperimentConfig.prune.
 */
function validatePrune(p: ExperimentConfig['prune'], plan: ModelPlan): NormalizedPrune {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) bad('prune', 'an object { granularity?, criterion?, schedule, targetSparsity, rounds, finetuneEpochs }', p);
  checkFields(p, 'prune', PRUNE_FIELDS);
  // The axes: the legacy method first, then each axis agreeing with it.
  let granularity: Granularity;
  let criterion: CriterionName;
  if (p.method !== undefined) {
    oneOf(p.method, 'prune.method', METHODS);
    const axes = METHOD_AXES[p.method];
    if (p.granularity !== undefined && p.granularity !== axes.granularity) {
      oneOf(p.granularity, 'prune.granularity', GRANULARITIES);
      bad('prune.granularity', `'${axes.granularity}' with method '${p.method}' (or leave method out)`, p.granularity);
    }
    granularity = axes.granularity;
    if (p.method === 'structured') {
      if (p.criterion !== undefined) oneOf(p.criterion, 'prune.criterion', UNIT_CRITERIA);
      criterion = p.criterion ?? 'l2';
    } else {
      if (p.criterion !== undefined && p.criterion !== axes.criterion) {
        bad('prune.criterion', `'${axes.criterion}' with method '${p.method}' (or leave method out; method '${p.method}' is criterion '${axes.criterion}')`, p.criterion);
      }
      criterion = axes.criterion!;
    }
    if (p.scope !== undefined) oneOf(p.scope, 'prune.scope', ['global', 'local']);
    if (axes.scope && p.scope !== undefined && p.scope !== axes.scope) bad('prune.scope', `'${axes.scope}' with method '${p.method}' (or leave it out)`, p.scope);
  } else {
    if (p.granularity !== undefined) oneOf(p.granularity, 'prune.granularity', GRANULARITIES);
    granularity = p.granularity ?? 'weight';
    const allowed: readonly CriterionName[] = granularity === 'unit' ? UNIT_CRITERIA : granularity === 'nm' ? NM_CRITERIA : WEIGHT_CRITERIA;
    if (p.criterion !== undefined && !has(allowed, p.criterion)) {
      const known = has(WEIGHT_CRITERIA, p.criterion) || has(UNIT_CRITERIA, p.criterion);
      bad('prune.criterion', known ? `one of ${allowed.join(', ')} with granularity '${granularity}'` : `one of ${allowed.join(', ')}`, p.criterion);
    }
    criterion = p.criterion ?? (granularity === 'unit' ? 'l2' : 'magnitude');
    if (p.scope !== undefined) oneOf(p.scope, 'prune.scope', ['global', 'local']);
  }
  // N:M, Wanda (within each output row) and SparseGPT (layer by layer) take no threshold across layers.
  const layerwise = granularity === 'nm' || ((criterion === 'wanda' || criterion === 'sparsegpt') && granularity === 'weight');
  if (layerwise && p.scope === 'global') {
    bad('prune.scope', granularity === 'nm'
      ? "'local' or left out with granularity 'nm' (each group of m keeps its n)"
      : `'local' or left out with criterion '${criterion}' (${criterion === 'wanda' ? 'it compares within each output row' : 'it prunes layer by layer'}, each layer to the target)`, p.scope);
  }
  const scope = layerwise ? 'local' : p.scope ?? (p.method === 'local' ? 'local' : 'global');
  const unit = granularity === 'unit';

  oneOf(p.schedule, 'prune.schedule', SCHEDULE_KINDS);
  if (p.when !== undefined) oneOf(p.when, 'prune.when', WHEN);
  const when: PruneWhen = p.when ?? (p.schedule === 'gradual' ? 'during' : 'after');

  // N:M: the pattern sets the sparsity.
  let nm: { n: number; m: number } | undefined;
  if (section(p.nm, 'prune.nm', ['n', 'm'], granularity === 'nm', "granularity 'nm'")) {
    int(p.nm.m, 'prune.nm.m', 2, 16);
    int(p.nm.n, 'prune.nm.n', 1, p.nm.m - 1);
    nm = { n: p.nm.n, m: p.nm.m };
  } else if (granularity === 'nm') nm = { n: 2, m: 4 };
  let targetSparsity = p.targetSparsity;
  if (nm) {
    const s = 1 - nm.n / nm.m;
    if (targetSparsity !== undefined && (typeof targetSparsity !== 'number' || Math.abs(targetSparsity - s) > 1e-9)) {
      bad('prune.targetSparsity', `left out or 1 − n/m = ${s} with prune.nm ${nm.n}:${nm.m}`, targetSparsity);
    }
    targetSparsity = s;
    if (p.schedule !== 'oneshot') bad('prune.schedule', "'oneshot' with granularity 'nm' (the pattern is the sparsity)", p.schedule);
  } else ratio(targetSparsity, 'prune.targetSparsity');

  int(p.rounds, 'prune.rounds', 1, 100);
  if (p.schedule === 'oneshot' && p.rounds !== 1) bad('prune.rounds', "1 with schedule 'oneshot'", p.rounds);
  int(p.finetuneEpochs, 'prune.finetuneEpochs', 0, 1000);

  // When, against the schedule, the granularity and the criterion.
  if (when === 'during') {
    if (p.schedule !== 'gradual') bad('prune.schedule', "'gradual' with when 'during' (the masks follow the gradual schedule while fine-tuning)", p.schedule);
    if (p.method !== undefined && (unit || !has(DURING_CRITERIA, criterion))) bad('prune.schedule', `'oneshot' or 'iterative' with method '${p.method}'`, p.schedule);
    if (unit || granularity === 'nm') bad('prune.granularity', "'weight' with when 'during' / schedule 'gradual'", granularity);
    if (!has(DURING_CRITERIA, criterion)) {
      bad('prune.criterion', `one of ${DURING_CRITERIA.join(', ')} with when 'during' / schedule 'gradual'`, criterion);
    }
    if (p.finetuneEpochs < 1) bad('prune.finetuneEpochs', "at least 1 with schedule 'gradual' (the masks are updated during those epochs)", p.finetuneEpochs);
  } else if (p.schedule === 'gradual') {
    bad('prune.when', "'during' (or left out) with schedule 'gradual'", p.when);
  }
  if (criterion === 'movement' && when !== 'during') bad('prune.when', "'during' with criterion 'movement' (its scores accumulate while fine-tuning)", p.when);
  if (when === 'init') {
    if (unit) bad('prune.when', "'after' with granularity 'unit' (a shrunk untrained net is just a smaller net)", p.when);
    if (!has(INIT_CRITERIA, criterion)) bad('prune.criterion', `one of ${INIT_CRITERIA.join(', ')} with when 'init'`, criterion);
    if (p.schedule !== 'oneshot') bad('prune.schedule', "'oneshot' with when 'init' (the masks are chosen once, before training)", p.schedule);
    if (p.finetuneEpochs !== 0) bad('prune.finetuneEpochs', "0 with when 'init' (the sparse net trains for train.epochs)", p.finetuneEpochs);
  }
  if (p.schedule === 'gradual') {
    if (p.gradualEvery !== undefined) int(p.gradualEvery, 'prune.gradualEvery', 1, 1e6);
    if (p.gradualStart !== undefined) int(p.gradualStart, 'prune.gradualStart', 0, 1e8);
  } else {
    if (p.gradualEvery !== undefined) bad('prune.gradualEvery', "given only with schedule 'gradual'", p.gradualEvery);
    if (p.gradualStart !== undefined) bad('prune.gradualStart', "given only with schedule 'gradual'", p.gradualStart);
  }
  if (p.rewind !== undefined && p.rewind !== false) {
    int(p.rewind, 'prune.rewind', 0, 1e8);
    if (unit) bad('prune.rewind', `false with ${p.method === 'structured' ? "method 'structured'" : "granularity 'unit'"} (the shrunk model has other shapes)`, p.rewind);
    if (p.schedule === 'gradual') bad('prune.rewind', "false with schedule 'gradual'", p.rewind);
    if (when === 'init') bad('prune.rewind', "false with when 'init' (there is no training before the masks)", p.rewind);
  }

  if (p.finetuneLr !== undefined && (typeof p.finetuneLr !== 'number' || !Number.isFinite(p.finetuneLr) || p.finetuneLr <= 0 || p.finetuneLr > 10)) {
    bad('prune.finetuneLr', 'a number in (0, 10]', p.finetuneLr);
  }
  if (p.layerSchedule !== undefined) {
    oneOf(p.layerSchedule, 'prune.layerSchedule', ['fixed', 'iterative']);
    if (p.schedule !== 'iterative') bad('prune.layerSchedule', "given only with schedule 'iterative' (per-layer ratios reached over the rounds)", p.layerSchedule);
  }
  if (p.control !== undefined) {
    oneOf(p.control, 'prune.control', ['reinit']);
    if (granularity !== 'weight') bad('prune.control', `absent with granularity '${granularity}' (the reinit control re-initialises a weight mask${unit ? '; a shrunk net has no mask' : ''})`, p.control);
    if (when !== 'after') bad('prune.control', `absent with when '${when}' (the control re-initialises the masks of a trained, rewound network)`, p.control);
    if (p.rewind === undefined || p.rewind === false) bad('prune.control', 'given only with prune.rewind (the control re-initialises what a lottery ticket rewinds)', p.control);
    if (targetSparsity === 0) bad('prune.control', 'given only with prune.targetSparsity above 0 (with no mask the control is just another dense init)', p.control);
  }

  // The criterion's own settings.
  const calibrated = has(CALIBRATED_CRITERIA, criterion);
  let calibration: NormalizedPrune['calibration'];
  if (section(p.calibration, 'prune.calibration', ['samples', 'batchSize'], calibrated, `a criterion that scores from data (${CALIBRATED_CRITERIA.join(', ')})`)) {
    int(p.calibration.samples, 'prune.calibration.samples', 1, 1e7);
    if (p.calibration.batchSize !== undefined) int(p.calibration.batchSize, 'prune.calibration.batchSize', 1, Math.min(65536, p.calibration.samples as number));
    calibration = { samples: p.calibration.samples as number, ...(p.calibration.batchSize !== undefined ? { batchSize: p.calibration.batchSize as number } : {}) };
  }
  let sparsegpt: NormalizedPrune['sparsegpt'];
  if (section(p.sparsegpt, 'prune.sparsegpt', ['blockSize', 'damp'], criterion === 'sparsegpt', "criterion 'sparsegpt'") || criterion === 'sparsegpt') {
    const g = p.sparsegpt ?? {};
    if (g.blockSize !== undefined) int(g.blockSize, 'prune.sparsegpt.blockSize', 1, 65536);
    if (g.damp !== undefined && (typeof g.damp !== 'number' || !Number.isFinite(g.damp) || g.damp <= 0 || g.damp > 1)) bad('prune.sparsegpt.damp', 'a number in (0, 1]', g.damp);
    sparsegpt = { blockSize: g.blockSize ?? SPARSEGPT_DEFAULTS.blockSize, damp: g.damp ?? SPARSEGPT_DEFAULTS.damp };
  }
  let synflow: NormalizedPrune['synflow'];
  if (section(p.synflow, 'prune.synflow', ['iterations'], criterion === 'synflow', "criterion 'synflow'") || criterion === 'synflow') {
    const g = p.synflow ?? {};
    if (g.iterations !== undefined) int(g.iterations, 'prune.synflow.iterations', 1, 10000);
    synflow = { iterations: g.iterations ?? SYNFLOW_DEFAULTS.iterations };
  }

  if (p.layers !== undefined) {
    if (typeof p.layers !== 'object' || p.layers === null || Array.isArray(p.layers)) bad('prune.layers', 'an object keyed by layer name', p.layers);
    const names = plan.params.map((q) => q.name);
    for (const [name, o] of Object.entries(p.layers)) {
      if (!names.includes(name)) bad(`prune.layers.${name}`, `a layer of the model (${names.join(', ')})`, name);
      if (typeof o !== 'object' || o === null || Array.isArray(o)) bad(`prune.layers.${name}`, '{ exclude?: boolean, sparsity?: number }', o);
      for (const k of Object.keys(o)) if (k !== 'exclude' && k !== 'sparsity') bad(`prune.layers.${name}.${k}`, 'absent (fields: exclude, sparsity)', k);
      if (o.exclude !== undefined && typeof o.exclude !== 'boolean') bad(`prune.layers.${name}.exclude`, 'a boolean', o.exclude);
      if (o.sparsity !== undefined) {
        if (nm) bad(`prune.layers.${name}.sparsity`, "absent with granularity 'nm' (every layer takes the N:M pattern; exclude a layer to keep it dense)", o.sparsity);
        ratio(o.sparsity, `prune.layers.${name}.sparsity`);
      }
      if (o.exclude && o.sparsity !== undefined) bad(`prune.layers.${name}`, 'either exclude or sparsity, not both', o);
    }
    const pruned = names.filter((n) => !p.layers?.[n]?.exclude);
    if (pruned.length === 0) bad('prune.layers', 'leaving at least one layer prunable', Object.keys(p.layers));
  }
  if (p.layerSchedule === 'iterative' && !Object.values(p.layers ?? {}).some((o) => o.sparsity !== undefined)) {
    bad('prune.layerSchedule', "'fixed' or left out without a per-layer sparsity (prune.layers.NAME.sparsity: the targets 'iterative' reaches over the rounds)", p.layerSchedule);
  }
  if (p.keptCounts !== undefined) checkKeptCounts(p, plan, criterion === 'random' && granularity === 'weight');
  const out: NormalizedPrune = { ...p, granularity, criterion, scope, when, targetSparsity, rewind: p.rewind ?? false };
  if (nm) out.nm = nm;
  if (calibration) out.calibration = calibration;
  if (sparsegpt) out.sparsegpt = sparsegpt;
  if (synflow) out.synflow = synflow;
  return out;
}

/** prune.keptCounts: one row per round, one integer per layer, within the layer's size, non-increasing. */
function checkKeptCounts(p: ExperimentConfig['prune'], plan: ModelPlan, random: boolean): void {
  const f = 'prune.keptCounts';
  if (!random) bad(f, p.method !== undefined ? "given only with method 'random'" : "given only with criterion 'random' and granularity 'weight'", p.method ?? p.criterion);
  const k: unknown = p.keptCounts;
  const rounds = p.schedule === 'oneshot' ? 1 : p.rounds;
  const names = plan.params.map((q) => q.name);
  if (!Array.isArray(k) || k.length !== rounds) bad(f, `an array of ${rounds} rounds (prune.rounds), each the kept weights of ${names.join(', ')}`, Array.isArray(k) ? `${k.length} rounds` : k);
  k.forEach((row: unknown, r) => {
    if (!Array.isArray(row) || row.length !== names.length) bad(`${f}[${r}]`, `an array of ${names.length} counts (${names.join(', ')})`, row);
    plan.params.forEach((q, i) => {
      const prev = r === 0 ? q.weightCount : (k[r - 1] as number[])[i]!;
      const excluded = p.layers?.[q.name]?.exclude === true;
      if (excluded) {
        if (row[i] !== q.weightCount) bad(`${f}[${r}][${i}]`, `${q.weightCount} (${q.name} is excluded: it keeps every weight)`, row[i]);
      } else {
        int(row[i], `${f}[${r}][${i}]`, 0, prev);
      }
    });
  });
}
