// The GPU layer's public surface for the layers above it.
export { BufferPool, writeView } from './buffers.js';
export { PipelineCache, type BindingKind, type PipelineSpec } from './pipelines.js';
export { ReadbackRing, readBuffer } from './readback.js';
export { createGpuContext, type GpuContext } from './context.js';
export { uniformLayout, packUniforms, type UniformLayout } from './uniforms.js';
export { timeQueue, timePasses, type Timed, type TimingSource } from './timing.js';
export { mapForRead, whenPolled, queueDone, pollsLate, chooseCompletion, defaultCompletionMode, COMPLETION_MODES, NUDGE_BELOW_GPU_MS, type CompletionMode, type CompletionWait, type CompletionChoice } from './completion.js';
