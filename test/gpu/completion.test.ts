// Frame completion waits: both waits read the right bytes back from a real
// submit and reject as mapAsync does; 'auto' picks by GPU time at the stated
// threshold; bad arguments are refused by name.
import { expect } from '@esm-bundle/chai';
import { chooseCompletion, defaultCompletionMode, mapForRead, NUDGE_BELOW_GPU_MS, type CompletionWait } from '../../src/gpu/completion.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu } from '../helpers/gpu.js';

describe('frame completion waits', () => {
  for (const wait of ['map', 'nudge'] as const) {
    it(`${wait}: maps the copy of a submit and reads its bytes (20 rounds, new values each)`, async () => {
      const { device } = await gpu();
      const src = device.createBuffer({ size: 64, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      const staging = device.createBuffer({ size: 64, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      for (let r = 0; r < 20; r++) {
        const v = Uint32Array.from({ length: 16 }, (_, i) => r * 100 + i);
        device.queue.writeBuffer(src, 0, v);
        const enc = device.createCommandEncoder();
        enc.copyBufferToBuffer(src, 0, staging, 0, 64);
        device.queue.submit([enc.finish()]);
        await mapForRead(device, staging, 16, 32, wait);
        expect(Array.from(new Uint32Array(staging.getMappedRange(16, 32)))).to.deep.equal(Array.from(v.subarray(4, 12)));
        staging.unmap();
      }
      src.destroy();
      staging.destroy();
    });
  }

  it('rejects as mapAsync does (a destroyed buffer), with either wait', async () => {
    const { device } = await gpu();
    for (const wait of ['map', 'nudge'] as const) {
      const b = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const p = mapForRead(device, b, 0, 16, wait);
      b.destroy();
      let err: unknown;
      try {
        await p;
      } catch (e) {
        err = e;
      }
      expect(err, wait).to.be.instanceOf(Error);
    }
  });

  it('refuses an unknown wait by name', async () => {
    const { device } = await gpu();
    const b = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    await expectArgError(() => mapForRead(device, b, 0, 16, 'spin' as CompletionWait), 'completion');
    expect(b.mapState).to.equal('unmapped');
    b.destroy();
    await expectArgError(() => chooseCompletion(NaN), 'gpuMs');
    await expectArgError(() => chooseCompletion(-1), 'gpuMs');
  });

  it(`auto nudges frames under ${NUDGE_BELOW_GPU_MS} ms of GPU time, and maps longer ones`, () => {
    expect(chooseCompletion(0)).to.deep.equal({ picked: 'nudge', gpuMs: 0 });
    expect(chooseCompletion(NUDGE_BELOW_GPU_MS * 0.99).picked).to.equal('nudge');
    expect(chooseCompletion(NUDGE_BELOW_GPU_MS).picked).to.equal('map');
    expect(chooseCompletion(7.5)).to.deep.equal({ picked: 'map', gpuMs: 7.5 });
  });

  it("defaults to 'auto' in a browser page", () => {
    expect(defaultCompletionMode()).to.equal('auto');
  });
});
