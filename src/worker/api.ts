// The lab Worker's API: what <prune-lab> may ask of the engine (start, pause,
// resume and abort a run; infer on one frame; check a config), and the
// structured-clonable events a run streams back. The UI imports only these
// types; lab.worker.ts implements them and exposes them through Comlink.
import type { ExperimentConfig } from '../lab/config.js';
import type { LabProgress } from '../lab/run.js';
import type { Report, RoundEntry } from '../lab/report.js';
import type { AdapterSummary } from '../gpu/device.js';
import type { LatencyPoint, Prediction } from '../ui/types.js';

export type { ExperimentConfig, LayerOverride, PruneMethod, PruneScheduleKind } from '../lab/config.js';
export type { LabPhase, LabProgress } from '../lab/run.js';
export type { LayerEntry, Report, RoundEntry } from '../lab/report.js';
export type { AdapterSummary } from '../gpu/device.js';
export type { ModelSpec } from '../nn/spec.js';
export type { LatencyPoint, Prediction } from '../ui/types.js';

/** A failure as it crosses the Worker boundary (Comlink keeps only an Error's message). */
export interface LabFailure {
  /** A PruneLabError code, or 'internal'. */
  code: string;
  message: string;
  /** The config field at fault (e.g. 'prune.targetSparsity'), when there is one. */
  field?: string;
}

export type ConfigCheck = { ok: true; config: ExperimentConfig } | ({ ok: false } & LabFailure);

export interface StartOptions {
  config: ExperimentConfig;
  /** Folder of the four MNIST-layout IDX files (absolute URL). */
  dataUrl: string;
  /** Timed frames per inference path after each round for the latency chart; 0 measures none (else ≥ 200). */
  latencyFrames: number;
}

/** fc1's weights and mask (in×out) at a round: what the mask view draws. */
export interface LayerSnapshot {
  name: string;
  inputs: number;
  units: number;
  weights: Float32Array;
  mask: Uint8Array;
}

export type LabEvent =
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
  /** The engine's CSV of a report: one row per round (src/lab/report.ts's reportToCsv). */
  csv(report: Report): Promise<string>;
  /** Destroys the device, as a lost GPU would (for testing the recovery path). */
  loseDevice(): Promise<void>;
}
