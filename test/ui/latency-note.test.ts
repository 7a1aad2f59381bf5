// The latency view's note: what each engine's completion reporting does to the
// wall clock, and the floor flagged when p50s sit together while GPU times differ.
import { expect } from '@esm-bundle/chai';
import { latencyFloored, latencyNote } from '../../src/ui/latency-note.js';
import type { LatencyPoint } from '../../src/worker/api.js';

const pt = (path: string, p50Ms: number, gpuMs?: number): LatencyPoint => ({
  path, sparsity: 0.9, p50Ms, p95Ms: p50Ms * 1.1, ...(gpuMs === undefined ? {} : { gpuMs, gpuTiming: 'gpu-timestamp' as const }),
});
// Firefox before the nudges: every path at the 100 ms poll, GPU times 0.13–1.8 ms.
const floored = [pt('dense', 100.0, 0.8), pt('masked', 100.2, 1.8), pt('sparse', 100.1, 0.13), pt('int8', 100.0, 0.28)];
// After: the wall clock follows the model.
const following = [pt('dense', 2.16, 1.21), pt('sparse', 1.11, 0.135), pt('int8', 1.27, 0.54)];

describe('latency note', () => {
  it('flags a floor: p50s within 15% while GPU times differ more than 2×; not when the wall clock follows the model', () => {
    expect(latencyFloored(floored)).to.equal(true);
    expect(latencyFloored(following)).to.equal(false);
    // Same p50s and same GPU times: the paths are simply alike.
    expect(latencyFloored([pt('dense', 4, 1), pt('sparse', 4.1, 1.1)])).to.equal(false);
    // Fewer than two GPU times: no claim.
    expect(latencyFloored([pt('dense', 100, 0.8), pt('sparse', 100)])).to.equal(false);
  });

  it("says what Firefox's and Chromium's reporting does, the floor when there is one, and where GPU time comes from", () => {
    const ff = latencyNote(floored, 'wgpu');
    expect(ff).to.contain('reports finished GPU work every ~100 ms');
    expect(ff).to.contain("show the browser's reporting, not the model");
    expect(ff).to.contain('timestamp queries');
    const ffOk = latencyNote(following, 'wgpu');
    expect(ffOk).to.contain('every ~100 ms');
    expect(ffOk).to.not.contain('not the model');
    expect(latencyNote(following, 'dawn')).to.contain('about every 2 ms');
    expect(latencyNote([pt('dense', 3)], undefined)).to.equal('Wall-clock frames include the time this browser takes to report finished GPU work.');
  });
});
