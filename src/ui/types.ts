// Data types the elements take that are not part of the experiment report: the
// inference paths' names and model sizes. Latency figures and the digit pad's
// predictions are the Worker's contract (src/worker/api.ts), re-exported here.
export type { LatencyPoint, Prediction } from '../worker/api.js';

/** The inference paths of a pruned model, in the order charts list them. */
export const INFERENCE_PATHS = ['dense', 'masked', 'sparse', 'structured', 'int8'] as const;
export type InferencePath = (typeof INFERENCE_PATHS)[number];

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
