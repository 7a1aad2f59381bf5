// The scripting API: arrays in, arrays out, for page authors who want the kernels
// without touching GPU buffers. Every argument is checked before anything is
// submitted to the GPU.
import { check, checkDim, PruneLabError } from './errors.js';
import { acquireDevice, type AdapterSummary } from './gpu/device.js';
import { createGpuContext, type GpuContext } from './gpu/context.js';
import { readBuffer } from './gpu/readback.js';
import { prepareMatmul, type MatmulVariant } from './kernels/matmul.js';
import { prepareTopk, type PruneScope } from './kernels/topk.js';
import { runKernels } from './kernels/kernel.js';
import { packMask, pruneCount } from './layout/mask.js';

export interface MagnitudeMaskOptions {
  scope?: PruneScope;
  /** Current masks (1 = kept); pruned weights stay pruned and count towards k. */
  masks?: Uint8Array[];
}

export interface MagnitudeMasks {
  /** Per layer: the largest pruned |w| of its group (all equal in global scope). */
  thresholds: number[];
  /** Per layer: 1 = kept, 0 = pruned. */
  masks: Uint8Array[];
}

export interface Engine {
  readonly device: GPUDevice;
  /** The adapter, when the engine acquired the device itself. */
  readonly adapter: AdapterSummary | undefined;
  readonly ctx: GpuContext;
  /** C = A·B for row-major A (m×k) and B (k×n). */
  matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number, opts?: { variant?: MatmulVariant }): Promise<Float32Array>;
  /** C = A·(W⊙M) for row-major A (m×k), W (k×n) and a 0/1 mask over W. */
  maskedMatmul(a: Float32Array, w: Float32Array, mask: Uint8Array, m: number, k: number, n: number): Promise<Float32Array>;
  /** Masks that prune exactly round(s·N) weights by magnitude, over all layers (global) or each (local). */
  magnitudeMasks(layers: Float32Array[], sparsity: number, opts?: MagnitudeMaskOptions): Promise<MagnitudeMasks>;
  destroy(): void;
}

function checkF32(v: unknown, field: string, length: number, lengthText: string): asserts v is Float32Array {
  check(v instanceof Float32Array, field, 'a Float32Array', v);
  check(v.length === length, field, `of length ${lengthText} = ${length}`, v.length);
}

function checkMask(v: unknown, field: string, length: number): asserts v is Uint8Array {
  check(v instanceof Uint8Array, field, 'a Uint8Array of 0/1', v);
  check(v.length === length, field, `of length ${length}`, v.length);
  for (let i = 0; i < v.length; i++) check(v[i] === 0 || v[i] === 1, `${field}[${i}]`, '0 or 1', v[i]);
}

export async function createEngine(device?: GPUDevice): Promise<Engine> {
  let adapter: AdapterSummary | undefined;
  let owned = false;
  if (!device) {
    const got = await acquireDevice();
    device = got.device;
    adapter = got.info;
    owned = true;
  }
  const ctx = createGpuContext(device);
  const limits = device.limits;
  /** A storage buffer of `bytes` fits this adapter (checked before anything is uploaded). */
  const fits = (bytes: number, field: string, what: string): void => {
    const max = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    check(bytes <= max, field, `${what} within this adapter's maxStorageBufferBindingSize/maxBufferSize of ${max} bytes (it needs ${bytes})`);
  };
  let destroyed = false;
  const alive = (): void => {
    if (destroyed) throw new PruneLabError('invalid-argument', 'engine: used after destroy()', 'engine');
  };

  async function mm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, mask: Uint8Array | undefined, variant: MatmulVariant | undefined): Promise<Float32Array> {
    const ab = ctx.pool.upload('api A', a);
    const bb = ctx.pool.upload('api B', b);
    const mb = mask ? ctx.pool.upload('api mask', packMask(mask)) : undefined;
    const cb = ctx.pool.storage('api C', m * n * 4);
    try {
      const kern = await prepareMatmul(ctx, { M: m, K: k, N: n, a: ab, b: bb, c: cb, mask: mb, variant });
      runKernels(ctx, 'api matmul', [kern]);
      kern.release();
      return new Float32Array(await readBuffer(device!, cb, m * n * 4));
    } finally {
      for (const x of [ab, bb, cb, mb]) if (x) ctx.pool.release(x);
    }
  }

  return {
    device,
    adapter,
    ctx,
    async matmul(a, b, m, k, n, opts = {}) {
      alive();
      checkDim(m, 'm');
      checkDim(k, 'k');
      checkDim(n, 'n');
      checkF32(a, 'a', m * k, 'm·k');
      checkF32(b, 'b', k * n, 'k·n');
      for (const [bytes, f, what] of [[m * k * 4, 'a', 'm·k·4 bytes'], [k * n * 4, 'b', 'k·n·4 bytes'], [m * n * 4, 'm', 'C = m·n·4 bytes']] as const) fits(bytes, f, what);
      return mm(a, b, m, k, n, undefined, opts.variant);
    },
    async maskedMatmul(a, w, mask, m, k, n) {
      alive();
      checkDim(m, 'm');
      checkDim(k, 'k');
      checkDim(n, 'n');
      checkF32(a, 'a', m * k, 'm·k');
      checkF32(w, 'w', k * n, 'k·n');
      checkMask(mask, 'mask', k * n);
      for (const [bytes, f, what] of [[m * k * 4, 'a', 'm·k·4 bytes'], [k * n * 4, 'w', 'k·n·4 bytes'], [m * n * 4, 'm', 'C = m·n·4 bytes']] as const) fits(bytes, f, what);
      return mm(a, w, m, k, n, mask, undefined);
    },
    async magnitudeMasks(layers, sparsity, opts = {}) {
      alive();
      const scope = opts.scope ?? 'global';
      check(scope === 'global' || scope === 'local', 'scope', "'global' or 'local'", scope);
      check(Array.isArray(layers) && layers.length > 0, 'layers', 'a non-empty array of Float32Array', layers);
      check(typeof sparsity === 'number' && Number.isFinite(sparsity) && sparsity >= 0 && sparsity < 1, 'sparsity', 'a number in [0, 1)', sparsity);
      layers.forEach((l, i) => {
        check(l instanceof Float32Array && l.length > 0, `layers[${i}]`, 'a non-empty Float32Array', l);
        for (let j = 0; j < l.length; j++) check(Number.isFinite(l[j]), `layers[${i}][${j}]`, 'a finite number', l[j]);
        fits(l.length * 4, `layers[${i}]`, 'its weights (length·4 bytes)');
      });
      if (opts.masks !== undefined) {
        check(Array.isArray(opts.masks) && opts.masks.length === layers.length, 'masks', `an array of ${layers.length} Uint8Array, one per layer`, opts.masks);
        opts.masks.forEach((m, i) => checkMask(m, `masks[${i}]`, layers[i]!.length));
      }
      const sizes = scope === 'global' ? [layers.reduce((s, l) => s + l.length, 0)] : layers.map((l) => l.length);
      const k = sizes.map((n) => pruneCount(sparsity, n));
      const start = layers.map((l, i) => opts.masks?.[i] ?? new Uint8Array(l.length).fill(1));
      const bufs = layers.map((w, i) => ({ weights: ctx.pool.upload(`api layer ${i}`, w), mask: ctx.pool.upload(`api mask ${i}`, packMask(start[i]!)), n: w.length }));
      try {
        const plan = await prepareTopk(ctx, bufs, scope);
        plan.setK(k);
        const enc = device!.createCommandEncoder({ label: 'api magnitude masks' });
        const pass = enc.beginComputePass({ label: 'api magnitude masks' });
        plan.encode(pass);
        pass.end();
        device!.queue.submit([enc.finish()]);
        const groupThresholds = (await plan.readResult()).thresholds;
        plan.release();
        const masks = await Promise.all(bufs.map(async (b) => new Uint8Array((await readBuffer(device!, b.mask, b.mask.size)).slice(0, b.n))));
        const thresholds = layers.map((_, i) => groupThresholds[scope === 'global' ? 0 : i]!);
        return { thresholds, masks };
      } finally {
        for (const b of bufs) {
          ctx.pool.release(b.weights);
          ctx.pool.release(b.mask);
        }
      }
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      ctx.pool.trim();
      if (owned) device!.destroy();
    },
  };
}
