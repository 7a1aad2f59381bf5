// The random-pruning control: the same per-layer sparsity a magnitude selection
// would choose, with seeded random masks instead. Pruned weights stay pruned.
import type { Network } from '../nn/network.js';
import { Rng } from '../rng.js';
import { maskBytes } from '../layout/mask.js';
import { MagnitudePruner, pruneGroups, type LayerRule } from './magnitude.js';

/**
 * Weights kept per layer (net.layers order; excluded layers keep all) by a magnitude
 * selection at sparsity s, computed on scratch masks: the model is not changed.
 */
export async function magnitudeKeptCounts(net: Network, scope: 'global' | 'local', rules: Record<string, LayerRule> | undefined, s: number): Promise<number[]> {
  const pool = net.ctx.pool;
  const d = net.ctx.device;
  const sel = pruneGroups(net, scope, rules).layers;
  const scratch = sel.map((i) => pool.acquire(`${net.layers[i]!.op.name} scratch mask`, maskBytes(net.layers[i]!.op.weightCount), GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST));
  const pruner = await MagnitudePruner.create(net, scope, rules, scratch);
  const enc = d.createCommandEncoder({ label: 'copy masks to scratch' });
  sel.forEach((i, j) => enc.copyBufferToBuffer(net.layers[i]!.mask, 0, scratch[j]!, 0, scratch[j]!.size));
  d.queue.submit([enc.finish()]);
  try {
    const res = await pruner.prune(s);
    const kept = net.layers.map((l) => l.op.weightCount);
    sel.forEach((i, j) => (kept[i] = res.kept[j]!));
    return kept;
  } finally {
    pruner.release();
    for (const b of scratch) pool.release(b);
  }
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
