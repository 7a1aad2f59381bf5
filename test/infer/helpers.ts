// Shared by the inference tests: masks with rows pruned to chosen fractions, and
// real MNIST test images.
import { Rng } from '../../src/rng.js';
import { loadMnist, splitMnist, type Splits } from '../../src/data/mnist.js';
import type { LayerValues } from '../../src/nn/network.js';
import type { ModelPlan } from '../../src/nn/spec.js';

/**
 * A mask over K×N (in × out) where output n's column keeps a chosen fraction:
 * column 0 all kept, 1 half pruned, 2 99% pruned, 3 all pruned, the rest random.
 */
export function rowMask(K: number, N: number, rng: Rng, keep = 0.3): Uint8Array {
  const m = new Uint8Array(K * N);
  for (let n = 0; n < N; n++) {
    const frac = [1, 0.5, 0.01, 0][n] ?? keep;
    for (let k = 0; k < K; k++) m[k * N + n] = rng.next() < frac ? 1 : 0;
  }
  return m;
}


let splits: Promise<Splits> | undefined;
/** A seeded MNIST split (1,500 training images, 500 test images), loaded once per file. */
export function mnist(): Promise<Splits> {
  splits ??= loadMnist(location.origin).then(({ train, test }) => splitMnist(train, test, { trainSubset: 1500, validationSubset: 100, testSubset: 500, seed: 1 }));
  return splits;
}

/** Values with global magnitude masks pruning round(s·N) of all weights (smallest |w| first, ties by position). */
export function pruneGlobal(values: LayerValues[], sparsity: number): LayerValues[] {
  const all: Array<[number, number, number]> = [];
  values.forEach((v, li) => v.w.forEach((w, j) => all.push([Math.abs(w), li, j])));
  all.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const masks = values.map((v) => new Uint8Array(v.w.length).fill(1));
  for (const [, li, j] of all.slice(0, Math.round(sparsity * all.length))) masks[li]![j] = 0;
  return values.map((v, i) => ({ w: v.w.map((x, j) => (masks[i]![j] ? x : 0)), b: v.b.slice(), mask: masks[i]! }));
}

/** Indices of rows whose top two logits are closer than `eps` (a prediction there may flip on rounding). */
export function nearTies(logits: Float32Array, C: number, eps: number): Set<number> {
  const out = new Set<number>();
  for (let b = 0; b < logits.length / C; b++) {
    const row = Array.from(logits.subarray(b * C, (b + 1) * C)).sort((x, y) => y - x);
    if (row[0]! - row[1]! < eps) out.add(b);
  }
  return out;
}

/**
 * The masked twin of a shrunk model: every weight into or out of a unit that `keep`
 * removes is masked (a Linear after a conv reads whole planes of each channel).
 */
export function maskRemovedUnits(plan: ModelPlan, values: LayerValues[], keep: ReadonlyArray<Uint8Array | undefined>): LayerValues[] {
  return values.map((v, i) => {
    const op = plan.params[i]!;
    const prev = plan.params[i - 1];
    const mask = v.mask.slice();
    for (let j = 0; j < mask.length; j++) {
      let out: number;
      let inp: number;
      if (op.conv) {
        const taps = op.conv.k * op.conv.k;
        out = Math.floor(j / (op.conv.C * taps));
        inp = Math.floor((j % (op.conv.C * taps)) / taps);
      } else {
        out = j % op.out;
        const k = Math.floor(j / op.out);
        inp = prev?.conv ? Math.floor(k / (op.in / prev.conv.F)) : k;
      }
      if ((keep[i] && !keep[i]![out]) || (i > 0 && keep[i - 1] && !keep[i - 1]![inp])) mask[j] = 0;
    }
    return { w: v.w, b: v.b, mask };
  });
}
