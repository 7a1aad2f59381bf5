// The tree lab's Worker API: what the UI may ask of the tree engine, and the
// (structured-clonable) shapes that come back. The UI imports only these types;
// tree.worker.ts implements them and exposes them through Comlink.
import type { Bounds, LabConfig, LabReport } from '../trees/lab.js';
import type { EnsemblePruneReport } from '../trees/forest.js';
import type { SyntheticKind } from '../data/synthetic.js';
import type { BoostEnsembleStats, PruningCounts } from '../trees/boost/report.js';
import type { DecisionTree } from '../trees/tree.js';
import type { CcpPath } from '../trees/ccp.js';

export type { Bounds, LabConfig, LabReport, LabRow, PathPoint, PrePruning, RowKind } from '../trees/lab.js';
export type { DecisionTree, Cut, Criterion } from '../trees/tree.js';
export type { CcpPath } from '../trees/ccp.js';
export type { EnsemblePruneReport, EnsembleStats } from '../trees/forest.js';
export type { BoostEnsembleStats, BoostScore, PruningCounts } from '../trees/boost/report.js';

export type DatasetSpec =
  | { kind: 'iris' }
  | { kind: SyntheticKind; n?: number; noise?: number; seed?: number }
  /** The first `n` images of MNIST's t10k file as rows of 784 pixels. */
  | { kind: 'mnist'; n?: number }
  | { kind: 'csv'; text: string; target: string; name?: string };

export interface DatasetSummary {
  name: string;
  n: number;
  numFeatures: number;
  numClasses: number;
  featureNames: readonly string[];
  classNames: readonly string[];
  /** For 2-D sets: every row and the plotting bounds. */
  points: { x: Float32Array; y: Int32Array; bounds: Bounds } | null;
}

export interface ForestConfig {
  nTrees?: number;
  /** Features tried per split; default ⌊√features⌋. */
  maxFeatures?: number;
  pre?: LabConfig['pre'];
  criterion?: LabConfig['criterion'];
  valFraction?: number;
  testFraction?: number;
  seed?: number;
}

export interface ForestReport extends EnsemblePruneReport {
  sizes: { train: number; val: number; test: number };
  fitMs: number;
}

/** Regression sets of the tree lab: seeded (src/trees/datasets.ts) or a CSV with a numeric target. */
export const REGRESSION_SOURCES = ['sine', 'step', 'friedman1', 'csv'] as const;
export type RegressionSource = (typeof REGRESSION_SOURCES)[number];

export type RegressionDatasetSpec =
  | { kind: 'sine' | 'step' | 'friedman1'; n?: number; noise?: number; seed?: number }
  | { kind: 'csv'; text: string; target: string; name?: string };

export interface RegressionSummary {
  name: string;
  n: number;
  numFeatures: number;
  featureNames: readonly string[];
  targetName: string;
  /** For sets of 1 or 2 features: every row, its target, and the plotting bounds (y0 = y1 = 0 for 1 feature). */
  points: { x: Float32Array; y: Float64Array; bounds: Bounds } | null;
}

export interface RegressionLabConfig {
  criterion?: 'squared_error' | 'friedman_mse' | 'absolute_error';
  pre?: LabConfig['pre'];
  valFraction?: number;
  testFraction?: number;
  seed?: number;
}

export interface RegressionScore {
  mse: number;
  r2: number;
}

export interface RegressionLabRow {
  kind: 'unpruned' | 'pre' | 'ccp' | 'rep';
  label: string;
  nodes: number;
  leaves: number;
  depth: number;
  train: RegressionScore;
  val: RegressionScore;
  test: RegressionScore | null;
  fitMs: number;
  pruneMs: number;
}

export interface RegressionPathPoint {
  step: number;
  alpha: number;
  leaves: number;
  trainMse: number;
  valMse: number;
  testMse: number | null;
}

export interface RegressionLabReport {
  sizes: { train: number; val: number; test: number };
  tree: DecisionTree;
  path: CcpPath;
  curve: RegressionPathPoint[];
  /** The step of the subtree with the lowest validation MSE (ties: the larger alpha). */
  bestStep: number;
  bestAlpha: number;
  cuts: { ccp: Uint8Array; rep: Uint8Array };
  rows: RegressionLabRow[];
}

/** Small seeded sets for the boosting lab: regression (sine, friedman1, step) or 2-class synthetic. */
export const BOOST_DATASETS = ['friedman1', 'sine', 'step', 'moons', 'circles', 'xor'] as const;
export type BoostDatasetKind = (typeof BOOST_DATASETS)[number];
export const BOOST_ALGOS = ['gbdt', 'xgb'] as const;
export type BoostAlgo = (typeof BOOST_ALGOS)[number];

export interface BoostDataSpec {
  kind: BoostDatasetKind;
  n?: number;
  noise?: number;
  seed?: number;
}

export interface BoostLabConfig {
  algo: BoostAlgo;
  /** Default 50. */
  nEstimators?: number;
  /** gbdt's learning_rate, xgb's eta; default 0.1 (gbdt) / 0.3 (xgb). */
  learningRate?: number;
  /** Default 3. */
  maxDepth?: number;
  /** xgb only (min_split_loss): splits whose loss reduction is below it are pruned. */
  gamma?: number;
  /** Stop after this many stages without a better validation loss; null = off (default). */
  earlyStopping?: number | null;
  /** Share of the rows held out as validation rows, default 0.25. */
  valFraction?: number;
  /** Split and subsample seed (default 0). */
  seed?: number;
  /** Stage trees returned for drawing (the first ones), default 4, at most 12. */
  shownTrees?: number;
}

/** One stage tree as the tree diagram draws it, with the splits post-pruning removed. */
export interface ShownBoostTree {
  /** 0-based stage (boosting round). */
  stage: number;
  /** As grown (xgb) or as kept (gbdt: it does not keep the grown tree); value = the node's prediction (leaf value). */
  tree: DecisionTree;
  /** 1 at splits gamma pruning turned into leaves (xgb); null when nothing is marked. */
  cut: Uint8Array | null;
  /** A row goes left when x[feature] ≤ threshold (gbdt, as scikit-learn) or < threshold (xgb). */
  op: '≤' | '<';
}

export interface BoostLabReport {
  algo: BoostAlgo;
  task: 'classification' | 'regression';
  dataset: { name: string; n: number; numFeatures: number; numClasses: number; featureNames: string[] };
  sizes: { train: number; val: number };
  /** The loss the engine records per stage: gbdt scikit-learn's (squared error: MSE; log-loss: deviance), xgb rmse or logloss. */
  lossName: string;
  trainLoss: number[];
  /** Validation loss after each stage (the curve the best stage is read from). */
  valLoss: number[];
  /** 1-based stage count at the validation loss's minimum (earliest on ties). */
  bestStages: number;
  picked: 'early-stopping' | 'validation-curve';
  stoppedEarly: boolean;
  /** The ensemble as fit and truncated to bestStages, on the validation rows. */
  truncation: { before: BoostEnsembleStats; after: BoostEnsembleStats };
  pruning: PruningCounts;
  trees: ShownBoostTree[];
  /** The settings resolved (defaults filled). */
  params: { nEstimators: number; learningRate: number; maxDepth: number; gamma: number | null; earlyStopping: number | null; seed: number };
  fitMs: number;
}

export interface TreeLabApi {
  /** Loads (and keeps) the dataset the next runs use. */
  loadDataset(spec: DatasetSpec): Promise<DatasetSummary>;
  /**
   * Loads a dataset and grows and prunes on it, as one step: the loaded dataset and
   * tree change only when both succeed (a failure leaves the previous ones in place).
   */
  loadAndRun(spec: DatasetSpec, config: LabConfig): Promise<{ summary: DatasetSummary; report: LabReport }>;
  /** Grows, pre-prunes and post-prunes on the loaded dataset. */
  runLab(config: LabConfig): Promise<LabReport>;
  /** Classes predicted over a res × res grid by the last run's tree with `cut` (2-D sets only). */
  regions(cut: Uint8Array | null, res: number): Promise<Uint8Array>;
  /** A random forest on the loaded dataset, then greedy ensemble pruning on validation rows. */
  runForest(config: ForestConfig): Promise<ForestReport>;
  /** Loads a regression set and grows and prunes on it, as one step (a failure leaves the previous ones in place). */
  loadAndRunRegression(spec: RegressionDatasetSpec, config: RegressionLabConfig): Promise<{ summary: RegressionSummary; report: RegressionLabReport }>;
  /** Grows and prunes on the loaded regression set. */
  runRegressionLab(config: RegressionLabConfig): Promise<RegressionLabReport>;
  /** Predictions of the last regression tree with `cut` over a grid: res cells (1 feature) or res × res (2 features). */
  regressionGrid(cut: Uint8Array | null, res: number): Promise<Float64Array>;
  /** Fits a boosted ensemble (gbdt or xgb) on a small seeded set and reports its stages, pruning and truncation. */
  runBoost(data: BoostDataSpec, config: BoostLabConfig): Promise<BoostLabReport>;
}
