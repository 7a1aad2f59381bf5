// Fast pruned inference: the paths (dense, masked, sparse, int8, auto, fused, nm), the
// per-layer chooser, the sparse and N:M formats, shrinking a model, and the plain-JS floor.
export { InferencePlan, prepareInference, INFERENCE_PATHS, type InferencePath, type InferenceOptions, type AutoPick } from './plan.js';
export { buildNm, detectNm, nmFit, nmBytes, type NmMatrix, type NmPattern } from '../layout/nm.js';
export { chooseLayers, crossover, timeChain, type LayerChoice, type ChooserOptions } from './chooser.js';
export { buildSell, uploadSell, type SellMatrix, type SellOptions } from './sell.js';
export { shrinkNetwork, keepByNorm, type ShrunkModel } from './shrink.js';
export { CpuForward } from './cpu.js';
export { fusedUnsupported } from './fused.js';
export { agreement, accuracyOf } from './compare.js';
export type { LayerImpl, LayerInfo } from './layers.js';
export { benchModelLatency, magnitudeValues, nmMagnitudeValues, BENCH_BATCH, type LatencyEntry, type LatencyReport, type LatencyModelReport, type BenchPath, type NmBenchReport } from './bench.js';
export { formatLatency, formatNm, isSoftwareAdapter } from './bench-format.js';
