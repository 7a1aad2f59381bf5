// <prune-lab> and what it is made of: importing this module defines the lab and
// every element it shows. The library build's prune-lab.js entry is this file.
export { PruneLab, entrySizes, type RunErrorDetail } from './prune-lab.js';
export { PruneCriteriaSweep, sweepCurves, type SweepResultDetail } from './criteria-sweep.js';
export { LabController, defaultLabWorker, type LabWorkerFactory, type RunStatus } from './lab-controller.js';
export { RunStore, type RunRecord, type RunState } from './run-store.js';
export { reportJson, reportFileName } from './report-io.js';
export { CONTROLS, DEFAULTS, VIEWS, buildConfig, type LabControls, type LabView } from './lab-config.js';
export { PruneTrainingChart, type TrainingPoint, type RoundMark } from '../training-chart.js';
