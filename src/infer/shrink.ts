// A physically smaller model from kept output units: Linear neurons or conv
// filters are removed with their bias and every weight that reads them downstream
// (the next conv's input channels, or the next Linear's inputs, which after a
// flatten are whole C planes of OH·OW features). The result is a spec and values
// for Network.create, run on the dense kernels at its smaller shapes. It equals
// the original network with those units' incoming and outgoing weights masked.
import { check } from '../errors.js';
import type { LayerValues } from '../nn/network.js';
import type { LayerSpec, ModelPlan, ModelSpec } from '../nn/spec.js';

export interface ShrunkModel {
  spec: ModelSpec;
  values: LayerValues[];
}

/**
 * `keep[i]` (one byte per output unit of prunable layer i, 1 = kept) for every
 * layer but the last, whose outputs are the classes; undefined keeps them all.
 */
export function shrinkNetwork(plan: ModelPlan, values: LayerValues[], keep: ReadonlyArray<Uint8Array | undefined>): ShrunkModel {
  const params = plan.params;
  check(values.length === params.length, 'values', `${params.length} layers`, values.length);
  check(keep.length <= params.length - 1, 'keep', `at most ${params.length - 1} entries (the last layer's outputs are the classes)`, keep.length);
  const units = params.map((op) => (op.conv ? op.conv.F : op.out));
  keep.forEach((k, i) => {
    if (k === undefined) return;
    check(k instanceof Uint8Array && k.length === units[i], `keep[${i}]`, `a Uint8Array of ${units[i]} (${params[i]!.name}'s outputs)`, k);
    check(k.some((b) => b !== 0), `keep[${i}]`, 'keeping at least one unit', 'none kept');
  });

  const out: LayerValues[] = [];
  // Kept inputs of the current layer, as indices into its input features or channels.
  let keptIn: number[] | undefined; // undefined: all
  let keptChannels: number[] | undefined;
  for (const [i, op] of params.entries()) {
    const v = values[i]!;
    const kOut = keep[i] ? [...keep[i]!.keys()].filter((u) => keep[i]![u]) : undefined;
    if (op.conv) {
      const { C, F, k } = op.conv;
      const cs = keptChannels ?? [...Array(C).keys()];
      const fs = kOut ?? [...Array(F).keys()];
      const taps = k * k;
      const n = fs.length * cs.length * taps;
      const w = new Float32Array(n);
      const mask = new Uint8Array(n);
      let o = 0;
      for (const f of fs) {
        for (const c of cs) {
          const src = (f * C + c) * taps;
          w.set(v.w.subarray(src, src + taps), o);
          mask.set(v.mask.subarray(src, src + taps), o);
          o += taps;
        }
      }
      out.push({ w, b: Float32Array.from(fs, (f) => v.b[f]!), mask });
      keptChannels = kOut;
      // A Linear after this conv (past pools and the flatten) reads whole planes.
      const next = params[i + 1];
      if (next && next.kind === 'linear') {
        const plane = next.in / F;
        keptIn = kOut ? kOut.flatMap((f) => [...Array(plane).keys()].map((j) => f * plane + j)) : undefined;
      }
    } else {
      const N = op.out;
      const ks = keptIn ?? [...Array(op.in).keys()];
      const ns = kOut ?? [...Array(N).keys()];
      const w = new Float32Array(ks.length * ns.length);
      const mask = new Uint8Array(ks.length * ns.length);
      ks.forEach((kk, a) => {
        ns.forEach((nn, b) => {
          w[a * ns.length + b] = v.w[kk * N + nn]!;
          mask[a * ns.length + b] = v.mask[kk * N + nn]!;
        });
      });
      out.push({ w, b: Float32Array.from(ns, (n) => v.b[n]!), mask });
      keptIn = kOut;
    }
  }

  // The spec: same layers, with each prunable layer's units or filters counted anew.
  let pi = 0;
  const layers: LayerSpec[] = plan.spec.layers.map((l) => {
    if (l.type !== 'linear' && l.type !== 'conv2d') return { ...l };
    const i = pi++;
    const k = keep[i];
    const n = k ? k.reduce((t, b) => t + (b ? 1 : 0), 0) : undefined;
    if (l.type === 'linear') return { ...l, units: n ?? l.units };
    return { ...l, filters: n ?? l.filters };
  });
  const spec: ModelSpec = { ...plan.spec, layers, name: `${plan.name} (shrunk)` };
  return { spec, values: out };
}

/**
 * Keeps the `fraction` of units with the largest L1 norm of incoming kept weights
 * (ties: lower index), per hidden layer. `roundTo` rounds each kept count to the
 * nearest multiple (at least one multiple, at most all units), as Torch-Pruning's
 * round_to does: aligned widths let the vec4 kernels run (a multiple of 4).
 */
export function keepByNorm(plan: ModelPlan, values: LayerValues[], fraction: number, roundTo = 1): Uint8Array[] {
  check(fraction > 0 && fraction <= 1, 'fraction', 'a number in (0, 1]', fraction);
  check(Number.isInteger(roundTo) && roundTo >= 1, 'roundTo', 'an integer ≥ 1', roundTo);
  return plan.params.slice(0, -1).map((op, i) => {
    const v = values[i]!;
    const units = op.conv ? op.conv.F : op.out;
    const norms = new Float64Array(units);
    for (let j = 0; j < v.w.length; j++) {
      if (!v.mask[j]) continue;
      const u = op.conv ? Math.floor(j / (op.weightCount / units)) : j % units;
      norms[u] += Math.abs(v.w[j]!);
    }
    const order = [...norms.keys()].sort((a, b) => norms[b]! - norms[a]! || a - b);
    const keep = new Uint8Array(units);
    const n = Math.max(1, Math.round(fraction * units));
    const rounded = roundTo === 1 ? n : Math.min(units, Math.max(roundTo, Math.round(n / roundTo) * roundTo));
    for (const u of order.slice(0, rounded)) keep[u] = 1;
    return keep;
  });
}
