// Per-file GPU fixture for browser tests: one real device (SwiftShader here),
// acquired through the same src/gpu/device.ts the faces use.
import { acquireDevice } from '../../src/gpu/device.js';
import { createGpuContext, type GpuContext } from '../../src/gpu/context.js';
import { readBuffer } from '../../src/gpu/readback.js';

let ctx: Promise<GpuContext> | undefined;

export function gpu(): Promise<GpuContext> {
  ctx ??= acquireDevice().then(({ device }) => {
    device.addEventListener('uncapturederror', (e) => {
      console.error('WebGPU uncaptured error:', (e as GPUUncapturedErrorEvent).error.message);
    });
    return createGpuContext(device);
  });
  return ctx;
}

export async function readF32(c: GpuContext, buf: GPUBuffer, n: number): Promise<Float32Array> {
  return new Float32Array(await readBuffer(c.device, buf, n * 4));
}

export async function readU32(c: GpuContext, buf: GPUBuffer, n: number): Promise<Uint32Array> {
  return new Uint32Array(await readBuffer(c.device, buf, n * 4));
}

/** Runs `fn` inside a validation error scope and fails on any GPU validation error. */
export async function noGpuErrors<T>(c: GpuContext, fn: () => Promise<T>): Promise<T> {
  c.device.pushErrorScope('validation');
  const out = await fn();
  const err = await c.device.popErrorScope();
  if (err) throw new Error(`GPU validation error: ${err.message}`);
  return out;
}
