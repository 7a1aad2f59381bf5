// What every kernel needs from the GPU layer: the device, the buffer pool and the
// pipeline cache. Built once per device by the face and handed down.
import { BufferPool } from './buffers.js';
import { PipelineCache } from './pipelines.js';

export interface GpuContext {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  /** A 16-byte storage buffer bound where a kernel's optional input is unused. */
  readonly dummy: GPUBuffer;
}

export function createGpuContext(device: GPUDevice): GpuContext {
  const pool = new BufferPool(device);
  const dummy = pool.storage('unused binding', 16);
  return { device, pool, pipelines: new PipelineCache(device), dummy };
}
