// CPU oracles of the unit criteria l1, l2, taylor and norm-product (the raw scores of
// src/prune/structured.ts's scoreUnits, which reduces on the GPU),
// written over the weight tensors' shapes: Linear W[k][n] = w[k·N + n] (in × out),
// conv W[f][c][q] = w[(f·C + c)·k² + q]; a unit is an output column (Linear) or a filter.
import type { ModelPlan } from '../../nn/spec.js';
import type { LayerValues } from '../../nn/network.js';

function incoming(plan: ModelPlan, w: Float32Array, i: number, u: number): number[] {
  const op = plan.params[i]!;
  const out: number[] = [];
  if (op.conv) {
    const { C, k } = op.conv;
    for (let c = 0; c < C; c++) for (let q = 0; q < k * k; q++) out.push(w[(u * C + c) * k * k + q]!);
  } else {
    for (let k = 0; k < op.in; k++) out.push(w[k * op.out + u]!);
  }
  return out;
}

/** The next layer's weights that read unit u of layer i. */
function outgoing(plan: ModelPlan, wn: Float32Array, i: number, u: number): number[] {
  const op = plan.params[i]!;
  const next = plan.params[i + 1]!;
  const out: number[] = [];
  if (next.conv) {
    const { C, k, F } = next.conv;
    for (let f = 0; f < F; f++) for (let q = 0; q < k * k; q++) out.push(wn[(f * C + u) * k * k + q]!);
    return out;
  }
  const units = op.conv ? op.conv.F : op.out;
  const per = next.in / units; // flattened positions per channel (1 after a Linear)
  for (let p = 0; p < per; p++) for (let n = 0; n < next.out; n++) out.push(wn[(u * per + p) * next.out + n]!);
  return out;
}

const norm2 = (a: number[]): number => Math.sqrt(a.reduce((t, x) => t + x * x, 0));

/** Σ|w| (l1) or ‖w‖₂ (l2) of each unit's incoming weights, layer i. */
export function unitNormRef(plan: ModelPlan, values: LayerValues[], i: number, criterion: 'l1' | 'l2'): number[] {
  const op = plan.params[i]!;
  const units = op.conv ? op.conv.F : op.out;
  return Array.from({ length: units }, (_, u) => {
    const w = incoming(plan, values[i]!.w, i, u);
    return criterion === 'l1' ? w.reduce((t, x) => t + Math.abs(x), 0) : norm2(w);
  });
}

/** ‖in‖₂·‖out‖₂ per unit of layer i (not the last). */
export function normProductRef(plan: ModelPlan, values: LayerValues[], i: number): number[] {
  const op = plan.params[i]!;
  const units = op.conv ? op.conv.F : op.out;
  return Array.from({ length: units }, (_, u) => norm2(incoming(plan, values[i]!.w, i, u)) * norm2(outgoing(plan, values[i + 1]!.w, i, u)));
}

/** (Σ_{s ∈ unit} t_s)² per unit of layer i, for t the per-weight Σ w·g. */
export function unitTaylorRef(plan: ModelPlan, t: Float32Array | Float64Array, i: number): number[] {
  const op = plan.params[i]!;
  const units = op.conv ? op.conv.F : op.out;
  return Array.from({ length: units }, (_, u) => incoming(plan, Float32Array.from(t), i, u).reduce((a, x) => a + x, 0) ** 2);
}
