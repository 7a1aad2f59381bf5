// A GPU device lost in the middle of `run` or `bench`: watched from the start,
// raced against the work (which may never settle on a dead device), and said in
// one message with what to try; exit code 4 (EXIT.deviceLost).
//
// Test hook, not a feature: PRUNE_LAB_TEST_LOSE_DEVICE_AFTER_STEPS=N makes the CLI
// call device.destroy() after the Nth training step, which resolves `device.lost`
// (reason 'destroyed') exactly as a real loss would. The node tests use it.
import { UsageError } from './command.js';

export const LOSE_DEVICE_HOOK = 'PRUNE_LAB_TEST_LOSE_DEVICE_AFTER_STEPS';

export interface LossInfo {
  reason: string;
  message: string;
}

/** The step count of the test hook, or undefined when it is not set; read before any GPU work. */
export function loseDeviceAfterSteps(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env[LOSE_DEVICE_HOOK];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new UsageError(`${LOSE_DEVICE_HOOK} (a test hook) got ${JSON.stringify(v)}; it accepts an integer ≥ 1`);
  return Number(v);
}

/** A per-step callback that destroys the device after `after` calls (the test hook); a no-op without one. */
export function stepHook(device: GPUDevice, after: number | undefined): () => void {
  let steps = 0;
  return () => {
    if (after !== undefined && ++steps === after) device.destroy();
  };
}

export interface LossWatch {
  /** Set once the device is lost before `end()`. */
  readonly info: LossInfo | null;
  /** Resolves to the work's value, or to `{ lost }` as soon as the device is lost (the work is left to itself). */
  race<T>(work: Promise<T>): Promise<{ value: T } | { lost: LossInfo }>;
  /** From here on a loss is the CLI's own device.destroy() at the end. */
  end(): void;
}

export function watchLoss(lost: Promise<GPUDeviceLostInfo>, onLost?: (l: LossInfo) => void): LossWatch {
  let info: LossInfo | null = null;
  let ended = false;
  const seen = lost.then((l): LossInfo | null => {
    if (ended) return null;
    info = { reason: l.reason || 'unknown', message: l.message || 'no details' };
    onLost?.(info);
    return info;
  });
  return {
    get info() {
      return info;
    },
    async race<T>(work: Promise<T>) {
      // After a loss the work may still reject later: nobody waits for it then.
      work.catch(() => {});
      const never = new Promise<never>(() => {});
      const r = await Promise.race([work.then((value) => ({ value })), seen.then((l) => (l ? { lost: l } : never))]);
      return info && 'value' in r ? { lost: info } : r;
    },
    end() {
      ended = true;
    },
  };
}

/** What happened and what to try; `written` says what was still saved. */
export function lossMessage(l: LossInfo, written: string): string {
  return `the GPU device was lost mid-run (reason "${l.reason}": ${l.message}). ${written} ` +
    'Try again; if it happens again, the driver may have reset the GPU (a dispatch too long for its watchdog: try a smaller --batch or model), ' +
    'another program may hold the GPU, or pick another adapter with --adapter (--adapter list shows them).';
}
