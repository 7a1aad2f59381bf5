// The lab Worker's helpers: the pause gate, the slots holding the dense baseline
// and the latest pruned model (each a copy of the run's network at that round,
// with an inference plan made once), the frame latency of each inference path at
// a round, and errors turned into what crosses the Worker boundary.
import { PruneLabError } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { Network, type LayerValues } from '../nn/network.js';
import type { ModelPlan } from '../nn/spec.js';
import { prepareInference, type InferencePath, type InferencePlan } from '../infer/plan.js';
import { measureFrames, measureThroughput } from '../metrics/latency.js';
import { timeChain } from '../infer/chooser.js';
import type { RoundEntry } from '../lab/report.js';
import type { LabFailure, LatencyPoint, LayerSnapshot } from './api.js';

/** Progress events go out at most this often (per phase, round and epoch, the first always). */
export const PROGRESS_EVERY_MS = 200;

/** An error as the UI can show it: its code, message and field survive the boundary. */
export function failure(e: unknown, field?: string): LabFailure {
  if (e instanceof PruneLabError) return { code: e.code, message: e.message, ...(e.field ?? field ? { field: e.field ?? field } : {}) };
  if (e instanceof TypeError && field === 'dataUrl') return { code: 'invalid-argument', message: `dataUrl must be an absolute URL (${e.message})`, field };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** Holds a run at a step boundary while closed. */
export class Gate {
  private waiting: { promise: Promise<void>; release: () => void } | null = null;

  get closed(): boolean {
    return this.waiting !== null;
  }

  close(): void {
    if (this.waiting) return;
    let release = (): void => {};
    const promise = new Promise<void>((r) => (release = r));
    this.waiting = { promise, release };
  }

  open(): void {
    this.waiting?.release();
    this.waiting = null;
  }

  /** Resolves at once when open; when closed, calls onHold, waits for open(), then calls onRelease. */
  async wait(onHold: () => void, onRelease: () => void): Promise<void> {
    const w = this.waiting;
    if (!w) return;
    onHold();
    await w.promise;
    onRelease();
  }
}

/** A copy of the run's network at one round, with the plan that classifies frames on it. */
export interface RoundModel {
  net: Network;
  plan: InferencePlan;
  label: string;
  round: number;
}

export class ModelSlot {
  model: RoundModel | null = null;

  /** Replaces the model, destroying the one held before. */
  set(m: RoundModel | null): void {
    if (this.model && this.model !== m) {
      this.model.plan.destroy();
      this.model.net.destroy();
    }
    this.model = m;
  }
}

function pct(v: number): string {
  return `${(v * 100).toFixed(v >= 0.995 && v < 1 ? 1 : 0)}%`;
}

/**
 * The model of a round for live inference: the dense baseline on the dense path;
 * a pruned model on the sparse path (the masked path where sparse cannot take a
 * layer); a structurally shrunk model on the dense path at its smaller shapes.
 */
export async function roundModel(ctx: GpuContext, plan: ModelPlan, values: LayerValues[], entry: RoundEntry, structured: boolean): Promise<RoundModel> {
  const net = Network.create(ctx, plan, { values });
  let p: InferencePlan | null = null;
  try {
    let label: string;
    if (entry.round === 0 || structured) {
      p = await prepareInference(net, { path: 'dense', values });
      label = entry.round === 0 ? 'dense' : `structured ${pct(entry.sparsity)} (round ${entry.round})`;
    } else {
      try {
        p = await prepareInference(net, { path: 'sparse', values });
      } catch (e) {
        if (!(e instanceof PruneLabError)) throw e;
        p = await prepareInference(net, { path: 'masked', values });
      }
      label = `${pct(entry.sparsity)} sparse (round ${entry.round})`;
    }
    // One frame now, so that first-use costs do not land on the user's first stroke.
    await p.infer(new Float32Array(p.rowSize));
    return { net, plan: p, label, round: entry.round };
  } catch (e) {
    p?.destroy();
    net.destroy();
    throw e;
  }
}

/** Which paths the latency chart gets at a round, as [chart name, engine path]. */
export function latencyPaths(round: number, structured: boolean): Array<[string, InferencePath]> {
  if (structured) return round === 0 ? [['dense', 'dense']] : [['structured', 'dense']];
  return [['dense', 'dense'], ['masked', 'masked'], ['sparse', 'sparse'], ['int8', 'int8']];
}

/** Batch of the throughput figure. */
export const THROUGHPUT_BATCH = 256;

/**
 * Frame latency of each path on `net` (one image to a class on the CPU), after a
 * warm-up, over `frames` frames, with the first frame and shader compilation
 * apart, the GPU bytes, and throughput at batch 256 (one warm-up run, then one
 * timed; the images are `probe` repeated: the kernels' time does not depend on
 * the pixels). A path the model cannot take is left out.
 */
export async function measurePaths(net: Network, entry: RoundEntry, structured: boolean, probe: Float32Array, frames: number): Promise<LatencyPoint[]> {
  const values = await net.readValues();
  const points: LatencyPoint[] = [];
  const batch = new Float32Array(THROUGHPUT_BATCH * probe.length);
  for (let i = 0; i < THROUGHPUT_BATCH; i++) batch.set(probe, i * probe.length);
  for (const [name, path] of latencyPaths(entry.round, structured)) {
    let plan: InferencePlan | null = null;
    try {
      plan = await prepareInference(net, { path, values });
      const p = plan;
      const s = await measureFrames(() => p.infer(probe), { frames });
      // The dispatches alone, beside the wall clock: what is left when the browser's completion reporting dominates.
      const gpu = await timeChain(net.ctx, { kernels: [], encode: (pass) => p.encode(pass), release: () => undefined });
      const point: LatencyPoint = {
        path: name, sparsity: entry.sparsity, p50Ms: s.p50, p95Ms: s.p95, firstFrameMs: s.firstFrameMs, compileMs: p.compileMs,
        modelGpuBytes: p.modelBytes, planGpuBytes: p.gpuBytes, wait: p.completion, gpuMs: gpu.ms, gpuTiming: gpu.source,
      };
      p.destroy();
      plan = await prepareInference(net, { path, values, batch: THROUGHPUT_BATCH });
      const b = plan;
      point.throughput = await measureThroughput(() => b.run(batch), THROUGHPUT_BATCH, 1);
      points.push(point);
    } catch (e) {
      if (!(e instanceof PruneLabError)) throw e;
    } finally {
      plan?.destroy();
    }
  }
  return points;
}

/** The first Linear layer's weights and mask (in×out), or null when the model has none. */
export function firstLinear(plan: ModelPlan, values: LayerValues[]): LayerSnapshot | null {
  const i = plan.params.findIndex((op) => op.kind === 'linear');
  if (i < 0) return null;
  const op = plan.params[i]!;
  return { name: op.name, inputs: op.in, units: op.out, weights: values[i]!.w.slice(), mask: values[i]!.mask.slice() };
}
