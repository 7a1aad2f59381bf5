// The vocabulary of a pruning config's axes: the values each field takes and the
// criteria each combination allows. Data only, with no runtime imports beyond the
// criterion names, so that the faces (the page's controls, the worker API contract)
// can list the choices without loading the validator, the model planner or the optimizers.
import {
  GRANULARITIES, SPARSEGPT_DEFAULTS, UNIT_CRITERIA, WEIGHT_CRITERIA, WHEN,
  type Granularity, type PruneWhen, type UnitCriterionName, type WeightCriterionName,
} from '../prune/criteria/criterion.js';

/** The legacy shorthand for the axes (still accepted; see PruneAxes for what each one means). */
export const METHODS = ['global', 'local', 'random', 'structured'] as const;
export type PruneMethod = (typeof METHODS)[number];
export const SCHEDULE_KINDS = ['oneshot', 'iterative', 'gradual'] as const;
export type PruneScheduleKind = (typeof SCHEDULE_KINDS)[number];
export { GRANULARITIES, WEIGHT_CRITERIA, UNIT_CRITERIA, WHEN };
export type { Granularity, WeightCriterionName, UnitCriterionName, PruneWhen };
export type CriterionName = WeightCriterionName | UnitCriterionName;

/** Weight criteria that can pick N:M masks (n highest scores in every group of m). */
export const NM_CRITERIA = ['magnitude', 'random', 'taylor', 'snip', 'wanda', 'sparsegpt'] as const satisfies readonly WeightCriterionName[];
/** Weight criteria that can prune at initialization (before any training). */
export const INIT_CRITERIA = ['magnitude', 'random', 'snip', 'synflow'] as const satisfies readonly WeightCriterionName[];
/** Weight criteria that can update the masks during training (schedule 'gradual'). */
export const DURING_CRITERIA = ['magnitude', 'lamp', 'taylor', 'wanda', 'movement'] as const satisfies readonly WeightCriterionName[];
/** Criteria that score from calibration batches (prune.calibration applies to them only). */
export const CALIBRATED_CRITERIA = ['taylor', 'snip', 'wanda', 'sparsegpt'] as const satisfies readonly CriterionName[];
/** Calibration rows when prune.calibration.samples is left out (or the training rows, if fewer). */
export const DEFAULT_CALIBRATION_SAMPLES = 1024;
export { SPARSEGPT_DEFAULTS };
export const SYNFLOW_DEFAULTS = { iterations: 100 } as const;
/** The legacy method as axes. */
export const METHOD_AXES: Readonly<Record<PruneMethod, { granularity: Granularity; criterion?: CriterionName; scope?: 'global' | 'local' }>> = {
  global: { granularity: 'weight', criterion: 'magnitude', scope: 'global' },
  local: { granularity: 'weight', criterion: 'magnitude', scope: 'local' },
  random: { granularity: 'weight', criterion: 'random' },
  structured: { granularity: 'unit' },
};

