// The latency benchmark of one trained model on this device, shared by the page
// benchmark (bench/latency.ts, which adds TF.js) and `prune-lab bench` (Dawn in
// Node): global magnitude masks (GPU top-k) at each sparsity of a grid, every
// inference path at batch 1 (frames: p50/p95 over ≥ 200 after a warm-up, the
// first apart) and at batch 256 (throughput), the plain-JS forward pass (the
// floor), a structurally shrunk model (50% of hidden units), and N:M: magnitude
// 2:4 masks (GPU, src/prune/nm.ts) run on the 'nm' path against dense and against
// the sliced-ELL sparse path on the same masks (the same 50% sparsity).
import type { GpuContext } from '../gpu/context.js';
import type { CompletionWait } from '../gpu/completion.js';
import type { ImageDataset } from '../data/dataset.js';
import { planModel, type ModelPlan } from '../nn/spec.js';
import { Network, type LayerValues } from '../nn/network.js';
import { prepareTopk } from '../kernels/topk.js';
import type { Int8Variant } from '../kernels/spmm.js';
import { pruneCount } from '../layout/mask.js';
import { measureFrames, measureThroughput, MIN_FRAMES, type FrameLatency } from '../metrics/latency.js';
import { modelSize, type ModelSize } from '../metrics/size.js';
import { prepareInference, type InferencePath } from './plan.js';
import { prepareNmMasks, nmLayerShape } from '../prune/nm.js';
import { nmBytes, type NmPattern } from '../layout/nm.js';
import { chooseLayers, crossover, timeChain, type LayerChoice } from './chooser.js';
import { shrinkNetwork, keepByNorm } from './shrink.js';
import { CpuForward } from './cpu.js';
import { fusedUnsupported } from './fused.js';
import { accuracyOf, agreement } from './compare.js';

export type BenchPath = InferencePath | 'structured' | 'structured-r4' | 'js-dense' | 'js-sparse';

export interface LatencyEntry {
  model: string;
  path: BenchPath;
  sparsity: number;
  p50Ms: number;
  p95Ms: number;
  /** Images per second at the benchmark's batch (256). */
  throughput: number;
  /** Model bytes in this path's format (dense f32, + mask, sparse, sparse + int8, or per-layer mix for auto). */
  bytes: number;
  /** GPU bytes the frame plan allocated (formats, activations, scratch), and the model's bytes on the GPU in its format. */
  gpuBytes?: number;
  modelGpuBytes?: number;
  firstFrameMs: number;
  compileMs?: number;
  /** GPU time of one frame's dispatches alone (timestamp queries, or wall-clock over repeats): what the frame costs without submit, map and polling. */
  gpuMs?: number;
  /** How the frames waited for their class ('auto' completion: 'nudge' under 1 ms of GPU time; gpu/completion.ts). */
  completion?: CompletionWait;
  /** int8: the product version that ran ('dot4' where the GPU object reports packed_4x8_integer_dot_product). */
  int8Variant?: Int8Variant;
  /** Accuracy on the test images used, and agreement of classes with masked f32. */
  accuracy: number;
  agreeWithMasked?: number;
  flops: number;
  /** auto: the chooser's picks per layer at batch 1 (frames) and 256 (throughput). */
  picks?: string[];
  picksBatch256?: string[];
  /** Where measured (the page benchmark's dense row): TF.js WebGPU `predict` on the same weights. */
  tfjsP50Ms?: number;
  tfjsP95Ms?: number;
  /** structured: the fraction of hidden units removed (its sparsity is the fraction of weights), and the units per layer left. */
  unitsRemoved?: number;
  units?: number[];
  /** The N:M comparison's rows ('nm', and 'masked'/'sparse' on the same masks): the pattern of their masks. */
  masks?: string;
}

/** The N:M comparison of one model: what was pruned at which pattern, and the layers left dense. */
export interface NmBenchReport {
  pattern: string;
  /** Fraction of the prunable weights pruned. */
  sparsity: number;
  /** Layers whose inputs per output are not a multiple of m (left unpruned; on 'nm' they run at 1:1). */
  unpruned: string[];
}

export interface LatencyModelReport {
  model: string;
  trainSamples: number;
  epochs: number;
  testImages: number;
  sparsities: number[];
  /** Sparsity where sparse's p50 first drops below dense's (interpolated on the grid); null if never. */
  crossover: number | null;
  /** The same for the fused path (MLPs only). */
  fusedCrossover?: number | null;
  /** The chooser's measurements per sparsity at batch 1 (what 'auto' picked, per layer). */
  chooser: Array<{ sparsity: number; layers: LayerChoice[] }>;
  /** Per layer at batch 1: dense time and sparse time over the sparsity grid (random masks), and the crossover. */
  layerCrossover: LayerChoice[];
  sizes: Array<{ sparsity: number } & Omit<ModelSize, 'layers' | 'sparsity'>>;
  structured: { keptFraction: number; units: number[]; flops: number; denseFlops: number; params: number; denseParams: number };
  /** The page benchmark only: TF.js WebGPU `predict` of the dense weights. */
  tfjs?: { p50Ms: number; p95Ms: number; agreeWithDense: number };
  /** N:M at 2:4 (its rows are the entries with `masks`). */
  nm?: NmBenchReport;
  /** The page benchmark only: ONNX Runtime Web on the exported dense and shrunk models (bench/ort.ts). */
  ort?: OrtLatency[];
}

/** One ONNX Runtime Web row: an execution provider on an exported model, or the error it gave. */
export type OrtLatency = { ep: 'wasm' | 'webgpu'; model: 'dense' | 'shrunk'; bytes: number } & (
  | { createMs: number; firstFrameMs: number; p50Ms: number; p95Ms: number; accuracy: number; agreeWithOursDense: number; error?: undefined }
  | { error: string }
);

export interface LatencyReport {
  frames: number;
  batch: number;
  entries: LatencyEntry[];
  models: LatencyModelReport[];
}

export interface ModelBenchOptions {
  /** Sparsities of the grid (0 is always measured first). */
  sparsities: readonly number[];
  /** Timed frames per path (at least 200). */
  frames: number;
  seed: number;
  /** How the model was trained (reported). */
  trainSamples: number;
  epochs: number;
  log?: (line: string) => void;
}

export const BENCH_BATCH = 256;
const D_OF = (plan: ModelPlan): number => plan.input.C * plan.input.H * plan.input.W;

/** Global magnitude masks at `sparsity` from `dense` (the trained weights), by the GPU top-k; pruned weights set to 0. */
export async function magnitudeValues(ctx: GpuContext, plan: ModelPlan, dense: LayerValues[], sparsity: number): Promise<LayerValues[]> {
  if (sparsity === 0) return dense;
  const net = Network.create(ctx, plan, { values: dense });
  const topk = await prepareTopk(ctx, net.layers.map((l) => ({ weights: l.w, mask: l.mask, n: l.op.weightCount })), 'global');
  topk.setK([pruneCount(sparsity, plan.params.reduce((t, p) => t + p.weightCount, 0))]);
  const enc = ctx.device.createCommandEncoder({ label: 'bench magnitude masks' });
  const pass = enc.beginComputePass();
  topk.encode(pass);
  pass.end();
  ctx.device.queue.submit([enc.finish()]);
  await topk.readResult();
  topk.release();
  const v = await net.readValues();
  net.destroy();
  return v.map((l) => ({ ...l, w: l.w.map((x, j) => (l.mask[j] ? x : 0)) }));
}

/**
 * Magnitude N:M masks from `dense` on the GPU (prepareNmMasks over |w|), pruned
 * weights set to 0; layers whose inputs per output m does not divide stay unpruned.
 */
export async function nmMagnitudeValues(ctx: GpuContext, plan: ModelPlan, dense: LayerValues[], p: NmPattern): Promise<{ values: LayerValues[]; unpruned: string[] }> {
  const net = Network.create(ctx, plan, { values: dense });
  const fit = net.layers.filter((l) => nmLayerShape(l.op).cols % p.m === 0);
  const unpruned = net.layers.filter((l) => !fit.includes(l)).map((l) => l.op.name);
  if (fit.length > 0) {
    const sel = await prepareNmMasks(ctx, fit.map((l) => ({ scores: l.w, mask: l.mask, ...nmLayerShape(l.op) })), p.n, p.m);
    const enc = ctx.device.createCommandEncoder({ label: 'bench N:M masks' });
    const pass = enc.beginComputePass();
    sel.encode(pass);
    pass.end();
    ctx.device.queue.submit([enc.finish()]);
    sel.release();
  }
  const v = await net.readValues();
  net.destroy();
  return { values: v.map((l) => ({ ...l, w: l.w.map((x, j) => (l.mask[j] ? x : 0)) })), unpruned };
}

interface Measured {
  frames: FrameLatency;
  throughput: number;
  pred: Uint32Array;
  compileMs?: number;
  gpuMs?: number;
  gpuBytes?: number;
  modelGpuBytes?: number;
  picks?: string[];
  picksBatch256?: string[];
  choices?: LayerChoice[];
  completion?: CompletionWait;
  int8Variant?: Int8Variant;
}

async function measureGpuPath(net: Network, values: LayerValues[], path: InferencePath, test: ImageDataset, n: number, frames: number): Promise<Measured> {
  const D = D_OF(net.plan);
  const frame = await prepareInference(net, { path, batch: 1, values });
  const latency = await measureFrames((i) => frame.infer(test.images.subarray((i % n) * D, (i % n + 1) * D)), { frames });
  const gpuMs = (await timeChain(net.ctx, { kernels: [], encode: (pass) => frame.encode(pass), release: () => undefined })).ms;
  const out: Measured = {
    frames: latency, throughput: 0, pred: new Uint32Array(0), compileMs: frame.compileMs, gpuMs, gpuBytes: frame.gpuBytes, modelGpuBytes: frame.modelBytes,
    completion: frame.completion, ...(frame.int8Variant ? { int8Variant: frame.int8Variant } : {}),
  };
  if (frame.choices) {
    out.choices = frame.choices;
    out.picks = frame.choices.map((c) => c.picked);
  }
  frame.destroy();
  const batch = await prepareInference(net, { path, batch: BENCH_BATCH, values });
  const x = test.images.subarray(0, BENCH_BATCH * D);
  out.throughput = await measureThroughput(() => batch.run(x), BENCH_BATCH, 2);
  out.pred = await batch.predict(test.images, n);
  if (batch.choices) out.picksBatch256 = batch.choices.map((c) => c.picked);
  batch.destroy();
  return out;
}

async function measureJs(f: CpuForward, test: ImageDataset, n: number, frames: number): Promise<Measured> {
  const D = D_OF(f.plan);
  const latency = await measureFrames(async (i) => f.predict(test.images.subarray((i % n) * D, (i % n + 1) * D), 1)[0], { frames });
  const x = test.images.subarray(0, BENCH_BATCH * D);
  const throughput = await measureThroughput(async () => f.predict(x, BENCH_BATCH), BENCH_BATCH, 1);
  return { frames: latency, throughput, pred: f.predict(test.images.subarray(0, n * D), n) };
}

/** Bytes of a layer in the N:M format (values and packed indices). */
const nmBytesOf = (rows: number, cols: number, p: NmPattern): number => {
  const b = nmBytes(rows, cols, p);
  return b.values + b.index;
};

function bytesFor(path: BenchPath, size: ModelSize, weights: number, picks: string[] | undefined, nm?: ReadonlyArray<NmPattern | undefined>): number {
  if (path === 'dense' || path === 'js-dense' || path === 'structured' || path === 'structured-r4') return size.denseF32;
  if (path === 'masked') return size.denseF32 + weights;
  if (path === 'sparse' || path === 'js-sparse' || path === 'fused') return size.sparse;
  if (path === 'int8') return size.sparseInt8;
  if (path === 'nm') return size.layers.reduce((t, l, i) => t + (nm?.[i] ? nmBytesOf(l.rows, l.cols, nm[i]!) + 4 * l.biases : l.denseF32), 0);
  return size.layers.reduce((t, l, i) => t + (picks?.[i] === 'sparse' ? l.sparse : l.denseF32), 0);
}

/**
 * Benchmarks the trained weights `dense` of `plan` (named `name`) on `test` (at
 * least 256 images). Returns the entries, the model's report, and the dense
 * path's classes (for comparing another implementation with them).
 */
export async function benchModelLatency(
  ctx: GpuContext, name: string, plan: ModelPlan, dense: LayerValues[], test: ImageDataset, o: ModelBenchOptions,
): Promise<{ entries: LatencyEntry[]; report: LatencyModelReport; denseClasses: Uint32Array }> {
  const log = o.log ?? (() => undefined);
  const frames = Math.max(MIN_FRAMES, o.frames);
  const n = test.n;
  const sparsities = [0, ...o.sparsities.filter((s) => s !== 0)];
  const entries: LatencyEntry[] = [];
  const weights = plan.params.reduce((t, p) => t + p.weightCount, 0);
  const base = (path: BenchPath, sparsity: number, m: Measured, bytes: number, flops: number, ref?: Uint32Array): LatencyEntry => ({
    model: name, path, sparsity, p50Ms: m.frames.p50, p95Ms: m.frames.p95, throughput: m.throughput, bytes,
    ...(m.gpuBytes !== undefined ? { gpuBytes: m.gpuBytes, modelGpuBytes: m.modelGpuBytes! } : {}),
    firstFrameMs: m.frames.firstFrameMs, ...(m.compileMs !== undefined ? { compileMs: m.compileMs } : {}), ...(m.gpuMs !== undefined ? { gpuMs: m.gpuMs } : {}),
    ...(m.completion ? { completion: m.completion } : {}), ...(m.int8Variant ? { int8Variant: m.int8Variant } : {}),
    accuracy: accuracyOf(m.pred, test.labels), ...(ref ? { agreeWithMasked: agreement(m.pred, ref) } : {}), flops,
    ...(m.picks ? { picks: m.picks } : {}), ...(m.picksBatch256 ? { picksBatch256: m.picksBatch256 } : {}),
  });
  const say = (e: LatencyEntry): void => {
    log(`latency ${name} ${e.path} @${(e.sparsity * 100).toFixed(0)}%: p50 ${e.p50Ms.toFixed(2)} ms, p95 ${e.p95Ms.toFixed(2)} ms, ${e.throughput.toFixed(0)} img/s, ${e.bytes} B, acc ${e.accuracy.toFixed(3)}${e.completion ? `, wait ${e.completion}` : ''}${e.picks ? `, picks ${e.picks.join('/')}` : ''}`);
    entries.push(e);
  };

  const sizes: LatencyModelReport['sizes'] = [];
  const chooser: LatencyModelReport['chooser'] = [];
  const curve: Array<{ sparsity: number; sparseMs: number }> = [];
  const fusedCurve: Array<{ sparsity: number; sparseMs: number }> = [];
  const gpuPaths: InferencePath[] = ['sparse', 'int8', 'auto', ...(fusedUnsupported(plan, ctx.device.limits.maxComputeWorkgroupStorageSize) ? [] : ['fused' as const])];
  let denseP50 = 0;
  let denseClasses: Uint32Array = new Uint32Array(0);
  const net = Network.create(ctx, plan, { values: dense });
  const layerCrossover = await chooseLayers(net, { batch: 1, values: dense, calibrate: sparsities, seed: o.seed });
  log(`latency ${name} per-layer crossover (B=1): ${layerCrossover.map((c) => `${c.layer} ${c.crossover === null ? 'never' : `${((c.crossover ?? 0) * 100).toFixed(0)}%`}`).join(', ')}`);
  for (const sp of sparsities) {
    const values = await magnitudeValues(ctx, plan, dense, sp);
    net.writeValues(values);
    const size = modelSize(plan, values);
    sizes.push({ sparsity: sp, weights: size.weights, nnz: size.nnz, denseF32: size.denseF32, sparse: size.sparse, sparseInt8: size.sparseInt8 });
    // FLOPs per image that skip pruned weights: for sparse layers 2·nnz·uses, for dense ones 2·weights·uses.
    const flopsOf = (sparse: (i: number) => boolean): number =>
      2 * size.layers.reduce((t, l, i) => t + (sparse(i) ? l.nnz : l.weights) * plan.params[i]!.usesPerWeight, 0);
    const masked = await measureGpuPath(net, values, 'masked', test, n, frames);
    if (sp === 0) {
      const d = await measureGpuPath(net, values, 'dense', test, n, frames);
      denseP50 = d.frames.p50;
      denseClasses = d.pred;
      say(base('dense', 0, d, bytesFor('dense', size, weights, undefined), plan.flopsPerSample, masked.pred));
      const js = await measureJs(new CpuForward(plan, values, false), test, n, frames);
      say(base('js-dense', 0, js, bytesFor('js-dense', size, weights, undefined), plan.flopsPerSample, masked.pred));
    }
    say(base('masked', sp, masked, bytesFor('masked', size, weights, undefined), plan.flopsPerSample, masked.pred));
    for (const path of gpuPaths) {
      const m = await measureGpuPath(net, values, path, test, n, frames);
      if (path === 'sparse') curve.push({ sparsity: sp, sparseMs: m.frames.p50 });
      if (path === 'fused') fusedCurve.push({ sparsity: sp, sparseMs: m.frames.p50 });
      if (m.choices) chooser.push({ sparsity: sp, layers: m.choices });
      say(base(path, sp, m, bytesFor(path, size, weights, m.picks), flopsOf((i) => path !== 'auto' || m.picks?.[i] === 'sparse'), masked.pred));
    }
    const js = await measureJs(new CpuForward(plan, values, true), test, n, frames);
    say(base('js-sparse', sp, js, bytesFor('js-sparse', size, weights, undefined), flopsOf(() => true), masked.pred));
  }

  // N:M at 2:4 (magnitude masks on the GPU): masked (the reference), 'nm' and sliced-ELL 'sparse' on the same masks; dense is the row above.
  const pattern: NmPattern = { n: 2, m: 4 };
  const nmName = `${pattern.n}:${pattern.m}`;
  const nmMasks = await nmMagnitudeValues(ctx, plan, dense, pattern);
  net.writeValues(nmMasks.values);
  const nmSize = modelSize(plan, nmMasks.values);
  const layerNm = plan.params.map((op) => (nmMasks.unpruned.includes(op.name) ? { n: 1, m: 1 } : pattern));
  const nmFlops = 2 * nmSize.layers.reduce((t, l, i) => t + l.nnz * plan.params[i]!.usesPerWeight, 0);
  const nmRef = await measureGpuPath(net, nmMasks.values, 'masked', test, n, frames);
  say({ ...base('masked', nmSize.sparsity, nmRef, bytesFor('masked', nmSize, weights, undefined), plan.flopsPerSample, nmRef.pred), masks: nmName });
  for (const path of ['nm', 'sparse'] as const) {
    const m = await measureGpuPath(net, nmMasks.values, path, test, n, frames);
    say({ ...base(path, nmSize.sparsity, m, bytesFor(path, nmSize, weights, undefined, layerNm), nmFlops, nmRef.pred), masks: nmName });
  }
  const nmReport: NmBenchReport = { pattern: nmName, sparsity: nmSize.sparsity, unpruned: nmMasks.unpruned };
  net.destroy();

  // Structured: half of every hidden layer's units (by L1 norm) removed from the dense trained model;
  // then the same with the kept counts rounded to multiples of 4 (Torch-Pruning's round_to), so the vec4 kernels fit.
  let structured: LatencyModelReport['structured'] | undefined;
  for (const roundTo of [1, 4]) {
    const shrunk = shrinkNetwork(plan, dense, keepByNorm(plan, dense, 0.5, roundTo));
    const splan = planModel(shrunk.spec);
    const small = Network.create(ctx, splan, { values: shrunk.values });
    const st = await measureGpuPath(small, shrunk.values, 'dense', test, n, frames);
    small.destroy();
    // Its sparsity: the fraction of the prunable weights that are gone.
    const removed = 1 - splan.params.reduce((t, p) => t + p.weightCount, 0) / weights;
    const units = splan.params.map((p) => (p.conv ? p.conv.F : p.out));
    say({ ...base(roundTo === 1 ? 'structured' : 'structured-r4', removed, st, modelSize(splan, shrunk.values).denseF32, splan.flopsPerSample), unitsRemoved: 0.5, units });
    if (roundTo === 1) structured = { keptFraction: 0.5, units, flops: splan.flopsPerSample, denseFlops: plan.flopsPerSample, params: splan.paramCount, denseParams: plan.paramCount };
  }

  const report: LatencyModelReport = {
    model: name, trainSamples: o.trainSamples, epochs: o.epochs, testImages: n, sparsities: [...sparsities],
    crossover: crossover(curve, denseP50), ...(fusedCurve.length ? { fusedCrossover: crossover(fusedCurve, denseP50) } : {}), chooser, layerCrossover, sizes,
    structured: structured!, nm: nmReport,
  };
  return { entries, report, denseClasses };
}
