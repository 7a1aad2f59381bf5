// What the latency view must say about the browser's part in its wall-clock figures.
// A frame's time ends when the browser reports the GPU work finished, and browsers
// report it on their own schedule: Chromium checks about every 2 ms (the lab nudges
// short frames), Firefox's wgpu polls every 100 ms (the lab nudges every wait with
// empty submits). Where the wall-clock p50s still sit together while the GPU times
// differ, the figures show the browser, not the model, and the note says so.
import type { LatencyPoint } from '../worker/api.js';

/** Wall-clock p50s within this ratio of each other… */
const FLAT_P50 = 1.15;
/** …while the GPU times differ by more than this: a floor set by the browser. */
const SPREAD_GPU = 2;

/** Whether the points' wall-clock p50s look floored: flat across paths whose GPU times differ (needs two GPU times). */
export function latencyFloored(points: readonly LatencyPoint[]): boolean {
  const timed = points.filter((p) => p.gpuMs !== undefined && p.gpuMs > 0 && p.p50Ms > 0);
  if (timed.length < 2) return false;
  const p50 = timed.map((p) => p.p50Ms);
  const gpu = timed.map((p) => p.gpuMs!);
  return Math.max(...p50) / Math.min(...p50) <= FLAT_P50 && Math.max(...gpu) / Math.min(...gpu) > SPREAD_GPU;
}

/** The note under the latency view for this engine ('dawn', 'wgpu', …) and these points. */
export function latencyNote(points: readonly LatencyPoint[], engine: string | undefined): string {
  const how = engine === 'wgpu'
    ? 'This browser (Firefox, wgpu) reports finished GPU work every ~100 ms; the lab nudges it with empty submits while a frame waits.'
    : engine === 'dawn'
      ? 'This browser (Chromium, Dawn) checks for finished GPU work about every 2 ms; frames under 1 ms of GPU time nudge that check (wait: nudge).'
      : 'Wall-clock frames include the time this browser takes to report finished GPU work.';
  const floor = latencyFloored(points)
    ? ' Here the wall-clock p50s are the same for paths whose GPU times differ: they show the browser\'s reporting, not the model; compare the GPU column.'
    : '';
  const timed = points.filter((p) => p.gpuMs !== undefined);
  const gpu = timed.length === 0 ? ''
    : ` GPU: the frame's dispatches alone, from ${timed.every((p) => p.gpuTiming === 'gpu-timestamp') ? 'timestamp queries' : 'timestamp queries where the device has them, else the wall clock of the dispatches alone'}.`;
  return `${how}${floor}${gpu}`;
}
