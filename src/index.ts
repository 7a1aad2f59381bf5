// prune-lab's public scripting API.
export { createEngine, type Engine, type MagnitudeMasks, type MagnitudeMaskOptions } from './engine.js';
export { acquireDevice, type AcquiredDevice, type AdapterSummary } from './gpu/device.js';
export { PruneLabError, type ErrorCode } from './errors.js';
export type { MatmulVariant } from './kernels/matmul.js';
export type { PruneScope } from './kernels/topk.js';
