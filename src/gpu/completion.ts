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
// 'auto' nudges only frames whose dispatches take under 1 ms of GPU time.
//
// Firefox (wgpu) is another matter: its GPU process polls devices for finished work
// on a 100 ms timer, so every mapAsync and onSubmittedWorkDone there resolves on
// that timer's tick whatever the work costs (measured: p50 100 ms for a 16-byte
// copy). onSubmittedWorkDone does not nudge it, but a queue submit does: wgpu
// maintains the device at each submit, firing the callbacks of work already done.
// So on wgpu every map wait (whenPolled) sends empty submits while it waits:
// task yields with submits at 0.1 ms × 1.5^k (at most 0.5 ms apart) for the first
// 8 ms, then a submit per 1 ms timer (about 4 ms apart once the browser clamps
// nested timers). The spin is longer than Chromium's because the fallback is 4 ms
// timers, not a 2 ms poll: with a 1 ms spin every frame read ~4.3 ms on lavapipe.
import { check } from '../errors.js';
import { deviceEngine } from './device.js';

export type CompletionWait = 'map' | 'nudge';
export const COMPLETION_WAITS: readonly CompletionWait[] = ['map', 'nudge'];
/** What a caller may ask for: a wait, or 'auto' (by the frame's GPU time: chooseCompletion). */
export type CompletionMode = CompletionWait | 'auto';
export const COMPLETION_MODES: readonly CompletionMode[] = ['map', 'nudge', 'auto'];

/** 'auto' in a browser page or worker (Chromium's polling applies), 'map' elsewhere (Node). */
export function defaultCompletionMode(): CompletionMode {
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  return g.document !== undefined || g.WorkerGlobalScope !== undefined ? 'auto' : 'map';
}

export interface CompletionChoice {
  picked: CompletionWait;
  /** GPU time of the frame's dispatches alone (what the pick was made from). */
  gpuMs: number;
}

/**
 * 'auto' nudges frames whose dispatches take under this many ms of GPU time.
 * Chromium's next completion check comes about 2 ms after the first, so such a
 * frame would otherwise wait for it; the nudge's task yields last 1 ms at most.
 * Longer frames gain little (measured on SwiftShader, docs/inference.md), and
 * there the yields take CPU from a software adapter's work.
 */
export const NUDGE_BELOW_GPU_MS = 1;

/** 'auto': the wait for a frame whose dispatches take `gpuMs` of GPU time. */
export function chooseCompletion(gpuMs: number): CompletionChoice {
  check(Number.isFinite(gpuMs) && gpuMs >= 0, 'gpuMs', 'a finite number ≥ 0', gpuMs);
  return { picked: gpuMs < NUDGE_BELOW_GPU_MS ? 'nudge' : 'map', gpuMs };
}

/** 'nudge': yield in tasks (nudging at 0.1 ms × 1.5^k) for this many ms… */
const SPIN_MS = 1;
/** …then sleep 1 ms and nudge, until this many ms after the request; then just await. */
const SLEEP_UNTIL_MS = 3;

let channel: MessageChannel | undefined;
const waiting: Array<() => void> = [];

/** Resolves on a fresh task (a MessageChannel message: no timer clamping). */
function nextTask(): Promise<void> {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
    // In Node an open port keeps the process alive; the pending map keeps it running while needed.
    (channel.port1 as { unref?: () => void }).unref?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(0);
  });
}

const sleep1 = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/** Maps `buffer` for reading (`size` bytes from `offset`), waiting as `wait` says. */
export async function mapForRead(
  device: GPUDevice, buffer: GPUBuffer, offset: number, size: number, wait: CompletionWait,
): Promise<void> {
  check(COMPLETION_WAITS.includes(wait), 'completion', `one of ${COMPLETION_WAITS.join(', ')}`, wait);
  const mapped = buffer.mapAsync(GPUMapMode.READ, offset, size);
  // On wgpu both waits are the submit nudge: nothing else beats its 100 ms poll.
  if (pollsLate(device)) return whenPolled(device, mapped);
  if (wait === 'map') return mapped;
  let settled = false;
  const done = mapped.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  const nudge = (): void => void device.queue.onSubmittedWorkDone().catch(() => undefined);
  const t0 = performance.now();
  // Short frames: task yields, nudging at 0.1, 0.25, 0.475, 0.81… ms.
  let step = 0.1;
  let next = t0 + step;
  while (!settled) {
    await Promise.race([done, nextTask()]);
    if (settled) break;
    const t = performance.now();
    if (t - t0 > SPIN_MS) break;
    if (t >= next) {
      nudge();
      step *= 1.5;
      next = t + step;
    }
  }
  // Longer ones: 1 ms sleeps (no CPU taken from the GPU's work on a software adapter), a nudge after each.
  while (!settled && performance.now() - t0 < SLEEP_UNTIL_MS) {
    nudge();
    await Promise.race([done, sleep1()]);
  }
  return mapped;
}

let nudging = true;

/**
 * Turns the late-poll nudges off (or back on) for every device: only for benchmarks
 * that show what the browser's own poll costs (scripts/bench.mjs's training row).
 */
export function nudgeLatePolls(on: boolean): void {
  nudging = on;
}

/** Whether `device` reports finished work only on its implementation's slow poll (Firefox's wgpu: 100 ms). */
export function pollsLate(device: GPUDevice): boolean {
  return deviceEngine(device) === 'wgpu';
}

interface Poller {
  pending: number;
  running: boolean;
  /** When the current run of waits began (pending went from 0 to 1), and the next submit's time and step. */
  since: number;
  next: number;
  step: number;
}
const pollers = new WeakMap<GPUDevice, Poller>();

/** wgpu: task yields (submits at 0.1 ms × 1.5^k, at most POLL_STEP_MAX_MS apart) for this many ms, then 1 ms timers. */
const POLL_SPIN_MS = 8;
const POLL_STEP_MAX_MS = 0.5;

/**
 * `p` (a map or onSubmittedWorkDone of `device`), with the device nudged by empty
 * submits until it settles where the device polls late (pollsLate); `p` itself elsewhere.
 * One poller per device serves every pending promise; a wait that starts when none
 * is pending starts the spin afresh (frames come one after another).
 */
export function whenPolled<T>(device: GPUDevice, p: Promise<T>): Promise<T> {
  if (!nudging || !pollsLate(device)) return p;
  let st = pollers.get(device);
  if (!st) pollers.set(device, (st = { pending: 0, running: false, since: 0, next: 0, step: 0 }));
  const poller = st;
  if (poller.pending === 0) {
    poller.since = performance.now();
    poller.step = 0.1;
    poller.next = poller.since + poller.step;
  }
  poller.pending++;
  const out = p.finally(() => void poller.pending--);
  if (!poller.running) void runPoller(device, poller);
  return out;
}

async function runPoller(device: GPUDevice, st: Poller): Promise<void> {
  st.running = true;
  try {
    while (st.pending > 0) {
      const t = performance.now();
      // Past the spin, timers: Firefox clamps nested ones to 4 ms, which is then the wait's granularity.
      const spinning = t - st.since < POLL_SPIN_MS;
      if (!spinning || t >= st.next) {
        // Empty: no work, only the device maintenance that a submit does. A lost device ignores it.
        device.queue.submit([]);
        st.step = Math.min(st.step * 1.5, POLL_STEP_MAX_MS);
        st.next = t + st.step;
      }
      await (spinning ? nextTask() : sleep1());
    }
  } finally {
    st.running = false;
  }
}

/** The queue's onSubmittedWorkDone, nudged where the device polls late (whenPolled). */
export function queueDone(device: GPUDevice): Promise<void> {
  return whenPolled(device, device.queue.onSubmittedWorkDone());
}
