// What every kernel needs from the GPU layer: the device, the buffer pool and the
// pipeline cache. Built once per device by the face and handed down.
import { BufferPool } from './buffers.js';
import { PipelineCache } from './pipelines.js';
import { acquiredWgslFeatures } from './device.js';

export interface GpuContext {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  /** A 16-byte storage buffer bound where a kernel's optional input is unused. */
  readonly dummy: GPUBuffer;
  /**
   * WGSL language features of the `GPU` object the device came from (Dawn's in Node,
   * navigator.gpu in a page): which shader variants may be compiled.
   */
  readonly wgslLanguageFeatures: ReadonlySet<string>;
}

export interface GpuContextOptions {
  /** Defaults to those of the GPU object acquireDevice got the device from, else navigator.gpu's, else none. */
  wgslLanguageFeatures?: ReadonlySet<string>;
}

export function createGpuContext(device: GPUDevice, opts: GpuContextOptions = {}): GpuContext {
  const pool = new BufferPool(device);
  const dummy = pool.storage('unused binding', 16);
  const nav = typeof navigator !== 'undefined' ? navigator.gpu?.wgslLanguageFeatures : undefined;
  const wgslLanguageFeatures = opts.wgslLanguageFeatures ?? acquiredWgslFeatures(device) ?? new Set(nav ?? []);
  return { device, pool, pipelines: new PipelineCache(device), dummy, wgslLanguageFeatures };
}
