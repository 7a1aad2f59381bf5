// GPU validation errors never reach the user raw: a shader that does not compile, a
// bind group that does not fit its layout, and an error outside any scope all come
// back as PruneLabError('gpu-validation') naming the kernel's label (an error outside
// any scope names it where the implementation's message does: Dawn's, not wgpu's).
import { expect } from '@esm-bundle/chai';
import { PruneLabError } from '../../src/errors.js';
import { acquireDevice, takeUncapturedError } from '../../src/gpu/device.js';
import { createGpuContext } from '../../src/gpu/context.js';
import { bindKernel } from '../../src/kernels/kernel.js';
import { uniformLayout } from '../../src/gpu/uniforms.js';
import { expectNamesObject, gpu } from '../helpers/gpu.js';
import { refusal } from '../helpers/errors.js';

const OK = `
struct Params { n: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) gid: vec3<u32>) { if (gid.x < p.n) { x[gid.x] = 1.0; } }`;

describe('GPU validation errors', () => {
  const def = (label: string, code: string) => ({ label, code, bindings: ['uniform', 'storage'] as const, uniforms: uniformLayout([['n', 'u32']] as const) });

  it('a shader that does not compile is a PruneLabError naming its label', async () => {
    const ctx = await gpu();
    const e = await refusal(() => ctx.pipelines.pipeline({ label: 'broken-shader', code: 'fn main( {', bindings: ['uniform'] }));
    expect(e.code).to.equal('gpu-validation');
    expect(e.field).to.equal('broken-shader');
    expect(e.message).to.contain('broken-shader');
    expect(takeUncapturedError(ctx.device), 'caught in a scope, not left uncaptured').to.equal(undefined);
  });

  it('a bind group that does not fit its layout (a buffer without STORAGE usage) is a PruneLabError naming the kernel', async () => {
    const ctx = await gpu();
    const notStorage = ctx.device.createBuffer({ label: 'map-only', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const live = ctx.pool.liveBytes;
    const e = await refusal(() => bindKernel(ctx, def('fill-one', OK), { label: 'fill one n=4', params: { n: 4 }, buffers: [notStorage], grid: [4, 1] }));
    expect(e.code).to.equal('gpu-validation');
    expect(e.field).to.equal('fill one n=4');
    expect(e.message).to.contain('fill one n=4');
    expect(ctx.pool.liveBytes, 'its uniform went back to the pool').to.equal(live);
    notStorage.destroy();
  });

  it('an error outside any scope is kept for the face as a PruneLabError naming the object', async () => {
    const { device } = await acquireDevice();
    const ctx = createGpuContext(device);
    expect(takeUncapturedError(device)).to.equal(undefined);
    device.createBuffer({ label: 'too-big-for-mapping', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
    await device.queue.onSubmittedWorkDone();
    let e: PruneLabError | undefined;
    for (let i = 0; i < 50 && !e; i++) {
      await new Promise((r) => setTimeout(r, 10));
      e = takeUncapturedError(device);
    }
    expect(e).to.be.instanceOf(PruneLabError);
    expect(e!.code).to.equal('gpu-validation');
    expectNamesObject(device, e!.message, 'too-big-for-mapping');
    expect(takeUncapturedError(device), 'taken once').to.equal(undefined);
    void ctx;
    device.destroy();
  });
});
