// prune-lab's public scripting API: the array-in/array-out engine, and the pieces
// for writing one's own experiments in a page (or a Worker).
export {
  createEngine, API_CRITERIA, NET_CRITERIA, type Engine, type MagnitudeMasks, type MagnitudeMaskOptions, type ApiLayer, type ApiCriterion, type WeightLayoutName,
  type PruneMasksOptions, type ScoresOptions, type SparseGptOptions, type SparseGptResult, type ScoreCriterion,
  type LabeledCalibration, type MovementApiOptions, type SynflowApiOptions, UNIT_CRITERIA, type UnitCriterionName, type ShrunkLayers,
} from './engine.js';
export { acquireDevice, type AcquiredDevice, type AdapterSummary } from './gpu/device.js';
export { createGpuContext, type GpuContext } from './gpu/context.js';
export { PruneLabError, type ErrorCode } from './errors.js';
export type { MatmulVariant } from './kernels/matmul.js';
export type { PruneScope } from './kernels/topk.js';
export { loadMnist, splitMnist, mnistUrls } from './data/mnist.js';
export { datasetFromIdxBytes, type ImageDataset } from './data/dataset.js';
export { parseCsv, type TabularDataset } from './data/csv.js';
export { tabularFromCsv, splitTabular, type TabularInfo, type TabularSplits } from './data/tabular.js';
export { tabularLabData, tabularModel } from './lab/tabular.js';
export { planModel, LENET_300_100, LENET_5, PRESETS, type ModelSpec, type LayerSpec } from './nn/spec.js';
export { Network } from './nn/network.js';
export { train, type TrainOptions, type TrainProgress } from './nn/train.js';
export { evaluate, predict } from './nn/evaluate.js';
export { saveCheckpoint, decodeCheckpoint, loadNetwork } from './nn/checkpoint.js';
export { runExperiment, labData, type LabProgress, type RunHooks } from './lab/run.js';
export { validateConfig, type ExperimentConfig, type NormalizedConfig } from './lab/config.js';
export { reportToCsv, REPORT_VERSION, type Report, type RoundEntry } from './lab/report.js';
export { parseReports, validateReport, migrateReport } from './lab/report-schema.js';
export { importOnnx, SUPPORTED_OPS as ONNX_IMPORT_OPS, type OnnxImport, type ImportOptions as OnnxImportOptions, type ImportNote as OnnxImportNote, type ImportedLayer as OnnxImportedLayer } from './onnx/import.js';
export {
  exportOnnx, encodeOnnx, shrinkDeadUnits, EXPORT_FORMS as ONNX_EXPORT_FORMS, type ExportForm as OnnxExportForm, type ExportOptions as OnnxExportOptions, type ExportModel as OnnxExportModel,
} from './onnx/export.js';
export { onnxSizeTable, formatOnnxSizeTable, type OnnxSizeTable, type OnnxFormSize } from './onnx/size.js';
// The Workers' APIs (Comlink), as <prune-lab> and the tree labs call them.
export type { LabApi, LabEvent, RunOutcome, StartOptions, LabFailure, SweepOptions, SweepOutcome } from './worker/api.js';
export type { TreeLabApi } from './worker/tree-api.js';
