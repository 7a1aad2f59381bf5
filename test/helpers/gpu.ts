// Per-file GPU fixture for browser tests: one real device (SwiftShader here),
// acquired through the same src/gpu/device.ts the faces use.
import { expect } from '@esm-bundle/chai';
import { acquireDevice, deviceEngine } from '../../src/gpu/device.js';
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

/**
 * An uncaptured validation error's message names the object `label`, where the
 * implementation's message can: Dawn's does ([Buffer "label"]); wgpu's (Firefox) gives
 * only the rule broken, here a MAP usage combined with another than COPY.
 */
export function expectNamesObject(device: GPUDevice, message: string, label: string): void {
  if (deviceEngine(device) === 'wgpu') expect(message).to.match(/MAP.*COPY/);
  else expect(message).to.contain(label);
}
