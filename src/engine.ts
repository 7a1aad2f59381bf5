// The scripting API: arrays in, arrays out, for page authors who want the kernels
// without touching GPU buffers. Every argument is checked before anything is
// submitted to the GPU. The criteria that need a network and a loss (taylor, snip,
// synflow, movement) take the layers as one chain: src/engine/criteria-net.ts; so do
// the unit criteria (granularity 'unit'): src/engine/units.ts.
import { check, checkDim, checkFields, PruneLabError } from './errors.js';
import { acquireDevice, type AdapterSummary } from './gpu/device.js';
import { createGpuContext, type GpuContext } from './gpu/context.js';
import { readBuffer } from './gpu/readback.js';
import { prepareMatmul, MATMUL_VARIANTS, vec4Fits, type MatmulVariant } from './kernels/matmul.js';
import { prepareTopk, type PruneScope } from './kernels/topk.js';
import { runKernels } from './kernels/kernel.js';
import { packMask, pruneCount } from './layout/mask.js';
import { checkNmPattern, checkNmShape } from './layout/nm.js';
import { Network, type LayerValues } from './nn/network.js';
import { planModel } from './nn/spec.js';
import type { ImageDataset } from './data/dataset.js';
import { weightCriterion } from './prune/criteria/index.js';
import type { WeightCriterionName } from './prune/criteria/criterion.js';
import { selectPerRow } from './prune/criteria/wanda.js';
import { sparseGptPrune, checkSparseGptOptions, SPARSEGPT_DEFAULTS, type SparseGptPruneOptions } from './prune/criteria/sparsegpt.js';
import { prepareNmMasks } from './prune/nm.js';
import {
  checkChain, checkFiniteArray, checkNetCall, isNetCriterion, netMasks, netScores,
  type LabeledCalibration, type MovementApiOptions, type NetCall, type Shaped, type SynflowApiOptions, type WeightLayoutName,
} from './engine/criteria-net.js';
import { checkUnitCall, checkUnitOptions, checkUnitSparsity, isUnitCall, shrinkChain, unitMasksOf, unitScoresOf, type UnitCall } from './engine/units.js';
import type { UnitCriterionName } from './prune/criteria/criterion.js';

export { UNIT_CRITERIA, type UnitCriterionName } from './prune/criteria/criterion.js';
export { NET_CRITERIA, type LabeledCalibration, type MovementApiOptions, type SynflowApiOptions, type WeightLayoutName } from './engine/criteria-net.js';

export interface MagnitudeMaskOptions {
  scope?: PruneScope;
  /** Current masks (1 = kept); pruned weights stay pruned and count towards k. */
  masks?: Uint8Array[];
}

export interface MagnitudeMasks {
  /** Per layer: the largest pruned |w| of its group (all equal in global scope). */
  thresholds: number[];
  /** Per layer: 1 = kept, 0 = pruned. */
  masks: Uint8Array[];
}

/** A layer for the criterion calls: its weights and shape. A bare Float32Array is a layer of one output. */
export interface ApiLayer {
  weight: Float32Array;
  /** K: inputs per output (Linear in; conv C·k·k). */
  inputs: number;
  /** N: outputs (Linear out; conv filters). */
  outputs: number;
  /** Default 'in-out'. */
  layout?: WeightLayoutName;
}

/**
 * Every weight criterion of the lab. magnitude, random, lamp, wanda and sparsegpt score
 * each layer on its own; taylor, snip, synflow and movement (NET_CRITERIA) take the
 * layers as one chain (layer j+1's inputs = layer j's outputs, ReLU between, none after
 * the last) with a softmax cross-entropy loss (synflow: R = 1ᵀ∏|W|1, data-free).
 */
export const API_CRITERIA = ['magnitude', 'random', 'lamp', 'wanda', 'sparsegpt', 'taylor', 'snip', 'synflow', 'movement'] as const;
export type ApiCriterion = (typeof API_CRITERIA)[number];
/** The criteria with per-weight scores (sparsegpt chooses its masks block by block while it updates the weights). */
export type ScoreCriterion = Exclude<ApiCriterion, 'sparsegpt'>;

export interface PruneMasksOptions {
  /** A weight criterion of API_CRITERIA, or with granularity 'unit' a unit criterion of UNIT_CRITERIA (l1, l2, taylor, norm-product). */
  criterion: ApiCriterion | UnitCriterionName;
  /** 'global' (one threshold over all layers) or 'local' (one per layer); wanda compares within each output row and sparsegpt prunes layer by layer, so they take 'local'. Default 'global' ('local' for wanda and sparsegpt). */
  scope?: PruneScope;
  /**
   * 'weight' (unstructured, default), 'nm' (with `nm`) or 'unit': whole hidden units of
   * a chain (unit j of layer i = output j; the last layer's outputs, the classes, are
   * never removed), round(s·U_i) of each layer's U_i units (local) or Σ_i round(s·U_i)
   * pooled by normalized score (global), as the lab's structured pruning.
   */
  granularity?: 'weight' | 'nm' | 'unit';
  /** N kept of every M consecutive inputs of each output (granularity 'nm'; sparsity must then be 1 − n/m). */
  nm?: { n: number; m: number };
  /**
   * wanda, sparsegpt: per layer, its inputs X, row-major (samples × inputs).
   * taylor, snip, movement: the chain's { inputs (n × layers[0].inputs), labels (n), batchSize? }.
   */
  calibration?: Float32Array[] | LabeledCalibration;
  /** Current masks (1 = kept), in each layer's layout; pruned weights stay pruned and count. */
  masks?: Uint8Array[];
  /** Seed of the random criterion (layer j uses seed + j) and of movement's batch order. Default 0. */
  seed?: number;
  /** taylor, snip, movement: the chain's biases, biases[j] of layers[j].outputs (default zeros). */
  biases?: Float32Array[];
  /** synflow: its rounds. */
  synflow?: SynflowApiOptions;
  /** movement (required with it): the fine-tuning run its scores accumulate over. */
  movement?: MovementApiOptions;
  /** sparsegpt: columns per block (default 128) and damping λ (default 0.01), as engine.sparsegpt. */
  sparsegpt?: { blockSize?: number; damp?: number };
}

/** As PruneMasksOptions' fields of the same names (scores are one SynFlow round, so no `synflow`). */
export interface ScoresOptions {
  criterion: ScoreCriterion | UnitCriterionName;
  /** 'weight' (default: per-weight scores) or 'unit' (per-unit scores of every layer but the last, with a unit criterion). */
  granularity?: 'weight' | 'unit';
  calibration?: Float32Array[] | LabeledCalibration;
  seed?: number;
  biases?: Float32Array[];
  movement?: MovementApiOptions;
}

export interface ShrunkLayers {
  /** The smaller chain: each layer in the layout it came in, pruned weights 0. */
  layers: ApiLayer[];
  /** The kept weights' masks (1 = kept), in each layer's layout. */
  masks: Uint8Array[];
  /** The kept units' biases (zeros where `biases` was not given). */
  biases: Float32Array[];
  /** Per layer but the last: its kept units' indices, ascending. */
  kept: Uint32Array[];
}

export interface SparseGptOptions {
  /** Columns (inputs) per block, default 128. */
  blockSize?: number;
  /** λ: damping as a fraction of mean(diag H), default 0.01. */
  damp?: number;
  /** N:M instead of unstructured (sparsity must then be 1 − n/m). */
  nm?: { n: number; m: number };
  /** The current mask (1 = kept), in the layer's layout. */
  mask?: Uint8Array;
}

export interface SparseGptResult {
  /** The pruned and updated weights, in the layer's layout. */
  weight: Float32Array;
  /** 1 = kept. */
  mask: Uint8Array;
}

export interface Engine {
  readonly device: GPUDevice;
  /** The adapter, when the engine acquired the device itself. */
  readonly adapter: AdapterSummary | undefined;
  readonly ctx: GpuContext;
  /** C = A·B for row-major A (m×k) and B (k×n). */
  matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number, opts?: { variant?: MatmulVariant }): Promise<Float32Array>;
  /** C = A·(W⊙M) for row-major A (m×k), W (k×n) and a 0/1 mask over W. */
  maskedMatmul(a: Float32Array, w: Float32Array, mask: Uint8Array, m: number, k: number, n: number): Promise<Float32Array>;
  /** Masks that prune exactly round(s·N) weights by magnitude, over all layers (global) or each (local). */
  magnitudeMasks(layers: Float32Array[], sparsity: number, opts?: MagnitudeMaskOptions): Promise<MagnitudeMasks>;
  /**
   * Masks (1 = kept) by any criterion of API_CRITERIA: exactly round(s·N) pruned per
   * group (global: all layers; local: each layer; wanda: each layer, spread over its
   * output rows; sparsegpt: each layer, engine.sparsegpt's masks), ties to the lowest
   * index (layer order, then K×N element order); or N:M groups along each output's
   * inputs. taylor, snip, synflow and movement take the layers as one chain (see
   * API_CRITERIA); synflow prunes in `synflow.iterations` rounds of the exponential
   * schedule; movement's masks come from its scores after `movement.steps` SGD steps on
   * a copy (the caller's arrays are never changed).
   * Granularity 'unit' (criterion l1, l2, taylor or norm-product; the layers a chain of
   * at least 2): a removed unit's incoming weights (its column in-out, its row out-in)
   * are 0 and nothing else is; the lowest scores go, ties to the lower layer, then the
   * lower unit. Refused naming sparsity when it would remove every unit of a layer.
   */
  pruneMasks(layers: Array<ApiLayer | Float32Array>, sparsity: number, opts: PruneMasksOptions): Promise<Uint8Array[]>;
  /**
   * Per-weight scores of a criterion (larger = more important), in each layer's layout:
   * |w|, a seeded uniform, LAMP's, Wanda's |W_ij|·‖X_j‖₂, taylor |Σ_b w·g_b|, snip
   * Σ_b |w·g_b|, synflow θ⊙∂R/∂θ (one round), movement S − min S after its steps.
   * Granularity 'unit': one array per layer but the last, one raw score per unit (output):
   * l1 Σ|w|, l2 ‖w‖₂ of its incoming weights, taylor (Σ w·g)², norm-product ‖in‖₂·‖out‖₂.
   */
  scores(layers: Array<ApiLayer | Float32Array>, opts: ScoresOptions): Promise<Float32Array[]>;
  /**
   * The chain with its removed units physically gone (the lab's shrinker, on the CPU;
   * no GPU work): unit u of layer i (not the last) is removed when its whole incoming
   * column (row, out-in) of masks[i] is 0, as pruneMasks' granularity 'unit' leaves it;
   * its bias and layer i+1's weights that read it go too. Its outputs equal the masked
   * chain's with the removed units' biases zeroed.
   */
  shrinkUnits(layers: Array<ApiLayer | Float32Array>, masks: Uint8Array[], opts?: { biases?: Float32Array[] }): ShrunkLayers;
  /** SparseGPT on one layer from its inputs X (samples × inputs, row-major): pruned and OBS-updated weights. */
  sparsegpt(layer: ApiLayer, inputs: Float32Array, sparsity: number, opts?: SparseGptOptions): Promise<SparseGptResult>;
  destroy(): void;
}

function checkF32(v: unknown, field: string, length: number, lengthText: string): asserts v is Float32Array {
  check(v instanceof Float32Array, field, 'a Float32Array', v);
  check(v.length === length, field, `of length ${lengthText} = ${length}`, v.length);
}

function checkMask(v: unknown, field: string, length: number): asserts v is Uint8Array {
  check(v instanceof Uint8Array, field, 'a Uint8Array of 0/1', v);
  check(v.length === length, field, `of length ${length}`, v.length);
  for (let i = 0; i < v.length; i++) check(v[i] === 0 || v[i] === 1, `${field}[${i}]`, '0 or 1', v[i]);
}

/** K×N ↔ N×K. */
function transpose<T extends Float32Array | Uint8Array>(a: T, rows: number, cols: number): T {
  const out = new (a.constructor as new (n: number) => T)(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]!;
  return out;
}

function toInOut<T extends Float32Array | Uint8Array>(a: T, s: Shaped): T {
  return s.layout === 'in-out' ? a : transpose(a, s.N, s.K);
}

function fromInOut<T extends Float32Array | Uint8Array>(a: T, s: Shaped): T {
  return s.layout === 'in-out' ? a : transpose(a, s.K, s.N);
}

function checkLayer(v: unknown, field: string): Shaped {
  if (v instanceof Float32Array) {
    check(v.length > 0, field, 'a non-empty Float32Array or { weight, inputs, outputs, layout? }', v);
    checkFiniteArray(v, field);
    return { w: v, K: v.length, N: 1, layout: 'in-out' };
  }
  check(typeof v === 'object' && v !== null && !Array.isArray(v), field, 'a Float32Array or { weight, inputs, outputs, layout? }', v);
  const l = v as Partial<ApiLayer>;
  for (const k of Object.keys(l)) check(['weight', 'inputs', 'outputs', 'layout'].includes(k), `${field}.${k}`, 'not given (fields: weight, inputs, outputs, layout)', k);
  checkDim(l.inputs, `${field}.inputs`);
  checkDim(l.outputs, `${field}.outputs`);
  const layout = l.layout ?? 'in-out';
  check(layout === 'in-out' || layout === 'out-in', `${field}.layout`, "'in-out' or 'out-in'", layout);
  check(l.weight instanceof Float32Array, `${field}.weight`, 'a Float32Array', l.weight);
  check(l.weight.length === l.inputs * l.outputs, `${field}.weight`, `of length inputs·outputs = ${l.inputs * l.outputs}`, l.weight.length);
  checkFiniteArray(l.weight, `${field}.weight`);
  const s: Shaped = { w: l.weight, K: l.inputs, N: l.outputs, layout };
  return { ...s, w: toInOut(l.weight, s) };
}

function checkCalibration(v: unknown, layers: readonly Shaped[], field: string, single = false): Float32Array[] {
  check(Array.isArray(v) && v.length === layers.length, field, `an array of ${layers.length} Float32Array, each layer's inputs (samples × inputs)`, v);
  return (v as unknown[]).map((x, j) => {
    const K = layers[j]!.K;
    const f = single ? field : `${field}[${j}]`;
    check(x instanceof Float32Array && x.length >= K && x.length % K === 0, f, `a Float32Array of samples × ${K} inputs (a non-zero multiple of ${K})`, x);
    checkFiniteArray(x, f);
    return x;
  });
}

function checkCriterion(name: unknown, method: string): WeightCriterionName {
  const names = method === 'scores' ? API_CRITERIA.filter((c) => c !== 'sparsegpt') : API_CRITERIA;
  const unitHint = name === 'l1' || name === 'l2' || name === 'norm-product' ? ` ('${name}' scores units: granularity 'unit')` : '';
  check((names as readonly unknown[]).includes(name), 'criterion', `one of ${names.join(', ')}${method === 'scores' ? " (sparsegpt has no scores: it picks its masks while it updates the weights; use pruneMasks or engine.sparsegpt)" : ''}${unitHint}`, name);
  try {
    weightCriterion(name as WeightCriterionName);
  } catch {
    throw new PruneLabError('invalid-argument', `criterion '${String(name)}' has no scoring module in this build`, 'criterion');
  }
  return name as WeightCriterionName;
}

/** A calibration set of one layer's inputs, as the one-layer network's images. */
function inputsAsDataset(x: Float32Array, K: number): ImageDataset {
  const n = x.length / K;
  return { images: x, labels: new Uint8Array(n), shape: { C: 1, H: 1, W: K }, numClasses: 1, n };
}

function checkSeed(seed: unknown): number {
  const v = seed ?? 0;
  check(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 32, 'seed', 'an integer in [0, 2³²)', v);
  return v;
}

function checkSparsityValue(sparsity: unknown): asserts sparsity is number {
  check(typeof sparsity === 'number' && Number.isFinite(sparsity) && sparsity >= 0 && sparsity < 1, 'sparsity', 'a number in [0, 1)', sparsity);
}

function checkNmSparsity(sparsity: number, nm: { n: number; m: number }): void {
  const s = 1 - nm.n / nm.m;
  check(Math.abs(sparsity - s) < 1e-9, 'sparsity', `1 − n/m = ${s} with nm ${nm.n}:${nm.m}`, sparsity);
}

export async function createEngine(device?: GPUDevice): Promise<Engine> {
  let adapter: AdapterSummary | undefined;
  let owned = false;
  if (!device) {
    const got = await acquireDevice();
    device = got.device;
    adapter = got.info;
    owned = true;
  }
  const ctx = createGpuContext(device);
  const limits = device.limits;
  /** A storage buffer of `bytes` fits this adapter (checked before anything is uploaded). */
  const fits = (bytes: number, field: string, what: string): void => {
    const max = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    check(bytes <= max, field, `${what} within this adapter's maxStorageBufferBindingSize/maxBufferSize of ${max} bytes (it needs ${bytes})`);
  };
  let destroyed = false;
  const alive = (): void => {
    if (destroyed) throw new PruneLabError('invalid-argument', 'engine: used after destroy()', 'engine');
  };

  async function mm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, mask: Uint8Array | undefined, variant: MatmulVariant | undefined): Promise<Float32Array> {
    const ab = ctx.pool.upload('api A', a);
    const bb = ctx.pool.upload('api B', b);
    const mb = mask ? ctx.pool.upload('api mask', packMask(mask)) : undefined;
    const cb = ctx.pool.storage('api C', m * n * 4);
    try {
      const kern = await prepareMatmul(ctx, { M: m, K: k, N: n, a: ab, b: bb, c: cb, mask: mb, variant });
      runKernels(ctx, 'api matmul', [kern]);
      kern.release();
      return new Float32Array(await readBuffer(device!, cb, m * n * 4));
    } finally {
      for (const x of [ab, bb, cb, mb]) if (x) ctx.pool.release(x);
    }
  }

  function runEncoded(label: string, encode: (pass: GPUComputePassEncoder) => void): void {
    const enc = device!.createCommandEncoder({ label });
    const pass = enc.beginComputePass({ label });
    encode(pass);
    pass.end();
    device!.queue.submit([enc.finish()]);
  }

  /** A real one-layer network (a Linear K → N) holding the layer, so that the lab's criteria and SparseGPT run on it unchanged. */
  function oneLayerNet(l: Shaped, mask: Uint8Array | undefined): Network {
    const plan = planModel({ input: { C: 1, H: 1, W: l.K }, layers: [{ type: 'linear', units: l.N }] });
    return Network.create(ctx, plan, { values: [{ w: l.w, b: new Float32Array(l.N), mask: mask ?? new Uint8Array(l.w.length).fill(1) }] });
  }

  interface CriterionCall {
    criterion: WeightCriterionName;
    layers: Shaped[];
    /** wanda, sparsegpt: each layer's inputs. */
    calibration: Float32Array[] | undefined;
    seed: number;
    /** taylor, snip, synflow, movement: the chain. */
    net: NetCall | undefined;
  }

  function checkCriterionCall(layers: unknown, opts: unknown, method: 'pruneMasks' | 'scores'): CriterionCall {
    check(typeof opts === 'object' && opts !== null && !Array.isArray(opts), 'opts', `an object { criterion, … } (${method})`, opts);
    const o = opts as Record<string, unknown>;
    const allowed = method === 'scores'
      ? ['criterion', 'granularity', 'calibration', 'seed', 'biases', 'movement']
      : ['criterion', 'scope', 'granularity', 'nm', 'calibration', 'masks', 'seed', 'biases', 'synflow', 'movement', 'sparsegpt'];
    for (const k of Object.keys(o)) check(allowed.includes(k), k, `not an option of ${method} (${allowed.join(', ')})`, k);
    // The granularity first: it says which criteria are meant ('unit' calls never come here).
    const granularity = o.granularity ?? 'weight';
    check(granularity === 'weight' || (method === 'pruneMasks' && granularity === 'nm'), 'granularity', method === 'scores' ? "'weight' (default) or 'unit'" : "'weight' (default), 'nm' or 'unit'", o.granularity);
    const criterion = checkCriterion(o.criterion, method);
    const shaped = checkLayers(layers);
    const seed = checkSeed(o.seed);
    if (criterion !== 'sparsegpt') check(o.sparsegpt === undefined, 'sparsegpt', "given only with criterion 'sparsegpt'", 'given');
    if (isNetCriterion(criterion)) return { criterion, layers: shaped, calibration: undefined, seed, net: checkNetCall(criterion, shaped, o, seed, limits, method) };
    for (const k of ['biases', 'synflow', 'movement'] as const) check(o[k] === undefined, k, `given only with criterion ${k === 'biases' ? "'taylor', 'snip' or 'movement'" : `'${k}'`}`, 'given');
    let calibration: Float32Array[] | undefined;
    if (criterion === 'wanda' || criterion === 'sparsegpt') {
      calibration = checkCalibration(o.calibration, shaped, 'calibration');
      calibration.forEach((x, i) => fits(Math.min(256 * shaped[i]!.K, x.length) * 4, `calibration[${i}]`, 'a batch of its inputs'));
    } else {
      check(o.calibration === undefined, 'calibration', "given only with criteria 'wanda', 'sparsegpt' (each layer's inputs) and 'taylor', 'snip', 'movement' (the chain's inputs and labels)", 'given');
    }
    return { criterion, layers: shaped, calibration, seed, net: undefined };
  }

  function checkLayers(layers: unknown): Shaped[] {
    check(Array.isArray(layers) && layers.length > 0, 'layers', 'a non-empty array of layers (Float32Array or { weight, inputs, outputs, layout? })', layers);
    const shaped = (layers as unknown[]).map((l, i) => checkLayer(l, `layers[${i}]`));
    shaped.forEach((l, i) => fits(l.w.length * 4, `layers[${i}]`, 'its weights (length·4 bytes)'));
    return shaped;
  }

  /** A call with granularity 'unit' (isUnitCall), all checked: option names, criterion, layers, seed, chain, calibration, biases. */
  function checkUnit(layers: unknown, opts: unknown, method: 'pruneMasks' | 'scores'): UnitCall {
    const o = opts as Record<string, unknown>;
    const criterion = checkUnitOptions(o, method);
    const shaped = checkLayers(layers);
    return checkUnitCall(criterion, shaped, o, checkSeed(o.seed), limits, method);
  }

  /** The checked options of SparseGPT on one layer (engine.sparsegpt's, or pruneMasks' opts.sparsegpt): fields `${prefix}blockSize`, `${prefix}damp`. */
  function checkSparseGpt(o: { blockSize?: unknown; damp?: unknown }, nm: { n: number; m: number } | undefined, ls: readonly Shaped[], prefix: string, layerField: (j: number) => string): SparseGptPruneOptions {
    const out = { blockSize: o.blockSize ?? SPARSEGPT_DEFAULTS.blockSize, damp: o.damp ?? SPARSEGPT_DEFAULTS.damp, nm } as SparseGptPruneOptions;
    checkSparseGptOptions(out, ls.map((l) => l.K), prefix, layerField);
    ls.forEach((l, j) => {
      fits(l.K * l.K * 4, layerField(j), 'its Hessian (inputs²·4 bytes)');
      fits(l.w.length * 4, layerField(j), 'its weights (inputs·outputs·4 bytes)');
    });
    return out;
  }

  /** SparseGPT on one checked layer: its pruned, updated K×N weights and mask; a singular H is refused naming `dampField`. */
  async function sparseGptLayer(l: Shaped, x: Float32Array, sparsity: number, o: SparseGptPruneOptions, prior: Uint8Array | undefined, dampField: string): Promise<LayerValues> {
    const net = oneLayerNet(l, prior);
    try {
      const input = { ctx, net, layers: [0], calibration: inputsAsDataset(x, l.K), batchSize: Math.min(256, x.length / l.K), seed: 0 };
      try {
        await sparseGptPrune(input, [sparsity], o);
      } catch (e) {
        if (e instanceof PruneLabError && e.field === 'sparsegpt.damp' && dampField !== e.field) throw new PruneLabError('invalid-argument', e.message.replace('sparsegpt.damp', dampField), dampField);
        throw e;
      }
      return (await net.readValues())[0]!;
    } finally {
      net.destroy();
    }
  }

  /** Scores each layer on its own one-layer network, then hands nets and score buffers to `then`; releases everything after. */
  async function withScores<T>(v: CriterionCall, prior: Uint8Array[] | undefined, then: (nets: Network[], scores: GPUBuffer[]) => Promise<T>): Promise<T> {
    const crit = weightCriterion(v.criterion);
    const nets: Network[] = [];
    const bufs: GPUBuffer[] = [];
    try {
      for (const [j, l] of v.layers.entries()) {
        const net = oneLayerNet(l, prior?.[j]);
        nets.push(net);
        const buf = ctx.pool.storage(`api scores ${j}`, l.w.length * 4);
        bufs.push(buf);
        const cal = v.calibration?.[j];
        await crit.score({ ctx, net, layers: [0], calibration: cal ? inputsAsDataset(cal, l.K) : undefined, batchSize: cal ? Math.min(256, cal.length / l.K) : 1, seed: v.seed + j }, [buf]);
      }
      return await then(nets, bufs);
    } finally {
      for (const n of nets) n.destroy();
      for (const b of bufs) ctx.pool.release(b);
    }
  }

  return {
    device,
    adapter,
    ctx,
    async matmul(a, b, m, k, n, opts = {}) {
      alive();
      checkDim(m, 'm');
      checkDim(k, 'k');
      checkDim(n, 'n');
      checkF32(a, 'a', m * k, 'm·k');
      checkF32(b, 'b', k * n, 'k·n');
      checkFields(opts as unknown, 'opts', ['variant'], 'invalid-argument', '');
      const variant = opts.variant;
      if (variant !== undefined) {
        check(MATMUL_VARIANTS.includes(variant), 'variant', `one of ${MATMUL_VARIANTS.join(', ')}`, variant);
        check(variant !== 'vec4' || vec4Fits(m, k, n), 'variant', "'naive' or 'blocked' for this shape ('vec4' needs k and n multiples of 4)", variant);
      }
      for (const [bytes, f, what] of [[m * k * 4, 'a', 'm·k·4 bytes'], [k * n * 4, 'b', 'k·n·4 bytes'], [m * n * 4, 'm', 'C = m·n·4 bytes']] as const) fits(bytes, f, what);
      return mm(a, b, m, k, n, undefined, variant);
    },
    async maskedMatmul(a, w, mask, m, k, n) {
      alive();
      checkDim(m, 'm');
      checkDim(k, 'k');
      checkDim(n, 'n');
      checkF32(a, 'a', m * k, 'm·k');
      checkF32(w, 'w', k * n, 'k·n');
      checkFiniteArray(w, 'w');
      checkMask(mask, 'mask', k * n);
      for (const [bytes, f, what] of [[m * k * 4, 'a', 'm·k·4 bytes'], [k * n * 4, 'w', 'k·n·4 bytes'], [m * n * 4, 'm', 'C = m·n·4 bytes']] as const) fits(bytes, f, what);
      return mm(a, w, m, k, n, mask, undefined);
    },
    async magnitudeMasks(layers, sparsity, opts = {}) {
      alive();
      checkFields(opts as unknown, 'opts', ['scope', 'masks'], 'invalid-argument', '');
      const scope = opts.scope ?? 'global';
      check(scope === 'global' || scope === 'local', 'scope', "'global' or 'local'", scope);
      check(Array.isArray(layers) && layers.length > 0, 'layers', 'a non-empty array of Float32Array', layers);
      check(typeof sparsity === 'number' && Number.isFinite(sparsity) && sparsity >= 0 && sparsity < 1, 'sparsity', 'a number in [0, 1)', sparsity);
      layers.forEach((l, i) => {
        check(l instanceof Float32Array && l.length > 0, `layers[${i}]`, 'a non-empty Float32Array', l);
        for (let j = 0; j < l.length; j++) check(Number.isFinite(l[j]), `layers[${i}][${j}]`, 'a finite number', l[j]);
        fits(l.length * 4, `layers[${i}]`, 'its weights (length·4 bytes)');
      });
      if (opts.masks !== undefined) {
        check(Array.isArray(opts.masks) && opts.masks.length === layers.length, 'masks', `an array of ${layers.length} Uint8Array, one per layer`, opts.masks);
        opts.masks.forEach((m, i) => checkMask(m, `masks[${i}]`, layers[i]!.length));
      }
      const sizes = scope === 'global' ? [layers.reduce((s, l) => s + l.length, 0)] : layers.map((l) => l.length);
      const k = sizes.map((n) => pruneCount(sparsity, n));
      const start = layers.map((l, i) => opts.masks?.[i] ?? new Uint8Array(l.length).fill(1));
      const bufs = layers.map((w, i) => ({ weights: ctx.pool.upload(`api layer ${i}`, w), mask: ctx.pool.upload(`api mask ${i}`, packMask(start[i]!)), n: w.length }));
      try {
        const plan = await prepareTopk(ctx, bufs, scope);
        plan.setK(k);
        const enc = device!.createCommandEncoder({ label: 'api magnitude masks' });
        const pass = enc.beginComputePass({ label: 'api magnitude masks' });
        plan.encode(pass);
        pass.end();
        device!.queue.submit([enc.finish()]);
        const groupThresholds = (await plan.readResult()).thresholds;
        plan.release();
        const masks = await Promise.all(bufs.map(async (b) => new Uint8Array((await readBuffer(device!, b.mask, b.mask.size)).slice(0, b.n))));
        const thresholds = layers.map((_, i) => groupThresholds[scope === 'global' ? 0 : i]!);
        return { thresholds, masks };
      } finally {
        for (const b of bufs) {
          ctx.pool.release(b.weights);
          ctx.pool.release(b.mask);
        }
      }
    },
    async pruneMasks(layers, sparsity, opts) {
      alive();
      if (isUnitCall(opts)) {
        const c = checkUnit(layers, opts, 'pruneMasks');
        checkSparsityValue(sparsity);
        const scope = opts.scope ?? 'global';
        check(scope === 'global' || scope === 'local', 'scope', "'global' or 'local'", scope);
        checkUnitSparsity(c, sparsity, scope);
        return (await unitMasksOf(ctx, c, sparsity, scope)).map((m, j) => fromInOut(m, c.layers[j]!));
      }
      const v = checkCriterionCall(layers, opts, 'pruneMasks');
      checkSparsityValue(sparsity);
      const o = opts as PruneMasksOptions;
      const granularity = o.granularity ?? 'weight';
      const wandaRows = v.criterion === 'wanda' && granularity === 'weight';
      const layerwise = wandaRows || v.criterion === 'sparsegpt';
      const scope = o.scope ?? (layerwise ? 'local' : 'global');
      check(scope === 'global' || scope === 'local', 'scope', "'global' or 'local'", scope);
      check(!(layerwise && scope === 'global'), 'scope', `'local' with criterion '${v.criterion}' (${v.criterion === 'wanda' ? 'it compares scores within each output row' : 'it prunes layer by layer'}, each layer at the sparsity)`, scope);
      if (granularity === 'nm') {
        checkFields(o.nm as unknown, 'nm', ['n', 'm'], 'invalid-argument');
        checkNmPattern(o.nm as { n: number; m: number }, 'nm');
        v.layers.forEach((l, i) => checkNmShape(l.K, o.nm!.m, `layers[${i}]`, 'invalid-argument'));
        checkNmSparsity(sparsity, o.nm!);
      } else {
        check(o.nm === undefined, 'nm', "given only with granularity 'nm'", 'given');
      }
      let sgOpts: SparseGptPruneOptions | undefined;
      if (v.criterion === 'sparsegpt') {
        if (o.sparsegpt !== undefined) checkFields(o.sparsegpt as unknown, 'sparsegpt', ['blockSize', 'damp'], 'invalid-argument');
        sgOpts = checkSparseGpt(o.sparsegpt ?? {}, granularity === 'nm' ? o.nm : undefined, v.layers, 'sparsegpt.', (j) => `layers[${j}]`);
      }
      let prior: Uint8Array[] | undefined;
      if (o.masks !== undefined) {
        check(Array.isArray(o.masks) && o.masks.length === v.layers.length, 'masks', `an array of ${v.layers.length} Uint8Array, one per layer`, o.masks);
        prior = o.masks.map((m, i) => (checkMask(m, `masks[${i}]`, v.layers[i]!.w.length), toInOut(m, v.layers[i]!)));
      }
      if (sgOpts) {
        const out: Uint8Array[] = [];
        for (const [j, l] of v.layers.entries()) out.push(fromInOut((await sparseGptLayer(l, v.calibration![j]!, sparsity, sgOpts, prior?.[j], 'sparsegpt.damp')).mask, l));
        return out;
      }
      if (v.net) return (await netMasks(ctx, v.net, sparsity, scope, granularity === 'nm' ? o.nm : undefined, prior)).map((m, j) => fromInOut(m, v.layers[j]!));
      return withScores(v, prior, async (nets, scoreBufs) => {
        const masks = nets.map((n) => n.layers[0]!.mask);
        if (granularity === 'nm') {
          const plan = await prepareNmMasks(ctx, v.layers.map((l, j) => ({ scores: scoreBufs[j]!, mask: masks[j]!, rows: l.N, cols: l.K, layout: 'in-out' as const })), o.nm!.n, o.nm!.m);
          runEncoded('api N:M masks', (pass) => plan.encode(pass));
          plan.release();
        } else if (wandaRows) {
          for (const [j, n] of nets.entries()) await selectPerRow(n, [0], [scoreBufs[j]!], [sparsity]);
        } else {
          const plan = await prepareTopk(ctx, v.layers.map((l, j) => ({ weights: scoreBufs[j]!, mask: masks[j]!, n: l.w.length })), scope);
          plan.setK(plan.groupSizes.map((n) => pruneCount(sparsity, n)));
          runEncoded('api criterion masks', (pass) => plan.encode(pass));
          plan.release();
        }
        return Promise.all(masks.map(async (m, j) => fromInOut(new Uint8Array((await readBuffer(device!, m, m.size)).slice(0, v.layers[j]!.w.length)), v.layers[j]!)));
      });
    },
    async scores(layers, opts) {
      alive();
      if (isUnitCall(opts)) return unitScoresOf(ctx, checkUnit(layers, opts, 'scores'));
      const v = checkCriterionCall(layers, opts, 'scores');
      if (v.net) return (await netScores(ctx, v.net)).map((sc, j) => fromInOut(sc, v.layers[j]!));
      return withScores(v, undefined, async (_, scoreBufs) =>
        Promise.all(scoreBufs.map(async (b, j) => fromInOut(new Float32Array(await readBuffer(device!, b, v.layers[j]!.w.length * 4)), v.layers[j]!))));
    },
    shrinkUnits(layers, masks, opts = {}) {
      alive();
      checkFields(opts as unknown, 'opts', ['biases'], 'invalid-argument', '');
      const shaped = checkLayers(layers);
      check(shaped.length >= 2, 'layers', 'at least 2 layers (a chain: the units are the outputs of every layer but the last)', shaped.length);
      checkChain(shaped, 'shrinkUnits');
      check(Array.isArray(masks) && masks.length === shaped.length, 'masks', `an array of ${shaped.length} Uint8Array, one per layer`, masks);
      const m = masks.map((x, i) => (checkMask(x, `masks[${i}]`, shaped[i]!.w.length), toInOut(x, shaped[i]!)));
      let biases: Float32Array[] = shaped.map((l) => new Float32Array(l.N));
      if (opts.biases !== undefined) {
        const b: unknown = opts.biases;
        check(Array.isArray(b) && b.length === shaped.length, 'biases', `an array of ${shaped.length} Float32Array, layer j's of its outputs' length`, b);
        biases = (b as unknown[]).map((x, j) => {
          checkF32(x, `biases[${j}]`, shaped[j]!.N, `layers[${j}].outputs`);
          checkFiniteArray(x, `biases[${j}]`);
          return x;
        });
      }
      const small = shrinkChain(shaped, m, biases);
      const out = small.shapes.map((d, j) => ({ K: d.inputs, N: d.outputs, layout: shaped[j]!.layout }));
      return {
        layers: out.map((d, j) => ({ weight: fromInOut(small.weights[j]!, { ...d, w: small.weights[j]! }), inputs: d.K, outputs: d.N, layout: d.layout })),
        masks: out.map((d, j) => fromInOut(small.masks[j]!, { ...d, w: small.weights[j]! })),
        biases: small.biases,
        kept: small.kept,
      };
    },
    async sparsegpt(layer, inputs, sparsity, opts = {}) {
      alive();
      const l = checkLayer(layer, 'layer');
      const [x] = checkCalibration([inputs], [l], 'inputs', true);
      checkSparsityValue(sparsity);
      checkFields(opts as unknown, 'opts', ['blockSize', 'damp', 'nm', 'mask'], 'invalid-argument', '');
      if (opts.nm !== undefined) {
        checkFields(opts.nm as unknown, 'nm', ['n', 'm'], 'invalid-argument');
        checkNmPattern(opts.nm, 'nm');
        checkNmShape(l.K, opts.nm.m, 'layer', 'invalid-argument');
        checkNmSparsity(sparsity, opts.nm);
      }
      const o = checkSparseGpt(opts, opts.nm, [l], '', () => 'layer');
      let prior: Uint8Array | undefined;
      if (opts.mask !== undefined) {
        checkMask(opts.mask, 'mask', l.w.length);
        prior = toInOut(opts.mask, l);
      }
      const vals = await sparseGptLayer(l, x!, sparsity, o, prior, 'damp');
      return { weight: fromInOut(vals.w, l), mask: fromInOut(vals.mask, l) };
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      ctx.pool.trim();
      if (owned) device!.destroy();
    },
  };
}
