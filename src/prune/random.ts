// The random-pruning control: per round, the per-layer kept counts of the magnitude
// run with the same config and seed, with seeded random masks instead. The counts
// come from a magnitude "twin" of the network run in lock-step (a clone taken after
// the baseline), from counts the caller supplies, or, where no group pools layers
// (local scope, per-layer ratios), from the ratios alone. Pruned weights stay pruned.
import { Network } from '../nn/network.js';
import { Rng } from '../rng.js';
import { pruneCount } from '../ref/mask.js';
import { pruneGroups, type LayerRule } from './magnitude.js';

/**
 * Weights kept per layer (net.layers order; excluded layers keep all) by a magnitude
 * selection at sparsity s when no group pools several layers, so that the counts do
 * not depend on the weights; null when they do (global scope over 2+ layers).
 */
export function fixedKeptCounts(net: Network, scope: 'global' | 'local', rules: Record<string, LayerRule> | undefined, s: number): number[] | null {
  const g = pruneGroups(net, scope, rules);
  const members = g.fixed.map((_, k) => g.groupOf.filter((x) => x === k).length);
  if (members.some((m) => m > 1)) return null;
  const kept = net.layers.map((l) => l.op.weightCount);
  g.layers.forEach((i, j) => {
    const n = net.layers[i]!.op.weightCount;
    kept[i] = n - pruneCount(g.fixed[g.groupOf[j]!] ?? s, n);
  });
  return kept;
}

/**
 * An exact copy of `net` on the GPU: weights, biases, masks and the optimizer state
 * with its step count, so that it trains on exactly as `net` would.
 */
export function cloneNetwork(net: Network): Network {
  const d = net.ctx.device;
  const twin = Network.create(net.ctx, net.plan, { values: net.plan.params.map((q) => ({ w: new Float32Array(q.weightCount), b: new Float32Array(q.biasCount), mask: new Uint8Array(q.weightCount) })) });
  const enc = d.createCommandEncoder({ label: 'clone network' });
  const copy = (from: GPUBuffer, to: GPUBuffer): void => enc.copyBufferToBuffer(from, 0, to, 0, Math.min(from.size, to.size));
  net.layers.forEach((l, i) => {
    const t = twin.layers[i]!;
    copy(l.w, t.w);
    copy(l.b, t.b);
    copy(l.mask, t.mask);
  });
  if (net.optimizer) {
    const o = twin.optimizerState(net.optimizer.kind);
    o.step = net.optimizer.step;
    net.optimizer.w.forEach((bufs, i) => bufs.forEach((b, k) => copy(b, o.w[i]![k]!)));
    net.optimizer.b.forEach((bufs, i) => bufs.forEach((b, k) => copy(b, o.b[i]![k]!)));
  }
  d.queue.submit([enc.finish()]);
  return twin;
}

/** Prunes each layer at random (seeded) down to `kept[i]` weights; weights already pruned stay pruned. */
export async function randomPrune(net: Network, kept: number[], seed: number): Promise<void> {
  const values = await net.readValues();
  const rng = new Rng(seed);
  values.forEach((v, i) => {
    const alive: number[] = [];
    v.mask.forEach((m, j) => {
      if (m) alive.push(j);
    });
    const drop = alive.length - kept[i]!;
    if (drop <= 0) return;
    rng.shuffle(alive);
    for (let t = 0; t < drop; t++) {
      v.mask[alive[t]!] = 0;
      v.w[alive[t]!] = 0;
    }
  });
  net.writeValues(values);
  await net.applyMasks();
}
