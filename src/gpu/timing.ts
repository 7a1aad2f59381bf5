// Timing GPU work. With 'timestamp-query' the figure comes from GPU timestamps
// around the passes; otherwise from wall-clock time until the queue is done.
// Every figure says which source it used. Waits are nudged on Firefox's wgpu
// (completion.ts whenPolled), whose 100 ms poll would otherwise be the figure.
import { queueDone, whenPolled } from './completion.js';

export type TimingSource = 'gpu-timestamp' | 'wall-clock';

export interface Timed {
  ms: number;
  source: TimingSource;
}

/** Wall-clock time from submit until the queue reports the work done. */
export async function timeQueue(device: GPUDevice, submit: () => void): Promise<Timed> {
  const t0 = performance.now();
  submit();
  await queueDone(device);
  return { ms: performance.now() - t0, source: 'wall-clock' };
}

/**
 * Times the compute passes encoded by `encode` with GPU timestamps when the
 * device has 'timestamp-query', else falls back to wall-clock.
 */
export async function timePasses(
  device: GPUDevice,
  encode: (enc: GPUCommandEncoder, timestampWrites: GPUComputePassTimestampWrites | undefined) => void,
): Promise<Timed> {
  if (!device.features.has('timestamp-query')) {
    return timeQueue(device, () => {
      const enc = device.createCommandEncoder({ label: 'timed (wall-clock)' });
      encode(enc, undefined);
      device.queue.submit([enc.finish()]);
    });
  }
  const qs = device.createQuerySet({ label: 'timing queries', type: 'timestamp', count: 2 });
  const resolve = device.createBuffer({ label: 'timing resolve', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ label: 'timing read', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const enc = device.createCommandEncoder({ label: 'timed (gpu-timestamp)' });
    encode(enc, { querySet: qs, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 });
    enc.resolveQuerySet(qs, 0, 2, resolve, 0);
    enc.copyBufferToBuffer(resolve, 0, read, 0, 16);
    device.queue.submit([enc.finish()]);
    await whenPolled(device, read.mapAsync(GPUMapMode.READ));
    const t = new BigUint64Array(read.getMappedRange().slice(0));
    read.unmap();
    return { ms: Number(t[1]! - t[0]!) / 1e6, source: 'gpu-timestamp' };
  } finally {
    qs.destroy();
    resolve.destroy();
    read.destroy();
  }
}
