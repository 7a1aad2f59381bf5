// Waiting for a map that a latency-critical frame needs, without Chromium's
// completion-polling delay.
//
// Chromium resolves mapAsync only when its GPU process checks for finished work:
// right after it handles a batch of commands, then on a timer about 2 ms apart.
// A frame whose dispatches finish just after that first check waits for the
// timer, so every small frame costs about 2.5 ms whatever its kernels do
// (gpuweb/gpuweb#4432; measured on SwiftShader in docs/inference.md).
//
// 'nudge' waits in short task yields and, at growing intervals after the map
// request (0.1 ms, then ×1.5), sends one cheap queue command
// (onSubmittedWorkDone): handling it makes the GPU process check for finished
// work at once. No submit, no extra work on the GPU. After 1 ms it sleeps in 1 ms
// timers instead, nudging after each, and past 3 ms (beyond one polling period)
// it just awaits the map. The yields keep the thread's event loop running; they
// cost CPU for at most 1 ms per frame.
//
// 'map' is the plain await: right for Dawn in Node (which processes events each
// turn of its loop) and for work that is long against the polling period. There
// the yields only take CPU from the GPU work (on SwiftShader, which runs on the
// same cores, a 2 ms frame gets slower), so neither wait wins everywhere:
// chooseCompletion times both on the real frame and keeps the faster.
import { check } from '../errors.js';
import { percentile } from '../metrics/latency.js';

export type CompletionWait = 'map' | 'nudge';
export const COMPLETION_WAITS: readonly CompletionWait[] = ['map', 'nudge'];
/** What a caller may ask for: a wait, or 'auto' (time both, keep the faster). */
export type CompletionMode = CompletionWait | 'auto';
export const COMPLETION_MODES: readonly CompletionMode[] = ['map', 'nudge', 'auto'];

/** 'auto' in a browser page or worker (Chromium's polling applies), 'map' elsewhere (Node). */
export function defaultCompletionMode(): CompletionMode {
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  return g.document !== undefined || g.WorkerGlobalScope !== undefined ? 'auto' : 'map';
}

export interface CompletionChoice {
  picked: CompletionWait;
  /** Median ms of the timed frames with each wait (nudge: null when not tried). */
  mapMs: number;
  nudgeMs: number | null;
}

/** A frame this long with 'map' gains nothing from nudging (the polling delay is small against it). */
export const LONG_FRAME_MS = 10;

/** 'nudge' must beat 'map' by this factor to be picked (its yields cost CPU). */
export const NUDGE_MARGIN = 0.9;

/**
 * Times `frame` with each wait and picks 'nudge' when its median is below
 * NUDGE_MARGIN × the median of 'map': two untimed frames of each, then `frames`
 * timed ones of each, alternating. When the median of the first three 'map'
 * frames is past LONG_FRAME_MS it keeps 'map' without trying 'nudge'.
 */
export async function chooseCompletion(frame: (wait: CompletionWait) => Promise<unknown>, frames = 21): Promise<CompletionChoice> {
  check(Number.isInteger(frames) && frames >= 3, 'frames', 'an integer ≥ 3', frames);
  const timed = async (wait: CompletionWait): Promise<number> => {
    const t = performance.now();
    await frame(wait);
    return performance.now() - t;
  };
  const median = (v: number[]): number => percentile([...v].sort((a, b) => a - b), 50);
  await frame('map');
  await frame('map');
  const map = [await timed('map'), await timed('map'), await timed('map')];
  if (median(map) > LONG_FRAME_MS) return { picked: 'map', mapMs: median(map), nudgeMs: null };
  await frame('nudge');
  await frame('nudge');
  const nudge: number[] = [];
  for (let i = 0; i < frames; i++) {
    nudge.push(await timed('nudge'));
    if (i >= 3) map.push(await timed('map'));
  }
  const mapMs = median(map);
  const nudgeMs = median(nudge);
  return { picked: nudgeMs < NUDGE_MARGIN * mapMs ? 'nudge' : 'map', mapMs, nudgeMs };
}

export interface MapWaitOptions {
  /** Yield in tasks (and nudge at 0.1 ms × 1.5^k) for this many ms (default 1). */
  spinMs?: number;
  /** Then sleep 1 ms and nudge, until this many ms after the request (default 3); then just await. */
  sleepUntilMs?: number;
}

let channel: MessageChannel | undefined;
const waiting: Array<() => void> = [];

/** Resolves on a fresh task (a MessageChannel message: no timer clamping). */
function nextTask(): Promise<void> {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(0);
  });
}

const sleep1 = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/** Maps `buffer` for reading (`size` bytes from `offset`), waiting as `wait` says. */
export async function mapForRead(
  device: GPUDevice, buffer: GPUBuffer, offset: number, size: number, wait: CompletionWait, opts: MapWaitOptions = {},
): Promise<void> {
  check(COMPLETION_WAITS.includes(wait), 'completion', `one of ${COMPLETION_WAITS.join(', ')}`, wait);
  const mapped = buffer.mapAsync(GPUMapMode.READ, offset, size);
  if (wait === 'map') return mapped;
  let settled = false;
  const done = mapped.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  const nudge = (): void => void device.queue.onSubmittedWorkDone().catch(() => undefined);
  const spinMs = opts.spinMs ?? 1;
  const sleepUntilMs = opts.sleepUntilMs ?? 3;
  const t0 = performance.now();
  // Short frames: task yields, nudging at 0.1, 0.25, 0.475, 0.81… ms.
  let step = 0.1;
  let next = t0 + step;
  while (!settled) {
    await Promise.race([done, nextTask()]);
    if (settled) break;
    const t = performance.now();
    if (t - t0 > spinMs) break;
    if (t >= next) {
      nudge();
      step *= 1.5;
      next = t + step;
    }
  }
  // Longer ones: 1 ms sleeps (no CPU taken from the GPU's work on a software adapter), a nudge after each.
  while (!settled && performance.now() - t0 < sleepUntilMs) {
    nudge();
    await Promise.race([done, sleep1()]);
  }
  return mapped;
}
