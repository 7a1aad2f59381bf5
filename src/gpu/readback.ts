// Reading GPU results without stalling the queue: a ring of staging buffers.
// A copy is encoded into a free slot with the step's own commands; the slot is
// mapped after that submit, and its promise resolves whenever the GPU gets there
// (on Firefox's wgpu, nudged: completion.ts whenPolled).
import { whenPolled } from './completion.js';

export class ReadbackRing {
  private readonly slots: GPUBuffer[] = [];
  private readonly busy: boolean[] = [];
  private next = 0;
  readonly bytes: number;
  private readonly device: GPUDevice;

  constructor(device: GPUDevice, label: string, bytes: number, slots = 3) {
    this.device = device;
    this.bytes = Math.ceil(bytes / 4) * 4;
    for (let i = 0; i < slots; i++) {
      this.slots.push(device.createBuffer({ label: `${label} staging ${i}`, size: this.bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
      this.busy.push(false);
    }
  }

  /**
   * Encodes a copy of `bytes` of `src` into a free slot. Returns the slot index,
   * or -1 when every slot is still in flight (the caller skips this sample).
   */
  copy(encoder: GPUCommandEncoder, src: GPUBuffer, srcOffset = 0): number {
    for (let t = 0; t < this.slots.length; t++) {
      const i = (this.next + t) % this.slots.length;
      if (!this.busy[i]) {
        this.busy[i] = true;
        this.next = (i + 1) % this.slots.length;
        encoder.copyBufferToBuffer(src, srcOffset, this.slots[i]!, 0, this.bytes);
        return i;
      }
    }
    return -1;
  }

  /** Call after the submit that holds the copy. Resolves with a copy of the bytes. */
  async read(slot: number): Promise<ArrayBuffer> {
    const buf = this.slots[slot]!;
    try {
      await whenPolled(this.device, buf.mapAsync(GPUMapMode.READ));
      return buf.getMappedRange().slice(0);
    } finally {
      if (buf.mapState === 'mapped') buf.unmap();
      this.busy[slot] = false;
    }
  }

  destroy(): void {
    for (const b of this.slots) b.destroy();
  }
}

/** One-off read of a buffer (outside hot loops): copies, submits and maps. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes: number, srcOffset = 0): Promise<ArrayBuffer> {
  const ring = new ReadbackRing(device, `${src.label} read`, bytes, 1);
  const enc = device.createCommandEncoder({ label: `read ${src.label}` });
  const slot = ring.copy(enc, src, srcOffset);
  device.queue.submit([enc.finish()]);
  try {
    return await ring.read(slot);
  } finally {
    ring.destroy();
  }
}
