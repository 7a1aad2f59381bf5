// WGSL language features come from the `GPU` object the face hands down (Dawn's in
// Node, navigator.gpu in a page), not from a global: the int8 dot4 variant is
// offered exactly where that object says packed_4x8_integer_dot_product exists.
import { expect } from '@esm-bundle/chai';
import { acquireDevice } from '../../src/gpu/device.js';
import { createGpuContext } from '../../src/gpu/context.js';
import { hasDot4, prepareSpmmInt8 } from '../../src/kernels/spmm.js';
import { PruneLabError } from '../../src/errors.js';

const DOT4 = 'packed_4x8_integer_dot_product';

/** navigator.gpu with its own wgslLanguageFeatures (what another face's GPU object may report). */
function gpuWith(features: string[]): GPU {
  const real = navigator.gpu;
  return { requestAdapter: (o?: GPURequestAdapterOptions) => real.requestAdapter(o), getPreferredCanvasFormat: () => real.getPreferredCanvasFormat(), wgslLanguageFeatures: new Set(features) } as unknown as GPU;
}

describe('WGSL language features from the GPU object', () => {
  it(`this Chromium's navigator.gpu has ${DOT4}, and a context of a device acquired from it says so`, async () => {
    expect(navigator.gpu.wgslLanguageFeatures.has(DOT4), `Chromium 156 on SwiftShader has ${DOT4} (FACTS.md); the dot4 tests need it`).to.equal(true);
    const a = await acquireDevice();
    expect([...a.wgslLanguageFeatures]).to.include(DOT4);
    const ctx = createGpuContext(a.device);
    expect(hasDot4(ctx)).to.equal(true);
    a.device.destroy();
  });

  it('a GPU object without the feature gives a context without dot4, and the dot4 variant is refused naming the field', async () => {
    const a = await acquireDevice({ gpu: gpuWith(['readonly_and_readwrite_storage_textures']) });
    expect([...a.wgslLanguageFeatures]).to.deep.equal(['readonly_and_readwrite_storage_textures']);
    const ctx = createGpuContext(a.device);
    expect(hasDot4(ctx)).to.equal(false);
    const dummy = ctx.dummy;
    let err: unknown;
    try {
      await prepareSpmmInt8(ctx, {
        M: 1, format: { rows: 1, cols: 4, pieces: 1, slice: 1, slices: 1, groups: 1, split: false },
        buffers: { cols: dummy, sell: dummy, map: dummy, wq: dummy, wScale: dummy }, x: dummy, y: dummy, xScale: dummy, variant: 'dot4',
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(PruneLabError);
    expect((err as PruneLabError).field).to.equal('variant');
    a.device.destroy();
  });

  it('a GPU object with the feature (Dawn in Node reports it) gives a context with dot4, whatever navigator says', async () => {
    const a = await acquireDevice({ gpu: gpuWith([DOT4]), backend: 'dawn-node' });
    expect(hasDot4(createGpuContext(a.device))).to.equal(true);
    // An explicit set wins over what the device was acquired with.
    expect(hasDot4(createGpuContext(a.device, { wgslLanguageFeatures: new Set() }))).to.equal(false);
    a.device.destroy();
  });
});
