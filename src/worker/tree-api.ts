// The tree lab's Worker API: what the UI may ask of the tree engine, and the
// (structured-clonable) shapes that come back. The UI imports only these types;
// tree.worker.ts implements them and exposes them through Comlink.
import type { Bounds, LabConfig, LabReport } from '../trees/lab.js';
import type { EnsemblePruneReport } from '../trees/forest.js';
import type { SyntheticKind } from '../data/synthetic.js';

export type { Bounds, LabConfig, LabReport, LabRow, PathPoint, PrePruning, RowKind } from '../trees/lab.js';
export type { DecisionTree, Cut, Criterion } from '../trees/tree.js';
export type { CcpPath } from '../trees/ccp.js';
export type { EnsemblePruneReport, EnsembleStats } from '../trees/forest.js';

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
}
