// The GPU fixture of the fuzz doors: one device for the page, watched for
// uncaptured errors by the harness, and a "no GPU work yet" view of it whose
// first buffer or pipeline request throws GpuWorkStarted instead of acting.
import { gpu } from '../helpers/gpu.js';
import type { GpuContext } from '../../src/gpu/context.js';
import type { ImageDataset } from '../../src/data/dataset.js';
import type { LabData } from '../../src/lab/run.js';

export { gpu };

/** Thrown by a guarded context at the first GPU buffer or pipeline request. */
export class GpuWorkStarted extends Error {
  constructor(what: string) {
    super(`GPU work started (${what})`);
    this.name = 'GpuWorkStarted';
  }
}

/** A view of `ctx` whose buffer pool and pipeline cache refuse all work (nothing is allocated). */
export function guarded(ctx: GpuContext): GpuContext {
  const pool = Object.create(ctx.pool) as GpuContext['pool'];
  pool.acquire = (label: string) => {
    throw new GpuWorkStarted(`buffer ${label}`);
  };
  const pipelines = Object.create(ctx.pipelines) as GpuContext['pipelines'];
  pipelines.pipeline = (spec) => Promise.reject(new GpuWorkStarted(`pipeline ${spec.label}`));
  return { ...ctx, pool, pipelines };
}

/** n rows of 1×4×4 images with labels 0…classes−1 in turn. */
export function tinyImages(n: number, classes = 3, seed = 1): ImageDataset {
  const images = Float32Array.from({ length: n * 16 }, (_, i) => ((i * 7919 + seed * 104729) % 256) / 255);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % classes), shape: { C: 1, H: 4, W: 4 }, numClasses: classes, n };
}

export const TINY_DATA: LabData = { train: tinyImages(48), validation: tinyImages(16, 3, 2), test: tinyImages(16, 3, 3) };
