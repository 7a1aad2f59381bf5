// The one report format of an experiment: produced by the runner, charted by the
// UI, written by the CLI, stored in IndexedDB, exported and imported as JSON, and
// flattened to CSV (one row per round). Reports that come back from outside the
// engine (an imported file, a stored record) go through validateReport
// (report-schema.ts), which migrates older versions and checks every field here.
import type { NormalizedConfig } from './config.js';
import type { AdapterSummary } from '../gpu/device.js';
import type { TabularInfo } from '../data/tabular.js';
import type { EarlyStopRecord } from './early-stop.js';
export type { EarlyStopPoint, EarlyStopRecord } from './early-stop.js';

/** prune.control 'reinit': the round's masks on a fresh seeded init, trained like the ticket (see ExperimentConfig.prune.control). */
export interface ControlEntry {
  kind: 'reinit';
  /** The seed of the fresh init. */
  seed: number;
  accuracy: number;
  macroF1: number;
  /** The last epoch's mean training loss. */
  loss: number | null;
  earlyStop?: EarlyStopRecord;
  timeMs: { finetune: number; evaluate: number };
}

/**
 * 2 (issue #13): the config is stored normalized (prune.granularity, criterion, scope and
 * when always present; see validateConfig), and round entries may carry calibration and
 * timeMs.score. Version 1 reports migrate (src/lab/report-schema.ts).
 */
export const REPORT_VERSION = 2;

export interface LayerEntry {
  name: string;
  kind: 'linear' | 'conv2d';
  /** Weight shape as stored now (structured pruning shrinks it). */
  shape: number[];
  /** Weights (biases not counted: they are not prunable). */
  params: number;
  nonzero: number;
  sparsity: number;
  prunable: boolean;
  biases: number;
}

export interface RoundEntry {
  /**
   * 0 is the dense baseline: trained for train.epochs, or with prune.when 'init' the
   * dense network at initialization (untrained). Then 1…rounds (gradual: one per
   * fine-tune epoch; 'init': round 1 is the network pruned at init, then trained).
   */
  round: number;
  targetSparsity: number;
  /** Fraction of prunable weights that are exactly zero (over the original prunable count for structured runs). */
  sparsity: number;
  layers: LayerEntry[];
  evaluatedOn: 'test' | 'validation';
  accuracy: number;
  precision: number;
  recall: number;
  macroF1: number;
  perClass: { precision: number[]; recall: number[]; f1: number[] };
  confusion: number[];
  loss: number | null;
  params: { total: number; nonzero: number };
  flops: { dense: number; effective: number };
  compressionRatio: number;
  /** Structured runs: units kept per layer. */
  units?: Record<string, { before: number; after: number }>;
  /** Rounds whose criterion scored from data: the calibration rows and batch size used. */
  calibration?: { samples: number; batchSize: number };
  /**
   * prune: choosing and applying the masks (scoring included); score, when measured: the
   * criterion's scoring alone (part of prune); finetune: the training after it (the
   * baseline's training for round 0; 'init': the sparse net's training).
   */
  timeMs: { prune: number; finetune: number; evaluate: number; score?: number };
  /** train.validateEvery: the validation curve of this entry's training and its minimum (not in gradual rounds). */
  earlyStop?: EarlyStopRecord;
  /** prune.control 'reinit': the re-initialised control of this round's masks. */
  control?: ControlEntry;
}

export interface Report {
  version: typeof REPORT_VERSION;
  id: string;
  createdAt: string;
  status: 'complete' | 'aborted' | 'error' | 'running';
  error?: { code: string; message: string };
  config: NormalizedConfig;
  adapter: Pick<AdapterSummary, 'vendor' | 'architecture' | 'description' | 'backend'>;
  model: { name: string; paramCount: number; prunableLayers: string[]; excludedLayers: string[] };
  /**
   * Rows of each split. tabular (optional, CSV runs): the target, the features in input
   * order, the class labels, and the standardisation x' = (x − mean) / scale taken from
   * the training rows (src/data/tabular.ts), so that an export can apply or state it.
   */
  data: { train: number; validation: number; test: number; tabular?: TabularInfo };
  baseline: RoundEntry | null;
  rounds: RoundEntry[];
  final: RoundEntry | null;
  timeMs: number;
}

const CSV_COLUMNS = [
  'round', 'targetSparsity', 'sparsity', 'accuracy', 'precision', 'recall', 'macroF1', 'loss',
  'paramsTotal', 'paramsNonzero', 'compressionRatio', 'flopsDense', 'flopsEffective', 'pruneMs', 'finetuneMs', 'evaluateMs', 'scoreMs', 'calibrationSamples',
] as const;

/** One row per entry (baseline as round 0, then each round), plus a sparsity column per layer. */
export function reportToCsv(r: Report): string {
  const entries = [...(r.baseline ? [r.baseline] : []), ...r.rounds];
  const layerNames = entries[0]?.layers.map((l) => l.name) ?? [];
  const head = [...CSV_COLUMNS, ...layerNames.map((n) => `sparsity_${n}`)];
  const rows = entries.map((e) => [
    e.round, e.targetSparsity, e.sparsity, e.accuracy, e.precision, e.recall, e.macroF1, e.loss ?? '',
    e.params.total, e.params.nonzero, e.compressionRatio, e.flops.dense, e.flops.effective, e.timeMs.prune, e.timeMs.finetune, e.timeMs.evaluate, e.timeMs.score ?? '', e.calibration?.samples ?? '',
    ...layerNames.map((n) => e.layers.find((l) => l.name === n)?.sparsity ?? ''),
  ]);
  return [head, ...rows].map((row) => row.join(',')).join('\n') + '\n';
}
