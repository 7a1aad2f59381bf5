// Frame latency: percentiles over timed frames, and the measurement protocol the
// lab and the benchmark share — first frame timed apart (it may still compile or
// upload), a warm-up, then at least 200 timed frames; throughput from timed batches.
import { check } from '../errors.js';

export interface LatencyStats {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) of ascending `sorted`, interpolating linearly
 * between the two closest ranks (NumPy's default 'linear' method):
 * rank h = (n − 1)·p/100, value = s[⌊h⌋] + (h − ⌊h⌋)·(s[⌊h⌋+1] − s[⌊h⌋]).
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  check(sorted.length > 0, 'samples', 'at least one sample', sorted.length);
  check(typeof p === 'number' && p >= 0 && p <= 100, 'p', 'a number in [0, 100]', p);
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function latencyStats(samples: ArrayLike<number>): LatencyStats {
  check(samples.length > 0, 'samples', 'at least one sample', samples.length);
  const s = Float64Array.from(samples);
  for (let i = 0; i < s.length; i++) check(Number.isFinite(s[i]!) && s[i]! >= 0, `samples[${i}]`, 'a finite number ≥ 0', s[i]);
  s.sort();
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), mean: sum / s.length, min: s[0]!, max: s[s.length - 1]! };
}

export const MIN_FRAMES = 200;

export interface FrameOptions {
  /** Timed frames (default and minimum 200). */
  frames?: number;
  /** Untimed frames after the first (default 10). */
  warmup?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

export interface FrameLatency extends LatencyStats {
  /** The first frame alone (compile and first-use costs land here). */
  firstFrameMs: number;
  warmup: number;
}

/** Times `frame` (one input to a class on the CPU): the first call apart, a warm-up, then `frames` timed calls. */
export async function measureFrames(frame: (i: number) => Promise<unknown>, o: FrameOptions = {}): Promise<FrameLatency> {
  const frames = o.frames ?? MIN_FRAMES;
  const warmup = o.warmup ?? 10;
  check(Number.isInteger(frames) && frames >= MIN_FRAMES, 'frames', `an integer ≥ ${MIN_FRAMES}`, frames);
  check(Number.isInteger(warmup) && warmup >= 0, 'warmup', 'an integer ≥ 0', warmup);
  const now = o.now ?? (() => performance.now());
  let t = now();
  await frame(0);
  const firstFrameMs = now() - t;
  for (let i = 0; i < warmup; i++) await frame(1 + i);
  const samples = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    t = now();
    await frame(1 + warmup + i);
    samples[i] = now() - t;
  }
  return { ...latencyStats(samples), firstFrameMs, warmup };
}

/** Items per second of `run` (which processes `batch` items): one warm-up run, then the median of `runs` timed runs. */
export async function measureThroughput(run: () => Promise<unknown>, batch: number, runs = 3, now: () => number = () => performance.now()): Promise<number> {
  check(Number.isInteger(batch) && batch >= 1, 'batch', 'an integer ≥ 1', batch);
  check(Number.isInteger(runs) && runs >= 1, 'runs', 'an integer ≥ 1', runs);
  await run();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = now();
    await run();
    ms.push(now() - t);
  }
  return batch / (percentile(ms.sort((a, b) => a - b), 50) / 1000);
}
