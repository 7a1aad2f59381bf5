// Registers every tree element: import this once to use <prune-tree-lab>, <prune-boost-lab> and their parts.
export { PruneTreeLab } from './tree-lab.js';
export { PruneTreeDiagram } from './tree-diagram.js';
export { PruneAlphaChart } from './alpha-chart.js';
export { PruneDecisionRegions } from './decision-regions.js';
export { PrunePruningTable } from './pruning-table.js';
export { PruneRegressionView } from './regression-view.js';
export { PruneBoostLab } from './boost-lab.js';
export { PruneStageChart } from './stage-chart.js';
export { TreeLabController } from './tree-lab-controller.js';
export type { RunCompleteDetail, RegressionCompleteDetail, AlphaChangeDetail, DatasetKind, ShownMethod, TreeTask } from './tree-lab.js';
export type { NodeHoverDetail } from './tree-diagram.js';
export type { MethodSelectDetail } from './pruning-table.js';
export type { BoostCompleteDetail, BoostSettingsDetail } from './boost-lab.js';
