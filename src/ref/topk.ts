// CPU oracle for the exact top-k magnitude masks, with the same rules as the GPU:
// k = round(s·N) per group; already-masked weights are pruned first and stay pruned;
// ties at the threshold are pruned lowest global index first.
import { pruneCount } from './mask.js';

export interface TopkRefResult {
  masks: Uint8Array[];
  /** Per group: the largest pruned |w| (0 when nothing was pruned). */
  thresholds: number[];
}

export function topkMasksRef(layers: readonly Float32Array[], sparsity: number, scope: 'global' | 'local', masks?: readonly Uint8Array[]): TopkRefResult {
  const groups = scope === 'global' ? [layers.map((_, i) => i)] : layers.map((_, i) => [i]);
  const out = layers.map((l, i) => (masks ? Uint8Array.from(masks[i]!) : new Uint8Array(l.length).fill(1)));
  const thresholds: number[] = [];
  for (const g of groups) {
    // (key, layer, index): key 0 for masked, else |w| + 1 ordering (compare |w| with masked first).
    const items: Array<{ masked: boolean; mag: number; layer: number; i: number }> = [];
    for (const li of g) {
      const w = layers[li]!;
      for (let i = 0; i < w.length; i++) items.push({ masked: out[li]![i] === 0, mag: Math.abs(w[i]!), layer: li, i });
    }
    const k = pruneCount(sparsity, items.length);
    items.sort((a, b) => (a.masked !== b.masked ? (a.masked ? -1 : 1) : a.mag - b.mag || a.layer - b.layer || a.i - b.i));
    let thr = 0;
    for (let j = 0; j < items.length; j++) {
      const it = items[j]!;
      if (j < k || it.masked) {
        out[it.layer]![it.i] = 0;
        if (j < k && !it.masked) thr = it.mag;
      }
    }
    thresholds.push(thr);
  }
  return { masks: out, thresholds };
}
