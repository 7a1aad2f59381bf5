// Tabular runs: the default MLP for F standardised features and K classes, and the
// config → splits step (the CSV twin of labData): parsed CSV data split and
// standardised as src/data/tabular.ts says, with the config's seed and subsets.
import type { ModelSpec } from '../nn/spec.js';
import type { TabularDataset } from '../data/csv.js';
import { splitTabular } from '../data/tabular.js';
import type { ExperimentConfig } from './config.js';
import type { LabData } from './run.js';

/** Hidden units of the default tabular MLP (two ReLU layers). */
export const TABULAR_HIDDEN = [64, 64] as const;

/** The default model of a CSV run: F inputs (1×1×F) → 64 → ReLU → 64 → ReLU → K outputs, named 'tabular-mlp'. */
export function tabularModel(features: number, classes: number): ModelSpec {
  return {
    name: 'tabular-mlp',
    input: { C: 1, H: 1, W: features },
    layers: [...TABULAR_HIDDEN.flatMap((units) => [{ type: 'linear' as const, units }, { type: 'relu' as const }]), { type: 'linear', units: classes }],
  };
}

/**
 * The run's three datasets from parsed CSV data: subsets.test is the test rows (held
 * out of the training file, or the first rows of `test`), subsets.validation the
 * validation rows, subsets.train a seeded draw of the training rows; errors name those
 * fields. The standardisation rides along for the report (LabData.tabular).
 */
export function tabularLabData(config: Pick<ExperimentConfig, 'seed' | 'subsets'>, train: TabularDataset, target: string, test?: TabularDataset): LabData {
  const s = config.subsets ?? {};
  const splits = splitTabular(train, test, target, {
    seed: config.seed,
    ...(s.test !== undefined ? { test: s.test } : {}),
    ...(s.validation !== undefined ? { validation: s.validation } : {}),
    ...(s.train !== undefined ? { trainSubset: s.train } : {}),
    fields: { test: 'subsets.test', validation: 'subsets.validation', trainSubset: 'subsets.train' },
  });
  return { train: splits.train, validation: splits.validation, test: splits.test, tabular: splits.info };
}
