// The two percentiles scikit-learn's gradient boosting reads: numpy's (linear
// interpolation, the init estimator's median) and sklearn.utils.stats'
// _weighted_percentile (no interpolation: the first value whose weight CDF reaches
// the percentile; the losses' medians and Huber's gamma).
import { percentile as sortedPercentile } from '../../metrics/latency.js';

/** np.percentile(values, q) with the default 'linear' method (the latency module's, on a sorted copy). */
export function percentile(values: ArrayLike<number>, q: number): number {
  return sortedPercentile(Float64Array.from(values).sort(), q);
}

/** sklearn.utils.stats._weighted_percentile(values, weights, q) for 1-D input. */
export function weightedPercentile(values: ArrayLike<number>, weights: ArrayLike<number>, q: number): number {
  const n = values.length;
  const idx = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const cdf = new Float64Array(n);
  let s = 0;
  for (let k = 0; k < n; k++) cdf[k] = s += weights[idx[k]!]!;
  let target = (q / 100) * cdf[n - 1]!;
  // For q = 0, leading rows of weight 0 are skipped (np.nextafter(0, 1)).
  if (target === 0) target = Number.MIN_VALUE;
  // np.searchsorted(cdf, target, side='left'), clipped to the last row.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return values[idx[Math.min(lo, n - 1)]!]!;
}
