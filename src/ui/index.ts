// The embeddable prune-* elements that need no worker: importing this module defines
// them all. Each is also importable on its own from its file.
export { PruneSparsityChart, sparsitySeries, runLabels, type SparsitySeries } from './sparsity-chart.js';
export { PruneLatencyChart, latencySeries, type LatencySeries } from './latency-chart.js';
export { PruneLayerSparsity } from './layer-sparsity.js';
export { PruneMaskView, tileOrigin, type TileLayout } from './mask-view.js';
export { PruneConfusionMatrix } from './confusion-matrix.js';
export { PruneMetricsTable } from './metrics-table.js';
export { PruneSizeView, formatBytes } from './size-view.js';
export { PruneDigitPad, type DigitInputDetail } from './digit-pad.js';
export { toMnist, centreOfMass, MNIST_SIZE, MNIST_BOX } from './mnist-preprocess.js';
export { INFERENCE_PATHS, type InferencePath, type LatencyPoint, type ModelSizes, type Prediction } from './types.js';
