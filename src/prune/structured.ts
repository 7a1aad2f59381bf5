// Structured pruning: rank Linear output neurons and Conv2d filters (per layer, or
// globally with the normalized scores below, so that layers of different size
// compare), then physically remove them: the unit's weights and bias, and the
// matching inputs of the next layer. The result is a smaller dense model. The last
// layer's outputs (the classes) are never removed. Criteria:
// - l1, l2: the norm of the unit's incoming weights; normalized by fan-in (mean |w|
//   for L1, RMS for L2);
// - taylor (Molchanov et al. 2019, eq. 4): (Σ_{s ∈ unit} w_s·g_s)², the squared
//   first-order loss change of removing the unit's incoming weights, with w_s·g_s the
//   per-weight sums Σ_b w·∂L_b/∂w over the calibration batches (the GPU gradients of
//   src/prune/criteria/gradients.ts, summed per unit on the GPU). Already a loss
//   change, comparable across layers: normalized = raw;
// - norm-product: ‖incoming weights of the unit‖₂ · ‖outgoing weights‖₂ (the next
//   layer's weights that read the unit: a Linear row, a conv's input channel over all
//   filters and taps, or the flattened positions of a channel); normalized by
//   √(fan-in · fan-out), the product of the two RMS values.
// The per-weight reductions run on the GPU (scoreUnits: shaders/unit-reduce.wgsl) and
// only U sums per layer come back; ranking and the exact count then run on the CPU,
// which is fine for unit counts (a few thousand at most) and keeps the documented
// tie-break (lower score, then lower layer, then lower unit) exact.
import { PruneLabError, check } from '../errors.js';
import type { LayerValues, Network } from '../nn/network.js';
import type { ImageDataset } from '../data/dataset.js';
import { planModel, type ModelPlan, type ModelSpec } from '../nn/spec.js';
import { shrinkNetwork } from '../infer/shrink.js';
import { readBuffer } from '../gpu/readback.js';
import type { LayerRule } from './magnitude.js';
import { UNIT_CRITERIA, type UnitCriterionName } from './criteria/criterion.js';
import { calibrationGradients } from './criteria/gradients.js';
import { prepareUnitReduce, type UnitReduceOp, type UnitSlices } from '../kernels/unit-reduce.js';
import { runKernels, type BoundKernel } from '../kernels/kernel.js';

export type Criterion = UnitCriterionName;

/** Output units of a prunable layer: Linear neurons or Conv2d filters. */
export function unitCount(plan: ModelPlan, i: number): number {
  const op = plan.params[i]!;
  return op.conv ? op.conv.F : op.out;
}

function fanIn(plan: ModelPlan, i: number): number {
  const op = plan.params[i]!;
  return op.conv ? op.conv.C * op.conv.k * op.conv.k : op.in;
}

/** Unit u of layer i's incoming weights as slices of its weight array (see shaders/unit-reduce.wgsl). */
export function incomingSlices(plan: ModelPlan, i: number): UnitSlices {
  const op = plan.params[i]!;
  const f = fanIn(plan, i);
  // Linear weights are K×N (in × out): unit u is column u. Conv weights are F×C×k×k: filter u is one block.
  return op.conv
    ? { units: op.conv.F, outer: 1, inner: f, unitStride: f, outerStride: 0 }
    : { units: op.out, outer: op.in, inner: 1, unitStride: 1, outerStride: op.out };
}

/** The weights of layer i + 1 that read unit u of layer i, as slices of its weight array. */
export function outgoingSlices(plan: ModelPlan, i: number): UnitSlices {
  const next = plan.params[i + 1]!;
  const units = unitCount(plan, i);
  if (next.conv) {
    // Input channel u of every filter: F blocks of k² taps, C·k² apart.
    const { C, k, F } = next.conv;
    return { units, outer: F, inner: k * k, unitStride: k * k, outerStride: C * k * k };
  }
  // Rows u·per … u·per + per − 1 of the next K×N Linear (per flattened positions per channel, 1 after a Linear).
  const per = next.in / units;
  return { units, outer: 1, inner: per * next.out, unitStride: per * next.out, outerStride: 0 };
}

/** What the unit criterion 'taylor' needs: the calibration batches of its Σ w·g. */
export interface UnitTaylorInput {
  calibration: ImageDataset;
  batchSize: number;
  seed?: number;
}

/**
 * Raw scores of every unit of every layer but the last (plan.params order), with the
 * per-weight work on the GPU: the unit-reduce kernel sums |w| (l1), w² (l2; and for
 * norm-product the next layer's outgoing w² too) or the per-weight Σ_b w·∂L_b/∂w of
 * the calibration batches (taylor) over each unit's slice, and only the unit sums
 * (U per layer, a few thousand at most) are read back, once. The square roots,
 * squares and products of those sums are taken here in f64. Raw scores: l1 Σ|w|,
 * l2 ‖w‖₂, taylor (Σ w·g)², norm-product ‖in‖₂·‖out‖₂; the CPU oracles are in
 * src/ref/criteria/units.ts.
 */
export async function scoreUnits(net: Network, criterion: Criterion, taylor?: UnitTaylorInput): Promise<number[][]> {
  check((UNIT_CRITERIA as readonly string[]).includes(criterion), 'criterion', `one of ${UNIT_CRITERIA.join(', ')}`, criterion);
  if (criterion === 'taylor') check(taylor !== undefined, 'taylor', 'the calibration set of the Taylor sums (criterion taylor)', taylor);
  const { ctx, plan } = net;
  const hidden = plan.params.length - 1;
  if (hidden < 1) return [];
  const pool = ctx.pool;
  const acc = criterion === 'taylor' ? net.layers.slice(0, hidden).map((l) => pool.storage(`${l.op.name} Σ w·g`, l.op.weightCount * 4)) : [];
  const kernels: BoundKernel[] = [];
  const jobs: Array<{ x: GPUBuffer; s: UnitSlices; op: UnitReduceOp; at: number }> = [];
  let total = 0;
  const add = (x: GPUBuffer, s: UnitSlices, op: UnitReduceOp): number => {
    jobs.push({ x, s, op, at: total });
    total += s.units;
    return total - s.units;
  };
  const at: Array<{ a: number; b?: number }> = [];
  for (let i = 0; i < hidden; i++) {
    if (criterion === 'taylor') at.push({ a: add(acc[i]!, incomingSlices(plan, i), 'sum') });
    else if (criterion === 'norm-product') at.push({ a: add(net.layers[i]!.w, incomingSlices(plan, i), 'square'), b: add(net.layers[i + 1]!.w, outgoingSlices(plan, i), 'square') });
    else at.push({ a: add(net.layers[i]!.w, incomingSlices(plan, i), criterion === 'l1' ? 'abs' : 'square') });
  }
  const out = pool.storage('unit sums', total * 4);
  try {
    if (criterion === 'taylor') {
      const t = taylor!;
      await calibrationGradients({ ctx, net, layers: acc.map((_, i) => i), calibration: t.calibration, batchSize: t.batchSize, seed: t.seed ?? 0 }, acc, 'signed');
    }
    for (const j of jobs) kernels.push(await prepareUnitReduce(ctx, { ...j.s, op: j.op, x: j.x, out, outOffset: j.at, label: `unit-reduce ${criterion} ${j.x.label}` }));
    runKernels(ctx, `unit scores ${criterion}`, kernels);
    const sums = new Float32Array(await readBuffer(ctx.device, out, total * 4));
    // A NaN (an overflowed gradient sum) scores 0, as the weight criteria's safe(): the ranking stays a total order.
    return at.map(({ a, b }, i) => Array.from({ length: unitCount(plan, i) }, (_, u) => {
      const s = sums[a + u]!;
      const v = criterion === 'l1' ? s : criterion === 'l2' ? Math.sqrt(s) : criterion === 'taylor' ? s * s : Math.sqrt(s) * Math.sqrt(sums[b! + u]!);
      return Number.isNaN(v) ? 0 : v;
    }));
  } finally {
    for (const k of kernels) k.release();
    for (const b of [...acc, out]) pool.release(b);
  }
}

/**
 * Raw scores of layer i's units made comparable across layers (global ranking): l1 by
 * fan-in (mean |w|), l2 by √fan-in (RMS), norm-product by √(fan-in·fan-out) (the
 * product of the two RMS values); taylor is already a loss change and stays raw.
 */
export function normalizedUnitScores(plan: ModelPlan, i: number, criterion: Criterion, raw: readonly number[]): number[] {
  const f = fanIn(plan, i);
  const norm = criterion === 'l1' ? f : criterion === 'l2' ? Math.sqrt(f) : criterion === 'taylor' ? 1 : (() => {
    const o = outgoingSlices(plan, i);
    return Math.sqrt(f * o.outer * o.inner);
  })();
  return raw.map((s) => s / norm);
}

export interface StructuredSelection {
  /** Per prunable layer (plan.params order): the unit indices removed this time, ascending. */
  removed: number[][];
}

/** How selectUnits names a refusal: the field and code (the lab's config, or the scripting API's argument) and each layer. */
export interface SelectionNames {
  field: string;
  code: 'invalid-config' | 'invalid-argument';
  layer: (i: number) => string;
}

/**
 * Chooses units to remove so that each layer (local) or the pooled layers (global)
 * reach `fraction` of their ORIGINAL unit counts removed: local, round(fraction·U_i)
 * per layer; global, Σ_i round(fraction·U_i) over the pooled layers, the lowest
 * normalized scores (normalizedUnitScores) first. `original[i]` is layer i's unit
 * count before any round; `scores[i]` the raw scores of layer i's current units
 * (scoreUnits), for every layer but the last. Ties go to the lower layer, then the
 * lower unit index. Refuses to empty a layer.
 */
export function selectUnits(
  plan: ModelPlan, o: { fraction: number; criterion: Criterion; scope: 'global' | 'local'; rules?: Record<string, LayerRule>; original: number[]; scores: readonly (readonly number[])[]; names?: SelectionNames },
): StructuredSelection {
  const last = plan.params.length - 1;
  const names: SelectionNames = o.names ?? { field: 'prune.targetSparsity', code: 'invalid-config', layer: (i) => plan.params[i]!.name };
  for (let i = 0; i < last; i++) check(o.scores[i]?.length === unitCount(plan, i), `scores[${i}]`, `the ${unitCount(plan, i)} raw unit scores of layer ${plan.params[i]!.name} (scoreUnits)`, o.scores[i]?.length);
  const removed: number[][] = plan.params.map(() => []);
  const pooled: Array<{ layer: number; unit: number; score: number }> = [];
  let pooledTarget = 0;
  plan.params.forEach((op, i) => {
    if (i === last) return;
    const rule = o.rules?.[op.name];
    if (rule?.exclude) return;
    const now = unitCount(plan, i);
    const orig = o.original[i]!;
    const frac = rule?.sparsity ?? o.fraction;
    const raw = o.scores[i]!;
    if (o.scope === 'local' || rule?.sparsity !== undefined) {
      const keep = orig - Math.round(frac * orig);
      if (keep < 1) {
        throw new PruneLabError(names.code, `structured pruning at ${frac} would remove every one of ${names.layer(i)}'s ${orig} units; use a smaller ${names.field} (at most ${((orig - 1) / orig).toFixed(4)}) or exclude the layer`, names.field);
      }
      const order = raw.map((s, u) => [s, u] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      removed[i] = order.slice(0, Math.max(0, now - keep)).map(([, u]) => u).sort((a, b) => a - b);
    } else {
      normalizedUnitScores(plan, i, o.criterion, raw).forEach((score, unit) => pooled.push({ layer: i, unit, score }));
      pooledTarget += Math.round(frac * orig) - (orig - now);
    }
  });
  if (pooled.length > 0 && pooledTarget > 0) {
    pooled.sort((a, b) => a.score - b.score || a.layer - b.layer || a.unit - b.unit);
    for (const p of pooled.slice(0, pooledTarget)) removed[p.layer]!.push(p.unit);
    removed.forEach((r, i) => {
      r.sort((a, b) => a - b);
      if (r.length > 0 && r.length >= unitCount(plan, i)) {
        throw new PruneLabError(names.code, `global structured pruning at ${o.fraction} would remove every unit of ${names.layer(i)}; use a smaller ${names.field}, local scope, or exclude the layer`, names.field);
      }
    });
  }
  return { removed };
}

/**
 * The smaller model: a new spec (the same name) and its values, with the removed units
 * gone. One shrinker serves structured pruning, the sparse path and ONNX export
 * (src/infer/shrink.ts); the selection becomes its keep masks (the last layer's
 * outputs, the classes, are never removed).
 */
export function shrink(plan: ModelPlan, values: LayerValues[], sel: StructuredSelection): { spec: ModelSpec; values: LayerValues[] } {
  const last = plan.params.length - 1;
  check(sel.removed.length === plan.params.length && sel.removed[last]!.length === 0, 'sel.removed', `${plan.params.length} lists of unit indices, the last (the classes) empty`, sel.removed.length);
  const keep = plan.params.slice(0, last).map((_, i) => {
    const k = new Uint8Array(unitCount(plan, i)).fill(1);
    for (const u of sel.removed[i]!) k[u] = 0;
    return k;
  });
  const small = shrinkNetwork(plan, values, keep);
  const spec: ModelSpec = { ...small.spec, name: plan.spec.name };
  if (spec.name === undefined) delete spec.name;
  planModel(spec); // the shrunk spec must itself be valid
  return { spec, values: small.values };
}

/** The same selection as masks on the original shapes (unit weights and bias zeroed): the reference the shrunk model must equal. */
export function maskUnits(plan: ModelPlan, values: LayerValues[], sel: StructuredSelection): LayerValues[] {
  return values.map((v, i) => {
    const w = Float32Array.from(v.w);
    const b = Float32Array.from(v.b);
    const mask = Uint8Array.from(v.mask);
    const sl = incomingSlices(plan, i);
    for (const u of sel.removed[i]!) {
      for (let a = 0; a < sl.outer; a++) for (let t = 0; t < sl.inner; t++) {
        const j = u * sl.unitStride + a * sl.outerStride + t;
        w[j] = 0;
        mask[j] = 0;
      }
      b[u] = 0;
    }
    return { w, b, mask };
  });
}
