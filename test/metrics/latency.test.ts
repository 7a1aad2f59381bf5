// Latency statistics on known samples (NumPy's linear percentiles), and the frame
// and throughput protocols run against a fake clock, so every figure is exact.
import { expect } from '@esm-bundle/chai';
import { percentile, latencyStats, measureFrames, measureThroughput, MIN_FRAMES } from '../../src/metrics/latency.js';
import { expectArgError } from '../helpers/errors.js';

describe('latency statistics', () => {
  it('percentiles of 1..100 as NumPy gives them (p50 50.5, p95 95.05, p0 1, p100 100)', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(s, 50)).to.equal(50.5);
    expect(percentile(s, 95)).to.be.closeTo(95.05, 1e-12);
    expect(percentile(s, 0)).to.equal(1);
    expect(percentile(s, 100)).to.equal(100);
  });

  it('latencyStats sorts its samples: [3, 1, 2] → p50 2, p95 2.9, mean 2, min 1, max 3; one sample is every statistic', () => {
    expect(latencyStats([3, 1, 2])).to.deep.equal({ n: 3, p50: 2, p95: 2.9, mean: 2, min: 1, max: 3 });
    expect(latencyStats([7])).to.deep.equal({ n: 1, p50: 7, p95: 7, mean: 7, min: 7, max: 7 });
    // 19 fast frames and one slow: p95 sits between them, p50 does not move.
    const s = latencyStats([...Array(19).fill(1), 21]);
    expect(s.p50).to.equal(1);
    expect(s.p95).to.be.closeTo(1 + 0.05 * 20, 1e-12);
  });

  it('refuses empty, negative and non-finite samples and p outside [0, 100]', async () => {
    await expectArgError(() => latencyStats([]), 'samples');
    await expectArgError(() => latencyStats([1, -1]), 'samples[1]');
    await expectArgError(() => latencyStats([NaN]), 'samples[0]');
    await expectArgError(() => percentile([1], 101), 'p');
  });

  it('measureFrames: first frame apart, warm-up untimed, then ≥ 200 timed frames', async () => {
    let clock = 0;
    const calls: number[] = [];
    // Frame i takes 1000 ms the first time, 500 ms during warm-up, then (i mod 10) + 1 ms.
    const frame = async (i: number): Promise<void> => {
      calls.push(i);
      clock += i === 0 ? 1000 : i <= 5 ? 500 : (i % 10) + 1;
    };
    const r = await measureFrames(frame, { frames: 200, warmup: 5, now: () => clock });
    expect(calls).to.have.length(206);
    expect(r.firstFrameMs).to.equal(1000);
    expect(r.n).to.equal(200);
    expect(r.warmup).to.equal(5);
    // 20 frames each of 1..10 ms: p50 = 5.5, p95 = 10, mean 5.5.
    expect(r.p50).to.equal(5.5);
    expect(r.p95).to.equal(10);
    expect(r.mean).to.equal(5.5);
    expect(r.max).to.equal(10);
    await expectArgError(() => measureFrames(frame, { frames: MIN_FRAMES - 1 }), 'frames');
    await expectArgError(() => measureFrames(frame, { warmup: -1 }), 'warmup');
  });

  it('measureThroughput: batch / median run time after one untimed run', async () => {
    let clock = 0;
    const times = [999, 400, 100, 200];
    let i = 0;
    const perSec = await measureThroughput(async () => {
      clock += times[i++]!;
    }, 256, 3, () => clock);
    expect(i).to.equal(4);
    expect(perSec).to.equal(256 / 0.2);
    await expectArgError(() => measureThroughput(async () => undefined, 0), 'batch');
  });
});
