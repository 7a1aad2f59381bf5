// Optimizer and learning-rate schedule configs, validated, and the schedule math.
import { PruneLabError, checkFields } from '../errors.js';

export type OptimizerConfig =
  | { type: 'sgd'; lr: number; momentum?: number; weightDecay?: number; nesterov?: boolean }
  | { type: 'adam'; lr: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number; decoupled?: boolean };

export type LrSchedule =
  | { type: 'constant' }
  | { type: 'step'; everyEpochs: number; gamma: number }
  | { type: 'cosine'; minLr?: number };

export const OPTIMIZERS = ['sgd', 'adam'] as const;
export const SCHEDULES = ['constant', 'step', 'cosine'] as const;

function bad(field: string, msg: string, got: unknown): never {
  throw new PruneLabError('invalid-config', `${field} must be ${msg} (got ${JSON.stringify(got)})`, field);
}

function num(v: unknown, field: string, lo: number, hi: number, loOpen = false, hiOpen = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || (loOpen ? v <= lo : v < lo) || (hiOpen ? v >= hi : v > hi)) {
    bad(field, `a number in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`, v);
  }
}

export function validateOptimizer(o: unknown, field = 'optimizer'): OptimizerConfig {
  const c = o as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null) bad(field, `an object { type: ${OPTIMIZERS.join(' | ')}, lr, … }`, o);
  if (!OPTIMIZERS.includes(c.type as 'sgd')) bad(`${field}.type`, `one of ${OPTIMIZERS.join(', ')}`, c.type);
  checkFields(c, field, c.type === 'sgd' ? ['type', 'lr', 'momentum', 'weightDecay', 'nesterov'] : ['type', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'decoupled']);
  num(c.lr, `${field}.lr`, 0, 10, true);
  if (c.weightDecay !== undefined) num(c.weightDecay, `${field}.weightDecay`, 0, 1);
  if (c.type === 'sgd') {
    if (c.momentum !== undefined) num(c.momentum, `${field}.momentum`, 0, 1, false, true);
    if (c.nesterov !== undefined && typeof c.nesterov !== 'boolean') bad(`${field}.nesterov`, 'a boolean', c.nesterov);
  } else {
    if (c.beta1 !== undefined) num(c.beta1, `${field}.beta1`, 0, 1, false, true);
    if (c.beta2 !== undefined) num(c.beta2, `${field}.beta2`, 0, 1, false, true);
    if (c.eps !== undefined) num(c.eps, `${field}.eps`, 0, 1, true);
    if (c.decoupled !== undefined && typeof c.decoupled !== 'boolean') bad(`${field}.decoupled`, 'a boolean', c.decoupled);
  }
  return c as unknown as OptimizerConfig;
}

export function validateSchedule(s: unknown, field = 'schedule'): LrSchedule {
  const c = s as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null) bad(field, `an object { type: ${SCHEDULES.join(' | ')} }`, s);
  if (!SCHEDULES.includes(c.type as 'step')) bad(`${field}.type`, `one of ${SCHEDULES.join(', ')}`, c.type);
  checkFields(c, field, c.type === 'step' ? ['type', 'everyEpochs', 'gamma'] : c.type === 'cosine' ? ['type', 'minLr'] : ['type']);
  if (c.type === 'step') {
    // As many epochs as a run can have (train.epochs ≤ 1000).
    if (typeof c.everyEpochs !== 'number' || !Number.isInteger(c.everyEpochs) || c.everyEpochs < 1 || c.everyEpochs > 1000) bad(`${field}.everyEpochs`, 'an integer in [1, 1000]', c.everyEpochs);
    num(c.gamma, `${field}.gamma`, 0, 1, true);
  }
  if (c.type === 'cosine' && c.minLr !== undefined) num(c.minLr, `${field}.minLr`, 0, 10);
  return c as unknown as LrSchedule;
}

/** The learning rate at `step` (0-based) of `totalSteps`, `stepsPerEpoch` steps an epoch. */
export function learningRate(base: number, s: LrSchedule, step: number, totalSteps: number, stepsPerEpoch: number): number {
  if (s.type === 'constant') return base;
  if (s.type === 'step') return base * s.gamma ** Math.floor(step / (s.everyEpochs * stepsPerEpoch));
  const min = s.minLr ?? 0;
  const t = totalSteps <= 1 ? 0 : Math.min(step, totalSteps - 1) / (totalSteps - 1);
  return min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * t));
}
