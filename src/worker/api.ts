// The lab Worker's API: what <prune-lab> may ask of the engine (start, pause,
// resume and abort a run; infer on one frame; check a config), and the
// structured-clonable events a run streams back. The UI imports only these
// types; lab.worker.ts implements them and exposes them through Comlink.
import type { ExperimentConfig } from '../lab/config.js';
import type { LabProgress } from '../lab/run.js';
import type { Report, RoundEntry } from '../lab/report.js';
import type { AdapterSummary } from '../gpu/device.js';
import type { ModelSpec } from '../nn/spec.js';
import type { ImportNote } from '../onnx/import.js';
import type { ExportForm } from '../onnx/export.js';
import type { OnnxSizeTable } from '../onnx/size.js';

export type { ExperimentConfig, LayerOverride, PruneMethod, PruneScheduleKind } from '../lab/config.js';
export type { LabPhase, LabProgress } from '../lab/run.js';
export type { LayerEntry, Report, RoundEntry } from '../lab/report.js';
export type { AdapterSummary } from '../gpu/device.js';
export type { ModelSpec } from '../nn/spec.js';
export type { ImportNote } from '../onnx/import.js';
export type { ExportForm } from '../onnx/export.js';
export type { OnnxFormSize, OnnxSizeTable } from '../onnx/size.js';
// The contract's vocabulary, data only (no validator, model planner or optimizer comes with it):
// the values the config's axes take, and the upgrade of a stored report to the current version.
export { GRANULARITIES, WEIGHT_CRITERIA, UNIT_CRITERIA, WHEN, NM_CRITERIA, INIT_CRITERIA, DURING_CRITERIA } from '../lab/axes.js';
export { migrateReport } from '../lab/report-migrate.js';
export { parseLrSchedule, formatLrSchedule, parseLayerSparsity, formatLayerSparsity } from '../lab/config-text.js';
export { REPORT_VERSION } from '../lab/report.js';

/**
 * Frame latency of one inference path at one sparsity: the time for one 28×28 input
 * to reach a class on the CPU (upload, every dispatch, readback), after warm-up,
 * over at least 200 frames (DESIGN.md, "Numbers we mean").
 */
export interface LatencyPoint {
  /** One of the UI's INFERENCE_PATHS (src/ui/types.ts), or another name for a path the chart does not know. */
  path: string;
  /** Fraction of prunable weights that are zero, in [0, 1]. */
  sparsity: number;
  /** Median frame latency, milliseconds. */
  p50Ms: number;
  /** 95th-percentile frame latency, milliseconds (≥ p50Ms). */
  p95Ms: number;
  /** The first frame alone, milliseconds (first-use costs land here). */
  firstFrameMs?: number;
  /** Pipeline creation (shader compilation) while the path was prepared, milliseconds; 0 when cached. */
  compileMs?: number;
  /** Images per second at batch 256. */
  throughput?: number;
  /** Bytes of the model's weights on the GPU in this path's format (weights, indices, scales, biases, masks). */
  modelGpuBytes?: number;
  /** GPU bytes the path's frame plan allocated, from the tracked allocations (formats, activations, scratch, staging). */
  planGpuBytes?: number;
  /** How frames waited for their class: 'map' or 'nudge' (src/gpu/completion.ts). */
  wait?: string;
  /** GPU time of one frame's dispatches alone (no upload, submit or map), milliseconds: the model's part of the frame. */
  gpuMs?: number;
  /** Where gpuMs came from: 'gpu-timestamp' (timestamp queries) or 'wall-clock' (the queue, around the dispatches alone). */
  gpuTiming?: 'gpu-timestamp' | 'wall-clock';
}

/** One model's answer for the digit on the pad. */
export interface Prediction {
  /** Which model answered (e.g. "dense", "90% sparse"). */
  label: string;
  /** The predicted class, 0–9. */
  digit: number;
  /** Frame latency of this answer, milliseconds. */
  latencyMs: number;
}

/** A failure as it crosses the Worker boundary (Comlink keeps only an Error's message). */
export interface LabFailure {
  /** A PruneLabError code, or 'internal'. */
  code: string;
  message: string;
  /** The config field at fault (e.g. 'prune.targetSparsity'), when there is one. */
  field?: string;
}

export type ConfigCheck = { ok: true; config: ExperimentConfig } | ({ ok: false } & LabFailure);
export type ReportsCheck = { ok: true; reports: Report[] } | ({ ok: false } & LabFailure);

export interface StartOptions {
  config: ExperimentConfig;
  /** Folder of the four MNIST-layout IDX files (absolute URL); not read when `tabular` is given. */
  dataUrl: string;
  /** Timed frames per inference path after each round for the latency chart; 0 measures none (else ≥ 200). */
  latencyFrames: number;
  /**
   * The id of a model importModel() took: the run's model is its spec (whatever config.model
   * says) and its initial weights and masks are the imported values (train epochs 0: the
   * baseline is the model as loaded).
   */
  model?: string;
  /** Tabular data instead of IDX files: the config's dataset becomes { name: 'csv', label, target, test }. */
  tabular?: TabularSource;
}

/** A CSV as the page read it: its text and file name (what messages and the report call it). */
export interface CsvFile {
  text: string;
  name: string;
}

/** CSV data for a run: the training file, its class column by name, and optionally a test file with the same columns. */
export interface TabularSource extends CsvFile {
  target: string;
  test?: CsvFile;
}

/** One layer of a model, as the page's layer table shows it. */
export interface ModelLayerInfo {
  /** The plan's name (fc1, conv1, pool1, relu1, …). */
  name: string;
  /** The plan's layer kind: linear, conv2d, maxpool2d, relu, … */
  type: string;
  /** The weight tensor's shape as stored (linear in×out, conv F×C×k×k); the output's C×H×W (pool) or size (relu). */
  shape: number[];
  /** Weights + biases. */
  params: number;
  /** Whether the lab prunes it (linear and conv weights). */
  prunable: boolean;
  /** The ONNX node that holds its weight (imported models). */
  node?: string;
}

export type ModelImport =
  | {
    ok: true;
    /** What start() takes as StartOptions.model. */
    id: string;
    name: string;
    spec: ModelSpec;
    layers: ModelLayerInfo[];
    /** Nodes folded, dropped or stripped on import. */
    notes: ImportNote[];
    input: { name: string; layout: 'nchw' | 'flat' };
    opset: number;
    producer: string;
    /** Weights the importer masked (exact zeros, or left out of a sparse initializer), of all prunable weights. */
    masked: number;
    prunableWeights: number;
  }
  | ({ ok: false } & LabFailure);

/** A CSV's header and classes, read by the engine's parser with `target` as the class column. */
export type CsvCheck =
  | {
    ok: true;
    name: string;
    columns: string[];
    target: string;
    rows: number;
    features: string[];
    classes: string[];
    /** The default model for it (tabular-mlp: F → 64 → 64 → K). */
    model: ModelSpec;
  }
  | ({ ok: false } & LabFailure);

export type ModelExport =
  | {
    ok: true;
    form: ExportForm;
    /** A file name for it (the model's name, the form, .onnx). */
    fileName: string;
    bytes: Uint8Array;
    /** Every form's size against the dense f32 original (the run's model before pruning). */
    table: OnnxSizeTable;
    /** Tabular runs: the input is standardised features; mean and scale are in report.data.tabular. */
    note?: string;
  }
  | ({ ok: false } & LabFailure);

export type ExportSizes = { ok: true; table: OnnxSizeTable; note?: string } | ({ ok: false } & LabFailure);

/** fc1's weights and mask (in×out) at a round: what the mask view draws. */
export interface LayerSnapshot {
  name: string;
  inputs: number;
  units: number;
  weights: Float32Array;
  mask: Uint8Array;
}

export type LabEvent =
  /**
   * The Worker checked the run against the data (sizes, batch, model input) and took it:
   * from here on it replaces the shown results. A run refused before this event changed nothing.
   */
  | { type: 'accepted'; config: ExperimentConfig }
  /** Data are loading, the run started, was paused or resumed. */
  | { type: 'phase'; phase: 'loading' | 'running' | 'paused' }
  /** Training progress, at most a few times a second. */
  | { type: 'progress'; progress: LabProgress }
  /** The baseline (round 0) or a pruning round finished; `report` holds every finished round. */
  | { type: 'round'; entry: RoundEntry; report: Report }
  /** The first prunable Linear layer at `round` (sent after the round event; absent for models without one). */
  | { type: 'layer'; round: number; layer: LayerSnapshot }
  /** Frame latency of each inference path at `round` (only when latencyFrames > 0). */
  | { type: 'latency'; round: number; points: LatencyPoint[] }
  /** The GPU device was lost: the run stops; rounds already sent are whole. */
  | { type: 'device-lost'; reason: string; message: string };

/** How a run ended. A report comes back for complete, aborted and failed runs alike. */
export type RunOutcome =
  | { kind: 'report'; report: Report }
  /** Refused before any work (invalid config, no data, no WebGPU). */
  | { kind: 'refused'; error: LabFailure }
  /** The device was lost mid-run: the report so far (status 'error', code 'device-lost'). */
  | { kind: 'lost'; report: Report | null; error: LabFailure };

/**
 * "Which criterion wins?": the baseline of `config` trained once, then each weight criterion
 * from its weights (src/worker/sweep.ts). Every point is a run of the engine's runner.
 */
export interface SweepOptions {
  /** Model, data subsets, training and seed of the baseline; its prune section is not used. */
  config: ExperimentConfig;
  /** Folder of the four MNIST-layout IDX files (absolute URL). */
  dataUrl: string;
  /** Weight criteria to compare (magnitude, random, taylor, …); combinations the engine refuses are skipped, with its message. */
  criteria: string[];
  /** One-shot points: the trained model pruned to each (ascending, in (0, 1)), with no fine-tuning. */
  sparsities: number[];
  /** Iterative rounds with fine-tuning from the same trained model; null: none. */
  iterative: { targetSparsity: number; rounds: number; finetuneEpochs: number } | null;
  /** N:M patterns, one-shot with no fine-tuning, for the criteria that can choose N:M masks. */
  nm: Array<{ n: number; m: number }>;
}

export interface SweepPoint {
  /** Measured sparsity of the prunable weights. */
  sparsity: number;
  accuracy: number;
  macroF1: number;
  /** The N:M pattern of an 'nm' point ("2:4"). */
  nm?: string;
}

/** One criterion's points: one-shot (no fine-tuning), iterative (fine-tuned each round), or its N:M points. */
export interface SweepCurve {
  criterion: string;
  mode: 'oneshot' | 'iterative' | 'nm';
  /** Sorted by sparsity. */
  points: SweepPoint[];
}

export type SweepEvent =
  | { type: 'progress'; done: number; total: number; label: string }
  | { type: 'baseline'; entry: RoundEntry }
  /** A curve with one more point (the whole curve so far). */
  | { type: 'curve'; curve: SweepCurve }
  /** A criterion left out of a mode, with why. */
  | ({ type: 'skipped' } & SweepSkip);

/**
 * A criterion left out of a mode: 'refused' by the engine's config check (the combination makes
 * no sense, e.g. movement without fine-tuning), 'unavailable' (the run was refused as a config the
 * build cannot run, e.g. a criterion with no scoring module yet), or 'failed' (any other error).
 */
export interface SweepSkip {
  criterion: string;
  mode: SweepCurve['mode'];
  nm?: string;
  stage: 'refused' | 'unavailable' | 'failed';
  error: LabFailure;
}

export type SweepOutcome =
  | { kind: 'done'; baseline: RoundEntry; curves: SweepCurve[]; skipped: SweepSkip[] }
  | { kind: 'refused'; error: LabFailure }
  | { kind: 'lost'; error: LabFailure };

export interface LabApi {
  /** Acquires the GPU device (once); refuses with 'no-webgpu' / 'no-adapter' and the help text. */
  init(): Promise<{ ok: true; adapter: AdapterSummary } | ({ ok: false } & LabFailure)>;
  /** The engine's own validation of a config (defaults filled in), without GPU work. */
  validate(config: unknown): Promise<ConfigCheck>;
  /** Runs one experiment, streaming events to `onEvent` (a Comlink proxy). One run at a time. */
  start(options: StartOptions, onEvent: (e: LabEvent) => void): Promise<RunOutcome>;
  /** Holds the run at the next step boundary. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops the run at the next step boundary; start() then resolves with status 'aborted'. */
  abort(): Promise<void>;
  /**
   * Classifies one 28×28 image with the dense baseline and the latest pruned model
   * of the current or last run, each with its frame latency (upload → class on the CPU).
   */
  infer(pixels: Float32Array): Promise<Prediction[]>;
  /** Trains one baseline and compares the criteria on it (one job at a time, like start; abort() stops it). */
  sweep(options: SweepOptions, onEvent: (e: SweepEvent) => void): Promise<SweepOutcome>;
  /** The engine's CSV of a report: one row per round (src/lab/report.ts's reportToCsv). */
  csv(report: Report): Promise<string>;
  /**
   * The reports of an imported JSON file (one report or an array), each migrated and checked
   * against the full report schema (src/lab/report-schema.ts's parseReports); a file is taken
   * whole or refused with the first field it cannot use (`file.json[2].rounds[1].flops`).
   */
  readReports(text: string, name: string): Promise<ReportsCheck>;
  /**
   * Imports an .onnx file (src/onnx/import.ts) and keeps its spec and weights under the
   * returned id for start(); a file it cannot use is refused with the engine's message
   * (naming the node or tensor), and nothing is kept.
   */
  importModel(bytes: ArrayBuffer, name: string): Promise<ModelImport>;
  /** A CSV's columns; with `target` (default: the last column) parsed whole, its classes and default model. */
  readCsv(file: CsvFile, target?: string): Promise<CsvCheck>;
  /** The last run's final model as ONNX in one form (src/onnx/export.ts), with the size table of every form. */
  exportModel(form: ExportForm): Promise<ModelExport>;
  /** The size table of the last run's final model (every form, raw and gzip bytes). */
  exportSizes(): Promise<ExportSizes>;
  /** Destroys the device, as a lost GPU would (for testing the recovery path). */
  loseDevice(): Promise<void>;
}
