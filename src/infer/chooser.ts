// The per-layer chooser: for each prunable layer, times its dense kernels (on W⊙M),
// its sparse kernels (on the layer's actual masks) and, when its mask fits an N:M
// pattern, the N:M kernel, on this device at the plan's batch, and keeps the fastest. With `calibrate`, it also times the sparse kernels
// of the same shape at a grid of sparsities (random weights and masks, seeded) and
// reports the crossover: the sparsity above which sparse beats dense here.
import { check, checkDim } from '../errors.js';
import { timePasses, timeQueue, type TimingSource } from '../gpu/timing.js';
import type { GpuContext } from '../gpu/context.js';
import type { KernelChain } from '../kernels/spmm.js';
import type { LayerValues, Network } from '../nn/network.js';
import { Rng } from '../rng.js';
import { detectNm, nmFits, type NmPattern } from '../layout/nm.js';
import { allocScratch, layerMatrix, prepareLayer, SCRATCH_KINDS, type LayerImpl, type PreparedLayer } from './layers.js';
import type { SellOptions } from './sell.js';

export interface LayerChoice {
  layer: string;
  kind: 'linear' | 'conv2d';
  /** Fraction of the layer's weights that are zero (pruned or exactly 0). */
  sparsity: number;
  denseMs: number;
  sparseMs: number;
  /** The N:M kernel's time and pattern, when the layer's mask fits one (n < m). */
  nmMs?: number;
  nm?: NmPattern;
  picked: 'dense' | 'sparse' | 'nm';
  /** Sparsity where sparse starts to win for this shape (calibrate only): 0 = always, null = never on the grid. */
  crossover?: number | null;
  /** Sparse time at each calibration sparsity (calibrate only), on the same clock as denseMs. */
  curve?: Array<{ sparsity: number; sparseMs: number; timing: TimingSource }>;
  /** The clock that denseMs, sparseMs and the curve were all timed on. */
  timing: TimingSource;
  /** The clock of each figure (always equal: figures from two clocks are never compared). */
  denseTiming: TimingSource;
  sparseTiming: TimingSource;
}

export interface ChooserOptions {
  batch: number;
  values: LayerValues[];
  sell?: SellOptions;
  /** The N:M pattern to try (default: each layer's tightest; a layer whose mask fits none is not tried). */
  nm?: NmPattern;
  /** Sparsities to time the sparse kernels at for the crossover (omit to skip). */
  calibrate?: readonly number[];
  /** Seed of the calibration weights, masks and inputs. */
  seed?: number;
  /** Aim for a timed sample of about this many ms (default 4). */
  targetMs?: number;
}

/**
 * Milliseconds per run of `chain`: repeats in one pass sized to ~targetMs, median of
 * 3 samples, all on one clock: GPU timestamps when the device has them and `clock`
 * does not say 'wall-clock', else the wall clock. Timestamps that read 0 for short
 * work put the whole measurement on the wall clock (never a median of mixed
 * samples). When the first single run already takes over `enoughAboveMs`, that run
 * is the answer (for callers that only need to know the chain is long).
 */
export async function timeChain(
  ctx: GpuContext, c: KernelChain, targetMs = 4, enoughAboveMs = Infinity, clock?: TimingSource,
): Promise<{ ms: number; source: TimingSource }> {
  const device = ctx.device;
  const once = async (reps: number, wall: boolean): Promise<{ ms: number; source: TimingSource }> => {
    const encode = (enc: GPUCommandEncoder, tw: GPUComputePassTimestampWrites | undefined): void => {
      const pass = enc.beginComputePass({ label: 'chooser timing', ...(tw ? { timestampWrites: tw } : {}) });
      for (let r = 0; r < reps; r++) c.encode(pass);
      pass.end();
    };
    const t = wall
      ? await timeQueue(device, () => {
        const enc = device.createCommandEncoder({ label: 'chooser timing (wall-clock)' });
        encode(enc, undefined);
        device.queue.submit([enc.finish()]);
      })
      : await timePasses(device, encode);
    return { ms: t.ms / reps, source: t.source };
  };
  const measure = async (wall: boolean): Promise<{ ms: number; source: TimingSource } | undefined> => {
    const first = await once(1, wall); // also warms the pipelines
    if (!wall && first.source === 'gpu-timestamp' && first.ms <= 0) return undefined;
    if (first.ms > enoughAboveMs) return first;
    const reps = Math.max(1, Math.min(64, Math.round(targetMs / Math.max(first.ms, 1e-3))));
    const samples: Array<{ ms: number; source: TimingSource }> = [];
    for (let i = 0; i < 3; i++) {
      const t = await once(reps, wall);
      // Quantized timestamps can read 0 for short work: then the wall clock for every sample.
      if (!wall && t.source === 'gpu-timestamp' && t.ms <= 0) return undefined;
      samples.push(t);
    }
    return samples.sort((a, b) => a.ms - b.ms)[1]!;
  };
  return (clock !== 'wall-clock' ? await measure(false) : undefined) ?? (await measure(true))!;
}

/**
 * Times each of `runs` (each given the clock to use, undefined = the best there is)
 * so that all figures come from one clock: when they do not all have the same
 * source, every one is timed again on the wall clock.
 */
export async function timeOnOneClock(
  runs: ReadonlyArray<(clock: TimingSource | undefined) => Promise<{ ms: number; source: TimingSource }>>,
): Promise<Array<{ ms: number; source: TimingSource }>> {
  const first: Array<{ ms: number; source: TimingSource }> = [];
  for (const r of runs) first.push(await r(undefined));
  if (first.every((t) => t.source === first[0]!.source)) return first;
  const again: Array<{ ms: number; source: TimingSource }> = [];
  for (const r of runs) again.push(await r('wall-clock'));
  return again;
}

async function timeLayer(
  ctx: GpuContext, p: PreparedLayer, B: number, x: GPUBuffer, y: GPUBuffer, targetMs: number, clock: TimingSource | undefined,
): Promise<{ ms: number; source: TimingSource }> {
  const scratch = allocScratch(ctx, [p.scratch(B)], `chooser ${p.op.name}`);
  const c = await p.bind(B, x, y, scratch);
  try {
    return await timeChain(ctx, c, targetMs, Infinity, clock);
  } finally {
    c.release();
    for (const k of SCRATCH_KINDS) ctx.pool.release(scratch[k]);
  }
}

function sparsityOf(v: LayerValues): number {
  let zero = 0;
  for (let i = 0; i < v.w.length; i++) if (!v.mask[i] || v.w[i] === 0) zero++;
  return zero / v.w.length;
}

/** Measures dense against sparse for every prunable layer of `net` at `batch`. */
export async function chooseLayers(net: Network, o: ChooserOptions): Promise<LayerChoice[]> {
  checkDim(o.batch, 'batch');
  check(Array.isArray(o.values) && o.values.length === net.layers.length, 'values', `${net.layers.length} layers`, o.values);
  for (const [i, s] of (o.calibrate ?? []).entries()) check(typeof s === 'number' && s >= 0 && s < 1, `calibrate[${i}]`, 'a sparsity in [0, 1)', s);
  const ctx = net.ctx;
  const B = o.batch;
  const target = o.targetMs ?? 4;
  const rng = new Rng(o.seed ?? 1);
  const out: LayerChoice[] = [];
  for (const [i, layer] of net.layers.entries()) {
    const op = layer.op;
    const v = o.values[i]!;
    const { rows, cols } = layerMatrix(op);
    const layout = op.kind === 'linear' ? 'in-out' : 'out-in';
    const nm = o.nm ? (nmFits(v.mask, rows, cols, layout, o.nm) ? o.nm : undefined) : detectNm(v.mask, rows, cols, layout);
    const x = ctx.pool.upload(`chooser ${op.name} x`, rng.uniformArray(B * op.in, 0, 1));
    const y = ctx.pool.storage(`chooser ${op.name} y`, B * op.out * 4);
    const run = (impl: LayerImpl, values: LayerValues) => async (clock: TimingSource | undefined): Promise<{ ms: number; source: TimingSource }> => {
      const p = prepareLayer(ctx, layer, impl, values, { bakedWeights: true, ...(o.sell ? { sell: o.sell } : {}), ...(nm ? { nm } : {}) });
      try {
        return await timeLayer(ctx, p, B, x, y, target, clock);
      } finally {
        p.release();
      }
    };
    try {
      // Calibration masks (random weights, seeded) come first, so the draws do not depend on timings.
      const grid = [...(o.calibrate ?? [])].sort((a, b) => a - b).map((s) => {
        const w = rng.uniformArray(op.weightCount);
        return { s, values: { w, b: v.b, mask: Uint8Array.from(w, () => (rng.next() < s ? 0 : 1)) } };
      });
      // Dense, sparse and every calibration point on one clock: they are compared with each other.
      const [dense, sparse, ...rest] = await timeOnOneClock([run('dense', v), run('sparse', v), ...(nm ? [run('nm', v)] : []), ...grid.map((g) => run('sparse', g.values))]);
      const nmT = nm ? rest.shift() : undefined;
      const points = rest;
      const fastest = Math.min(dense!.ms, sparse!.ms, nmT?.ms ?? Infinity);
      const choice: LayerChoice = {
        layer: op.name, kind: op.kind, sparsity: sparsityOf(v), denseMs: dense!.ms, sparseMs: sparse!.ms, ...(nmT ? { nmMs: nmT.ms, nm: nm! } : {}),
        picked: nmT && nmT.ms === fastest && nmT.ms < dense!.ms && nmT.ms < sparse!.ms ? 'nm' : sparse!.ms < dense!.ms ? 'sparse' : 'dense',
        timing: dense!.source, denseTiming: dense!.source, sparseTiming: sparse!.source,
      };
      if (grid.length > 0) {
        const curve = grid.map((g, j) => ({ sparsity: g.s, sparseMs: points[j]!.ms, timing: points[j]!.source }));
        choice.curve = curve;
        choice.crossover = crossover(curve, dense!.ms);
      }
      out.push(choice);
    } finally {
      ctx.pool.release(x);
      ctx.pool.release(y);
    }
  }
  return out;
}

/**
 * The sparsity where a sparse-time curve (ascending sparsity) first drops below
 * `denseMs`, interpolated linearly between the two grid points around it; the first
 * grid point when it is already below, null when it never is.
 */
export function crossover(curve: ReadonlyArray<{ sparsity: number; sparseMs: number }>, denseMs: number): number | null {
  for (let i = 0; i < curve.length; i++) {
    const c = curve[i]!;
    if (c.sparseMs < denseMs) {
      if (i === 0) return c.sparsity;
      const p = curve[i - 1]!;
      const t = (p.sparseMs - denseMs) / (p.sparseMs - c.sparseMs);
      return p.sparsity + t * (c.sparsity - p.sparsity);
    }
  }
  return null;
}
