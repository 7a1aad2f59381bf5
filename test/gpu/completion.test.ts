// Frame completion waits: both waits read the right bytes back from a real
// submit; 'auto' picks the faster on measured frames (here frames whose cost is
// set by the test, so the pick is known); bad arguments are refused by name.
import { expect } from '@esm-bundle/chai';
import { chooseCompletion, defaultCompletionMode, LONG_FRAME_MS, mapForRead, type CompletionWait } from '../../src/gpu/completion.js';
import { expectArgError } from '../helpers/errors.js';
import { gpu } from '../helpers/gpu.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
    await expectArgError(() => chooseCompletion(async () => undefined, 2), 'frames');
  });

  it("auto picks the wait whose frames are faster, and counts the frames it timed", async () => {
    const calls = { map: 0, nudge: 0 };
    const frame = (fast: CompletionWait) => async (w: CompletionWait) => {
      calls[w]++;
      await sleep(w === fast ? 1 : 6);
    };
    const a = await chooseCompletion(frame('nudge'), 5);
    expect(a.picked).to.equal('nudge');
    expect(a.nudgeMs!).to.be.lessThan(a.mapMs);
    // 2 untimed + 3 + (5 − 3) timed 'map'; 2 untimed + 5 timed 'nudge'.
    expect(calls).to.deep.equal({ map: 7, nudge: 7 });
    const b = await chooseCompletion(frame('map'), 5);
    expect(b.picked).to.equal('map');
  });

  it(`auto keeps 'map' without trying 'nudge' when frames take over ${LONG_FRAME_MS} ms`, async () => {
    let nudges = 0;
    const c = await chooseCompletion(async (w) => {
      if (w === 'nudge') nudges++;
      await sleep(LONG_FRAME_MS + 5);
    }, 5);
    expect(c).to.include({ picked: 'map', nudgeMs: null });
    expect(c.mapMs).to.be.greaterThan(LONG_FRAME_MS);
    expect(nudges).to.equal(0);
  });

  it("defaults to 'auto' in a browser page", () => {
    expect(defaultCompletionMode()).to.equal('auto');
  });
});
