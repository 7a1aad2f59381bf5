// The scripting API's unit granularity: pruneMasks and scores with granularity 'unit'
// and criterion l1, l2, taylor or norm-product. The layers are a chain (layer j+1's
// inputs = layer j's outputs, ReLU between), built as the lab's MLP, and the lab's
// structured machinery runs on it unchanged: scoreUnits (the unit-reduce kernel on the
// GPU; unit Taylor from the calibration batches' gradients) and selectUnits (the
// exact count and tie-break on the CPU, a few thousand units at most). Unit j of
// layer i is output j of layer i; the last layer's outputs are the classes and are
// never removed. Every argument is checked before anything touches the GPU.
import { check } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import type { PruneScope } from '../kernels/topk.js';
import { Network } from '../nn/network.js';
import type { ModelPlan } from '../nn/spec.js';
import { UNIT_CRITERIA, type UnitCriterionName } from '../prune/criteria/criterion.js';
import { scoreUnits, selectUnits, type UnitTaylorInput } from '../prune/structured.js';
import { shrinkNetwork } from '../infer/shrink.js';
import { chainPlan, checkChain, checkChainLimits, checkNetCall, type Shaped } from './criteria-net.js';

/** The options pruneMasks and scores take with granularity 'unit'. */
export const UNIT_OPTIONS = {
  pruneMasks: ['criterion', 'granularity', 'scope', 'calibration', 'biases', 'seed'],
  scores: ['criterion', 'granularity', 'calibration', 'biases', 'seed'],
} as const;

/** A checked unit call. */
export interface UnitCall {
  criterion: UnitCriterionName;
  plan: ModelPlan;
  layers: Shaped[];
  biases: Float32Array[];
  taylor: UnitTaylorInput | undefined;
}

/** opts asks for granularity 'unit' (the unit path then checks everything else). */
export function isUnitCall(opts: unknown): boolean {
  return typeof opts === 'object' && opts !== null && !Array.isArray(opts) && Object.hasOwn(opts, 'granularity') && (opts as { granularity?: unknown }).granularity === 'unit';
}

/** The options (names only) and the criterion of a unit call; before the layers are looked at. */
export function checkUnitOptions(o: Record<string, unknown>, method: 'pruneMasks' | 'scores'): UnitCriterionName {
  const allowed: readonly string[] = UNIT_OPTIONS[method];
  for (const k of Object.keys(o)) {
    const hint = k === 'nm' ? "; nm is for granularity 'nm'" : k === 'masks' ? '; units are removed in one shot from the layers as given: shrink them between rounds, as the lab does' : '';
    check(allowed.includes(k), k, `not an option of ${method} with granularity 'unit' (${allowed.join(', ')})${hint}`, k);
  }
  check((UNIT_CRITERIA as readonly unknown[]).includes(o.criterion), 'criterion', `one of ${UNIT_CRITERIA.join(', ')} with granularity 'unit'`, o.criterion);
  return o.criterion as UnitCriterionName;
}

/** Checks a unit call's layers (already shaped), calibration and biases; touches no GPU. */
export function checkUnitCall(criterion: UnitCriterionName, layers: Shaped[], o: Record<string, unknown>, seed: number, limits: GPUSupportedLimits, method: 'pruneMasks' | 'scores'): UnitCall {
  check(layers.length >= 2, 'layers', "at least 2 layers with granularity 'unit' (a chain: the units are the outputs of every layer but the last, whose outputs are the classes)", layers.length);
  if (criterion === 'taylor') {
    // The weight criterion taylor's chain, labelled calibration and biases, checked the same way.
    const c = checkNetCall('taylor', layers, o, seed, limits, method);
    return { criterion, plan: c.plan, layers, biases: c.biases, taylor: { calibration: c.data!, batchSize: c.batchSize, seed } };
  }
  checkChain(layers, `criterion '${criterion}'`);
  for (const k of ['calibration', 'biases'] as const) check(o[k] === undefined, k, `given only with criterion 'taylor' (${criterion} scores the weights alone)`, 'given');
  const plan = chainPlan(layers);
  checkChainLimits(plan, limits, 1, 'layers');
  return { criterion, plan, layers, biases: layers.map((l) => new Float32Array(l.N)), taylor: undefined };
}

/**
 * Refuses, before any GPU work, a sparsity that must empty a layer: local, a layer
 * with U − round(s·U) < 1; global, Σ round(s·U_i) more than Σ U_i less one per layer.
 * (Global can still empty a layer when its scores are all the lowest: selectUnits
 * refuses that after scoring, naming sparsity too.)
 */
export function checkUnitSparsity(c: UnitCall, sparsity: number, scope: PruneScope): void {
  const U = c.layers.slice(0, -1).map((l) => l.N);
  if (scope === 'local') {
    U.forEach((u, i) => check(u - Math.round(sparsity * u) >= 1, 'sparsity', `at most ${((u - 1) / u).toFixed(4)} (local: round(s·${u}) of layers[${i}]'s ${u} units would be all of them)`, sparsity));
  } else {
    const k = U.reduce((t, u) => t + Math.round(sparsity * u), 0);
    const most = U.reduce((t, u) => t + u - 1, 0);
    check(k <= most, 'sparsity', `a value whose Σ round(s·U_i) = ${k} leaves a unit in each layer (at most ${most} of ${U.reduce((t, u) => t + u, 0)})`, sparsity);
  }
}

/** The chain's network (every weight kept), handed to `then` and destroyed after. */
async function withChain<T>(ctx: GpuContext, c: UnitCall, then: (net: Network) => Promise<T>): Promise<T> {
  const values = c.layers.map((l, j) => ({ w: l.w, b: c.biases[j]!, mask: new Uint8Array(l.w.length).fill(1) }));
  const net = Network.create(ctx, c.plan, { values });
  try {
    return await then(net);
  } finally {
    net.destroy();
  }
}

/** Raw unit scores of every layer but the last (l1 Σ|w|, l2 ‖w‖₂, taylor (Σ w·g)², norm-product ‖in‖₂·‖out‖₂). */
export async function unitScoresOf(ctx: GpuContext, c: UnitCall): Promise<Float32Array[]> {
  return withChain(ctx, c, async (net) => (await scoreUnits(net, c.criterion, c.taylor)).map((s) => Float32Array.from(s)));
}

/**
 * Per layer (K×N, in-out), 1 = kept: a removed unit's column of incoming weights is 0;
 * nothing else is (the next layer's weights that read it, and its bias, are for the
 * caller to drop or zero when shrinking). The last layer's mask is all ones.
 */
export async function unitMasksOf(ctx: GpuContext, c: UnitCall, sparsity: number, scope: PruneScope): Promise<Uint8Array[]> {
  const scores = await withChain(ctx, c, (net) => scoreUnits(net, c.criterion, c.taylor));
  const original = c.layers.map((l) => l.N);
  const names = { field: 'sparsity', code: 'invalid-argument' as const, layer: (i: number) => `layers[${i}]` };
  const { removed } = selectUnits(c.plan, { fraction: sparsity, criterion: c.criterion, scope, original, scores, names });
  return c.layers.map((l, i) => {
    const m = new Uint8Array(l.w.length).fill(1);
    for (const u of removed[i]!) for (let k = 0; k < l.K; k++) m[k * l.N + u] = 0;
    return m;
  });
}

/** What shrinkUnits gives back: the smaller chain in each layer's own layout. */
export interface ShrunkChain {
  /** K' × N' per layer (the kept inputs and units), pruned weights 0. */
  weights: Float32Array[];
  /** The kept inputs and outputs of each layer. */
  shapes: Array<{ inputs: number; outputs: number }>;
  /** The kept weights' masks (1 = kept), as the weights. */
  masks: Uint8Array[];
  /** The kept units' biases (zeros where none were given). */
  biases: Float32Array[];
  /** Per layer but the last: the indices of its kept units, ascending. */
  kept: Uint32Array[];
}

/**
 * The chain with its removed units gone (src/infer/shrink.ts, the lab's shrinker, on
 * the CPU): unit u of layer i (not the last) is removed when its whole incoming
 * column of masks[i] (in-out) is 0, taking its bias and row u of layer i+1 with it.
 * `layers`/`masks` in-out and checked; every layer but the last must keep a unit.
 */
export function shrinkChain(layers: Shaped[], masks: Uint8Array[], biases: Float32Array[]): ShrunkChain {
  const keep = layers.slice(0, -1).map((l, i) => {
    const k = new Uint8Array(l.N);
    for (let r = 0; r < l.K; r++) for (let u = 0; u < l.N; u++) if (masks[i]![r * l.N + u]) k[u] = 1;
    check(k.some((b) => b === 1), `masks[${i}]`, `keeping at least one of layers[${i}]'s ${l.N} units (a unit is removed when its whole incoming column is 0)`, 'none kept');
    return k;
  });
  const values = layers.map((l, j) => ({ w: l.w, b: biases[j]!, mask: masks[j]! }));
  const small = shrinkNetwork(chainPlan(layers), values, keep);
  const shapes = small.values.map((v, j) => {
    const outputs = v.b.length;
    return { inputs: j === 0 ? layers[0]!.K : small.values[j - 1]!.b.length, outputs };
  });
  return {
    weights: small.values.map((v) => v.w.map((w, t) => (v.mask[t] ? w : 0))),
    shapes,
    masks: small.values.map((v) => v.mask),
    biases: small.values.map((v) => v.b),
    kept: keep.map((k) => Uint32Array.from([...k.keys()].filter((u) => k[u]))),
  };
}
