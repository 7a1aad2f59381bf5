// The preflight of a run: the config validated, then checked against the data's
// sizes and (when given) the adapter's limits. Every check whose inputs are known
// before training lives here, so that a run which cannot finish is refused before
// any GPU work; the runner calls it first, and a face may call it before it clears
// anything on screen.
import { PruneLabError } from '../errors.js';
import { planModel, type ModelPlan } from '../nn/spec.js';
import { checkModelLimits, type DeviceLimits } from '../nn/limits.js';
import type { CubicSchedule } from '../prune/schedule.js';
import { unitCount } from '../prune/structured.js';
import { checkNmShape } from '../layout/nm.js';
import { weightCriterion } from '../prune/criteria/index.js';
import type { WeightCriterionName } from '../prune/criteria/criterion.js';
import {
  validateConfig, resolveModel, CALIBRATED_CRITERIA, DEFAULT_CALIBRATION_SAMPLES,
  type ExperimentConfig, type NormalizedConfig,
} from './config.js';

/** The sizes of a run's data that the preflight reads (an ImageDataset fits). */
export interface RunDataShape {
  train: { n: number; shape: { C: number; H: number; W: number }; numClasses: number };
  validation: { n: number };
  test: { n: number };
}

/** Rows per evaluation batch (the round metrics). */
export const EVAL_BATCH = 500;

function refuse(field: string, message: string): never {
  throw new PruneLabError('invalid-config', message, field);
}

/** Training steps per epoch (the last partial batch is dropped). */
export function stepsPerEpoch(config: ExperimentConfig, data: RunDataShape): number {
  return Math.floor(data.train.n / config.train.batchSize);
}

/** The cubic schedule of a gradual run (Δt defaults to spreading the updates over the first 75% of the fine-tune steps). */
export function gradualSchedule(config: ExperimentConfig, spe: number): CubicSchedule {
  const p = config.prune;
  const T = p.finetuneEpochs * spe;
  const start = p.gradualStart ?? 0;
  const every = p.gradualEvery ?? Math.max(1, Math.floor((0.75 * T - start) / p.rounds));
  return { initial: 0, final: p.targetSparsity, start, every, updates: p.rounds };
}

/**
 * The calibration subset a run scores from: null when its criterion needs no data;
 * else prune.calibration's samples (default 1024, or the training rows if fewer) and
 * batch size (default train.batchSize, or samples if fewer).
 */
export function calibrationSize(config: NormalizedConfig, data: { train: { n: number } }): { samples: number; batchSize: number } | null {
  const p = config.prune;
  if (!(CALIBRATED_CRITERIA as readonly string[]).includes(p.criterion)) return null;
  const samples = p.calibration?.samples ?? Math.min(DEFAULT_CALIBRATION_SAMPLES, data.train.n);
  return { samples, batchSize: p.calibration?.batchSize ?? Math.min(config.train.batchSize, samples) };
}

/**
 * Validates `rawConfig` and checks it against the data and the adapter's limits;
 * returns the config with defaults filled in. Throws PruneLabError('invalid-config')
 * naming the field at fault. Touches no GPU.
 */
export function checkRun(rawConfig: unknown, data: RunDataShape, limits?: DeviceLimits): NormalizedConfig {
  const config = validateConfig(rawConfig);
  const p = config.prune;
  const plan = planModel(resolveModel(config.model));
  const inp = plan.input;
  const s = data.train.shape;
  if (s.C * s.H * s.W !== inp.C * inp.H * inp.W) refuse('model', `model input ${inp.C}×${inp.H}×${inp.W} does not match the data (${s.C}×${s.H}×${s.W})`);
  if (data.train.numClasses > plan.classes) refuse('model', `model has ${plan.classes} outputs but the data has ${data.train.numClasses} classes`);
  if (config.train.batchSize > data.train.n) refuse('train.batchSize', `train.batchSize must be at most the ${data.train.n} training samples (got ${config.train.batchSize})`);
  const evalOn = config.evaluateOn ?? 'test';
  const evalN = data[evalOn].n;
  if (!(evalN >= 1)) refuse('evaluateOn', `evaluateOn is '${evalOn}' but that split is empty; give it rows or evaluate on the other split (test, validation)`);
  const spe = stepsPerEpoch(config, data);
  const rewind = p.rewind ?? false;
  if (rewind !== false && rewind > config.train.epochs * spe) {
    refuse('prune.rewind', `prune.rewind must be at most the ${config.train.epochs * spe} baseline training steps (got ${rewind})`);
  }
  if (p.schedule === 'gradual') {
    const T = p.finetuneEpochs * spe;
    const g = gradualSchedule(config, spe);
    if (g.start + g.updates * g.every > T) {
      const field = p.gradualEvery !== undefined ? 'prune.gradualEvery' : g.start >= T ? 'prune.gradualStart' : 'prune.rounds';
      refuse(field, `prune.gradualStart + prune.rounds × prune.gradualEvery must be at most the ${T} fine-tune steps (${p.finetuneEpochs} epochs × ${spe} steps; got ${g.start} + ${g.updates} × ${g.every})`);
    }
  }
  const cal = p.calibration;
  if (cal && cal.samples > data.train.n) refuse('prune.calibration.samples', `prune.calibration.samples must be at most the ${data.train.n} training rows the subset is drawn from (got ${cal.samples})`);
  if (p.granularity === 'nm') checkNm(config, plan);
  checkBuilt(config);
  if (p.granularity === 'unit') checkStructured(config, plan);
  if (limits) {
    const rows = Math.max(config.train.batchSize, Math.min(EVAL_BATCH, evalN));
    checkModelLimits(plan, limits, rows);
    // The calibration batches run through the same executors (gradients, activations).
    const cb = calibrationSize(config, data)?.batchSize ?? 0;
    if (cb > rows) {
      try {
        checkModelLimits(plan, limits, cb);
      } catch (e) {
        if (!(e instanceof PruneLabError)) throw e;
        refuse('prune.calibration.batchSize', `prune.calibration.batchSize ${cb}: ${e.message}`);
      }
    }
  }
  return config;
}

/** A weight criterion has a scoring module in this build (the registry's refusal names prune.criterion); structured.ts scores every unit criterion. */
function checkBuilt(config: NormalizedConfig): void {
  const p = config.prune;
  if (p.granularity !== 'unit') weightCriterion(p.criterion as WeightCriterionName);
}

/** N:M: every participating layer's input dimension (Linear inputs, conv C·k·k) tiles into groups of m. */
function checkNm(config: NormalizedConfig, plan: ModelPlan): void {
  const p = config.prune;
  const m = p.nm!.m;
  for (const q of plan.params) {
    if (p.layers?.[q.name]?.exclude) continue;
    const inDim = q.conv ? q.conv.C * q.conv.k * q.conv.k : q.in;
    try {
      checkNmShape(inDim, m, 'prune.nm.m');
    } catch (e) {
      if (!(e instanceof PruneLabError)) throw e;
      refuse('prune.nm.m', `prune.nm.m: N:M groups of m = ${m} need each layer's inputs per output to be a multiple of ${m}, and ${q.name} has ${inDim} (${q.conv ? 'C·k·k' : 'inputs'}); choose another m or exclude it (prune.layers.${q.name}.exclude)`);
    }
  }
}

/** Structured runs: a layer to take units from, and no layer emptied at the final target. */
function checkStructured(config: ExperimentConfig, plan: ModelPlan): void {
  const p = config.prune;
  const last = plan.params.length - 1;
  // The last layer's outputs are the classes: only the layers before it lose units.
  const candidates = plan.params.map((q, i) => ({ q, i })).filter(({ q, i }) => i !== last && !p.layers?.[q.name]?.exclude);
  if (candidates.length === 0) {
    refuse(last === 0 ? 'prune.method' : 'prune.layers', last === 0
      ? "method 'structured' removes units of the layers before the last, and this model has one layer; use an unstructured method"
      : `method 'structured' removes units of the layers before the last (${plan.params.slice(0, last).map((q) => q.name).join(', ')}), and every one of them is excluded; leave one prunable`);
  }
  let pooledUnits = 0;
  let pooledRemoved = 0;
  let pooledLayers = 0;
  for (const { q, i } of candidates) {
    const units = unitCount(plan, i);
    const own = p.layers?.[q.name]?.sparsity;
    const frac = own ?? p.targetSparsity;
    if ((p.scope ?? 'local') === 'local' || own !== undefined) {
      if (units - Math.round(frac * units) < 1) {
        const field = own !== undefined ? `prune.layers.${q.name}.sparsity` : 'prune.targetSparsity';
        refuse(field, `structured pruning at ${frac} would remove every one of ${q.name}'s ${units} units; ${field} must be at most ${((units - 1) / units).toFixed(4)}, or exclude the layer`);
      }
    } else {
      pooledUnits += units;
      pooledRemoved += Math.round(frac * units);
      pooledLayers++;
    }
  }
  // Global: removing more than all but one unit per pooled layer must empty one of them.
  if (pooledLayers > 0 && pooledRemoved > pooledUnits - pooledLayers) {
    refuse('prune.targetSparsity', `global structured pruning at ${p.targetSparsity} removes ${pooledRemoved} of the ${pooledUnits} pooled units, which must empty a layer; use a smaller prune.targetSparsity, local scope, or exclude a layer`);
  }
}
