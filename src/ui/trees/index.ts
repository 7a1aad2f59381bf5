// Registers every tree-lab element: import this once to use <prune-tree-lab> and its parts.
export { PruneTreeLab } from './tree-lab.js';
export { PruneTreeDiagram } from './tree-diagram.js';
export { PruneAlphaChart } from './alpha-chart.js';
export { PruneDecisionRegions } from './decision-regions.js';
export { PrunePruningTable } from './pruning-table.js';
export { TreeLabController } from './tree-lab-controller.js';
export type { RunCompleteDetail, AlphaChangeDetail, DatasetKind, ShownMethod } from './tree-lab.js';
export type { NodeHoverDetail } from './tree-diagram.js';
export type { MethodSelectDetail } from './pruning-table.js';
