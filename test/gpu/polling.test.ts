// Which WebGPU implementation a device runs on (from the user agent), and the
// waits that nudge a late-polling one (Firefox's wgpu): the right bytes come back
// with several maps in flight at once, and every wait settles (a destroyed buffer's
// map still rejects: completion.test.ts, whose mapForRead goes through whenPolled on
// wgpu). Where the device does not poll late, whenPolled is the promise itself.
import { expect } from '@esm-bundle/chai';
import { acquireDevice, deviceEngine, engineFromUserAgent } from '../../src/gpu/device.js';
import { pollsLate, queueDone, whenPolled } from '../../src/gpu/completion.js';
import { ReadbackRing } from '../../src/gpu/readback.js';
import { gpu } from '../helpers/gpu.js';

describe('WebGPU engine and late-poll nudges', () => {
  it('names the engine and browser from real user agents', () => {
    expect(engineFromUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0')).to.deep.equal({ engine: 'wgpu', browser: 'Firefox 153.0' });
    expect(engineFromUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36')).to.deep.equal({ engine: 'dawn', browser: 'Chrome 140' });
    expect(engineFromUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0')).to.deep.equal({ engine: 'dawn', browser: 'Edge 140' });
    expect(engineFromUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Safari/605.1.15')).to.deep.equal({ engine: 'webkit', browser: 'Safari 26.0' });
    expect(engineFromUserAgent('Node.js/20')).to.deep.equal({ engine: 'unknown', browser: '' });
  });

  it("records this browser's engine on the device and in the adapter summary", async () => {
    const { device, info } = await acquireDevice();
    const ua = engineFromUserAgent(navigator.userAgent);
    expect(ua.engine).to.not.equal('unknown');
    expect(info.engine).to.equal(ua.engine);
    expect(info.browser).to.equal(ua.browser);
    expect(deviceEngine(device)).to.equal(ua.engine);
    expect(pollsLate(device)).to.equal(ua.engine === 'wgpu');
    device.destroy();
  });

  it('a device made elsewhere is of unknown engine and is not nudged: whenPolled returns the promise itself', async () => {
    const adapter = (await navigator.gpu.requestAdapter())!;
    const device = await adapter.requestDevice();
    expect(deviceEngine(device)).to.equal('unknown');
    const p = device.queue.onSubmittedWorkDone();
    expect(whenPolled(device, p)).to.equal(p);
    await p;
    device.destroy();
  });

  it('reads the right bytes with three rings in flight at once (10 rounds), and queueDone settles after a submit', async () => {
    const { device } = await gpu();
    const src = device.createBuffer({ size: 48, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const rings = [0, 1, 2].map((i) => new ReadbackRing(device, `poll test ${i}`, 16, 2));
    for (let r = 0; r < 10; r++) {
      const v = Uint32Array.from({ length: 12 }, (_, i) => r * 1000 + i * 7 + 1);
      device.queue.writeBuffer(src, 0, v);
      const enc = device.createCommandEncoder();
      const slots = rings.map((ring, i) => ring.copy(enc, src, i * 16));
      device.queue.submit([enc.finish()]);
      const got = await Promise.all(rings.map((ring, i) => ring.read(slots[i]!)));
      got.forEach((b, i) => expect(Array.from(new Uint32Array(b))).to.deep.equal(Array.from(v.subarray(i * 4, i * 4 + 4))));
      await queueDone(device);
    }
    for (const ring of rings) ring.destroy();
    src.destroy();
  });
});
