// The scripting API's network criteria (taylor, snip, synflow, movement): the layers
// given are a chain, layer j+1's inputs = layer j's outputs, ReLU between layers and
// none after the last, so they are one MLP. It is built as a real Network (planModel of
// linear layers) and the lab's criterion modules, its score pruner (exact top-k,
// SynFlow's rounds, N:M) and its training loop (movement) run on it unchanged. Every
// argument is checked here before anything touches the GPU.
import { check, checkFields, PruneLabError } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { readBuffer } from '../gpu/readback.js';
import type { PruneScope } from '../kernels/topk.js';
import type { ImageDataset } from '../data/dataset.js';
import { Network, type LayerValues } from '../nn/network.js';
import { planModel, type LayerSpec, type ModelPlan } from '../nn/spec.js';
import { checkModelLimits } from '../nn/limits.js';
import { train } from '../nn/train.js';
import { weightCriterion } from '../prune/criteria/index.js';
import type { ScoreInput } from '../prune/criteria/criterion.js';
import { calibrationBatches } from '../prune/criteria/gradients.js';
import { MovementScores } from '../prune/criteria/movement.js';
import { prepareSynflow } from '../prune/criteria/synflow.js';
import { ScorePruner } from '../prune/score-pruner.js';
import { SYNFLOW_DEFAULTS } from '../lab/config.js';

/** How a layer's weights are laid out: 'in-out' = K×N row-major (the engine's Linear storage), 'out-in' = N×K (PyTorch's Linear weight, a conv's F × C·k·k). */
export type WeightLayoutName = 'in-out' | 'out-in';

/** A checked layer: a K×N (in × out) copy of its weights, and the layout it came in. */
export interface Shaped {
  w: Float32Array;
  K: number;
  N: number;
  layout: WeightLayoutName;
}

/** The criteria that score a chain of layers as one network with a loss (or R, for synflow). */
export const NET_CRITERIA = ['taylor', 'snip', 'synflow', 'movement'] as const;
export type NetCriterion = (typeof NET_CRITERIA)[number];

/** Labelled calibration data for taylor, snip and movement (the chain's first inputs, and a class per sample). */
export interface LabeledCalibration {
  /** n × K0 row-major (K0 = layers[0].inputs), finite. */
  inputs: Float32Array;
  /** n class indices, each an integer in [0, N_last) (N_last = the last layer's outputs, at most 256). */
  labels: Int32Array | Uint32Array | Uint8Array | readonly number[];
  /** Rows per gradient batch (taylor, snip): floor(n / B) batches of B = min(batchSize, n); a last partial batch is left out. Default min(n, 256). */
  batchSize?: number;
}

/** Movement's fine-tuning run: plain SGD (no momentum, no weight decay) at a constant lr, on a copy. */
export interface MovementApiOptions {
  /** SGD steps, an integer in [1, 10000]; batches in the seeded epoch order of the lab's training loop (opts.seed). */
  steps: number;
  /** Learning rate in (0, 10]. */
  lr: number;
  /** Rows per step, in [1, n]; default min(n, 32). */
  batchSize?: number;
}

export interface SynflowApiOptions {
  /** Rounds of the exponential schedule (pruneMasks), an integer in [1, 10000]; default 100. */
  iterations?: number;
}

/** What the chain call needs, all checked. */
export interface NetCall {
  criterion: NetCriterion;
  plan: ModelPlan;
  layers: Shaped[];
  biases: Float32Array[];
  data: ImageDataset | undefined;
  /** Gradient batch (taylor, snip), SGD batch (movement), 1 (synflow). */
  batchSize: number;
  seed: number;
  movement: { steps: number; lr: number } | undefined;
  iterations: number;
}

export function checkFiniteArray(v: Float32Array, field: string): void {
  for (let j = 0; j < v.length; j++) check(Number.isFinite(v[j]), `${field}[${j}]`, 'a finite number', v[j]);
}

export function isNetCriterion(c: string): c is NetCriterion {
  return (NET_CRITERIA as readonly string[]).includes(c);
}

/** The MLP of a chain: Linear K0 → N0, ReLU, Linear → N1, …, the last without ReLU. */
export function chainPlan(layers: readonly Shaped[]): ModelPlan {
  const spec: LayerSpec[] = [];
  layers.forEach((l, j) => {
    spec.push({ type: 'linear', units: l.N });
    if (j < layers.length - 1) spec.push({ type: 'relu' });
  });
  return planModel({ input: { C: 1, H: 1, W: layers[0]!.K }, layers: spec });
}

/** layers[j].outputs = layers[j+1].inputs, or a refusal naming layers[j+1]; `who` takes the chain ("criterion 'taylor'"). */
export function checkChain(layers: readonly Shaped[], who: string): void {
  for (let j = 1; j < layers.length; j++) {
    const want = layers[j - 1]!.N;
    check(layers[j]!.K === want, `layers[${j}].inputs`, `${want}, layers[${j - 1}]'s outputs (${who} takes the layers as one chain, ReLU between them)`, layers[j]!.K);
  }
}

function checkLabels(v: unknown, n: number, classes: number, field: string): Uint8Array {
  const ok = v instanceof Int32Array || v instanceof Uint32Array || v instanceof Uint8Array || Array.isArray(v);
  check(ok, field, `an Int32Array, Uint32Array, Uint8Array or array of ${n} class indices`, v);
  const a = v as ArrayLike<unknown>;
  check(a.length === n, field, `of length n = ${n} (one per row of calibration.inputs)`, a.length);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const y = a[i];
    check(typeof y === 'number' && Number.isInteger(y) && y >= 0 && y < classes, `${field}[${i}]`, `an integer in [0, ${classes}) (the last layer's outputs)`, y);
    out[i] = y;
  }
  return out;
}

function batchOption(v: unknown, field: string, n: number, dflt: number): number {
  if (v === undefined) return dflt;
  check(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= n, field, `an integer in [1, ${n}] (the calibration rows)`, v);
  return v;
}

/** The chain's labelled calibration set as the network's dataset. */
function checkLabeled(v: unknown, K0: number, classes: number, last: number, criterion: string): { data: ImageDataset; batchSize: number | undefined } {
  checkFields(v, 'calibration', ['inputs', 'labels', 'batchSize'], 'invalid-argument');
  const c = v as Partial<LabeledCalibration>;
  const x = c.inputs;
  check(x instanceof Float32Array && x.length >= K0 && x.length % K0 === 0, 'calibration.inputs', `a Float32Array of n × ${K0} (layers[0].inputs) values, n ≥ 1, for criterion '${criterion}'`, x);
  checkFiniteArray(x, 'calibration.inputs');
  const n = x.length / K0;
  check(classes <= 256, `layers[${last}].outputs`, `at most 256 with criterion '${criterion}' (the last layer's outputs are the classes of the labels, stored as bytes)`, classes);
  const labels = checkLabels(c.labels, n, classes, 'calibration.labels');
  const batchSize = c.batchSize === undefined ? undefined : batchOption(c.batchSize, 'calibration.batchSize', n, n);
  return { data: { images: x, labels, shape: { C: 1, H: 1, W: K0 }, numClasses: classes, n }, batchSize };
}

/** Rethrows the adapter-limit refusal of a chain's plan in the API's names (layers[j], or the batch). */
export function checkChainLimits(plan: ModelPlan, limits: GPUSupportedLimits, batchSize: number, batchField: string): void {
  try {
    checkModelLimits(plan, limits, batchSize);
  } catch (e) {
    if (!(e instanceof PruneLabError)) throw e;
    const m = /^model\.layers\[(\d+)\]/.exec(e.field ?? '');
    const field = m ? `layers[${Math.floor(Number(m[1]) / 2)}]` : e.field === 'model.input' || e.field === 'train.batchSize' ? batchField : 'layers';
    throw new PruneLabError('invalid-argument', `${field}: ${e.message}`, field);
  }
}

/** Checks a network criterion's arguments (layers already shaped) and returns the call; touches no GPU. */
export function checkNetCall(criterion: NetCriterion, layers: Shaped[], o: Record<string, unknown>, seed: number, limits: GPUSupportedLimits, method: 'pruneMasks' | 'scores'): NetCall {
  checkChain(layers, `criterion '${criterion}'`);
  const K0 = layers[0]!.K;
  const classes = layers[layers.length - 1]!.N;
  let biases: Float32Array[];
  if (o.biases !== undefined) {
    check(criterion !== 'synflow', 'biases', "not given with criterion 'synflow' (R is taken with the biases zero, as in the paper)", 'given');
    check(Array.isArray(o.biases) && o.biases.length === layers.length, 'biases', `an array of ${layers.length} Float32Array, layer j's of its outputs' length`, o.biases);
    biases = (o.biases as unknown[]).map((b, j) => {
      check(b instanceof Float32Array && b.length === layers[j]!.N, `biases[${j}]`, `a Float32Array of length layers[${j}].outputs = ${layers[j]!.N}`, b);
      checkFiniteArray(b, `biases[${j}]`);
      return b;
    });
  } else {
    biases = layers.map((l) => new Float32Array(l.N));
  }
  if (criterion !== 'synflow') check(o.synflow === undefined, 'synflow', "given only with criterion 'synflow'", 'given');
  if (criterion !== 'movement') check(o.movement === undefined, 'movement', "given only with criterion 'movement'", 'given');
  let data: ImageDataset | undefined;
  let batchSize = 1;
  let movement: NetCall['movement'];
  let iterations: number = SYNFLOW_DEFAULTS.iterations;
  if (criterion === 'synflow') {
    check(o.calibration === undefined, 'calibration', "not given with criterion 'synflow' (it is data-free)", 'given');
    if (o.synflow !== undefined) {
      check(method === 'pruneMasks', 'synflow', 'given only to pruneMasks (scores are one round on the network as given)', 'given');
      checkFields(o.synflow, 'synflow', ['iterations'], 'invalid-argument');
      const it = (o.synflow as SynflowApiOptions).iterations;
      if (it !== undefined) {
        check(typeof it === 'number' && Number.isInteger(it) && it >= 1 && it <= 10000, 'synflow.iterations', 'an integer in [1, 10000]', it);
        iterations = it;
      }
    }
  } else {
    check(o.calibration !== undefined, 'calibration', `{ inputs, labels, batchSize? } with criterion '${criterion}'`, o.calibration);
    const cal = checkLabeled(o.calibration, K0, classes, layers.length - 1, criterion);
    data = cal.data;
    if (criterion === 'movement') {
      check(cal.batchSize === undefined, 'calibration.batchSize', "not given with criterion 'movement' (its batch is movement.batchSize)", cal.batchSize);
      checkFields(o.movement, 'movement', ['steps', 'lr', 'batchSize'], 'invalid-argument');
      const mv = o.movement as Partial<MovementApiOptions>;
      check(typeof mv.steps === 'number' && Number.isInteger(mv.steps) && mv.steps >= 1 && mv.steps <= 10000, 'movement.steps', 'an integer in [1, 10000]', mv.steps);
      check(typeof mv.lr === 'number' && Number.isFinite(mv.lr) && mv.lr > 0 && mv.lr <= 10, 'movement.lr', 'a number in (0, 10]', mv.lr);
      batchSize = batchOption(mv.batchSize, 'movement.batchSize', data.n, Math.min(data.n, 32));
      movement = { steps: mv.steps, lr: mv.lr };
    } else {
      batchSize = calibrationBatches(data.n, cal.batchSize ?? Math.min(data.n, 256)).batchSize;
    }
  }
  const plan = chainPlan(layers);
  checkChainLimits(plan, limits, batchSize, data ? (criterion === 'movement' ? 'movement.batchSize' : 'calibration.batchSize') : 'layers');
  return { criterion, plan, layers, biases, data, batchSize, seed, movement, iterations };
}

/**
 * Builds the chain's network (prior masks in in-out layout), runs movement's
 * fine-tuning when asked, hands the network (and movement's scores) to `then`, and
 * frees everything after.
 */
async function withNet<T>(ctx: GpuContext, c: NetCall, prior: readonly Uint8Array[] | undefined, then: (net: Network, movement: MovementScores | undefined) => Promise<T>): Promise<T> {
  const values: LayerValues[] = c.layers.map((l, j) => ({ w: Float32Array.from(l.w), b: Float32Array.from(c.biases[j]!), mask: prior?.[j] ? Uint8Array.from(prior[j]!) : new Uint8Array(l.w.length).fill(1) }));
  const net = Network.create(ctx, c.plan, { values });
  let movement: MovementScores | undefined;
  try {
    if (c.criterion === 'movement') {
      movement = await MovementScores.create(net, c.layers.map((_, j) => j));
      const m = movement;
      const mv = c.movement!;
      const data = c.data!;
      // The lab's training loop for exactly mv.steps steps: epochs enough, stopped at a step boundary.
      const stop = new AbortController();
      await train(net, data, {
        epochs: Math.ceil(mv.steps / Math.floor(data.n / c.batchSize)), batchSize: c.batchSize, optimizer: { type: 'sgd', lr: mv.lr }, seed: c.seed, signal: stop.signal,
        beforeOptimizer: (pass, lr) => m.encode(pass, lr),
        afterStep: (step) => { if (step >= mv.steps) stop.abort(); },
      });
    }
    return await then(net, movement);
  } finally {
    movement?.release();
    net.destroy();
  }
}

function scoreInput(ctx: GpuContext, c: NetCall, net: Network, movement: MovementScores | undefined): ScoreInput {
  return {
    ctx, net, layers: c.layers.map((_, j) => j), batchSize: c.batchSize, seed: c.seed,
    ...(c.data ? { calibration: c.data } : {}),
    ...(movement ? { movement } : {}),
  };
}

/**
 * Per-weight scores of a network criterion, K×N per layer: taylor |Σ_b w·g_b|, snip
 * Σ_b |w·g_b|, synflow θ⊙∂R/∂θ (one round; the GPU's power-of-two scaling undone in
 * float64), movement S − min S after the fine-tuning steps.
 */
export async function netScores(ctx: GpuContext, c: NetCall): Promise<Float32Array[]> {
  return withNet(ctx, c, undefined, async (net, movement) => {
    const bufs = c.layers.map((l, j) => ctx.pool.storage(`api ${c.criterion} scores ${j}`, l.w.length * 4));
    try {
      const input = scoreInput(ctx, c, net, movement);
      let scale = 1;
      if (c.criterion === 'synflow') {
        const p = await prepareSynflow(input, bufs);
        p.run();
        p.release();
        scale = 2 ** -p.log2Scale;
      } else {
        await weightCriterion(c.criterion).score(input, bufs);
      }
      return await Promise.all(bufs.map(async (b, j) => {
        const s = new Float32Array(await readBuffer(ctx.device, b, c.layers[j]!.w.length * 4));
        if (scale !== 1) for (let i = 0; i < s.length; i++) s[i] = s[i]! * scale;
        return s;
      }));
    } finally {
      for (const b of bufs) ctx.pool.release(b);
    }
  });
}

/** Masks (K×N per layer, 1 = kept) of a network criterion through the lab's score pruner. */
export async function netMasks(ctx: GpuContext, c: NetCall, sparsity: number, scope: PruneScope, nm: { n: number; m: number } | undefined, prior: readonly Uint8Array[] | undefined): Promise<Uint8Array[]> {
  return withNet(ctx, c, prior, async (net, movement) => {
    const sp = await ScorePruner.create(net, {
      criterion: c.criterion, scope, nm, batchSize: c.batchSize, seed: c.seed,
      ...(c.data ? { calibration: c.data } : {}),
      ...(c.criterion === 'synflow' ? { synflow: { iterations: c.iterations } } : {}),
      ...(movement ? { movement } : {}),
    });
    try {
      await sp.prune(sparsity);
    } finally {
      sp.release();
    }
    return Promise.all(net.layers.map(async (l, j) => new Uint8Array((await readBuffer(ctx.device, l.mask, l.mask.size)).slice(0, c.layers[j]!.w.length))));
  });
}
