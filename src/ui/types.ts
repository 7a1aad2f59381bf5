// Data types the elements take that are not part of the experiment report: latency
// figures (measured by src/infer), model sizes, and the digit pad's predictions.

/** The inference paths of a pruned model, in the order charts list them. */
export const INFERENCE_PATHS = ['dense', 'masked', 'sparse', 'structured', 'int8'] as const;
export type InferencePath = (typeof INFERENCE_PATHS)[number];

/**
 * Frame latency of one inference path at one sparsity: the time for one 28×28 input
 * to reach a class on the CPU (upload, every dispatch, readback), after warm-up,
 * over at least 200 frames (DESIGN.md, "Numbers we mean").
 */
export interface LatencyPoint {
  /** One of INFERENCE_PATHS, or another name for a path the chart does not know. */
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
}

/** The optional numeric fields of a LatencyPoint (each, when present, a number ≥ 0). */
export const LATENCY_EXTRAS = ['firstFrameMs', 'compileMs', 'throughput', 'modelGpuBytes', 'planGpuBytes'] as const;

/** Model size three ways, in bytes (DESIGN.md, "Model size"). */
export interface ModelSizes {
  /** Every weight and bias as f32. */
  denseF32: number;
  /** Nonzero values (f32) plus their indices, plus biases. */
  sparse: number;
  /** Nonzero values quantised to int8 (with their scales) plus indices, plus biases. */
  sparseInt8: number;
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
