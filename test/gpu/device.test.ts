// Device acquisition and the GPU core: adapter info, pooled buffers, uniforms, readback.
import { expect } from '@esm-bundle/chai';
import { acquireDevice } from '../../src/gpu/device.js';
import { uniformLayout, packUniforms } from '../../src/gpu/uniforms.js';
import { ReadbackRing } from '../../src/gpu/readback.js';
import { PruneLabError } from '../../src/errors.js';
import { gpu } from '../helpers/gpu.js';

describe('gpu core', () => {
  it('acquires a real WebGPU adapter and device with its info', async () => {
    const { device, info } = await acquireDevice();
    expect(device.label).to.equal('prune-lab device');
    expect(info.backend).to.equal('browser');
    // The adapter's own strings, as it gives them (Firefox gives empty ones), and its features.
    const own = (await navigator.gpu.requestAdapter())!.info;
    expect([info.vendor, info.architecture, info.description]).to.deep.equal([own.vendor, own.architecture, own.description]);
    expect(info.features).to.include.members(device.features.has('timestamp-query') ? ['timestamp-query'] : []);
    device.destroy();
  });

  it('reports an adapter-less WebGPU with code no-adapter and the browsers and flags that work', async () => {
    let err: unknown;
    try {
      await acquireDevice({ gpu: { requestAdapter: async () => null } as unknown as GPU });
    } catch (e) {
      err = e;
    }
    expect((err as PruneLabError).code).to.equal('no-adapter');
    expect((err as Error).message).to.match(/--enable-unsafe-webgpu/);
  });

  it('lays out uniform structs by WGSL rules', () => {
    const l = uniformLayout([['M', 'u32'], ['lr', 'f32'], ['t', 'i32'], ['x', 'u32'], ['y', 'f32']] as const);
    expect(l.offsets).to.deep.equal({ M: 0, lr: 4, t: 8, x: 12, y: 16 });
    expect(l.size).to.equal(32);
    const v = new DataView(packUniforms(l, { M: 7, lr: 0.5, t: -2, x: 1, y: 2 }));
    expect([v.getUint32(0, true), v.getFloat32(4, true), v.getInt32(8, true)]).to.deep.equal([7, 0.5, -2]);
  });

  it('pools buffers by size and usage and counts live bytes', async () => {
    const ctx = await gpu();
    const before = ctx.pool.liveBytes;
    const a = ctx.pool.storage('a', 100);
    expect(ctx.pool.liveBytes - before).to.equal(112);
    ctx.pool.release(a);
    expect(ctx.pool.liveBytes).to.equal(before);
    const b = ctx.pool.storage('b', 112);
    expect(b).to.equal(a);
    expect(b.label).to.equal('b');
    ctx.pool.release(b);
  });

  it("refuses a buffer over the adapter's limits by its label, before creating it", async () => {
    const ctx = await gpu();
    const before = ctx.pool.liveBytes;
    let err: unknown;
    try {
      ctx.pool.storage('fc9.weight', ctx.device.limits.maxStorageBufferBindingSize + 16);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(PruneLabError);
    expect((err as PruneLabError).field).to.equal('fc9.weight');
    expect((err as Error).message).to.match(/over this adapter's (maxBufferSize|maxStorageBufferBindingSize)/);
    expect(ctx.pool.liveBytes).to.equal(before);
  });

  it('reads back through a staging ring, skipping when every slot is in flight', async () => {
    const ctx = await gpu();
    const src = ctx.pool.upload('src', new Float32Array([1, 2, 3, 4]));
    const ring = new ReadbackRing(ctx.device, 'test', 16, 2);
    const enc = ctx.device.createCommandEncoder();
    const s0 = ring.copy(enc, src);
    const s1 = ring.copy(enc, src);
    expect(ring.copy(enc, src)).to.equal(-1);
    ctx.device.queue.submit([enc.finish()]);
    const [r0, r1] = await Promise.all([ring.read(s0), ring.read(s1)]);
    expect([...new Float32Array(r0)]).to.deep.equal([1, 2, 3, 4]);
    expect([...new Float32Array(r1)]).to.deep.equal([1, 2, 3, 4]);
    ring.destroy();
    ctx.pool.release(src);
  });
});
