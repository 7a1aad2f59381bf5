// The experiment config: everything a run needs, validated in full before any GPU
// work starts, with errors that name the field and the allowed values.
import { PruneLabError, checkFields } from '../errors.js';
import { planModel, PRESETS, type ModelPlan, type ModelSpec } from '../nn/spec.js';
import { validateOptimizer, validateSchedule, type LrSchedule, type OptimizerConfig } from '../nn/optim.js';

export const METHODS = ['global', 'local', 'random', 'structured'] as const;
export type PruneMethod = (typeof METHODS)[number];
export const SCHEDULE_KINDS = ['oneshot', 'iterative', 'gradual'] as const;
export type PruneScheduleKind = (typeof SCHEDULE_KINDS)[number];
export const CRITERIA = ['l1', 'l2'] as const;
export type StructuredCriterion = (typeof CRITERIA)[number];

export interface LayerOverride {
  /** Leave this layer dense. */
  exclude?: boolean;
  /** Prune this layer to its own ratio (a separate group). */
  sparsity?: number;
}

export interface ExperimentConfig {
  /** A preset name ('lenet-300-100', 'lenet-5') or a model spec. */
  model: string | ModelSpec;
  dataset: { name: 'mnist' } | { name: 'idx'; label?: string };
  train: {
    epochs: number;
    batchSize: number;
    optimizer: OptimizerConfig;
    schedule?: LrSchedule;
  };
  prune: {
    method: PruneMethod;
    /**
     * Unstructured: rank within each layer ('local') or across all ('global'). 'global'/'local'
     * methods imply it; for 'structured', units are ranked per layer or globally. For 'random'
     * it is the scope of the magnitude run whose per-layer counts the random masks take.
     */
    scope?: 'global' | 'local';
    /**
     * Method 'random' only: the weights to keep, per round (oneshot: 1, iterative: `rounds`)
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
    criterion?: StructuredCriterion;
    schedule: PruneScheduleKind;
    targetSparsity: number;
    rounds: number;
    finetuneEpochs: number;
    /** Per-layer overrides by layer name (fc1, conv2, …). */
    layers?: Record<string, LayerOverride>;
    /** Lottery-ticket rewinding: false, or the training step whose weights survivors are reset to (0 = init). */
    rewind?: false | number;
    /** Gradual: update masks every this many steps (Δt), starting at step t0 (default 0). */
    gradualEvery?: number;
    gradualStart?: number;
  };
  seed: number;
  subsets?: { train?: number; validation?: number; test?: number };
  /** Which split the round metrics come from. */
  evaluateOn?: 'test' | 'validation';
}

const CONFIG_FIELDS = ['model', 'dataset', 'train', 'prune', 'seed', 'subsets', 'evaluateOn'] as const;
const PRUNE_FIELDS = ['method', 'scope', 'keptCounts', 'criterion', 'schedule', 'targetSparsity', 'rounds', 'finetuneEpochs', 'layers', 'rewind', 'gradualEvery', 'gradualStart'] as const;

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
export function validateConfig(raw: unknown): ExperimentConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('config', 'an object', raw);
  checkFields(raw, 'config', CONFIG_FIELDS, 'invalid-config', '');
  const c = raw as unknown as ExperimentConfig;
  const plan = planModel(resolveModel(c.model));
  if (typeof c.dataset !== 'object' || c.dataset === null) bad('dataset', "{ name: 'mnist' } or { name: 'idx' }", c.dataset);
  oneOf(c.dataset.name, 'dataset.name', ['mnist', 'idx']);
  checkFields(c.dataset, 'dataset', c.dataset.name === 'idx' ? ['name', 'label'] : ['name']);
  if (c.dataset.name === 'idx' && c.dataset.label !== undefined && typeof c.dataset.label !== 'string') bad('dataset.label', 'a string', c.dataset.label);
  if (typeof c.train !== 'object' || c.train === null) bad('train', 'an object { epochs, batchSize, optimizer }', c.train);
  checkFields(c.train, 'train', ['epochs', 'batchSize', 'optimizer', 'schedule']);
  int(c.train.epochs, 'train.epochs', 0, 1000);
  int(c.train.batchSize, 'train.batchSize', 1, 65536);
  validateOptimizer(c.train.optimizer, 'train.optimizer');
  if (c.train.schedule !== undefined) validateSchedule(c.train.schedule, 'train.schedule');
  const p = c.prune;
  if (typeof p !== 'object' || p === null) bad('prune', 'an object { method, schedule, targetSparsity, rounds, finetuneEpochs }', p);
  checkFields(p, 'prune', PRUNE_FIELDS);
  oneOf(p.method, 'prune.method', METHODS);
  if (p.scope !== undefined) oneOf(p.scope, 'prune.scope', ['global', 'local']);
  if (p.criterion !== undefined) oneOf(p.criterion, 'prune.criterion', CRITERIA);
  if (p.criterion !== undefined && p.method !== 'structured') bad('prune.criterion', "given only with method 'structured'", p.criterion);
  oneOf(p.schedule, 'prune.schedule', SCHEDULE_KINDS);
  ratio(p.targetSparsity, 'prune.targetSparsity');
  int(p.rounds, 'prune.rounds', 1, 100);
  if (p.schedule === 'oneshot' && p.rounds !== 1) bad('prune.rounds', "1 with schedule 'oneshot'", p.rounds);
  int(p.finetuneEpochs, 'prune.finetuneEpochs', 0, 1000);
  if (p.schedule === 'gradual') {
    if (p.method === 'structured' || p.method === 'random') bad('prune.schedule', `'oneshot' or 'iterative' with method '${p.method}'`, p.schedule);
    if (p.finetuneEpochs < 1) bad('prune.finetuneEpochs', "at least 1 with schedule 'gradual' (the masks are updated during those epochs)", p.finetuneEpochs);
    if (p.gradualEvery !== undefined) int(p.gradualEvery, 'prune.gradualEvery', 1, 1e6);
    if (p.gradualStart !== undefined) int(p.gradualStart, 'prune.gradualStart', 0, 1e8);
  } else {
    if (p.gradualEvery !== undefined) bad('prune.gradualEvery', "given only with schedule 'gradual'", p.gradualEvery);
    if (p.gradualStart !== undefined) bad('prune.gradualStart', "given only with schedule 'gradual'", p.gradualStart);
  }
  if (p.rewind !== undefined && p.rewind !== false) {
    int(p.rewind, 'prune.rewind', 0, 1e8);
    if (p.method === 'structured') bad('prune.rewind', "false with method 'structured' (the shrunk model has other shapes)", p.rewind);
    if (p.schedule === 'gradual') bad('prune.rewind', "false with schedule 'gradual'", p.rewind);
  }
  if (p.layers !== undefined) {
    if (typeof p.layers !== 'object' || p.layers === null || Array.isArray(p.layers)) bad('prune.layers', 'an object keyed by layer name', p.layers);
    const names = plan.params.map((q) => q.name);
    for (const [name, o] of Object.entries(p.layers)) {
      if (!names.includes(name)) bad(`prune.layers.${name}`, `a layer of the model (${names.join(', ')})`, name);
      if (typeof o !== 'object' || o === null || Array.isArray(o)) bad(`prune.layers.${name}`, '{ exclude?: boolean, sparsity?: number }', o);
      for (const k of Object.keys(o)) if (k !== 'exclude' && k !== 'sparsity') bad(`prune.layers.${name}.${k}`, 'absent (fields: exclude, sparsity)', k);
      if (o.exclude !== undefined && typeof o.exclude !== 'boolean') bad(`prune.layers.${name}.exclude`, 'a boolean', o.exclude);
      if (o.sparsity !== undefined) ratio(o.sparsity, `prune.layers.${name}.sparsity`);
      if (o.exclude && o.sparsity !== undefined) bad(`prune.layers.${name}`, 'either exclude or sparsity, not both', o);
    }
    const pruned = names.filter((n) => !p.layers?.[n]?.exclude);
    if (pruned.length === 0) bad('prune.layers', 'leaving at least one layer prunable', Object.keys(p.layers));
  }
  if (p.keptCounts !== undefined) checkKeptCounts(p, plan);
  int(c.seed, 'seed', 0, 2 ** 31 - 1);
  if (c.subsets !== undefined) {
    checkFields(c.subsets, 'subsets', ['train', 'validation', 'test']);
    for (const k of ['train', 'validation', 'test'] as const) if (c.subsets[k] !== undefined) int(c.subsets[k], `subsets.${k}`, 1, 1e7);
  }
  if (c.evaluateOn !== undefined) oneOf(c.evaluateOn, 'evaluateOn', ['test', 'validation']);
  return {
    ...c,
    prune: { ...p, scope: p.scope ?? (p.method === 'local' ? 'local' : 'global'), rewind: p.rewind ?? false },
    evaluateOn: c.evaluateOn ?? 'test',
  };
}

/** prune.keptCounts: one row per round, one integer per layer, within the layer's size, non-increasing. */
function checkKeptCounts(p: ExperimentConfig['prune'], plan: ModelPlan): void {
  const f = 'prune.keptCounts';
  if (p.method !== 'random') bad(f, "given only with method 'random'", p.method);
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
