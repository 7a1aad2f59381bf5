// Structured pruning: rank Linear output neurons and Conv2d filters (per layer, or
// globally with the normalized scores below, so that layers of different size
// compare), then physically remove them: the unit's weights and bias, and the
// matching inputs of the next layer. The result is a smaller dense model. The last
// layer's outputs (the classes) are never removed. Criteria:
// - l1, l2: the norm of the unit's incoming weights; normalized by fan-in (mean |w|
//   for L1, RMS for L2);
// - taylor (Molchanov et al. 2019, eq. 4): (Σ_{s ∈ unit} w_s·g_s)², the squared
//   first-order loss change of removing the unit's incoming weights, with w_s·g_s the
//   per-weight sums Σ_b w·∂L_b/∂w over the calibration batches (unitTaylorSums: the
//   GPU gradients of src/prune/criteria/gradients.ts, read back once). Already a loss
//   change, comparable across layers: normalized = raw;
// - norm-product: ‖incoming weights of the unit‖₂ · ‖outgoing weights‖₂ (the next
//   layer's weights that read the unit: a Linear row, a conv's input channel over all
//   filters and taps, or the flattened positions of a channel); normalized by
//   √(fan-in · fan-out), the product of the two RMS values.
// Runs on the CPU over values read once per round.
import { PruneLabError, check } from '../errors.js';
import type { LayerValues, Network } from '../nn/network.js';
import type { ImageDataset } from '../data/dataset.js';
import { planModel, type LayerSpec, type ModelPlan, type ModelSpec } from '../nn/spec.js';
import { readBuffer } from '../gpu/readback.js';
import type { LayerRule } from './magnitude.js';
import type { UnitCriterionName } from './criteria/criterion.js';
import { calibrationGradients } from './criteria/gradients.js';

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

/** The weights feeding unit u of layer i, as flat indices into its weight array. */
function unitWeights(plan: ModelPlan, i: number, u: number): number[] {
  const op = plan.params[i]!;
  const f = fanIn(plan, i);
  // Linear weights are K×N (in × out): unit u is column u. Conv weights are F×C×k×k: filter u is one block.
  return op.conv ? Array.from({ length: f }, (_, j) => u * f + j) : Array.from({ length: f }, (_, k) => k * op.out + u);
}

/** The weights of layer i + 1 that read unit u of layer i, as flat indices into its weight array. */
function outgoingWeights(plan: ModelPlan, i: number, u: number): number[] {
  const next = plan.params[i + 1]!;
  const inputs = keptInputs(plan, i + 1, [u]);
  if (next.conv) {
    const { C, k, F } = next.conv;
    const out: number[] = [];
    for (let f = 0; f < F; f++) for (const c of inputs) for (let q = 0; q < k * k; q++) out.push((f * C + c) * k * k + q);
    return out;
  }
  return inputs.flatMap((r) => Array.from({ length: next.out }, (_, n) => r * next.out + n));
}

/** Score of each unit of layer i (raw, and normalized for global ranking); `taylor` holds the per-weight Σ w·g of every layer (criterion 'taylor'). */
export function unitScores(plan: ModelPlan, values: LayerValues[], i: number, criterion: Criterion, taylor?: readonly Float32Array[]): { raw: number[]; normalized: number[] } {
  const w = values[i]!.w;
  const f = fanIn(plan, i);
  const raw: number[] = [];
  const units = unitCount(plan, i);
  if (criterion === 'taylor') {
    const t = taylor?.[i];
    check(t !== undefined && t.length === w.length, `taylor[${i}]`, `the Σ w·g of layer ${plan.params[i]!.name} (${w.length} values; unitTaylorSums)`, t);
    for (let u = 0; u < units; u++) {
      let s = 0;
      for (const j of unitWeights(plan, i, u)) s += t[j]!;
      raw.push(s * s);
    }
    return { raw, normalized: raw };
  }
  if (criterion === 'norm-product') {
    check(i + 1 < plan.params.length, 'layer', 'a layer with a next layer (the classes are never scored)', plan.params[i]!.name);
    const wn = values[i + 1]!.w;
    let fanOut = 0;
    for (let u = 0; u < units; u++) {
      let a = 0;
      for (const j of unitWeights(plan, i, u)) a += w[j]! * w[j]!;
      const out = outgoingWeights(plan, i, u);
      fanOut = out.length;
      let b = 0;
      for (const j of out) b += wn[j]! * wn[j]!;
      raw.push(Math.sqrt(a) * Math.sqrt(b));
    }
    const norm = Math.sqrt(f * fanOut);
    return { raw, normalized: raw.map((s) => s / norm) };
  }
  for (let u = 0; u < units; u++) {
    let s = 0;
    for (const j of unitWeights(plan, i, u)) s += criterion === 'l1' ? Math.abs(w[j]!) : w[j]! * w[j]!;
    raw.push(criterion === 'l1' ? s : Math.sqrt(s));
  }
  const norm = criterion === 'l1' ? f : Math.sqrt(f);
  return { raw, normalized: raw.map((s) => s / norm) };
}

/**
 * The per-weight sums Σ_b w·∂L_b/∂w over the calibration batches for every prunable
 * layer (plan.params order), from the GPU gradients (one readback at the end): the
 * input of unit criterion 'taylor'.
 */
export async function unitTaylorSums(net: Network, calibration: ImageDataset, batchSize: number, seed = 0): Promise<Float32Array[]> {
  const ctx = net.ctx;
  const layers = net.layers.map((_, i) => i);
  const acc = net.layers.map((l) => ctx.pool.storage(`${l.op.name} Σ w·g`, l.op.weightCount * 4));
  try {
    await calibrationGradients({ ctx, net, layers, calibration, batchSize, seed }, acc, 'signed');
    return await Promise.all(acc.map(async (b, i) => new Float32Array(await readBuffer(ctx.device, b, net.layers[i]!.op.weightCount * 4))));
  } finally {
    for (const b of acc) ctx.pool.release(b);
  }
}

export interface StructuredSelection {
  /** Per prunable layer (plan.params order): the unit indices removed this time, ascending. */
  removed: number[][];
}

/**
 * Chooses units to remove so that each layer (local) or the pooled layers (global)
 * reach `fraction` of their ORIGINAL unit counts removed. `original[i]` is layer i's
 * unit count before any round. Ties go to the lower unit index. Refuses to empty a layer.
 */
export function selectUnits(
  plan: ModelPlan, values: LayerValues[], o: { fraction: number; criterion: Criterion; scope: 'global' | 'local'; rules?: Record<string, LayerRule>; original: number[]; taylor?: readonly Float32Array[] },
): StructuredSelection {
  const last = plan.params.length - 1;
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
    const scores = unitScores(plan, values, i, o.criterion, o.taylor);
    if (o.scope === 'local' || rule?.sparsity !== undefined) {
      const keep = orig - Math.round(frac * orig);
      if (keep < 1) {
        throw new PruneLabError('invalid-config', `structured pruning at ${frac} would remove every one of ${op.name}'s ${orig} units; use a smaller prune.targetSparsity (at most ${((orig - 1) / orig).toFixed(4)}) or exclude the layer`, 'prune.targetSparsity');
      }
      const order = scores.raw.map((s, u) => [s, u] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      removed[i] = order.slice(0, Math.max(0, now - keep)).map(([, u]) => u).sort((a, b) => a - b);
    } else {
      scores.normalized.forEach((score, unit) => pooled.push({ layer: i, unit, score }));
      pooledTarget += Math.round(frac * orig) - (orig - now);
    }
  });
  if (pooled.length > 0 && pooledTarget > 0) {
    pooled.sort((a, b) => a.score - b.score || a.layer - b.layer || a.unit - b.unit);
    for (const p of pooled.slice(0, pooledTarget)) removed[p.layer]!.push(p.unit);
    removed.forEach((r, i) => {
      r.sort((a, b) => a - b);
      if (r.length > 0 && r.length >= unitCount(plan, i)) {
        throw new PruneLabError('invalid-config', `global structured pruning at ${o.fraction} would remove every unit of ${plan.params[i]!.name}; use a smaller prune.targetSparsity, local scope, or exclude the layer`, 'prune.targetSparsity');
      }
    });
  }
  return { removed };
}

/** Input indices of layer j that come from the kept units of the layer before it. */
function keptInputs(plan: ModelPlan, j: number, keptPrev: number[]): number[] {
  const op = plan.params[j]!;
  const prevUnits = unitCount(plan, j - 1);
  if (op.conv) return keptPrev; // input channels
  const per = op.in / prevUnits; // spatial positions per channel after flatten (1 after a Linear)
  return keptPrev.flatMap((c) => Array.from({ length: per }, (_, p) => c * per + p));
}

/** The smaller model: a new spec and its values, with the removed units gone. */
export function shrink(plan: ModelPlan, values: LayerValues[], sel: StructuredSelection): { spec: ModelSpec; values: LayerValues[] } {
  const kept = plan.params.map((_, i) => {
    const gone = new Set(sel.removed[i]);
    return Array.from({ length: unitCount(plan, i) }, (_, u) => u).filter((u) => !gone.has(u));
  });
  const out: LayerValues[] = plan.params.map((op, i) => {
    const v = values[i]!;
    const units = kept[i]!;
    const inputs = i === 0 ? null : keptInputs(plan, i, kept[i - 1]!);
    if (op.conv) {
      const { C, k } = op.conv;
      const chans = inputs ?? Array.from({ length: C }, (_, c) => c);
      const w = new Float32Array(units.length * chans.length * k * k);
      const m = new Uint8Array(w.length);
      let t = 0;
      for (const f of units) for (const c of chans) for (let q = 0; q < k * k; q++) {
        const src = (f * C + c) * k * k + q;
        w[t] = v.w[src]!;
        m[t++] = v.mask[src]!;
      }
      return { w, b: Float32Array.from(units, (u) => v.b[u]!), mask: m };
    }
    const rows = inputs ?? Array.from({ length: op.in }, (_, r) => r);
    const w = new Float32Array(rows.length * units.length);
    const m = new Uint8Array(w.length);
    rows.forEach((r, a) => units.forEach((u, b) => {
      w[a * units.length + b] = v.w[r * op.out + u]!;
      m[a * units.length + b] = v.mask[r * op.out + u]!;
    }));
    return { w, b: Float32Array.from(units, (u) => v.b[u]!), mask: m };
  });
  // The same layer list with the new unit counts.
  let p = 0;
  const layers: LayerSpec[] = plan.spec.layers.map((l) => {
    if (l.type === 'linear') return { ...l, units: kept[p++]!.length };
    if (l.type === 'conv2d') return { ...l, filters: kept[p++]!.length };
    return { ...l };
  });
  const spec: ModelSpec = { ...plan.spec, layers };
  planModel(spec); // the shrunk spec must itself be valid
  return { spec, values: out };
}

/** The same selection as masks on the original shapes (unit weights and bias zeroed): the reference the shrunk model must equal. */
export function maskUnits(plan: ModelPlan, values: LayerValues[], sel: StructuredSelection): LayerValues[] {
  return values.map((v, i) => {
    const w = Float32Array.from(v.w);
    const b = Float32Array.from(v.b);
    const mask = Uint8Array.from(v.mask);
    for (const u of sel.removed[i]!) {
      for (const j of unitWeights(plan, i, u)) {
        w[j] = 0;
        mask[j] = 0;
      }
      b[u] = 0;
    }
    return { w, b, mask };
  });
}
