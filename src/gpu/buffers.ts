// Labelled GPU buffers from a pool: released buffers are reused by size and usage,
// and every live byte is counted (reported as the model's "GPU memory").
import { PruneLabError } from '../errors.js';

export class BufferPool {
  readonly device: GPUDevice;
  private free = new Map<string, GPUBuffer[]>();
  private sizes = new WeakMap<GPUBuffer, number>();
  private live = 0;
  private pooled = 0;

  constructor(device: GPUDevice) {
    this.device = device;
  }

  /** Bytes in buffers handed out and not yet released. */
  get liveBytes(): number {
    return this.live;
  }
  /** Bytes kept for reuse. */
  get pooledBytes(): number {
    return this.pooled;
  }

  acquire(label: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const bytes = Math.max(16, Math.ceil(size / 16) * 16);
    // The last guard (callers check their plans first): over a limit is a named error, never a validation error.
    const lim = this.device.limits;
    const storage = (usage & GPUBufferUsage.STORAGE) !== 0;
    const over = bytes > lim.maxBufferSize ? ['maxBufferSize', lim.maxBufferSize] as const
      : storage && bytes > lim.maxStorageBufferBindingSize ? ['maxStorageBufferBindingSize', lim.maxStorageBufferBindingSize] as const : undefined;
    if (over) throw new PruneLabError('invalid-config', `${label}: ${bytes} bytes, over this adapter's ${over[0]} of ${over[1]} bytes`, label);
    const key = `${usage}:${bytes}`;
    let buf = this.free.get(key)?.pop();
    if (buf) {
      this.pooled -= bytes;
      buf.label = label;
    } else {
      buf = this.device.createBuffer({ label, size: bytes, usage });
      this.sizes.set(buf, bytes);
    }
    this.live += bytes;
    return buf;
  }

  /** A storage buffer filled with `data` (bytes padded to 16). */
  upload(label: string, data: ArrayBufferView, extraUsage: GPUBufferUsageFlags = 0): GPUBuffer {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extraUsage;
    const buf = this.acquire(label, data.byteLength, usage);
    writeView(this.device, buf, data);
    return buf;
  }

  /** A storage buffer of `size` bytes, zero-filled. */
  storage(label: string, size: number, extraUsage: GPUBufferUsageFlags = 0): GPUBuffer {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extraUsage;
    const buf = this.acquire(label, size, usage);
    this.device.queue.writeBuffer(buf, 0, new Uint8Array(buf.size));
    return buf;
  }

  uniform(label: string, size: number): GPUBuffer {
    return this.acquire(label, size, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  }

  release(buf: GPUBuffer): void {
    const bytes = this.sizes.get(buf);
    if (bytes === undefined) throw new Error(`release: ${buf.label} was not made by this pool`);
    this.live -= bytes;
    this.pooled += bytes;
    const key = `${buf.usage}:${bytes}`;
    const list = this.free.get(key) ?? [];
    list.push(buf);
    this.free.set(key, list);
  }

  /** Destroys the pooled (free) buffers. */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooled = 0;
  }
}

/** writeBuffer wants a multiple of 4 bytes: pads a copy when needed. */
export function writeView(device: GPUDevice, buf: GPUBuffer, data: ArrayBufferView, offset = 0): void {
  const bytes = new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength % 4 === 0) {
    device.queue.writeBuffer(buf, offset, bytes);
  } else {
    const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
    padded.set(bytes);
    device.queue.writeBuffer(buf, offset, padded);
  }
}
