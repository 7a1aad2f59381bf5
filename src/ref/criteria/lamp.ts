// CPU oracle of LAMP (Lee, Park, Mo, Ahn & Shin 2021, "Layer-adaptive sparsity for the
// magnitude-based pruning", eq. 2): within one layer, with the weights sorted by |w|
// ascending (ties by index), score(u) = w_u² / Σ_{v ≥ u} w_v²; 0 where that sum is 0.
// Sums in float64.
export function lampScores(w: Float32Array): Float64Array {
  const n = w.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(w[a]!) - Math.abs(w[b]!) || a - b);
  const out = new Float64Array(n);
  let suffix = 0;
  for (let t = n - 1; t >= 0; t--) {
    const i = order[t]!;
    const sq = w[i]! * w[i]!;
    suffix += sq;
    out[i] = suffix > 0 ? sq / suffix : 0;
  }
  return out;
}
